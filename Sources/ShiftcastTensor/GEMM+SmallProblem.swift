/// The unpacked path for tiny products (m·n·k ≤ `GEMM.smallProblemVolume`),
/// where allocating and packing would cost more than the arithmetic.
extension GEMM {
    /// `C (=|+=) op(A)·op(B)` with one dot product per element of C, read straight
    /// from the operands as stored.
    ///
    /// - Complexity: O(m·n·k), no allocation.
    static func multiplySmall(m: Int, n: Int, k: Int, a: Operand, b: Operand,
                              c: UnsafeMutablePointer<Float>, ldc: Int, accumulate: Bool) {
        // Step between consecutive p along a row of op(A) and down a column of op(B).
        let aStep = a.transposed ? a.ld : 1
        let bStep = b.transposed ? 1 : b.ld
        for i in 0 ..< m {
            let rowA = a.transposed ? a.base + i : a.base + i * a.ld
            let rowC = c + i * ldc
            for j in 0 ..< n {
                let columnB = b.transposed ? b.base + j * b.ld : b.base + j
                var sum: Float = 0
                for p in 0 ..< k { sum += rowA[p * aStep] * columnB[p * bStep] }
                rowC[j] = accumulate ? rowC[j] + sum : sum
            }
        }
    }
}
