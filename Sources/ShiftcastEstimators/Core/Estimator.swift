/// An accuracy estimator under distribution shift: fitted once on the labeled in-distribution
/// validation set (the *source*), then applied to any number of unlabeled target sets.
///
/// `fit` returns a different type, `FittedEstimator`, which is the only thing that can
/// `estimate`: estimating before fitting does not compile (NannyML's `fit`/`estimate`, made a
/// type rule). What an estimator needs is declared in `requirements`; `EstimatorSuite` decides,
/// in one place, which requested estimators can run on the evidence at hand and why the others
/// cannot. See Docs/Estimators.md, "Adding an estimator".
public protocol Estimator: Sendable {
    /// The contract name.
    var id: EstimatorID { get }
    /// What the estimator needs from the model and data.
    var requirements: EstimatorRequirements { get }
    /// An accuracy, or a score that `EstimatorSuite` calibrates to an accuracy.
    var output: EstimatorOutput { get }
    /// One line for `--help` and the docs: what it computes and the reference.
    var summary: String { get }
    /// Whether, given the source itself as the target, it returns exactly the source accuracy
    /// (DoC, ATC, COTT, IM, ALine do by construction); checked by the estimator contract test.
    var returnsSourceAccuracyOnSource: Bool { get }
    /// Whether its output moves with the target's class priors alone — p(x | y) unchanged —
    /// because it compares the target's predicted-class mix with the source's (COT, COTT) or
    /// grows with the diversity of predictions (nuclear norm, dispersion, GdScore). The headline
    /// estimate reads such an estimator on a prior-balanced copy of the target.
    var dependsOnClassPriors: Bool { get }
    /// Whether its output on an unshifted target drifts with the target's row count — a
    /// distance between empirical distributions (COT, COTT), a norm or spread of the
    /// predictions (nuclear norm, dispersion, GdScore), a fine-tune on the target's rows
    /// (ProjNorm) — rather than being a mean whose expectation does not depend on it. The
    /// headline estimate reads such an estimator on sets of the meta-sets' size.
    var dependsOnSetSize: Bool { get }
    /// Fits on the labeled source.
    /// - Throws: `EstimatorUnavailable` when it cannot run on this source (a typed reason);
    ///   `InputError` for malformed input.
    func fit(_ source: SourceEvidence) throws -> any FittedEstimator
}

/// A fitted estimator: one estimate per unlabeled target set.
public protocol FittedEstimator: Sendable {
    /// - Throws: `EstimatorUnavailable` when it cannot run on this target (e.g. a fine-tune
    ///   diverged); `InputError` when the target does not match the source (class count).
    func estimate(_ target: TargetEvidence) throws -> Estimate
}

/// What an estimator needs; `EstimatorSuite` compares it with what the evidence holds.
public struct EstimatorRequirements: Sendable, Equatable {
    /// A kind of evidence about the model.
    public enum Input: String, Sendable, CaseIterable, Comparable {
        /// Class probabilities on source and target (every estimator has them).
        case probabilities
        /// The true logits (softmax inputs), not log-probabilities.
        case logits
        /// Penultimate features: the input of the last linear layer.
        case features
        /// The input rows the model reads — the source's (with their labels) and each target's —
        /// from the model form or a model command, not from stored outputs.
        case inputs
        /// The model itself, to fine-tune it, take its gradients or perturb its inputs.
        case model

        public static func < (a: Input, b: Input) -> Bool {
            allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
        }
    }

    public var inputs: Set<Input>
    /// How many models' predictions on the same rows it needs (the evaluated model counts).
    public var minimumModels: Int
    /// Whether it uses the source labels (accuracy, class priors, thresholds, calibration).
    public var usesSourceLabels: Bool
    /// Whether it reads confidences, so that temperature scaling, when on, applies to its inputs.
    public var usesTemperatureScaling: Bool

    public init(_ inputs: Set<Input> = [.probabilities], minimumModels: Int = 1, usesSourceLabels: Bool = true,
                usesTemperatureScaling: Bool = false) {
        self.inputs = inputs
        self.minimumModels = minimumModels
        self.usesSourceLabels = usesSourceLabels
        self.usesTemperatureScaling = usesTemperatureScaling
    }
}

/// What an estimator returns.
public enum EstimatorOutput: Sendable, Equatable {
    /// A predicted accuracy in [0, 1].
    case accuracy
    /// A score that only correlates with accuracy; its raw value goes in `Estimate.score`, and
    /// `EstimatorSuite` turns it into an accuracy with a calibration line fitted on labeled
    /// shifts of the validation set (`ScoreCalibration`).
    case score(higherMeansMoreAccurate: Bool)

    public var isScore: Bool { if case .score = self { return true } else { return false } }
}

extension Estimator {
    public var returnsSourceAccuracyOnSource: Bool { false }
    public var dependsOnClassPriors: Bool { false }
    public var dependsOnSetSize: Bool { false }

    /// Fits on one model's labeled source predictions alone (no other models, no model handle).
    public func fit(source: LabeledPredictions, seed: UInt64 = 0) throws -> any FittedEstimator {
        try fit(SourceEvidence(predictions: source, seed: seed))
    }
}

extension FittedEstimator {
    /// The estimate for one model's target predictions alone.
    public func estimate(target: Predictions) throws -> Estimate {
        try estimate(TargetEvidence(predictions: target))
    }
}
