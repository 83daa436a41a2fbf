/// Single-precision general matrix multiply on raw row-major buffers:
/// `C = op(A)·op(B)` or, with `accumulate`, `C += op(A)·op(B)`.
///
/// `op(A)` is m×k, `op(B)` is k×n, `C` is m×n. `lda`, `ldb`, `ldc` are the row
/// strides (in elements) of the buffers as stored, i.e. before `op`.
public enum GEMM {
    public static func multiply(m: Int, n: Int, k: Int,
                                a: UnsafePointer<Float>?, lda: Int, transposeA: Bool,
                                b: UnsafePointer<Float>?, ldb: Int, transposeB: Bool,
                                c: UnsafeMutablePointer<Float>?, ldc: Int, accumulate: Bool) {
        guard m > 0, n > 0 else { return }
        guard let c else { return }
        if !accumulate {
            for i in 0 ..< m { (c + i * ldc).update(repeating: 0, count: n) }
        }
        guard k > 0, let a, let b else { return }
        // Bring both operands to "no transpose" layout (A: m×k, B: k×n).
        let (aN, ldaN, aOwned) = normalized(a, rows: transposeA ? k : m, cols: transposeA ? m : k, ld: lda, transpose: transposeA)
        let (bN, ldbN, bOwned) = normalized(b, rows: transposeB ? n : k, cols: transposeB ? k : n, ld: ldb, transpose: transposeB)
        defer { aOwned?.deallocate(); bOwned?.deallocate() }
        let pa = SharedPointer(aN), pb = SharedPointer(bN), pc = SharedMutablePointer(c)
        let work = m * n * k
        Parallel.forEachChunk(count: m, minimumChunk: work > 1 << 16 ? 1 : m) { rows in
            for i in rows {
                let crow = pc.base + i * ldc
                let arow = pa.base + i * ldaN
                for p in 0 ..< k {
                    let av = arow[p]
                    if av == 0 { continue }
                    let brow = pb.base + p * ldbN
                    var j = 0
                    let a16 = SIMD16<Float>(repeating: av)
                    while j + 16 <= n {
                        let bv = UnsafeRawPointer(brow + j).loadUnaligned(as: SIMD16<Float>.self)
                        var cv = UnsafeRawPointer(crow + j).loadUnaligned(as: SIMD16<Float>.self)
                        cv.addProduct(a16, bv)
                        UnsafeMutableRawPointer(crow + j).storeBytes(of: cv, as: SIMD16<Float>.self)
                        j += 16
                    }
                    while j < n { crow[j] += av * brow[j]; j += 1 }
                }
            }
        }
    }

    /// Returns a pointer to `rows×cols` data laid out without transpose.
    private static func normalized(_ p: UnsafePointer<Float>, rows: Int, cols: Int, ld: Int, transpose: Bool)
        -> (UnsafePointer<Float>, Int, UnsafeMutablePointer<Float>?) {
        guard transpose else { return (p, ld, nil) }
        // Stored rows×cols, we want cols×rows.
        let out = UnsafeMutablePointer<Float>.allocate(capacity: rows * cols)
        for i in 0 ..< rows {
            for j in 0 ..< cols { out[j * rows + i] = p[i * ld + j] }
        }
        return (UnsafePointer(out), rows, out)
    }
}
