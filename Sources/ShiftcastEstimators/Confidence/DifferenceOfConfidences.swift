extension EstimatorID {
    /// Difference of confidences.
    public static let differenceOfConfidences = EstimatorID("doc")
}

/// DoC — difference of confidences (Guillory et al., ICCV 2021):
/// `acc = acc_src + (AC(P_tgt) − AC(P_src))`, clipped to [0, 1].
///
/// Assumes the drop in confidence tracks the drop in accuracy. Standard error:
/// `sqrt(acc_src(1−acc_src)/N + SE(AC_tgt)² + SE(AC_src)²)`.
public struct DifferenceOfConfidences: Estimator {
    public let id = EstimatorID.differenceOfConfidences
    public let requirements = EstimatorRequirements(usesTemperatureScaling: true)
    public let output = EstimatorOutput.accuracy
    public let returnsSourceAccuracyOnSource = true
    public let summary = "difference of confidences: source accuracy + change in average confidence (Guillory et al., 2021)"
    public init() {}

    public func fit(_ source: SourceEvidence) throws -> any FittedEstimator {
        let c = source.predictions.predictions.confidences.map(Double.init)
        return Fitted(classCount: source.classCount, sourceAccuracy: source.predictions.accuracy, sourceCount: source.predictions.count,
                      sourceConfidence: Statistics.mean(c), sourceConfidenceSE: Statistics.standardErrorOfMean(c))
    }

    struct Fitted: FittedEstimator {
        let classCount: Int
        let sourceAccuracy: Double
        let sourceCount: Int
        let sourceConfidence: Double
        let sourceConfidenceSE: Double

        func estimate(_ target: TargetEvidence) throws -> Estimate {
            try target.requireClasses(classCount)
            let c = target.predictions.confidences.map(Double.init)
            let ac = Statistics.mean(c)
            let se = (sourceAccuracy * (1 - sourceAccuracy) / Double(sourceCount)
                      + pow2(Statistics.standardErrorOfMean(c)) + pow2(sourceConfidenceSE)).squareRoot()
            return Estimate(estimator: .differenceOfConfidences, accuracy: sourceAccuracy + ac - sourceConfidence, standardError: se,
                            settings: [.init("source_accuracy", format(sourceAccuracy)),
                                       .init("source_confidence", format(sourceConfidence))])
        }
    }
}
