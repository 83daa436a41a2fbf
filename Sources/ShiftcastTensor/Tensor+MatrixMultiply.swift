/// Matrix multiplication on rank-2 tensors.
extension Tensor {
    /// `op(a) · op(b)` where `op` optionally transposes.
    ///
    /// - Precondition: inner dimensions agree (shapes named in the message otherwise).
    /// - Complexity: O(m·n·k) with m×k = op(a), k×n = op(b).
    public static func matmul(_ a: Tensor, _ b: Tensor, transposeA: Bool = false, transposeB: Bool = false) -> Tensor {
        matmul(a, b, transposeA: transposeA, transposeB: transposeB, epilogue: nil)
    }

    /// Work on a block of a product's result once its values are final: `c` is the result's
    /// first element (row-major, row stride = its column count), `rows × columns` the block.
    /// The blocks partition the result; each is passed once, possibly concurrently with others
    /// on other threads, and may only touch its own elements (`GEMM.Epilogue`).
    public typealias ProductEpilogue = @Sendable (_ c: UnsafeMutablePointer<Float>, _ rows: Range<Int>, _ columns: Range<Int>) -> Void

    /// `op(a) · op(b)`, then `epilogue` on each block of the result while the core that
    /// computed it still has it in cache (a layer's bias and activation, an activation's derivative).
    public static func matmul(_ a: Tensor, _ b: Tensor, transposeA: Bool = false, transposeB: Bool = false,
                              epilogue: ProductEpilogue?) -> Tensor {
        let m = transposeA ? a.columnCount : a.rowCount
        let k = transposeA ? a.rowCount : a.columnCount
        let kb = transposeB ? b.columnCount : b.rowCount
        let n = transposeB ? b.rowCount : b.columnCount
        precondition(k == kb, "matmul: inner dimensions differ: \(transposeA ? "aᵀ" : "a")\(a.shape) · \(transposeB ? "bᵀ" : "b")\(b.shape)")
        if k == 0 || m == 0 || n == 0 {
            var zeros = Tensor(zeros: [m, n])
            if let epilogue, m > 0, n > 0 {
                zeros.scalars.withUnsafeMutableBufferPointer { epilogue($0.baseAddress!, 0 ..< m, 0 ..< n) }
            }
            return zeros
        }
        // No zero fill: without `accumulate` the GEMM stores every element of C.
        let out = [Float](unsafeUninitializedCapacity: m * n) { pc, initialized in
            let result = SharedMutablePointer(pc.baseAddress!)
            var blockEpilogue: GEMM.Epilogue?
            if let work = epilogue {
                blockEpilogue = { @Sendable (rows: Range<Int>, columns: Range<Int>) in work(result.base, rows, columns) }
            }
            a.scalars.withUnsafeBufferPointer { pa in
                b.scalars.withUnsafeBufferPointer { pb in
                    GEMM.multiply(m: m, n: n, k: k,
                                  a: pa.baseAddress, lda: a.columnCount, transposeA: transposeA,
                                  b: pb.baseAddress, ldb: b.columnCount, transposeB: transposeB,
                                  c: pc.baseAddress, ldc: n, accumulate: false, epilogue: blockEpilogue)
                }
            }
            initialized = m * n
        }
        return Tensor(shape: [m, n], scalars: out)
    }

    /// `self · other`.
    public func matmul(_ other: Tensor) -> Tensor { Tensor.matmul(self, other) }
}
