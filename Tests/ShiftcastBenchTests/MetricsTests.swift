import XCTest
@testable import ShiftcastBench

/// Each statistic against values computed by hand (and checked with scipy.stats).
final class MetricsTests: XCTestCase {
    func testMeanAbsoluteError() {
        XCTAssertEqual(Metrics.meanAbsoluteError([0.5, 0.9, 0.2], [0.6, 0.7, 0.2]), 0.1, accuracy: 1e-12)
    }

    func testRSquaredAndPearson() {
        // y = 2x + 1 exactly: R² = 1; a hand-computed case: x = [1,2,3,4], y = [2,1,4,3]:
        // r = (Σ(x−2.5)(y−2.5)) / sqrt(5·5) = 3/5.
        XCTAssertEqual(Metrics.rSquared([1, 2, 3], [3, 5, 7]), 1, accuracy: 1e-12)
        XCTAssertEqual(Metrics.pearson([1, 2, 3, 4], [2, 1, 4, 3]), 0.6, accuracy: 1e-12)
        XCTAssertEqual(Metrics.rSquared([1, 2, 3, 4], [2, 1, 4, 3]), 0.36, accuracy: 1e-12)
        XCTAssertTrue(Metrics.rSquared([1, 1, 1], [1, 2, 3]).isNaN)
    }

    func testSpearmanWithTies() {
        // ranks x: [1, 2.5, 2.5, 4], y: [1, 2, 3, 4] → scipy.stats.spearmanr gives 0.9486832980505138.
        XCTAssertEqual(Metrics.ranks([1, 5, 5, 9]), [1, 2.5, 2.5, 4])
        XCTAssertEqual(Metrics.spearman([1, 5, 5, 9], [10, 20, 30, 40]), 0.9486832980505138, accuracy: 1e-12)
        XCTAssertEqual(Metrics.spearman([1, 2, 3], [3, 2, 1]), -1, accuracy: 1e-12)
    }

    func testKendallTauB() {
        // x = [1,2,3,4,5], y = [3,1,2,5,4]: concordant 7, discordant 3 → τ = 0.4.
        XCTAssertEqual(Metrics.kendallTau([1, 2, 3, 4, 5], [3, 1, 2, 5, 4]), 0.4, accuracy: 1e-12)
        // With ties: scipy.stats.kendalltau([1,2,2,3],[1,3,2,4]) = 0.9128709291752769.
        XCTAssertEqual(Metrics.kendallTau([1, 2, 2, 3], [1, 3, 2, 4]), 0.9128709291752769, accuracy: 1e-12)
    }
}
