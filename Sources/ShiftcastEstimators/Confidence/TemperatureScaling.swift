import Foundation
/// Temperature scaling (Guo, Pleiss, Sun & Weinberger, ICML 2017): one T > 0 fitted on the
/// labeled source by minimising the negative log-likelihood of `softmax(z / T)`.
///
/// The NLL is convex in 1/T, hence unimodal in log T: golden-section search on
/// log T ∈ [log 0.01, log 100] to a relative precision of 1e-8. When only probabilities are
/// available, `z = log p` is used as the logits (softmax(log p) = p, valid up to a per-row
/// constant, which softmax ignores).
public enum TemperatureScaling {
    /// The fitted temperature.
    public static func fit(source: LabeledPredictions) -> Double {
        let logits = source.predictions.logitsOrLogProbabilities
        let (n, k) = (logits.rowCount, logits.columnCount)
        let z = logits.scalars.map(Double.init)
        func nll(_ logT: Double) -> Double {
            let inv = 1 / exp(logT)
            var total = 0.0
            for i in 0 ..< n {
                var mx = -Double.infinity
                for j in 0 ..< k { mx = Swift.max(mx, z[i * k + j] * inv) }
                var s = 0.0
                for j in 0 ..< k { s += exp(z[i * k + j] * inv - mx) }
                total += mx + log(s) - z[i * k + source.labels[i]] * inv
            }
            return total / Double(n)
        }
        var lo = log(0.01), hi = log(100.0)
        let ratio = (5.0.squareRoot() - 1) / 2
        var c = hi - ratio * (hi - lo), d = lo + ratio * (hi - lo)
        var fc = nll(c), fd = nll(d)
        while hi - lo > 1e-8 {
            if fc < fd { hi = d; d = c; fd = fc; c = hi - ratio * (hi - lo); fc = nll(c) }
            else { lo = c; c = d; fc = fd; d = lo + ratio * (hi - lo); fd = nll(d) }
        }
        return exp((lo + hi) / 2)
    }
}
