import Foundation

extension EstimatorID {
    /// GdScore, the norm of the last layer's gradient on pseudo-labels.
    public static let gdscore = EstimatorID("gdscore")
}

/// GdScore (Xie, Chen, Lin, Zhao & Zheng, "Leveraging Gradients for Unsupervised Accuracy
/// Estimation under Distribution Shift", TMLR 2025) — a score: the Frobenius norm of the
/// gradient of the cross-entropy on pseudo-labels with respect to the last linear layer's
/// weight matrix,
///
///     ŷ_i = argmax_k p_ik if max_k p_ik ≥ τ (τ = 0.5), else a class drawn uniformly at random
///     L = mean_i CE(z_i, ŷ_i),   score = ‖∂L/∂W_last‖_F
///
/// Higher means less accurate. Since `z = W_last h + b`, `∂L/∂W_last = (1/M) Σ_i (p_i − e_ŷᵢ) h_iᵀ`
/// exactly — the backward pass through the last layer — so the score needs the probabilities
/// and the penultimate features `h` (the last layer's input), not the network: it works for a
/// model from any framework that exports them. (A test checks it against backprop through an MLP.)
///
/// The random class of a low-confidence row is drawn from a generator seeded by the estimator's
/// seed and the row's probabilities rounded to 3 decimals, so the score depends on neither the
/// row order nor the batching, nor on last-bit differences between frameworks' forward passes.
public struct GradientNormScore: Estimator {
    public let id = EstimatorID.gdscore
    public let requirements = EstimatorRequirements([.probabilities, .features], usesSourceLabels: false)
    public let output = EstimatorOutput.score(higherMeansMoreAccurate: false)
    public let dependsOnClassPriors = true
    public let dependsOnSetSize = true
    public let summary = "GdScore: norm of the last layer's gradient on pseudo-labels, a score (Xie et al., 2025)"
    /// τ, the confidence above which the argmax is the pseudo-label.
    public static let confidenceThreshold: Float = 0.5
    public init() {}

    public func fit(_ source: SourceEvidence) throws -> any FittedEstimator { Fitted(classCount: source.classCount, seed: source.seed) }

    /// The pseudo-labels: the argmax where confident, else a seeded uniform draw per row.
    public static func pseudoLabels(probabilities: Tensor, seed: UInt64) -> [Int] {
        let (m, k) = (probabilities.rowCount, probabilities.columnCount)
        let argmax = probabilities.argmaxRows(), confidence = probabilities.rowMaxima()
        return probabilities.scalars.withUnsafeBufferPointer { p in
            (0 ..< m).map { i in
                if confidence[i] >= confidenceThreshold { return argmax[i] }
                // FNV-1a of the row's probabilities to 3 decimals and the seed: the same row always draws
                // the same class, also when another framework's forward pass differs in the last bits.
                var hash: UInt64 = 0xCBF2_9CE4_8422_2325 ^ seed
                for j in 0 ..< k {
                    hash = (hash ^ UInt64(bitPattern: Int64((Double(p[i * k + j]) * 1000).rounded()))) &* 0x0000_0100_0000_01B3
                }
                var g = SeededGenerator(seed: hash)
                return g.index(below: k)
            }
        }
    }

    /// `‖(1/M) Σ_i (p_i − e_ŷᵢ) h_iᵀ‖_F` for probabilities `[M, K]`, features `[M, D]` and pseudo-labels.
    public static func score(probabilities: Tensor, features: Tensor, pseudoLabels: [Int]) -> Double {
        let (m, k, d) = (probabilities.rowCount, probabilities.columnCount, features.columnCount)
        precondition(features.rowCount == m && pseudoLabels.count == m, "GradientNormScore: rows do not match")
        var gradient = [Double](repeating: 0, count: k * d)
        var residual = [Double](repeating: 0, count: k)
        probabilities.scalars.withUnsafeBufferPointer { p in
            features.scalars.withUnsafeBufferPointer { h in
                for i in 0 ..< m {
                    for c in 0 ..< k { residual[c] = Double(p[i * k + c]) }
                    residual[pseudoLabels[i]] -= 1
                    for c in 0 ..< k where residual[c] != 0 {
                        let r = residual[c]
                        for j in 0 ..< d { gradient[c * d + j] += r * Double(h[i * d + j]) }
                    }
                }
            }
        }
        return (gradient.reduce(0) { $0 + $1 * $1 }).squareRoot() / Double(m)
    }

    struct Fitted: FittedEstimator {
        let classCount: Int
        let seed: UInt64
        func estimate(_ target: TargetEvidence) throws -> Estimate {
            try target.requireClasses(classCount)
            guard let features = target.predictions.features else { throw EstimatorUnavailable(.missingInput(.features)) }
            let p = target.predictions.probabilities
            let labels = GradientNormScore.pseudoLabels(probabilities: p, seed: seed)
            let drawn = zip(labels, target.predictions.predictedClasses).filter { $0 != $1 }.count
            return .score(.gdscore, GradientNormScore.score(probabilities: p, features: features, pseudoLabels: labels),
                          settings: [.init("tau", "0.5"), .init("random_pseudo_labels", "\(drawn)")])
        }
    }
}
