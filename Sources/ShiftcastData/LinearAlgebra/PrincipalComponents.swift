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
        // Features near Float's range (|x − μ| ≥ 2⁴⁰) would overflow the Float Gram matrix:
        // those are divided by a power of two S ≥ max |x − μ| (exact), and C multiplied by S².
        // Ordinary data keeps S = 1 and the covariance it always had.
        var largest = 0.0
        features.scalars.withUnsafeBufferPointer { x in
            for r in 0 ..< n { for c in 0 ..< d { largest = Swift.max(largest, abs(Double(x[r * d + c]) - mean[c])) } }
        }
        let scale = largest < 0x1p40 ? 1.0 : Double(sign: .plus, exponent: largest.exponent + 1, significand: 1)
        var centered = features.scalars
        centered.withUnsafeMutableBufferPointer { x in
            if scale == 1 {
                for r in 0 ..< n { for c in 0 ..< d { x[r * d + c] -= meanFloat[c] } }
            } else {
                for r in 0 ..< n { for c in 0 ..< d { x[r * d + c] = Float((Double(x[r * d + c]) - mean[c]) / scale) } }
            }
        }
        let xc = Tensor(shape: [n, d], scalars: centered)
        let gram = Tensor.matmul(xc, xc, transposeA: true)
        var covariance = gram.scalars.map { Double($0) * scale * scale / Double(n - 1) }
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
