/// The eigen-decomposition `A = V Λ Vᵀ` of a real symmetric matrix, in `Double`.
///
/// Householder reduction to tridiagonal form followed by the implicit QL
/// algorithm (EISPACK `tred2` + `tql2`, as ported in the public-domain JAMA
/// library; Bowdler, Martin, Reinsch & Wilkinson, Numer. Math. 11, 1968).
/// Eigenvalues are returned largest first, each with a unit eigenvector.
///
/// - Complexity: O(n³) time, O(n²) memory (a few hundred columns take well under a second).
public struct SymmetricEigen: Sendable {
    /// Eigenvalues, in decreasing order.
    public let values: [Double]
    /// `vectors[i]` is the unit eigenvector of `values[i]` (length n).
    public let vectors: [[Double]]

    /// Decomposes the symmetric `n × n` matrix given row-major in `matrix`.
    /// Only symmetry up to rounding is assumed; the lower triangle is what is read.
    /// - Precondition: `matrix.count == n * n` and every entry is finite.
    public init(symmetric matrix: [Double], size n: Int) {
        precondition(matrix.count == n * n, "SymmetricEigen: \(matrix.count) entries for size \(n)")
        precondition(matrix.allSatisfy(\.isFinite), "SymmetricEigen: matrix has a non-finite entry")
        if n == 0 { values = []; vectors = []; return }
        // v holds Vᵀ row-major, v[j*n+i] = V[i][j]: JAMA's loops run down V's columns, which
        // are then contiguous rows here (the same operations in the same order, so the same
        // results; on 1024 features several times faster than striding through V).
        var v = [Double](unsafeUninitializedCapacity: n * n) { t, count in
            for i in 0 ..< n { for j in 0 ..< n { t[j * n + i] = matrix[i * n + j] } }
            count = n * n
        }
        var d = [Double](repeating: 0, count: n)
        var e = [Double](repeating: 0, count: n)
        SymmetricEigen.tridiagonalize(&v, &d, &e, n)
        SymmetricEigen.diagonalize(&v, &d, &e, n)
        let order = (0 ..< n).sorted { d[$0] > d[$1] }
        values = order.map { d[$0] }
        vectors = order.map { k in Array(v[(k * n) ..< ((k + 1) * n)]) }
    }

    /// Convenience for a rank-2 square `Tensor`.
    public init(symmetric matrix: Tensor) {
        precondition(matrix.rank == 2 && matrix.shape[0] == matrix.shape[1], "SymmetricEigen: needs a square matrix, got \(matrix.shape)")
        self.init(symmetric: matrix.scalars.map(Double.init), size: matrix.shape[0])
    }

