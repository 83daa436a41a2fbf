extension EstimatorID {
    /// Agreement on the line, the line applied to the source accuracy.
    public static let alineS = EstimatorID("aline-s")
    /// Agreement on the line, accuracies solved jointly.
    public static let alineD = EstimatorID("aline-d")
}

/// ALine — agreement on the line (Baek, Jiang, Raghunathan & Kolter, NeurIPS 2022). Needs n ≥ 3
/// models evaluated on the same source and target rows. In probit space (Φ⁻¹, clipped to
/// [1e-4, 1 − 1e-4]), agreement between pairs of models and accuracy of models fall on lines
/// with the same slope and intercept when shifts are "on the line".
///
/// - **ALine-S**: fit `Φ⁻¹(agree_tgt(i,j)) = a·Φ⁻¹(agree_src(i,j)) + b` over pairs by least squares
///   and predict `acc_tgt(i) = Φ(a·Φ⁻¹(acc_src(i)) + b)`.
/// - **ALine-D**: with that slope `a`, solve by least squares over all pairs for
///   `z_i = Φ⁻¹(acc_tgt(i))` in `(z_i + z_j)/2 = Φ⁻¹(agree_tgt(i,j)) + a·((Φ⁻¹(acc_src(i)) + Φ⁻¹(acc_src(j)))/2 − Φ⁻¹(agree_src(i,j)))`.
///
/// The estimate is for model 1 (the model under evaluation). The R² of the agreement line is
/// reported as a trust signal: a low R² means the shift is not "on the line".
/// Standard error: `sqrt(a(1−a)/M)`.
public struct AgreementOnTheLine: Estimator {
    /// The two ways of reading the line.
    public enum Variant: String, Sendable, CaseIterable {
        /// Slope and intercept applied to the model's source accuracy.
        case simple = "s"
        /// Accuracies solved jointly over all pairs.
        case disagreement = "d"
    }

    public let variant: Variant
    public var id: EstimatorID { variant == .simple ? .alineS : .alineD }
    public let requirements = EstimatorRequirements(minimumModels: 3)
    public let output = EstimatorOutput.accuracy
    public let returnsSourceAccuracyOnSource = true
    public var summary: String {
        "agreement on the line, \(variant == .simple ? "the line applied to the source accuracy" : "accuracies solved jointly over pairs") (Baek et al., 2022)"
    }
    public init(_ variant: Variant) { self.variant = variant }

    public func fit(_ source: SourceEvidence) throws -> any FittedEstimator {
        Fitted(id: id, variant: variant, sourcePredicted: source.allModels.map(\.predictions.predictedClasses),
               sourceAccuracy: source.allModels.map { Probit.clippedInverse($0.accuracy) }, classCount: source.classCount)
    }

    struct Fitted: FittedEstimator {
        let id: EstimatorID
        let variant: Variant
        let sourcePredicted: [[Int]]
        /// Φ⁻¹ of each model's source accuracy.
        let sourceAccuracy: [Double]
        let classCount: Int

        func estimate(_ target: TargetEvidence) throws -> Estimate {
            try target.requireClasses(classCount)
            let targetPred = target.allModels.map(\.predictedClasses)
            let n = targetPred.count
            guard n == sourcePredicted.count else {
                throw InputError("aline: expected target predictions of \(sourcePredicted.count) models as on the source, found \(n)")
            }
            var xs: [Double] = [], ys: [Double] = [], pairs: [(Int, Int)] = []
            for i in 0 ..< n {
                for j in i + 1 ..< n {
                    xs.append(Probit.clippedInverse(agreement(sourcePredicted[i], sourcePredicted[j])))
                    ys.append(Probit.clippedInverse(agreement(targetPred[i], targetPred[j])))
                    pairs.append((i, j))
                }
            }
            // The line; if all source agreements coincide, the slope is unidentifiable: use 1.
            let line = try? LinearCalibration(scores: xs, accuracies: ys, source: "agreement pairs")
            let slope = line?.slope ?? 1
            let intercept = line?.intercept ?? (Statistics.mean(ys) - Statistics.mean(xs))
            let settings: [Estimate.Setting] = [.init("models", "\(n)"), .init("pairs", "\(pairs.count)"),
                                                .init("slope", format(slope)), .init("intercept", format(intercept)),
                                                .init("agreement_line_r2", format(line?.rSquared ?? 0))]
            let a: Double
            switch variant {
            case .simple:
                a = Probit.cdf(slope * sourceAccuracy[0] + intercept)
            case .disagreement:
                // Least squares for z over the pairs: rows with 1/2 at i and j.
                var ata = [Double](repeating: 0, count: n * n), atb = [Double](repeating: 0, count: n)
                for (p, (i, j)) in pairs.enumerated() {
                    let rhs = ys[p] + slope * ((sourceAccuracy[i] + sourceAccuracy[j]) / 2 - xs[p])
                    for (u, v) in [(i, i), (i, j), (j, i), (j, j)] { ata[u * n + v] += 0.25 }
                    atb[i] += 0.5 * rhs; atb[j] += 0.5 * rhs
                }
                a = Probit.cdf(AgreementOnTheLine.solveSymmetric(ata, atb, n)[0])
            }
            return Estimate(estimator: id, accuracy: a, standardError: Estimate.proportionStandardError(a, count: target.count),
                            settings: settings, note: line == nil ? "source agreements are all equal; slope set to 1" : nil)
        }
    }

    /// Solves `A x = b` for a symmetric positive (semi)definite `A` by Gaussian elimination
    /// with partial pivoting (n is the number of models: tiny).
    static func solveSymmetric(_ a: [Double], _ b: [Double], _ n: Int) -> [Double] {
        var m = a, r = b
        for col in 0 ..< n {
            var pivot = col
            for row in col + 1 ..< n where abs(m[row * n + col]) > abs(m[pivot * n + col]) { pivot = row }
            if pivot != col {
                for k in 0 ..< n { m.swapAt(col * n + k, pivot * n + k) }
                r.swapAt(col, pivot)
            }
            let diag = m[col * n + col]
            guard abs(diag) > 1e-14 else { continue }
            for row in 0 ..< n where row != col {
                let f = m[row * n + col] / diag
                if f == 0 { continue }
                for k in 0 ..< n { m[row * n + k] -= f * m[col * n + k] }
                r[row] -= f * r[col]
            }
        }
        return (0 ..< n).map { abs(m[$0 * n + $0]) > 1e-14 ? r[$0] / m[$0 * n + $0] : 0 }
    }
}
