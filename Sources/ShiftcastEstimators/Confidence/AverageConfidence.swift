extension EstimatorID {
    /// Average confidence.
    public static let averageConfidence = EstimatorID("ac")
}

/// AC — average confidence: `AC = mean_i max_k P_tgt[i,k]`, the predicted accuracy.
///
/// Assumes the model is calibrated on the target; overconfident models under shift make AC
/// too high. Standard error: the standard error of the mean of the confidences.
public struct AverageConfidence: TargetOnlyEstimator {
    public let id = EstimatorID.averageConfidence
    public let requirements = EstimatorRequirements(usesSourceLabels: false, usesTemperatureScaling: true)
    public let output = EstimatorOutput.accuracy
    public let summary = "average confidence: mean max-probability (Hendrycks & Gimpel, 2017)"
    public init() {}

    public func estimateFromTarget(_ target: TargetEvidence) throws -> Estimate {
        let c = target.predictions.confidences.map(Double.init)
        return Estimate(estimator: .averageConfidence, accuracy: Statistics.mean(c), standardError: Statistics.standardErrorOfMean(c))
    }
}
