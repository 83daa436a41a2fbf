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

    func testRejectsEmptyOrMismatchedTargets() throws {
        let arch = MLPArchitecture(inputs: 2, hidden: [4], classes: 2)
        let theta0 = MLP(arch, initSeed: 1)
        let reference = try ProjNormReference(initial: theta0, sourceFeatures: Tensor(rows: [[0, 1], [1, 0]]),
                                              sourceLabels: [0, 1], configuration: ProjNormConfiguration(iterations: 2))
        XCTAssertThrowsError(try reference.score(targetFeatures: Tensor(zeros: [0, 2]), model: theta0))
        XCTAssertThrowsError(try reference.score(targetFeatures: Tensor(zeros: [3, 5]), model: theta0))
    }
}
