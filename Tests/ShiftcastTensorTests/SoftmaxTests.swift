import XCTest
import Foundation
@testable import ShiftcastTensor

final class SoftmaxTests: XCTestCase {
    /// Softmax of one row in Double, the textbook way (with the max shift).
    static func referenceSoftmax(_ row: [Float]) -> [Double] {
        let mx = Double(row.max()!)
        let e = row.map { Foundation.exp(Double($0) - mx) }
        let total = e.reduce(0, +)
        return e.map { $0 / total }
    }

    func testMatchesReferenceAcrossVectorAndTailWidths() {
        var g = SeededGenerator(seed: 3)
        for columns in [1, 2, 15, 16, 17, 33, 100] {
            let logits = Tensor.randomNormal(shape: [5, columns], standardDeviation: 4, using: &g)
            let p = logits.rowSoftmax()
            let logP = logits.rowLogSoftmax()
            for i in 0 ..< 5 {
                let want = Self.referenceSoftmax(logits.row(i))
                for j in 0 ..< columns {
                    XCTAssertEqual(Double(p[i, j]), want[j], accuracy: 1e-6 + 1e-5 * want[j], "columns=\(columns) [\(i), \(j)]")
                    XCTAssertEqual(Double(logP[i, j]), Foundation.log(want[j]), accuracy: 1e-4, "columns=\(columns) [\(i), \(j)]")
                }
            }
        }
    }

    /// Logits of ±1e4 overflow a naive `exp`; the shifted form stays exact.
    func testStableForHugeLogits() {
        var row = [Float](repeating: -1e4, count: 20)   // 16 in the SIMD part, 4 in the tail
        row[3] = 1e4
        row[18] = 1e4 - 1
        row[7] = 0
        let logits = Tensor(rows: [row, row.map { -$0 }])
        let p = logits.rowSoftmax()
        let logP = logits.rowLogSoftmax()
        XCTAssertTrue(p.isFinite)
        XCTAssertTrue(logP.isFinite)
        let e1 = Foundation.exp(-1.0)
        XCTAssertEqual(Double(p[0, 3]), 1 / (1 + e1), accuracy: 1e-6)
        XCTAssertEqual(Double(p[0, 18]), e1 / (1 + e1), accuracy: 1e-6)
        XCTAssertEqual(p[0, 7], 0)
        XCTAssertEqual(p[0, 0], 0)
        XCTAssertEqual(Double(logP[0, 3]), -Foundation.log(1 + e1), accuracy: 1e-5)
        XCTAssertEqual(Double(logP[0, 0]), -2e4 - Foundation.log(1 + e1), accuracy: 1)
        // Second row: seventeen logits of +1e4 share the mass; the others get 0.
        for j in 0 ..< 20 {
            let expected: Float = row[j] == -1e4 ? 1 / 17 : 0
            XCTAssertEqual(p[1, j], expected, accuracy: 1e-6, "row 1, column \(j)")
        }
        XCTAssertEqual(Double(logP[1, 0]), -Foundation.log(17), accuracy: 1e-5)
        XCTAssertEqual(Double(logP[1, 3]), -2e4 - Foundation.log(17), accuracy: 1)
    }

    func testRowsSumToOne() {
        var g = SeededGenerator(seed: 4)
        let p = Tensor.randomNormal(shape: [64, 37], standardDeviation: 10, using: &g).rowSoftmax()
        for s in p.sumOverColumns().scalars { XCTAssertEqual(s, 1, accuracy: 1e-5) }
    }
}