    /// Householder tridiagonalisation (tred2): on return `d` is the diagonal,
    /// `e[1...]` the sub-diagonal, and `v` the accumulated orthogonal transform (as Vᵀ).
    static func tridiagonalize(_ v: inout [Double], _ d: inout [Double], _ e: inout [Double], _ n: Int) {
        for j in 0 ..< n { d[j] = v[j * n + (n - 1)] }
        var i = n - 1
        while i > 0 {
            var scale = 0.0
            var h = 0.0
            for k in 0 ..< i { scale += abs(d[k]) }
            if scale == 0 {
                e[i] = d[i - 1]
                for j in 0 ..< i {
                    d[j] = v[j * n + (i - 1)]
                    v[j * n + i] = 0
                    v[i * n + j] = 0
                }
            } else {
                for k in 0 ..< i {
                    d[k] /= scale
                    h += d[k] * d[k]
                }
                var f = d[i - 1]
                var g = h.squareRoot()
                if f > 0 { g = -g }
                e[i] = scale * g
                h -= f * g
                d[i - 1] = f - g
                for j in 0 ..< i { e[j] = 0 }
                for j in 0 ..< i {
                    f = d[j]
                    v[i * n + j] = f
                    g = e[j] + v[j * n + j] * f
                    if j + 1 <= i - 1 {
                        for k in j + 1 ... i - 1 {
                            g += v[j * n + k] * d[k]
                            e[k] += v[j * n + k] * f
                        }
                    }
                    e[j] = g
                }
                f = 0
                for j in 0 ..< i {
                    e[j] /= h
                    f += e[j] * d[j]
                }
                let hh = f / (h + h)
                for j in 0 ..< i { e[j] -= hh * d[j] }
                for j in 0 ..< i {
                    f = d[j]
                    g = e[j]
                    for k in j ... i - 1 { v[j * n + k] -= f * e[k] + g * d[k] }
                    d[j] = v[j * n + (i - 1)]
                    v[j * n + i] = 0
                }
            }
            d[i] = h
            i -= 1
        }
        for i in 0 ..< n - 1 {
            v[i * n + (n - 1)] = v[i * n + i]
            v[i * n + i] = 1
            let h = d[i + 1]
            if h != 0 {
                for k in 0 ... i { d[k] = v[(i + 1) * n + k] / h }
                for j in 0 ... i {
                    var g = 0.0
                    for k in 0 ... i { g += v[(i + 1) * n + k] * v[j * n + k] }
                    for k in 0 ... i { v[j * n + k] -= g * d[k] }
                }
            }
            for k in 0 ... i { v[(i + 1) * n + k] = 0 }
        }
        for j in 0 ..< n {
            d[j] = v[j * n + (n - 1)]
            v[j * n + (n - 1)] = 0
        }
        v[(n - 1) * n + (n - 1)] = 1
        e[0] = 0
    }

    /// Implicit QL iterations on the tridiagonal matrix (tql2).
    static func diagonalize(_ v: inout [Double], _ d: inout [Double], _ e: inout [Double], _ n: Int) {
        for i in 1 ..< max(n, 1) { e[i - 1] = e[i] }
        e[n - 1] = 0
        var f = 0.0
        var tst1 = 0.0
        let eps = 0x1p-52
        for l in 0 ..< n {
            tst1 = max(tst1, abs(d[l]) + abs(e[l]))
            var m = l
            while m < n {
                if abs(e[m]) <= eps * tst1 { break }
                m += 1
            }
            if m == n { m = n - 1 }
            if m > l {
                var iterations = 0
                repeat {
                    iterations += 1
                    var g = d[l]
                    var p = (d[l + 1] - g) / (2 * e[l])
                    var r = hypot(p, 1)
                    if p < 0 { r = -r }
                    d[l] = e[l] / (p + r)
                    d[l + 1] = e[l] * (p + r)
                    let dl1 = d[l + 1]
                    var h = g - d[l]
                    if l + 2 < n { for i in l + 2 ..< n { d[i] -= h } }
                    f += h
                    p = d[m]
                    var c = 1.0, c2 = 1.0, c3 = 1.0
                    let el1 = e[l + 1]
                    var s = 0.0, s2 = 0.0
                    var i = m - 1
                    while i >= l {
                        c3 = c2
                        c2 = c
                        s2 = s
                        g = c * e[i]
                        h = c * p
                        r = hypot(p, e[i])
                        e[i + 1] = s * r
                        s = e[i] / r
                        c = p / r
                        p = c * d[i] - s * g
                        d[i + 1] = h + s * (c * g + s * d[i])
                        for k in 0 ..< n {
                            h = v[(i + 1) * n + k]
                            v[(i + 1) * n + k] = s * v[i * n + k] + c * h
                            v[i * n + k] = c * v[i * n + k] - s * h
                        }
                        i -= 1
                    }
                    p = -s * s2 * c3 * el1 * e[l] / dl1
                    e[l] = s * p
                    d[l] = c * p
                } while abs(e[l]) > eps * tst1 && iterations < 100
            }
            d[l] += f
            e[l] = 0
        }
    }

    private static func hypot(_ a: Double, _ b: Double) -> Double {
        let x = abs(a), y = abs(b)
        if x > y { let r = y / x; return x * (1 + r * r).squareRoot() }
        if y == 0 { return 0 }
        let r = x / y
        return y * (1 + r * r).squareRoot()
    }
}
