import ShiftcastModel

extension EstimatorID {
    /// ProjNorm, the distance between fine-tunes on the source and the pseudo-labeled target.
    public static let projNorm = EstimatorID("projnorm")
}

/// ProjNorm (Yu, Yang, Wei, Ma & Steinhardt, "Predicting Out-of-Distribution Error with the
/// Projection Norm", ICML 2022) as an estimator: a score, higher meaning more error.
///
/// Fitting fine-tunes θ_ref from θ0 on the labeled source (`ProjNormReference`); each target
/// then costs one fine-tune θ̃ from θ0 on the target's rows pseudo-labeled by the model (a
/// `ProjNormTargetSample` collected as the rows stream past), and the score is `‖θ_ref − θ̃‖₂`.
/// Needs the model itself and its initialisation θ0.
public struct ProjNorm: TargetRowCollecting {
    public let id = EstimatorID.projNorm
    public let requirements = EstimatorRequirements([.probabilities, .model])
    public let output = EstimatorOutput.score(higherMeansMoreAccurate: false)
    /// θ̃ fitted to fewer rows lands farther from θ_ref: on unshifted digits, 6.3 at 30 rows, 3.0 at 360.
    public let dependsOnSetSize = true
    public let summary = "ProjNorm: distance between fine-tunes from θ0 on the source and the pseudo-labeled target, a score (Yu et al., 2022)"
    public let configuration: ProjNormConfiguration

    public init(configuration: ProjNormConfiguration = ProjNormConfiguration()) { self.configuration = configuration }

    public func makeCollector(columnCount: Int) -> any TargetRowCollector {
        ProjNormTargetSample(columnCount: columnCount, configuration: configuration)
    }

    public func fit(_ source: SourceEvidence) throws -> any FittedEstimator {
        guard let handle = source.model as? ModelUnderEvaluation else { throw EstimatorUnavailable(.missingInput(.model)) }
        guard let initial = handle.initial else { throw EstimatorUnavailable(.noInitialization) }
        do {
            let reference = try ProjNormReference(initial: initial, sourceFeatures: handle.sourceFeatures, sourceLabels: handle.sourceLabels,
                                                  configuration: configuration) { step in
                handle.progress?("ProjNorm reference fine-tune", Double(step.iteration) / Double(max(step.totalIterations, 1)))
            }
            return Fitted(reference: reference, handle: handle)
        } catch let error as TrainingDiverged {
            throw EstimatorUnavailable(.diverged(error.during("its reference fine-tune on the source (validation) data").description))
        }
    }

    struct Fitted: FittedEstimator {
        let reference: ProjNormReference
        let handle: ModelUnderEvaluation

        func estimate(_ target: TargetEvidence) throws -> Estimate {
            try target.requireClasses(reference.initial.classCount)
            guard let sample = target.modelInputs[.projNorm] as? ProjNormTargetSample else {
                throw EstimatorUnavailable(.missingInput(.model))
            }
            do {
                let score = try reference.score(sample: sample) { step in
                    handle.progress?("ProjNorm fine-tune", Double(step.iteration) / Double(max(step.totalIterations, 1)))
                }
                let c = reference.configuration
                return .score(.projNorm, score.projNorm,
                              settings: [.init("iterations", "\(c.iterations)"), .init("learning_rate", "\(c.learningRate)"),
                                         .init("batch_size", "\(c.batchSize)"), .init("seed", "\(c.seed)"),
                                         .init("theta0", handle.initialDescription)])
            } catch let error as TrainingDiverged {
                throw EstimatorUnavailable(.diverged(error.during("its fine-tune on the pseudo-labeled target").description))
            }
        }
    }
}
