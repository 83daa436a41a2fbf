/// The valid range of each input feature, e.g. [0, 1] for pixel intensities.
/// Adversarial examples are clipped into it, so they stay valid inputs.
public struct InputBounds: Sendable, Equatable {
    public var lower: [Float]
    public var upper: [Float]

    public init(lower: [Float], upper: [Float]) {
        precondition(lower.count == upper.count && zip(lower, upper).allSatisfy { $0 <= $1 },
                     "InputBounds: lower and upper must have equal length with lower ≤ upper")
        self.lower = lower
        self.upper = upper
    }

    /// The same range for all `features` features.
    public init(uniform low: Float, _ high: Float, features: Int) {
        self.init(lower: [Float](repeating: low, count: features), upper: [Float](repeating: high, count: features))
    }

    /// The per-feature minimum and maximum of `data`, widened by `margin` × the feature's range
    /// on each side (synthetic data has no natural range; this keeps attacks near the data).
    public init(observedIn data: Tensor, margin: Float = 0.1) {
        let (n, d) = (data.rowCount, data.columnCount)
        precondition(n > 0, "InputBounds(observedIn:) needs at least one row")
        var lo = [Float](repeating: .infinity, count: d), hi = [Float](repeating: -.infinity, count: d)
        for i in 0 ..< n {
            for j in 0 ..< d {
                let v = data.scalars[i * d + j]
                lo[j] = Swift.min(lo[j], v); hi[j] = Swift.max(hi[j], v)
            }
        }
        for j in 0 ..< d {
            let pad = (hi[j] - lo[j]) * margin
            lo[j] -= pad; hi[j] += pad
        }
        self.init(lower: lo, upper: hi)
    }

    /// `x` with every element clipped into its feature's range.
    public func clipping(_ x: Tensor) -> Tensor {
        let d = x.columnCount
        precondition(d == lower.count, "InputBounds: \(lower.count) features but data has \(d) columns")
        var out = x.scalars
        for i in 0 ..< x.rowCount {
            for j in 0 ..< d {
                let k = i * d + j
                out[k] = Swift.min(Swift.max(out[k], lower[j]), upper[j])
            }
        }
        return Tensor(shape: x.shape, scalars: out)
    }
}
