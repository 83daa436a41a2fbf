/// Isotonic (non-decreasing) regression of `y` on `x`, as scikit-learn's `IsotonicRegression`
/// with `out_of_bounds="clip"` computes it: equal `x` values are merged (their `y` averaged,
/// weighted by count), the pool-adjacent-violators algorithm fits a non-decreasing step
/// sequence, and predictions interpolate linearly between the fitted points, clipping `x` to
/// the fitted range (Barlow, Bartholomew, Bremner & Brunk, 1972; de Leeuw, Hornik & Mair, 2009).
public struct IsotonicRegression: Sendable, Equatable {
    /// The distinct fitted `x`, increasing.
    public let knots: [Double]
    /// The fitted value at each knot, non-decreasing.
    public let values: [Double]

    /// Fits on pairs `(x_i, y_i)`.
    /// - Precondition: `x.count == y.count > 0`, every value finite.
    public init(x: [Double], y: [Double]) {
        precondition(x.count == y.count && !x.isEmpty, "IsotonicRegression: \(x.count) x, \(y.count) y")
        let order = x.indices.sorted { x[$0] < x[$1] }
        // Merge equal x.
        var ux: [Double] = [], uy: [Double] = [], uw: [Double] = []
        for i in order {
            if let last = ux.last, last == x[i] {
                let w = uw[uw.count - 1]
                uy[uy.count - 1] = (uy[uy.count - 1] * w + y[i]) / (w + 1)
                uw[uw.count - 1] = w + 1
            } else {
                ux.append(x[i]); uy.append(y[i]); uw.append(1)
            }
        }
        // Pool adjacent violators over blocks (value, weight, length).
        var blockValue: [Double] = [], blockWeight: [Double] = [], blockLength: [Int] = []
        for i in ux.indices {
            var v = uy[i], w = uw[i], n = 1
            while let last = blockValue.last, last >= v {
                let lw = blockWeight.removeLast()
                v = (last * lw + v * w) / (lw + w)
                blockValue.removeLast()
                w += lw
                n += blockLength.removeLast()
            }
            blockValue.append(v); blockWeight.append(w); blockLength.append(n)
        }
        var fitted: [Double] = []
        fitted.reserveCapacity(ux.count)
        for (v, n) in zip(blockValue, blockLength) { fitted += [Double](repeating: v, count: n) }
        knots = ux
        values = fitted
    }

    /// The fitted function at `x`: linear between knots, constant beyond them.
    public func callAsFunction(_ x: Double) -> Double {
        if x <= knots[0] { return values[0] }
        if x >= knots[knots.count - 1] { return values[values.count - 1] }
        // The first knot above x.
        var lo = 0, hi = knots.count - 1
        while hi - lo > 1 {
            let mid = (lo + hi) / 2
            if knots[mid] <= x { lo = mid } else { hi = mid }
        }
        let t = (x - knots[lo]) / (knots[hi] - knots[lo])
        return values[lo] + t * (values[hi] - values[lo])
    }
}
