import XCTest
@testable import ShiftcastTensor

final class ElementwiseTests: XCTestCase {
    /// ReLU over special values and over lengths around the vector width: positive values
    /// pass bit for bit, everything else (negatives, ±0, NaN, −∞) becomes +0.
    func testRectifiedKeepsPositivesAndZeroesTheRest() {
        let special: [Float] = [1, -1, 0, -0.0, .nan, .infinity, -.infinity, .leastNonzeroMagnitude,
                                -.leastNonzeroMagnitude, .greatestFiniteMagnitude]
        let got = Tensor(special).rectified().scalars
        let want: [Float] = [1, 0, 0, 0, 0, .infinity, 0, .leastNonzeroMagnitude, 0, .greatestFiniteMagnitude]
        XCTAssertEqual(got.map(\.bitPattern), want.map(\.bitPattern))
        var g = SeededGenerator(seed: 11)
        for count in [0, 1, 15, 16, 17, 1000] {
            let x = Tensor.randomNormal(shape: [count], using: &g)
            XCTAssertEqual(x.rectified().scalars, x.scalars.map { $0 > 0 ? $0 : 0 }, "count=\(count)")
        }
    }

    /// The ReLU pullback passes the gradient exactly where the gate is positive.
    func testPassingWherePositiveMasksByTheGate() {
        let dy = Tensor(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6])
        let gate = Tensor(shape: [2, 3], scalars: [0.5, 0, -1, .nan, 7, -0.0])
        XCTAssertEqual(dy.passingWherePositive(gate).scalars, [1, 0, 0, 0, 5, 0])
        XCTAssertEqual(dy.passingWherePositive(gate).shape, [2, 3])
        XCTAssertEqual(Tensor(zeros: [0]).passingWherePositive(Tensor(zeros: [0])).count, 0)
    }

    func testMapKeepsShapeAndOrder() {
        let x = Tensor(shape: [2, 2], scalars: [1, -2, 3, -4])
        let y = x.map { $0 * 10 }
        XCTAssertEqual(y.shape, [2, 2])
        XCTAssertEqual(y.scalars, [10, -20, 30, -40])
        XCTAssertEqual(Tensor(zeros: [0, 3]).map { $0 + 1 }.shape, [0, 3])
    }

    /// Gathering copies whole rows in the given order, repeats included, and handles
    /// zero columns and an empty selection.
    func testGatheringRowsCopiesRowsInOrder() {
        let x = Tensor(shape: [3, 2], scalars: [0, 1, 10, 11, 20, 21])
        let picked = x.gatheringRows([2, 0, 2])
        XCTAssertEqual(picked.shape, [3, 2])
        XCTAssertEqual(picked.scalars, [20, 21, 0, 1, 20, 21])
        XCTAssertEqual(x.gatheringRows([Int]()).shape, [0, 2])
        XCTAssertEqual(Tensor(zeros: [4, 0]).gatheringRows([3, 1]).shape, [2, 0])
    }
}
