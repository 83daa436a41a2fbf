import Foundation

extension EstimatorID {
    /// The dispersion score of the target's penultimate features.
    public static let dispersion = EstimatorID("dispersion")
}

/// Dispersion score (Xie, Wei, Hou, Chen & Zhang, "On the Importance of Feature Separability in
/// Predicting Out-Of-Distribution Error", NeurIPS 2023) — a score from the penultimate features
/// `H` (M × D) and the pseudo-labels `ŷ_i = argmax_k P[i,k]`:
///
///     S = log( Σ_k n_k ‖μ_k − μ‖² / (K′ − 1) )
///
/// with μ the mean of all rows, μ_k the mean of rows predicted k, n_k their count, over the K′
/// classes with n_k > 0. Higher (better separated clusters) means more accurate. Needs at least
/// two predicted classes. A score: calibrated to an accuracy by `EstimatorSuite`, on the
/// size-free `S − log M` (the sum over rows grows with the set's size M, and calibration sets
/// need not have the target's size).
public struct DispersionScore: TargetOnlyEstimator {
    public let id = EstimatorID.dispersion
    public let requirements = EstimatorRequirements([.probabilities, .features], usesSourceLabels: false)
    public let output = EstimatorOutput.score(higherMeansMoreAccurate: true)
    public let dependsOnClassPriors = true
    public let dependsOnSetSize = true
    public let summary = "dispersion score: between-class spread of the penultimate features, a score (Xie et al., 2023)"
    public init() {}

    /// S for features `[M, D]` and their pseudo-labels in `0..<classCount`; nil with fewer
    /// than two predicted classes.
    public static func score(features: Tensor, pseudoLabels: [Int], classCount k: Int) -> Double? {
        let (m, d) = (features.rowCount, features.columnCount)
        precondition(pseudoLabels.count == m, "DispersionScore: \(m) rows, \(pseudoLabels.count) labels")
        var sums = [Double](repeating: 0, count: k * d), counts = [Int](repeating: 0, count: k)
        features.scalars.withUnsafeBufferPointer { h in
            for i in 0 ..< m {
                let c = pseudoLabels[i]
                counts[c] += 1
                for j in 0 ..< d { sums[c * d + j] += Double(h[i * d + j]) }
            }
        }
        var mean = [Double](repeating: 0, count: d)
        for c in 0 ..< k { for j in 0 ..< d { mean[j] += sums[c * d + j] } }
        for j in 0 ..< d { mean[j] /= Double(m) }
        let present = counts.filter { $0 > 0 }.count
        guard present >= 2 else { return nil }
        var total = 0.0
        for c in 0 ..< k where counts[c] > 0 {
            var squared = 0.0
            for j in 0 ..< d { squared += pow2(sums[c * d + j] / Double(counts[c]) - mean[j]) }
            total += Double(counts[c]) * squared
        }
        return log(total / Double(present - 1))
    }

    public func estimateFromTarget(_ target: TargetEvidence) throws -> Estimate {
        guard let features = target.predictions.features else { throw EstimatorUnavailable(.missingInput(.features)) }
        guard let s = DispersionScore.score(features: features, pseudoLabels: target.predictions.predictedClasses,
                                            classCount: target.classCount) else {
            throw EstimatorUnavailable(.other("every target row is predicted as one class; the dispersion score needs at least two"))
        }
        // Σ n_k‖μ_k − μ‖² grows with M: the calibration line is fitted on the size-free S − log M.
        return .score(.dispersion, s, calibrationValue: s - log(Double(target.count)),
                      settings: [.init("features", "\(features.columnCount)")])
    }
}
