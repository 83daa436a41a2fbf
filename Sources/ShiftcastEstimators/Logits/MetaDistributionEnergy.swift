import Foundation

extension EstimatorID {
    /// MDE, the meta-distribution energy of the target's logits.
    public static let mde = EstimatorID("mde")
}

/// MDE — meta-distribution energy (Peng, Zou, Wang, Wang & Yang, "Energy-based Automated Model
/// Evaluation", ICLR 2024) — a score from the logits:
///
///     E_i = −T · logsumexp_k(z_ik / T)   (T = 1)
///     MDE = mean_i ( E_i − logsumexp_j E_j )      score = log(−MDE)
///
/// MDE depends on the set's size M: `−MDE = log M + J` with
/// `J = log mean_j exp(E_j) − mean_i E_i ≥ 0` (Jensen's gap of the energies), which does not.
/// The score is the paper's, on the whole set; its calibration line is fitted on J
/// (`Estimate.calibrationValue`), so calibration sets of another size than the target map
/// correctly. A score: calibrated to an accuracy by `EstimatorSuite`.
public struct MetaDistributionEnergy: TargetOnlyEstimator {
    public let id = EstimatorID.mde
    public let requirements = EstimatorRequirements([.probabilities, .logits], usesSourceLabels: false)
    public let output = EstimatorOutput.score(higherMeansMoreAccurate: true)
    public let summary = "MDE: log-softmax over samples of the free energies of the logits, a score (Peng et al., 2024)"
    public init() {}

    /// `(MDE, J)` of logits `[M, K]`.
    public static func energies(logits: Tensor) -> (mde: Double, gap: Double) {
        let (m, k) = (logits.rowCount, logits.columnCount)
        let z = logits.scalars
        var energies = [Double](repeating: 0, count: m)
        for i in 0 ..< m {
            var mx = -Double.infinity
            for j in 0 ..< k { mx = Swift.max(mx, Double(z[i * k + j])) }
            var sum = 0.0
            for j in 0 ..< k { sum += exp(Double(z[i * k + j]) - mx) }
            energies[i] = -(mx + log(sum))
        }
        let maxEnergy = energies.max()!
        var sum = 0.0
        for e in energies { sum += exp(e - maxEnergy) }
        let logSumExp = maxEnergy + log(sum)
        let mean = energies.reduce(0, +) / Double(m)
        let mde = mean - logSumExp
        return (mde, Swift.max(-mde - log(Double(m)), 0))
    }

    public func estimateFromTarget(_ target: TargetEvidence) throws -> Estimate {
        guard let logits = target.predictions.logits else { throw EstimatorUnavailable(.missingInput(.logits)) }
        guard target.count >= 2 else {
            throw EstimatorUnavailable(.other("needs at least 2 target rows (MDE of one row is 0 and its log undefined)"))
        }
        let (mde, gap) = MetaDistributionEnergy.energies(logits: logits)
        return .score(.mde, log(-mde), calibrationValue: gap,
                      settings: [.init("temperature", "1"), .init("mde", format(mde)), .init("energy_gap", format(gap))])
    }
}
