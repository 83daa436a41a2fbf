import Foundation

extension EstimatorID {
    /// MaNo, the normalised matrix norm of the target's logits.
    public static let mano = EstimatorID("mano")
}

/// MaNo (Xie, Chen, Lin, Zhao & Zheng, "MaNo: Exploiting Matrix Norm for Unsupervised Accuracy
/// Estimation Under Distribution Shifts", NeurIPS 2024) — a score from the logits `Z` (M × K):
///
/// 1. `Φ = mean_i ( −(1/K) Σ_k log softmax(z_i)_k )`, the cross-entropy of the uniform
///    distribution against each row's softmax;
/// 2. if `Φ > δ` (δ = 5) the rows are normalised by softmax; otherwise by the second-order
///    Taylor "softrun" `v_ik = 1 + z_ik + z_ik²/2`, shifted so that `min_k v_ik = 0`, then
///    L1-normalised (a row of zeros stays uniform);
/// 3. `S = ( Σ_ik |σ_ik|^p / (M·K) )^{1/p}`, p = 4. Higher means more accurate.
///
/// The official code averages S over batches; shiftcast computes it on the whole set. Needs
/// true logits: with probabilities only, `log p` is not the logit, and the softrun is not
/// shift-invariant. A score: calibrated to an accuracy by `EstimatorSuite`.
public struct MatrixNorm: TargetOnlyEstimator {
    public let id = EstimatorID.mano
    public let requirements = EstimatorRequirements([.probabilities, .logits], usesSourceLabels: false)
    public let output = EstimatorOutput.score(higherMeansMoreAccurate: true)
    public let summary = "MaNo: L4 norm of the softmax/softrun-normalised logits, a score (Xie et al., 2024)"
    /// δ, the threshold on Φ above which softmax normalisation is used.
    public static let delta = 5.0
    /// p of the entry-wise norm.
    public static let power = 4.0
    public init() {}

    /// Which normalisation a set of logits gets.
    public enum Normalisation: String, Sendable { case softmax, taylor }

    /// The score of logits `[M, K]`, and the normalisation used.
    public static func score(logits: Tensor) -> (score: Double, normalisation: Normalisation) {
        let (m, k) = (logits.rowCount, logits.columnCount)
        let z = logits.scalars
        var phi = 0.0
        var row = [Double](repeating: 0, count: k)
        for i in 0 ..< m {
            var mx = -Double.infinity
            for j in 0 ..< k { row[j] = Double(z[i * k + j]); mx = Swift.max(mx, row[j]) }
            var sum = 0.0
            for j in 0 ..< k { sum += exp(row[j] - mx) }
            let logSum = mx + log(sum)
            var meanLog = 0.0
            for j in 0 ..< k { meanLog += row[j] - logSum }
            phi += -meanLog / Double(k)
        }
        phi /= Double(m)
        let normalisation: Normalisation = phi > delta ? .softmax : .taylor
        var total = 0.0
        for i in 0 ..< m {
            for j in 0 ..< k { row[j] = Double(z[i * k + j]) }
            switch normalisation {
            case .softmax:
                let mx = row.max()!
                var sum = 0.0
                for j in 0 ..< k { row[j] = exp(row[j] - mx); sum += row[j] }
                for j in 0 ..< k { row[j] /= sum }
            case .taylor:
                for j in 0 ..< k { row[j] = 1 + row[j] + row[j] * row[j] / 2 }
                let mn = row.min()!
                var sum = 0.0
                for j in 0 ..< k { row[j] -= mn; sum += row[j] }
                for j in 0 ..< k { row[j] = sum > 0 ? row[j] / sum : 1 / Double(k) }
            }
            for j in 0 ..< k { let a = abs(row[j]); total += (a * a) * (a * a) }
        }
        return (pow(total / Double(m * k), 1 / power), normalisation)
    }

    public func estimateFromTarget(_ target: TargetEvidence) throws -> Estimate {
        guard let logits = target.predictions.logits else { throw EstimatorUnavailable(.missingInput(.logits)) }
        let (s, normalisation) = MatrixNorm.score(logits: logits)
        return .score(.mano, s, settings: [.init("normalisation", normalisation.rawValue), .init("p", "4"), .init("delta", "5")])
    }
}
