/// AC — average confidence: `AC = mean_i max_k P_tgt[i,k]`, the predicted accuracy.
///
/// Assumes the model is calibrated on the target; overconfident models under shift make AC
/// too high. Standard error: the standard error of the mean of the confidences.
public struct AverageConfidence: AccuracyEstimator {
    public let name = "ac"
    public init() {}

    public func fit(source: LabeledPredictions) throws -> Fitted { Fitted(classCount: source.classCount) }

    public struct Fitted: FittedAccuracyEstimator {
        let classCount: Int
        public func estimate(target: Predictions) throws -> Estimate {
            try requireClasses(target, classCount)
            let c = target.confidences.map(Double.init)
            return Estimate(estimator: "ac", accuracy: Statistics.mean(c), standardError: Statistics.standardErrorOfMean(c))
        }
    }
}

/// DoC — difference of confidences (Guillory et al., ICCV 2021):
/// `acc = acc_src + (AC(P_tgt) − AC(P_src))`, clipped to [0, 1].
///
/// Assumes the drop in confidence tracks the drop in accuracy. Standard error:
/// `sqrt(acc_src(1−acc_src)/N + SE(AC_tgt)² + SE(AC_src)²)`.
public struct DifferenceOfConfidences: AccuracyEstimator {
    public let name = "doc"
    public init() {}

    public func fit(source: LabeledPredictions) throws -> Fitted {
        let c = source.predictions.confidences.map(Double.init)
        return Fitted(classCount: source.classCount, sourceAccuracy: source.accuracy, sourceCount: source.count,
                      sourceConfidence: Statistics.mean(c), sourceConfidenceSE: Statistics.standardErrorOfMean(c))
    }

    public struct Fitted: FittedAccuracyEstimator {
        let classCount: Int
        public let sourceAccuracy: Double
        let sourceCount: Int
        public let sourceConfidence: Double
        let sourceConfidenceSE: Double

        public func estimate(target: Predictions) throws -> Estimate {
            try requireClasses(target, classCount)
            let c = target.confidences.map(Double.init)
            let ac = Statistics.mean(c)
            let se = (sourceAccuracy * (1 - sourceAccuracy) / Double(sourceCount)
                      + pow2(Statistics.standardErrorOfMean(c)) + pow2(sourceConfidenceSE)).squareRoot()
            return Estimate(estimator: "doc", accuracy: sourceAccuracy + ac - sourceConfidence, standardError: se,
                            settings: [.init("source_accuracy", format(sourceAccuracy)),
                                       .init("source_confidence", format(sourceConfidence))])
        }
    }
}

@inline(__always) func pow2(_ x: Double) -> Double { x * x }

/// Fixed, locale-independent formatting of a setting's number.
func format(_ x: Double) -> String {
    guard x.isFinite else { return "\(x)" }
    return "\((x * 1e6).rounded() / 1e6)"
}
