import XCTest
import ShiftcastTestSupport
import ShiftcastModel
@testable import ShiftcastEvaluation

/// ProjNorm's target sample: the whole target when it fits the fine-tune, otherwise a uniform
/// reservoir sample that does not depend on how the rows were batched.
final class ProjNormTargetSampleTests: XCTestCase {
    /// Row i of the test matrices holds the value i, so a kept row names itself.
    func indexed(_ rows: Range<Int>, columns: Int = 3) -> Tensor {
        Tensor(shape: [rows.count, columns], scalars: rows.flatMap { Array(repeating: Float($0), count: columns) })
    }

    func keptRows(_ sample: ProjNormTargetSample) -> [Int] {
        let rows = sample.rows
        return (0 ..< rows.rowCount).map { Int(rows[$0, 0]) }
    }

    func fill(rows: Int, batch: Int, configuration: ProjNormConfiguration) -> ProjNormTargetSample {
        var sample = ProjNormTargetSample(columnCount: 3, configuration: configuration)
        var start = 0
        while start < rows {
            let end = min(start + batch, rows)
            sample.add(indexed(start ..< end), pseudoLabels: (start ..< end).map { $0 % 5 })
            start = end
        }
        return sample
    }

    func testASmallTargetIsKeptWholeAndInOrder() {
        let config = ProjNormConfiguration(iterations: 10, batchSize: 8)  // capacity 80
        let sample = fill(rows: 80, batch: 7, configuration: config)
        XCTAssertEqual(sample.capacity, 80)
        XCTAssertEqual(keptRows(sample), Array(0 ..< 80))
        XCTAssertEqual(sample.pseudoLabels, (0 ..< 80).map { $0 % 5 })
    }

    /// Narrowed to some target rows (a target read at the meta-sets' size), the sample keeps
    /// exactly those rows when it holds the whole target, and kept rows standing in for them when
    /// it is a reservoir sample.
    func testSelectingRowsFollowsTheTargetsRows() throws {
        let config = ProjNormConfiguration(iterations: 10, batchSize: 8)  // capacity 80
        let whole = fill(rows: 50, batch: 7, configuration: config)
        let picked = try XCTUnwrap(whole.selectingRows([3, 9, 41, 9], ofTargetRows: 50) as? ProjNormTargetSample)
        XCTAssertEqual(keptRows(picked), [3, 9, 41, 9])
        XCTAssertEqual(picked.pseudoLabels, [3, 4, 1, 4])
        XCTAssertEqual(picked.rowsSeen, 4)
        let reservoir = fill(rows: 200, batch: 16, configuration: config)
        let stand = try XCTUnwrap(reservoir.selectingRows([0, 85, 199], ofTargetRows: 200) as? ProjNormTargetSample)
        XCTAssertEqual(keptRows(stand), [0, 5, 39].map { keptRows(reservoir)[$0] })
        XCTAssertEqual(stand.pseudoLabels, keptRows(stand).map { $0 % 5 })
    }

    /// The capacity is what the fine-tune can draw, `iterations × max(1, batchSize)`, without overflow.
    func testCapacityMatchesTheTrainersBatchAndCannotOverflow() {
        XCTAssertEqual(ProjNormTargetSample(columnCount: 2, configuration: ProjNormConfiguration(iterations: 7, batchSize: 0)).capacity, 7)
        XCTAssertEqual(ProjNormTargetSample(columnCount: 2, configuration: ProjNormConfiguration(iterations: 1_000_000, batchSize: Int.max / 2)).capacity, Int.max)
    }

    func testALargeTargetKeepsCapacityRowsIndependentOfBatching() {
        let config = ProjNormConfiguration(iterations: 5, batchSize: 4, seed: 9)  // capacity 20
        let reference = fill(rows: 500, batch: 500, configuration: config)
        XCTAssertEqual(reference.rowsSeen, 500)
        XCTAssertEqual(reference.rows.shape, [20, 3])
        XCTAssertEqual(Set(keptRows(reference)).count, 20, "no row kept twice")
        XCTAssertEqual(reference.pseudoLabels, keptRows(reference).map { $0 % 5 }, "labels travel with their rows")
        for batch in [1, 3, 64] {
            XCTAssertEqual(keptRows(fill(rows: 500, batch: batch, configuration: config)), keptRows(reference), "batch \(batch)")
        }
        var otherSeed = config
        otherSeed.seed = 10
        XCTAssertNotEqual(keptRows(fill(rows: 500, batch: 500, configuration: otherSeed)), keptRows(reference))
    }

    /// Each of 200 rows should be kept with probability 50/200 = 0.25; over 400 seeds the count
    /// is Binomial(400, 0.25): mean 100, sd ≈ 8.7. A sample biased towards early or late rows
    /// (e.g. keeping the first rows, or replacing with a wrong probability) fails.
    func testEveryRowIsEquallyLikelyToBeKept() {
        var counts = [Int](repeating: 0, count: 200)
        for seed in 0 ..< 400 {
            let config = ProjNormConfiguration(iterations: 10, batchSize: 5, seed: UInt64(seed))
            for row in keptRows(fill(rows: 200, batch: 37, configuration: config)) { counts[row] += 1 }
        }
        XCTAssertEqual(counts.reduce(0, +), 400 * 50)
        XCTAssertLessThan(counts.max()!, 100 + 45, "\(counts)")
        XCTAssertGreaterThan(counts.min()!, 100 - 45, "\(counts)")
        let firstQuarter = counts[..<50].reduce(0, +), lastQuarter = counts[150...].reduce(0, +)
        XCTAssertEqual(Double(firstQuarter) / Double(lastQuarter), 1, accuracy: 0.1)
    }
}
