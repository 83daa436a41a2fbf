import XCTest
import ShiftcastTestSupport
import ShiftcastModel
@testable import ShiftcastEvaluation

final class ProjNormTests: XCTestCase {
    func testShiftedTargetHasLargerProjNormAndRunsAreDeterministic() throws {
        let arch = MLPArchitecture(inputs: 8, hidden: [32], classes: 3)
        let train = gaussianMixture(count: 1500, classes: 3, dimensions: 8, separation: 1.5, seed: 30)
        let source = gaussianMixture(count: 600, classes: 3, dimensions: 8, separation: 1.5, seed: 31)
        let sameDistribution = gaussianMixture(count: 600, classes: 3, dimensions: 8, separation: 1.5, seed: 32)
        var g = SeededGenerator(seed: 33)
        let noise = Tensor.randomNormal(shape: sameDistribution.features.shape, standardDeviation: 3, using: &g)
        let shifted = sameDistribution.features + noise

        let theta0 = MLP(arch, initSeed: 7)
        var model = theta0
        try Trainer.train(&model, features: train.features, labels: train.labels,
                          configuration: TrainingConfiguration(length: .epochs(10), batchSize: 64, learningRate: 3e-3))
        XCTAssertLessThan(model.accuracy(shifted, labels: sameDistribution.labels),
                          model.accuracy(sameDistribution.features, labels: sameDistribution.labels) - 0.1)

        let config = ProjNormConfiguration(iterations: 200, learningRate: 0.02, seed: 1)
        let reference = try ProjNormReference(initial: theta0, sourceFeatures: source.features,
                                              sourceLabels: source.labels, configuration: config)
        let inDistribution = try reference.score(targetFeatures: sameDistribution.features, model: model).projNorm
        let outOfDistribution = try reference.score(targetFeatures: shifted, model: model).projNorm
        XCTAssertGreaterThan(outOfDistribution, 1.5 * inDistribution,
                             "in-distribution \(inDistribution), shifted \(outOfDistribution)")

        let again = try ProjNormReference(initial: theta0, sourceFeatures: source.features,
                                          sourceLabels: source.labels, configuration: config)
        XCTAssertEqual(try again.score(targetFeatures: shifted, model: model).projNorm, outOfDistribution)
    }

    func testBalancedRowsMatchTheSourceClassShares() {
        // 6 rows pseudo-labeled 0, 2 labeled 1; the source is half and half: 4 and 4.
        let labels = [0, 0, 0, 0, 0, 0, 1, 1]
        let picks = ProjNormReference.balancedRows(pseudoLabels: labels, sourceClassCounts: [5, 5], seed: 3)
        XCTAssertEqual(picks.count, labels.count)
        XCTAssertEqual(picks.filter { labels[$0] == 0 }.count, 4)
        XCTAssertEqual(picks.filter { $0 == 6 }.count, 2)
        XCTAssertEqual(picks.filter { $0 == 7 }.count, 2)
        XCTAssertEqual(Set(picks.filter { labels[$0] == 0 }).count, 4, "class 0's rows are drawn without repetition")
        XCTAssertEqual(picks, picks.sorted())
        XCTAssertEqual(picks, ProjNormReference.balancedRows(pseudoLabels: labels, sourceClassCounts: [5, 5], seed: 3))
        // A source class no row was pseudo-labeled with gives its share to the others.
        let absent = ProjNormReference.balancedRows(pseudoLabels: labels, sourceClassCounts: [1, 1, 6], seed: 3)
        XCTAssertEqual(absent.filter { labels[$0] == 1 }.count, 4)
        // Shares that do not divide evenly still give as many rows as the target has.
        let uneven = ProjNormReference.balancedRows(pseudoLabels: [0, 1, 2, 2, 2], sourceClassCounts: [1, 1, 1], seed: 9)
        XCTAssertEqual(uneven.count, 5)
        XCTAssertEqual(Set([0, 1, 2].map { c in uneven.filter { [0, 1, 2, 2, 2][$0] == c }.count }), [1, 2])
    }

