import XCTest
@testable import ShiftcastTensor

final class ReductionTests: XCTestCase {
    func testSumMatchesSequentialDoubleSum() {
        var g = SeededGenerator(seed: 5)
        for count in [0, 1, 31, 32, 33, 1000] {
            let t = Tensor.randomNormal(shape: [count], mean: 3, using: &g)
            let want = t.scalars.reduce(0.0) { $0 + Double($1) }
            XCTAssertEqual(t.sum(), want, accuracy: 1e-9 * Swift.max(1, abs(want)), "count=\(count)")
        }
    }

    /// Column sums equal a top-to-bottom Double sum per column, for widths around the
    /// vector width, and empty shapes give zeros or nothing.
    func testSumOverRowsMatchesColumnSums() {
        var g = SeededGenerator(seed: 8)
        for (m, n) in [(1, 1), (3, 15), (128, 512), (7, 33)] {
            let t = Tensor.randomNormal(shape: [m, n], mean: 1, using: &g)
            let want = (0 ..< n).map { j in Float((0 ..< m).reduce(0.0) { $0 + Double(t.scalars[$1 * n + j]) }) }
            XCTAssertEqual(t.sumOverRows().scalars, want, "\(m)×\(n)")
            XCTAssertEqual(t.sumOverRows().shape, [n])
        }
        XCTAssertEqual(Tensor(zeros: [0, 3]).sumOverRows().scalars, [0, 0, 0])
        XCTAssertEqual(Tensor(zeros: [3, 0]).sumOverRows().shape, [0])
    }

    /// Row sums equal a left-to-right Double sum per row, bit for bit, for row counts around
    /// the eight rows summed together and for tensors split across the cores (2003×64 and
    /// 301×1000 are two chunks with a partial last group of rows, on machines with two or more
    /// cores), and empty shapes give zeros or nothing.
    func testSumOverColumnsMatchesRowSums() {
        var g = SeededGenerator(seed: 9)
        for (m, n) in [(1, 1), (7, 3), (8, 128), (17, 5), (512, 128), (2003, 64), (301, 1000)] {
            let t = Tensor.randomNormal(shape: [m, n], mean: 1, using: &g)
            let want = (0 ..< m).map { i in Float((0 ..< n).reduce(0.0) { $0 + Double(t.scalars[i * n + $1]) }) }
            XCTAssertEqual(t.sumOverColumns().scalars, want, "\(m)×\(n)")
            XCTAssertEqual(t.sumOverColumns().shape, [m])
        }
        XCTAssertEqual(Tensor(zeros: [9, 0]).sumOverColumns().scalars, [Float](repeating: 0, count: 9))
        XCTAssertEqual(Tensor(zeros: [0, 3]).sumOverColumns().shape, [0])
    }

    func testSumOfSmallIntegersIsExact() {
        let t = Tensor((0 ..< 100).map { Float($0 % 9) - 4 })
        XCTAssertEqual(t.sum(), Double((0 ..< 100).reduce(0) { $0 + ($1 % 9) - 4 }))
        XCTAssertEqual(Tensor(zeros: [0]).sum(), 0)
    }

    /// A Float running sum of 10⁶ copies of 0.1 drifts visibly; the Double one does not.
    func testSumKeepsPrecisionOverManyElements() {
        let t = Tensor(repeating: 0.1, shape: [1_000_000])
        XCTAssertEqual(t.sum(), 1_000_000 * Double(Float(0.1)), accuracy: 1e-6)
    }

    /// `isFinite` finds one NaN or ±infinity wherever it sits: the first element, inside a
    /// 16-lane vector, in a later 4,096-element block, in the scalar tail; and extreme finite
    /// values (largest magnitude, subnormals, −0) are finite.
    func testIsFiniteFindsEveryNonFiniteValueAnywhere() {
        for count in [0, 1, 15, 16, 17, 4095, 4096, 4097, 10_003] {
            var values = [Float](repeating: 1, count: count)
            if count > 3 {
                values[1] = .greatestFiniteMagnitude
                values[2] = -.leastNonzeroMagnitude
                values[3] = -0.0
            }
            XCTAssertTrue(Tensor(values).isFinite, "count=\(count)")
            for position in Set([0, 7, 16, 4095, 4096, 9_999, count - 1]) where position >= 0 && position < count {
                for bad in [Float.nan, .infinity, -.infinity] {
                    var copy = values
                    copy[position] = bad
                    XCTAssertFalse(Tensor(copy).isFinite, "count=\(count), \(bad) at \(position)")
                }
            }
        }
    }
}
