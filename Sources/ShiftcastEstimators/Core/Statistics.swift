/// Common statistics of a vector of values.
enum Statistics {
    static func mean(_ x: [Double]) -> Double { x.isEmpty ? .nan : x.reduce(0, +) / Double(x.count) }

    /// Standard error of the mean, with the n−1 variance.
    static func standardErrorOfMean(_ x: [Double]) -> Double {
        guard x.count > 1 else { return 0 }
        let m = mean(x)
        let variance = x.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(x.count - 1)
        return (variance / Double(x.count)).squareRoot()
    }
}

@inline(__always) func pow2(_ x: Double) -> Double { x * x }

/// Fixed, locale-independent formatting of a setting's number.
func format(_ x: Double) -> String {
    guard x.isFinite else { return "\(x)" }
    return "\((x * 1e6).rounded() / 1e6)"
}
