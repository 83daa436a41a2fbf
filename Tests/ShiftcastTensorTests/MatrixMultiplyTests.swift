import XCTest
@testable import ShiftcastTensor

final class MatrixMultiplyTests: XCTestCase {
    /// Naive triple loop in Double: the reference every kernel is checked against.
    static func naive(_ a: Tensor, _ b: Tensor, transposeA: Bool, transposeB: Bool) -> [Double] {
        let A = transposeA ? a.transposed : a
        let B = transposeB ? b.transposed : b
        let (m, k, n) = (A.rowCount, A.columnCount, B.columnCount)
        var c = [Double](repeating: 0, count: m * n)
        for i in 0 ..< m { for j in 0 ..< n {
            var s = 0.0
            for p in 0 ..< k { s += Double(A[i, p]) * Double(B[p, j]) }
            c[i * n + j] = s
        } }
        return c
    }

    func testOddShapesAllTransposes() {
        var g = SeededGenerator(seed: 7)
        let sizes = [1, 2, 3, 7, 13, 16, 17, 31, 64, 67, 129]
        for m in sizes { for n in [1, 5, 16, 33, 130] { for k in [1, 3, 17, 64, 131] {
            for (ta, tb) in [(false, false), (true, false), (false, true), (true, true)] {
                let a = Tensor.randomNormal(shape: ta ? [k, m] : [m, k], using: &g)
                let b = Tensor.randomNormal(shape: tb ? [n, k] : [k, n], using: &g)
                let c = Tensor.matmul(a, b, transposeA: ta, transposeB: tb)
                XCTAssertEqual(c.shape, [m, n])
                let ref = Self.naive(a, b, transposeA: ta, transposeB: tb)
                for i in 0 ..< ref.count {
                    let tol = 1e-4 * Double(k).squareRoot() * 4 + 1e-5
                    if abs(Double(c.scalars[i]) - ref[i]) > tol {
                        XCTFail("m=\(m) n=\(n) k=\(k) ta=\(ta) tb=\(tb) at \(i): \(c.scalars[i]) vs \(ref[i])"); return
                    }
                }
            }
        } } }
    }

    func testEmptyInnerDimensionGivesZeros() {
        let a = Tensor(zeros: [3, 0]), b = Tensor(zeros: [0, 4])
        XCTAssertEqual(Tensor.matmul(a, b), Tensor(zeros: [3, 4]))
    }
}
