import XCTest
import ShiftcastTestSupport
@testable import ShiftcastEvaluation

/// The headline estimate's boosted trees: they find the input that matters, an interaction of two,
/// and do not care how an input is scaled.
final class BoostedTreesTests: XCTestCase {
    func points(_ n: Int, seed: UInt64) -> [[Double]] {
        var g = SeededGenerator(seed: seed)
        return (0 ..< n).map { _ in [g.uniform(), g.uniform(), g.uniform()] }
    }

    func testAStepInOneInputAmongNoise() {
        let x = points(120, seed: 1), y = x.map { $0[1] > 0.5 ? 0.9 : 0.2 }
        let trees = BoostedTrees(x: x, y: y)
        for p in points(50, seed: 2) where abs(p[1] - 0.5) > 0.05 {
            XCTAssertEqual(trees.predict(p), p[1] > 0.5 ? 0.9 : 0.2, accuracy: 0.03, "\(p)")
        }
        // Every split is on input 1: the noise inputs never lower the error enough.
        for tree in trees.trees { for case let .split(feature, _, _, _) in tree { XCTAssertEqual(feature, 1) } }
        // So input 1 carries all the relevance, and its splits removed nearly all the squared
        // error about the mean.
        XCTAssertEqual(trees.importance[0], 0)
        XCTAssertEqual(trees.importance[2], 0)
        let mean = y.reduce(0, +) / Double(y.count), total = y.reduce(0) { $0 + ($1 - mean) * ($1 - mean) }
        XCTAssertGreaterThan(trees.importance[1], 0.9 * total)
    }

    /// The distances of the meta-regression weigh each input half evenly, half by its relevance;
    /// Σ w² = p, and equal relevance (or none) leaves every input its weight of 1.
    func testTheDistanceWeightsFollowTheRelevance() {
        let w = MapModel.distanceWeights(importance: [0, 3, 1, 0])
        XCTAssertEqual(w.reduce(0) { $0 + $1 * $1 }, 4, accuracy: 1e-12)
        let even = MapModel.evenShare
        XCTAssertEqual(w[0], (4 * even / 4).squareRoot(), accuracy: 1e-12)
        XCTAssertEqual(w[1], (4 * (even / 4 + (1 - even) * 0.75)).squareRoot(), accuracy: 1e-12)
        XCTAssertGreaterThan(w[1], w[2])
        XCTAssertGreaterThan(w[2], w[0])
        for w in MapModel.distanceWeights(importance: [2, 2, 2]) + MapModel.distanceWeights(importance: [0, 0]) {
            XCTAssertEqual(w, 1, accuracy: 1e-12)
        }
    }

    func testAnInteractionOfTwoInputs() {
        // Accuracy is high unless both "confidence" (input 0) and "ProjNorm" (input 2) are high:
        // no single input, and no sum of single-input steps, says this; a depth-2 tree can.
        let x = points(200, seed: 3), y = x.map { $0[0] > 0.6 && $0[2] > 0.6 ? 0.1 : 0.9 }
        let trees = BoostedTrees(x: x, y: y)
        let errors = points(100, seed: 4).filter { abs($0[0] - 0.6) > 0.05 && abs($0[2] - 0.6) > 0.05 }.map { p in
            abs(trees.predict(p) - (p[0] > 0.6 && p[2] > 0.6 ? 0.1 : 0.9))
        }
        XCTAssertLessThan(errors.reduce(0, +) / Double(errors.count), 0.05)
    }

    func testAMonotoneTransformOfAnInputChangesNothingOnTheSets() {
        let x = points(80, seed: 5), y = x.map { 0.3 + 0.5 * $0[0] * $0[0] + 0.1 * $0[2] }
        let a = BoostedTrees(x: x, y: y), b = BoostedTrees(x: x.map { [exp(3 * $0[0]), $0[1], -$0[2]] }, y: y)
        for p in x {
            XCTAssertEqual(a.predict(p), b.predict([exp(3 * p[0]), p[1], -p[2]]), accuracy: 1e-9)
        }
        // The fit is close on the sets it saw, and a constant target gives that constant.
        let mae = zip(x, y).reduce(0.0) { $0 + abs(a.predict($1.0) - $1.1) } / Double(x.count)
        XCTAssertLessThan(mae, 0.02)
        XCTAssertEqual(BoostedTrees(x: x, y: x.map { _ in 0.7 }).predict([0.1, 0.2, 0.3]), 0.7, accuracy: 1e-12)
    }
}
