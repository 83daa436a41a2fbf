extension EstimatorID {
    /// The normalised nuclear norm of the target's probabilities.
    public static let nuclearNorm = EstimatorID("nuclear")
}

/// Nuclear norm of the target prediction matrix (Deng, Cheng, Zheng, Gould & Hu, ICML 2023):
///
///     score = ‖P_tgt‖_* / sqrt(min(M, K) · M)  ∈ [0, 1]
///
/// where ‖·‖_* is the sum of singular values, computed from the eigenvalues of the K×K Gram
/// matrix `PᵀP` (σ_i = √λ_i) in Double. High when predictions are both confident and diverse
/// across classes. A **score**: it becomes an accuracy only through a `LinearCalibration`
/// fitted on labeled synthetic shifts; without one the estimate reports the score and no
/// accuracy. Standard error of the calibrated accuracy: the calibration's residual standard
/// deviation.
public struct NuclearNorm: TargetOnlyEstimator {
    public let id = EstimatorID.nuclearNorm
    public let requirements = EstimatorRequirements(usesSourceLabels: false, usesTemperatureScaling: true)
    public let output = EstimatorOutput.score(higherMeansMoreAccurate: true)
    public let dependsOnClassPriors = true
    public let dependsOnSetSize = true
    public let summary = "nuclear norm of the target probability matrix, a score (Deng et al., 2023)"
    public init() {}

    public func estimateFromTarget(_ target: TargetEvidence) throws -> Estimate {
        .score(.nuclearNorm, NuclearNorm.score(target.predictions.probabilities))
    }

    /// The normalised nuclear norm of `probabilities`.
    public static func score(_ probabilities: Tensor) -> Double {
        let (m, k) = (probabilities.rowCount, probabilities.columnCount)
        var gram = [Double](repeating: 0, count: k * k)
        probabilities.scalars.withUnsafeBufferPointer { p in
            for i in 0 ..< m {
                let row = p.baseAddress! + i * k
                for a in 0 ..< k {
                    let pa = Double(row[a])
                    if pa == 0 { continue }
                    for b in a ..< k { gram[a * k + b] += pa * Double(row[b]) }
                }
            }
        }
        for a in 0 ..< k { for b in 0 ..< a { gram[a * k + b] = gram[b * k + a] } }
        let eigen = SymmetricEigen(symmetric: gram, size: k)
        let nuclear = eigen.values.reduce(0) { $0 + Swift.max($1, 0).squareRoot() }
        return nuclear / (Double(Swift.min(m, k)) * Double(m)).squareRoot()
    }

}
