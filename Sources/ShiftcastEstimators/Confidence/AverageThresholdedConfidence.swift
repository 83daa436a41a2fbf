import Foundation

extension EstimatorID {
    /// ATC with the max-confidence score.
    public static let atcMaxConfidence = EstimatorID("atc-mc")
    /// ATC with the negative-entropy score.
    public static let atcNegativeEntropy = EstimatorID("atc-ne")
}

/// ATC — average thresholded confidence (Garg, Balakrishnan, Lipton, Neyshabur & Sedghi, ICLR 2022).
///
/// A score per example — **MC** `s = max_k p_k`, or **NE** `s = Σ_k p_k log p_k` (negative
/// entropy, 0·log 0 = 0) — and a threshold `t` fitted on the source so that the fraction of
/// source examples above it equals the source accuracy; the prediction is the fraction of
/// target examples above `t`.
///
/// **Tie rule.** Scores can tie (one-hot rows, quantised outputs). shiftcast splits the tied
/// mass fractionally: with `k = acc_src · N`, `t` is the score at which
/// `#{s > t} ≤ k ≤ #{s ≥ t}`, and the share `f = (k − #{s > t}) / #{s = t}` of examples tied at
/// `t` counts as above it. The target prediction is `(#{s > t} + f · #{s = t}) / M`. Hence ATC on
/// the source set returns exactly `acc_src` — also at 100 % (t = the lowest score, f = 1) and
/// 0 % (t = the highest score, f = 0) — and only the order of scores matters, so any strictly
/// monotone transform of the score gives the same estimate.
///
/// **Departure from the reference code**, which sorts the scores, takes the score at position
/// `N − k` as the threshold and counts target scores `≥ t`: ties then count entirely above, and
/// at 100 % source accuracy it returns `t = 0`, which for NE (scores ≤ 0) predicts ~0 %.
///
/// Standard error: `sqrt(a(1−a)/M)` (the target proportion; the threshold's own sampling
/// error is not included).
public struct AverageThresholdedConfidence: Estimator {
    public enum Score: String, Sendable, CaseIterable {
        /// Maximum confidence.
        case maxConfidence = "mc"
        /// Negative entropy.
        case negativeEntropy = "ne"

        /// The score of every row.
        public func values(_ p: Predictions) -> [Double] {
            switch self {
            case .maxConfidence:
                return p.confidences.map(Double.init)
            case .negativeEntropy:
                let (m, k) = (p.count, p.classCount)
                return p.probabilities.scalars.withUnsafeBufferPointer { s in
                    (0 ..< m).map { i in
                        var total = 0.0
                        for j in 0 ..< k {
                            let v = Double(s[i * k + j])
                            if v > 0 { total += v * log(v) }
                        }
                        return total
                    }
                }
            }
        }
    }

    public let score: Score
    public var id: EstimatorID { score == .maxConfidence ? .atcMaxConfidence : .atcNegativeEntropy }
    public let requirements = EstimatorRequirements(usesTemperatureScaling: true)
    public let output = EstimatorOutput.accuracy
    public let returnsSourceAccuracyOnSource = true
    public var summary: String {
        "average thresholded confidence, \(score == .maxConfidence ? "max-confidence" : "negative-entropy") score (Garg et al., 2022)"
    }
    public init(score: Score) { self.score = score }

    public func fit(_ source: SourceEvidence) throws -> any FittedEstimator {
        let labeled = source.predictions
        let threshold = ThresholdWithTies.fit(scores: score.values(labeled.predictions), fractionAbove: labeled.accuracy)
        return Fitted(id: id, score: score, classCount: labeled.classCount, threshold: threshold, sourceAccuracy: labeled.accuracy)
    }

    struct Fitted: FittedEstimator {
        let id: EstimatorID
        let score: Score
        let classCount: Int
        let threshold: ThresholdWithTies
        let sourceAccuracy: Double

        func estimate(_ target: TargetEvidence) throws -> Estimate {
            try target.requireClasses(classCount)
            let a = threshold.fractionAbove(score.values(target.predictions))
            return Estimate(estimator: id, accuracy: a,
                            standardError: Estimate.proportionStandardError(a, count: target.count),
                            settings: [.init("score", score == .maxConfidence ? "max-confidence" : "negative-entropy"),
                                       .init("threshold", "\(threshold.threshold)"),
                                       .init("tie_share", format(threshold.tieShare)),
                                       .init("source_accuracy", format(sourceAccuracy))])
        }
    }
}

/// A threshold with a fractional share for ties (see `AverageThresholdedConfidence`).
public struct ThresholdWithTies: Sendable, Equatable {
    /// `t`.
    public let threshold: Double
    /// `f`: the share of examples scoring exactly `t` that count as above it.
    public let tieShare: Double

    /// The threshold at which `(#{s > t} + f · #{s = t}) / N` equals `fractionAbove`.
    /// - Precondition: `scores` is non-empty and `fractionAbove` is in [0, 1].
    public static func fit(scores: [Double], fractionAbove: Double) -> ThresholdWithTies {
        precondition(!scores.isEmpty, "ThresholdWithTies.fit: no scores")
        let n = Double(scores.count)
        let k = Swift.min(Swift.max(fractionAbove, 0), 1) * n
        let sorted = scores.sorted(by: >)
        // Walk groups of equal scores from the highest down.
        var above = 0 // #{s > current group}
        var start = 0
        while start < sorted.count {
            var end = start + 1
            while end < sorted.count && sorted[end] == sorted[start] { end += 1 }
            let tied = end - start
            if Double(above + tied) >= k - 1e-9 * n || end == sorted.count {
                let share = Swift.min(Swift.max((k - Double(above)) / Double(tied), 0), 1)
                return ThresholdWithTies(threshold: sorted[start], tieShare: share)
            }
            above += tied
            start = end
        }
        return ThresholdWithTies(threshold: sorted[sorted.count - 1], tieShare: 1)
    }

    /// `(#{s > t} + f · #{s = t}) / M`.
    public func fractionAbove(_ scores: [Double]) -> Double {
        guard !scores.isEmpty else { return .nan }
        var above = 0, tied = 0
        for s in scores {
            if s > threshold { above += 1 } else if s == threshold { tied += 1 }
        }
        return (Double(above) + tieShare * Double(tied)) / Double(scores.count)
    }
}
