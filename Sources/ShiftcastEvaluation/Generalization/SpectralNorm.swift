/// The spectral norm ‖W‖₂ (largest singular value) of a matrix by power iteration on `WᵀW`,
/// from a seeded random start, until the estimate changes by less than `tolerance` (relative).
public enum SpectralNorm {
    public static func of(_ w: Tensor, seed: UInt64 = 0, tolerance: Double = 1e-7, maximumIterations: Int = 1000) -> Double {
        let (m, n) = (w.rowCount, w.columnCount)
        guard m > 0, n > 0 else { return 0 }
        var g = SeededGenerator(seed: seed)
        var v = (0 ..< n).map { _ in g.gaussian() }
        var sigma = 0.0
        let a = w.scalars
        for _ in 0 ..< maximumIterations {
            let vn = v.reduce(0) { $0 + $1 * $1 }.squareRoot()
            guard vn > 0 else { return 0 }
            for j in 0 ..< n { v[j] /= vn }
            var u = [Double](repeating: 0, count: m)
            for i in 0 ..< m { var s = 0.0; for j in 0 ..< n { s += Double(a[i * n + j]) * v[j] }; u[i] = s }
            let next = u.reduce(0) { $0 + $1 * $1 }.squareRoot()
            var back = [Double](repeating: 0, count: n)
            for i in 0 ..< m where u[i] != 0 { for j in 0 ..< n { back[j] += Double(a[i * n + j]) * u[i] } }
            v = back
            if abs(next - sigma) <= tolerance * Swift.max(next, 1e-300) { return next }
            sigma = next
        }
        return sigma
    }
}
