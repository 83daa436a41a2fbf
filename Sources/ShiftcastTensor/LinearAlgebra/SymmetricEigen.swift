/// The eigen-decomposition `A = V Λ Vᵀ` of a real symmetric matrix, in `Double`.
///
/// Householder reduction to tridiagonal form followed by the implicit QL
/// algorithm (EISPACK `tred2` + `tql2`, as ported in the public-domain JAMA
/// library; Bowdler, Martin, Reinsch & Wilkinson, Numer. Math. 11, 1968).
/// Eigenvalues are returned largest first, each with a unit eigenvector.
///
/// The arithmetic is JAMA's, operation for operation and in the same order (a fingerprint
/// test checks the results bit for bit against the serial port); only its schedule is the
/// machine's: rows split across the cores, SIMD8<Double> lanes, blocks held in cache.
///
/// - Complexity: O(n³) time, O(n²) memory (Vᵀ, a copy of the Householder vectors, and
///   a batch of rotations); 3,072 columns take about 7 s on two Zen 5 cores.
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
        v.withUnsafeMutableBufferPointer { v in
            d.withUnsafeMutableBufferPointer { d in
                e.withUnsafeMutableBufferPointer { e in
                    SymmetricEigen.tridiagonalize(v.baseAddress!, d.baseAddress!, e.baseAddress!, n)
                    SymmetricEigen.diagonalize(v.baseAddress!, d.baseAddress!, e.baseAddress!, n)
                }
            }
        }
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
    ///
    /// JAMA's operations in JAMA's order, element for element (so the same results); what
    /// differs is only how they are scheduled: the rank-2 updates touch each row of Vᵀ
    /// independently, so rows are split across the cores, the element-wise updates run in
    /// `SIMD8<Double>` lanes (one multiply, one add per lane, as the scalar code: no fused
    /// multiply-add), and the matrix–vector product's dot products run four rows at a time —
    /// four independent chains, each still summed left to right. The accumulation of the
    /// transform is `accumulateTransform` (SymmetricEigen+TransformAccumulation.swift).
    static func tridiagonalize(_ v: UnsafeMutablePointer<Double>, _ d: UnsafeMutablePointer<Double>,
                               _ e: UnsafeMutablePointer<Double>, _ n: Int) {
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
                // e = A·d over the lower triangle (JAMA: row j adds v[j, k]·d[j] to e[k], k > j,
                // then sets e[j] to its chain e[j] + v[j, j]·d[j] + Σₖ v[j, k]·d[k]). Row j's
                // chain starts from e[j] once rows 0..<j have added to it and no row adds to
                // it later, so: first every row's additions, in row order (columns split
                // across the cores), then the chains, each left to right, rows independent.
                for j in 0 ..< i { e[j] = 0; v[i * n + j] = d[j] }
                let size = i
                let (vs, ds, es) = (SharedMutablePointer(v), SharedPointer(UnsafePointer(d)), SharedMutablePointer(e))
                Parallel.forEachChunk(count: (size + 7) / 8, minimumChunk: max(1, (1 << 15) / max(1, 4 * size))) { chunk in
                    let k0 = chunk.lowerBound * 8, k1 = Swift.min(size, chunk.upperBound * 8)
                    for j in 0 ..< Swift.min(size, k1) {
                        let from = Swift.max(j + 1, k0)
                        if from < k1 { scaledAdd(es.base + from, vs.base + j * n + from, ds.base[j], count: k1 - from) }
                    }
                }
                Parallel.forEachChunk(count: (size + 3) / 4, minimumChunk: minimumRowsPerChunk(rowLength: size) / 4 + 1,
                                      chunksPerWorker: 4) { chunk in
                    let d = ds.base
                    for group in chunk {
                        let j = group * 4, end = Swift.min(j + 4, size)
                        // Each row's chain up to column j + 4, then the four chains side by side.
                        var g = SIMD4<Double>()
                        for jj in j ..< end {
                            let row = vs.base + jj * n
                            var sum = es.base[jj] + row[jj] * d[jj]
                            for k in jj + 1 ..< end { sum += row[k] * d[k] }
                            g[jj - j] = sum
                        }
                        if end - j == 4 {
                            let r0 = vs.base + j * n, r1 = r0 + n, r2 = r1 + n, r3 = r2 + n
                            var g0 = g[0], g1 = g[1], g2 = g[2], g3 = g[3]
                            for k in end ..< size {
                                let x = d[k]
                                g0 += r0[k] * x; g1 += r1[k] * x; g2 += r2[k] * x; g3 += r3[k] * x
                            }
                            g = SIMD4(g0, g1, g2, g3)
                        }
                        for jj in j ..< end { es.base[jj] = g[jj - j] }
                    }
                }
                f = 0
                for j in 0 ..< i {
                    e[j] /= h
                    f += e[j] * d[j]
                }
                let hh = f / (h + h)
                for j in 0 ..< i { e[j] -= hh * d[j] }
                // v[j, j..<i] -= d[j]·e[k] + e[j]·d[k], row by row; every row reads d as it
                // was before this loop (JAMA overwrites d[j] with v[j, i−1] after row j, which
                // later rows never read), so the rows are independent.
                let rows = i
                let e2 = SharedPointer(UnsafePointer(e))
                Parallel.forEachChunk(count: rows, minimumChunk: minimumRowsPerChunk(rowLength: rows), chunksPerWorker: 4) { chunk in
                    for j in chunk {
                        rank2Update(vs.base + j * n + j, ds.base + j, e2.base + j, ds.base[j], e2.base[j], count: rows - j)
                    }
                }
                for j in 0 ..< i {
                    d[j] = v[j * n + (i - 1)]
                    v[j * n + i] = 0
                }
            }
            d[i] = h
            i -= 1
        }
        if n > 1 { accumulateTransform(v, d, n) }
        for j in 0 ..< n {
            d[j] = v[j * n + (n - 1)]
            v[j * n + (n - 1)] = 0
        }
        v[(n - 1) * n + (n - 1)] = 1
        e[0] = 0
    }

    /// Implicit QL iterations on the tridiagonal matrix (tql2).
    ///
    /// The plane rotations depend only on `d` and `e`, never on the vectors, so they are
    /// computed first and applied to Vᵀ in batches (`RotationBatch`,
    /// SymmetricEigen+RotationBatch.swift) — every element of Vᵀ still sees JAMA's rotations
    /// in JAMA's order.
    static func diagonalize(_ v: UnsafeMutablePointer<Double>, _ d: UnsafeMutablePointer<Double>,
                            _ e: UnsafeMutablePointer<Double>, _ n: Int) {
        for i in 1 ..< max(n, 1) { e[i - 1] = e[i] }
        e[n - 1] = 0
        var f = 0.0
        var tst1 = 0.0
        let eps = 0x1p-52
        let batch = RotationBatch(size: n)
        defer { batch.deallocate() }
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
                    if !batch.hasRoom(for: m - l) { batch.apply(to: v) }
                    batch.beginSweep(lastRow: m)
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
                        batch.append(c, s)
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
        batch.apply(to: v)
    }

    /// Rows per work item so that one item holds at least ~2¹⁵ elements of work.
    static func minimumRowsPerChunk(rowLength: Int) -> Int { max(1, (1 << 15) / max(1, rowLength)) }

    /// `y[k] += x[k]·a`, k < count (a multiply, then an add, per element).
    @inline(__always)
    static func scaledAdd(_ y: UnsafeMutablePointer<Double>, _ x: UnsafePointer<Double>, _ a: Double, count: Int) {
        var k = 0
        let av = SIMD8<Double>(repeating: a)
        while k + 8 <= count {
            let yv = UnsafeRawPointer(y + k).loadUnaligned(as: SIMD8<Double>.self)
            let xv = UnsafeRawPointer(x + k).loadUnaligned(as: SIMD8<Double>.self)
            UnsafeMutableRawPointer(y + k).storeBytes(of: yv + xv * av, as: SIMD8<Double>.self)
            k += 8
        }
        while k < count { y[k] += x[k] * a; k += 1 }
    }

    /// `y[k] −= f·e[k] + g·d[k]`, k < count.
    @inline(__always)
    static func rank2Update(_ y: UnsafeMutablePointer<Double>, _ d: UnsafePointer<Double>, _ e: UnsafePointer<Double>,
                            _ f: Double, _ g: Double, count: Int) {
        var k = 0
        let fv = SIMD8<Double>(repeating: f), gv = SIMD8<Double>(repeating: g)
        while k + 8 <= count {
            let yv = UnsafeRawPointer(y + k).loadUnaligned(as: SIMD8<Double>.self)
            let ev = UnsafeRawPointer(e + k).loadUnaligned(as: SIMD8<Double>.self)
            let dv = UnsafeRawPointer(d + k).loadUnaligned(as: SIMD8<Double>.self)
            UnsafeMutableRawPointer(y + k).storeBytes(of: yv - (fv * ev + gv * dv), as: SIMD8<Double>.self)
            k += 8
        }
        while k < count { y[k] -= f * e[k] + g * d[k]; k += 1 }
    }

    private static func hypot(_ a: Double, _ b: Double) -> Double {
        let x = abs(a), y = abs(b)
        if x > y { let r = y / x; return x * (1 + r * r).squareRoot() }
        if y == 0 { return 0 }
        let r = x / y
        return y * (1 + r * r).squareRoot()
    }
}