    func testBalancedFineTuneIsNotMovedByAPriorChangeAlone() throws {
        let arch = MLPArchitecture(inputs: 8, hidden: [32], classes: 3)
        let train = gaussianMixture(count: 1500, classes: 3, dimensions: 8, separation: 2.5, seed: 40)
        let source = gaussianMixture(count: 600, classes: 3, dimensions: 8, separation: 2.5, seed: 41)
        let target = gaussianMixture(count: 1200, classes: 3, dimensions: 8, separation: 2.5, seed: 42)
        let theta0 = MLP(arch, initSeed: 8)
        var model = theta0
        try Trainer.train(&model, features: train.features, labels: train.labels,
                          configuration: TrainingConfiguration(length: .epochs(10), batchSize: 64, learningRate: 3e-3))
        // The same class-conditionals, priors 0.8 / 0.1 / 0.1.
        let rows0 = target.labels.indices.filter { target.labels[$0] == 0 }, others = target.labels.indices.filter { target.labels[$0] != 0 }
        let skewed = target.features.gatheringRows(Array(rows0.prefix(400)) + Array(others.prefix(100)))
        let balanced = target.features.gatheringRows(Array(rows0.prefix(170)) + Array(others.prefix(330)))
        func projNorm(_ features: Tensor, balancing: Bool) throws -> Double {
            var config = ProjNormConfiguration(iterations: 200, learningRate: 0.02, seed: 1)
            config.balancesPseudoLabels = balancing
            let reference = try ProjNormReference(initial: theta0, sourceFeatures: source.features,
                                                  sourceLabels: source.labels, configuration: config)
            return try reference.score(targetFeatures: features, model: model).projNorm
        }
        let plainShift = try projNorm(skewed, balancing: false) - projNorm(balanced, balancing: false)
        let balancedShift = try projNorm(skewed, balancing: true) - projNorm(balanced, balancing: true)
        XCTAssertGreaterThan(plainShift, 0, "plain ProjNorm grows under the prior change")
        XCTAssertLessThan(abs(balancedShift), 0.5 * plainShift, "plain \(plainShift), balanced \(balancedShift)")
    }

    func testBalancedScoreReadsTheDistinctRows() throws {
        let arch = MLPArchitecture(inputs: 6, hidden: [16], classes: 3)
        let source = gaussianMixture(count: 150, classes: 3, dimensions: 6, separation: 2.5, seed: 50)
        let target = gaussianMixture(count: 150, classes: 3, dimensions: 6, separation: 2.5, seed: 51)
        let theta0 = MLP(arch, initSeed: 9)
        var config = ProjNormConfiguration(iterations: 40, learningRate: 0.02, seed: 4)
        config.balancesPseudoLabels = true
        let reference = try ProjNormReference(initial: theta0, sourceFeatures: source.features,
                                              sourceLabels: source.labels, configuration: config)
        // Exact repeats are dropped, the first of each kept in order.
        let rows = Tensor(rows: [[1, 2], [3, 4], [1, 2], [1, 2], [5, 6]])
        let (distinct, labels) = ProjNormReference.distinctRows(rows, labels: [0, 1, 0, 2, 1])
        XCTAssertEqual(distinct, Tensor(rows: [[1, 2], [3, 4], [1, 2], [5, 6]]), "equal rows with other labels are kept")
        XCTAssertEqual(labels, [0, 1, 2, 1])
        // A resample with replacement scores as its distinct rows do.
        var g = SeededGenerator(seed: 52)
        let draws = (0 ..< 150).map { _ in g.index(below: 150) }
        let model = theta0
        let withRepeats = try reference.score(targetFeatures: target.features.gatheringRows(draws), model: model).projNorm
        let once = try reference.score(targetFeatures: target.features.gatheringRows(Array(Set(draws)).sorted()), model: model).projNorm
        XCTAssertEqual(withRepeats, once)
    }

    func testRejectsEmptyOrMismatchedTargets() throws {
        let arch = MLPArchitecture(inputs: 2, hidden: [4], classes: 2)
        let theta0 = MLP(arch, initSeed: 1)
        let reference = try ProjNormReference(initial: theta0, sourceFeatures: Tensor(rows: [[0, 1], [1, 0]]),
                                              sourceLabels: [0, 1], configuration: ProjNormConfiguration(iterations: 2))
        XCTAssertThrowsError(try reference.score(targetFeatures: Tensor(zeros: [0, 2]), model: theta0))
        XCTAssertThrowsError(try reference.score(targetFeatures: Tensor(zeros: [3, 5]), model: theta0))
    }
}
