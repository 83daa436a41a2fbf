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
public enum AgreementOnTheLine {
    /// Both variants' estimates for model 1, in the order ALine-S, ALine-D.
    public static func estimates(_ models: [ModelPredictions]) throws -> [Estimate] {
        try ModelPredictions.validate(models, minimum: 3, estimator: "aline")
        let n = models.count
        let sourcePred = models.map { $0.source.predictions.predictedClasses }
        let targetPred = models.map { $0.target.predictedClasses }
        let sourceAcc = models.map { Probit.clippedInverse($0.source.accuracy) }
        var xs: [Double] = [], ys: [Double] = [], pairs: [(Int, Int)] = []
        for i in 0 ..< n {
            for j in i + 1 ..< n {
                xs.append(Probit.clippedInverse(agreement(sourcePred[i], sourcePred[j])))
                ys.append(Probit.clippedInverse(agreement(targetPred[i], targetPred[j])))
                pairs.append((i, j))
            }
        }
        let m = models[0].target.count
        // The line; if all source agreements coincide, the slope is unidentifiable: use 1.
        let line = try? LinearCalibration(scores: xs, accuracies: ys, source: "agreement pairs")
        let slope = line?.slope ?? 1
        let intercept = line?.intercept ?? (Statistics.mean(ys) - Statistics.mean(xs))
        let r2 = line?.rSquared ?? 0
        let common: [Estimate.Setting] = [.init("models", "\(n)"), .init("pairs", "\(pairs.count)"),
                                          .init("slope", format(slope)), .init("intercept", format(intercept)),
                                          .init("agreement_line_r2", format(r2))]
        let s = Probit.cdf(slope * sourceAcc[0] + intercept)

        // ALine-D: least squares for z over the pairs: rows with 1/2 at i and j.
        var ata = [Double](repeating: 0, count: n * n), atb = [Double](repeating: 0, count: n)
        for (p, (i, j)) in pairs.enumerated() {
            let rhs = ys[p] + slope * ((sourceAcc[i] + sourceAcc[j]) / 2 - xs[p])
            for (u, v) in [(i, i), (i, j), (j, i), (j, j)] { ata[u * n + v] += 0.25 }
            atb[i] += 0.5 * rhs; atb[j] += 0.5 * rhs
        }
        let z = solveSymmetric(ata, atb, n)
        let d = Probit.cdf(z[0])
        var noteS: String? = nil
        if line == nil { noteS = "source agreements are all equal; slope set to 1" }
        return [
            Estimate(estimator: "aline-s", accuracy: s, standardError: Estimate.proportionStandardError(s, count: m),
                     settings: common, note: noteS),
            Estimate(estimator: "aline-d", accuracy: d, standardError: Estimate.proportionStandardError(d, count: m),
                     settings: common, note: noteS),
        ]
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
