/// Matrix multiplication on rank-2 tensors.
extension Tensor {
    /// `op(a) · op(b)` where `op` optionally transposes.
    ///
    /// - Precondition: inner dimensions agree (shapes named in the message otherwise).
    /// - Complexity: O(m·n·k) with m×k = op(a), k×n = op(b).
    public static func matmul(_ a: Tensor, _ b: Tensor, transposeA: Bool = false, transposeB: Bool = false) -> Tensor {
        let m = transposeA ? a.columnCount : a.rowCount
        let k = transposeA ? a.rowCount : a.columnCount
        let kb = transposeB ? b.columnCount : b.rowCount
        let n = transposeB ? b.rowCount : b.columnCount
        precondition(k == kb, "matmul: inner dimensions differ: \(transposeA ? "aᵀ" : "a")\(a.shape) · \(transposeB ? "bᵀ" : "b")\(b.shape)")
        if k == 0 || m == 0 || n == 0 { return Tensor(zeros: [m, n]) }
        // No zero fill: without `accumulate` the GEMM stores every element of C.
        let out = [Float](unsafeUninitializedCapacity: m * n) { pc, initialized in
            a.scalars.withUnsafeBufferPointer { pa in
                b.scalars.withUnsafeBufferPointer { pb in
                    GEMM.multiply(m: m, n: n, k: k,
                                  a: pa.baseAddress, lda: a.columnCount, transposeA: transposeA,
                                  b: pb.baseAddress, ldb: b.columnCount, transposeB: transposeB,
                                  c: pc.baseAddress, ldc: n, accumulate: false)
                }
            }
            initialized = m * n
        }
        return Tensor(shape: [m, n], scalars: out)
    }

    /// `self · other`.
    public func matmul(_ other: Tensor) -> Tensor { Tensor.matmul(self, other) }
}
