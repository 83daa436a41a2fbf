/// Principal component analysis of a feature matrix.
///
/// The sample covariance `C = (X − μ)ᵀ(X − μ) / (n − 1)` is formed with the
/// package's matrix multiply and decomposed with `SymmetricEigen`; components
/// are its eigenvectors, largest variance first (Pearson 1901; Jolliffe,
/// *Principal Component Analysis*, 2002).
///
/// - Complexity: O(n·d² + d³).
public struct PrincipalComponents: Sendable {
    /// The per-feature mean μ (length d).
    public let mean: [Double]
    /// Unit principal directions, largest variance first (`d` vectors of length d).
    public let components: [[Double]]
    /// The variance along each component (eigenvalues of C, ≥ 0, decreasing).
    public let variances: [Double]

    /// PCA of the rows of `features` (`[n, d]`, n ≥ 2).
    public init(of features: Tensor) {
        let n = features.rowCount, d = features.columnCount
        precondition(n >= 2, "PrincipalComponents: needs at least 2 rows, got \(n)")
        var mean = [Double](repeating: 0, count: d)
        features.scalars.withUnsafeBufferPointer { x in
            for r in 0 ..< n { for c in 0 ..< d { mean[c] += Double(x[r * d + c]) } }
        }
        mean = mean.map { $0 / Double(n) }
        let meanFloat = mean.map(Float.init)
        // A column with n·max|x − μ|² ≥ 2¹⁰⁰ could overflow the Float Gram matrix (Float's
        // largest is ≈ 2¹²⁸): it is divided by a power of two sᶜ ≥ max|x − μ| and C multiplied
        // back by sᵢ·sⱼ. Powers of two scale exactly, so the result equals the unscaled one
        // wherever that one did not overflow; other columns are untouched.
        var columnScale = [Double](repeating: 1, count: d)
        features.scalars.withUnsafeBufferPointer { x in
            var largest = [Double](repeating: 0, count: d)
            for r in 0 ..< n { for c in 0 ..< d { largest[c] = Swift.max(largest[c], abs(Double(x[r * d + c]) - mean[c])) } }
            for c in 0 ..< d where Double(n) * largest[c] * largest[c] >= 0x1p100 {
                columnScale[c] = Double(sign: .plus, exponent: largest[c].exponent + 1, significand: 1)
            }
        }
        var centered = features.scalars
        centered.withUnsafeMutableBufferPointer { x in
            for r in 0 ..< n {
                for c in 0 ..< d {
                    let difference = x[r * d + c] - meanFloat[c]
                    guard columnScale[c] != 1 else { x[r * d + c] = difference; continue }
                    // The Float difference when it is finite (as unscaled), else in Double.
                    let wide = difference.isFinite ? Double(difference) : Double(x[r * d + c]) - mean[c]
                    x[r * d + c] = Float(wide / columnScale[c])
                }
            }
        }
        let xc = Tensor(shape: [n, d], scalars: centered)
        let gram = Tensor.matmul(xc, xc, transposeA: true)
        var covariance = [Double](repeating: 0, count: d * d)
        for i in 0 ..< d { for j in 0 ..< d {
            covariance[i * d + j] = Double(gram.scalars[i * d + j]) * columnScale[i] * columnScale[j] / Double(n - 1)
        } }
        // Symmetrise away rounding differences between the two triangles.
        for i in 0 ..< d { for j in 0 ..< i {
            let s = 0.5 * (covariance[i * d + j] + covariance[j * d + i])
            covariance[i * d + j] = s; covariance[j * d + i] = s
        } }
        let eigen = SymmetricEigen(symmetric: covariance, size: d)
        self.mean = mean
        components = eigen.vectors
        variances = eigen.values.map { max($0, 0) }
    }

    /// The total variance (trace of the covariance).
    public var totalVariance: Double { variances.reduce(0, +) }

    /// The smallest k whose top-k components explain at least `fraction` of the variance.
    public func componentCount(explaining fraction: Double) -> Int {
        let total = totalVariance
        guard total > 0 else { return 0 }
        var running = 0.0
        for (k, v) in variances.enumerated() {
            running += v
            if running >= fraction * total { return k + 1 }
        }
        return variances.count
    }
}
