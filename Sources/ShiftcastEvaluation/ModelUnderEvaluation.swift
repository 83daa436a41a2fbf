import ShiftcastModel

/// The model under evaluation, as estimators that need `.model` see it (`ModelHandle`): the
/// network, its initialisation θ0 when known, and the labeled source rows.
public struct ModelUnderEvaluation: ModelHandle {
    public let model: MLP
    /// θ0, the shared initialisation ProjNorm fine-tunes from; nil when unknown.
    public let initial: MLP?
    /// How θ0 was recovered, for reports (`init seed 7`, `stored init weights`, `unknown`).
    public let initialDescription: String
    public let sourceFeatures: Tensor
    public let sourceLabels: [Int]
    /// Progress of long work (fine-tunes): a phase label and a fraction in [0, 1].
    public let progress: ModelEvaluator.Progress?

    public init(model: MLP, initialization: ModelFile.Initialization, sourceFeatures: Tensor, sourceLabels: [Int],
                progress: ModelEvaluator.Progress? = nil) {
        self.model = model
        switch initialization {
        case let .seed(s): initial = MLP(model.architecture, initSeed: s); initialDescription = "init seed \(s)"
        case let .weights(m): initial = m; initialDescription = "stored init weights"
        case .unknown: initial = nil; initialDescription = "unknown"
        }
        self.sourceFeatures = sourceFeatures
        self.sourceLabels = sourceLabels
        self.progress = progress
    }
}

/// An estimator that needs inputs collected from the target's rows while they stream past (the
/// model evaluator offers every batch with the model's predicted classes), handed back to it
/// in `TargetEvidence.modelInputs[id]`.
public protocol TargetRowCollecting: Estimator {
    /// A fresh collector for one target set.
    func makeCollector(columnCount: Int) -> any TargetRowCollector
}

/// Collects what an estimator needs from one target set's rows.
public protocol TargetRowCollector {
    /// Offers a batch `[rows, inputs]` and the model's predicted class of each row.
    mutating func add(_ batch: Tensor, predictedClasses: [Int])
    /// What was collected.
    var collected: any Sendable { get }
}

/// What the estimators that read target rows (`TargetRowCollecting`) keep from rows at hand all
/// at once — a model command's target and meta-sets — keyed for `TargetEvidence.modelInputs`.
/// Those that also need the model itself (ProjNorm) are left out: a model command cannot run
/// them. (The model form collects batch by batch as it reads a target: `ModelEvaluator`.)
public enum TargetRowCollection {
    /// `rows` `[M, D]` and the model's predicted class of each row.
    public static func inputs(_ estimators: [any Estimator], rows: Tensor, predictedClasses: [Int]) -> [EstimatorID: any Sendable] {
        var collected: [EstimatorID: any Sendable] = [:]
        for estimator in estimators {
            guard let collecting = estimator as? any TargetRowCollecting, !estimator.requirements.inputs.contains(.model) else { continue }
            var collector = collecting.makeCollector(columnCount: rows.columnCount)
            collector.add(rows, predictedClasses: predictedClasses)
            collected[estimator.id] = collector.collected
        }
        return collected
    }
}
