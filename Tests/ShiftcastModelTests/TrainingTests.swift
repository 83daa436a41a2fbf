import XCTest
import ShiftcastTestSupport
@testable import ShiftcastModel

final class TrainingTests: XCTestCase {
    func trainMixtureModel(seed: UInt64) throws -> (MLP, Double) {
        let train = gaussianMixture(count: 1500, classes: 3, dimensions: 8, separation: 1.5, seed: 10)
        let test = gaussianMixture(count: 1000, classes: 3, dimensions: 8, separation: 1.5, seed: 11)
        var model = MLP(MLPArchitecture(inputs: 8, hidden: [32, 32], classes: 3), initSeed: seed)
        let config = TrainingConfiguration(length: .epochs(15), batchSize: 64, optimizer: .adam(),
                                           learningRate: 3e-3, shuffleSeed: seed)
        try Trainer.train(&model, features: train.features, labels: train.labels, configuration: config)
        return (model, model.accuracy(test.features, labels: test.labels))
    }

    func testGaussianMixtureReaches95PercentAndIsDeterministic() throws {
        let (first, accuracy) = try trainMixtureModel(seed: 42)
        XCTAssertGreaterThanOrEqual(accuracy, 0.95)
        let (second, _) = try trainMixtureModel(seed: 42)
        XCTAssertEqual(first.parameters, second.parameters, "same seed must give bit-identical weights")
        let (third, _) = try trainMixtureModel(seed: 43)
        XCTAssertNotEqual(first.parameters, third.parameters)
    }

    /// With n ≤ batch, every step is one full-batch step on the rows as given: the trainer
    /// equals a hand-written loop of `lossAndGradient` and the optimizer, bit for bit.
    func testABatchHoldingEveryRowIsAFullBatchStepOnTheRowsAsGiven() throws {
        let data = gaussianMixture(count: 40, classes: 3, dimensions: 6, separation: 1.5, seed: 14)
        let initial = MLP(MLPArchitecture(inputs: 6, hidden: [9], classes: 3), initSeed: 5)
        let config = TrainingConfiguration.projNormFineTune(iterations: 12, learningRate: 0.05, batchSize: 128, shuffleSeed: 9)
        var trained = initial
        let summary = try Trainer.train(&trained, features: data.features, labels: data.labels, configuration: config)
        XCTAssertEqual(summary.iterations, 12)
        XCTAssertEqual(summary.epochs, 12)
        var byHand = initial
        var optimizer = config.optimizer.make()
        for t in 0 ..< 12 {
            let gradient = byHand.lossAndGradient(data.features, labels: data.labels, inputGradient: false).gradient
            let rate = config.schedule.rate(at: t, base: config.learningRate)
            byHand.updateParameters { optimizer.update(&$0, gradients: gradient.parameters, learningRate: rate) }
        }
        XCTAssertEqual(trained.parameters, byHand.parameters)
        XCTAssertNotEqual(trained.parameters, initial.parameters)
    }

    func testSGDWithCosineScheduleLearns() throws {
        let data = gaussianMixture(count: 600, classes: 3, dimensions: 8, separation: 1.2, seed: 12)
        var model = MLP(MLPArchitecture(inputs: 8, hidden: [16], classes: 3, activation: .tanh), initSeed: 1)
        let before = model.accuracy(data.features, labels: data.labels)
        let summary = try Trainer.train(&model, features: data.features, labels: data.labels,
                                        configuration: .projNormFineTune(iterations: 200, learningRate: 0.05, shuffleSeed: 3))
        XCTAssertEqual(summary.iterations, 200)
        XCTAssertGreaterThan(model.accuracy(data.features, labels: data.labels), max(before, 0.9))
    }

    func testLossThresholdStopsAtTheFirstEpochThatReachesIt() throws {
        let data = gaussianMixture(count: 300, classes: 3, dimensions: 8, separation: 3, seed: 12)
        func run(threshold: Double?, epochs: Int) throws -> (MLP, TrainingSummary) {
            var model = MLP(MLPArchitecture(inputs: 8, hidden: [16], classes: 3), initSeed: 4)
            var config = TrainingConfiguration(length: .epochs(epochs), batchSize: 32, optimizer: .adam(), learningRate: 5e-3, shuffleSeed: 2)
            config.stopAtTrainingLoss = threshold
            let summary = try Trainer.train(&model, features: data.features, labels: data.labels, configuration: config)
            return (model, summary)
        }
        let (stopped, summary) = try run(threshold: 0.2, epochs: 200)
        XCTAssertEqual(summary.reachedLossThreshold, true)
        XCTAssertLessThan(summary.epochs, 200)
        XCTAssertEqual(summary.iterations, summary.epochs * 10, "stops at an epoch end (10 batches of 32 per epoch)")
        let loss = SoftmaxCrossEntropy.loss(logits: stopped.logits(data.features), labels: data.labels)
        XCTAssertEqual(summary.trainingLoss!, loss, accuracy: 1e-6)
        XCTAssertLessThanOrEqual(loss, 0.2)
        // The same run for exactly those epochs, without the rule, gives the same weights; one epoch
        // fewer is still above the threshold (it stopped at the first epoch that reached it).
        XCTAssertEqual(try run(threshold: nil, epochs: summary.epochs).0.parameters, stopped.parameters)
        let before = try run(threshold: nil, epochs: summary.epochs - 1).0
        XCTAssertGreaterThan(SoftmaxCrossEntropy.loss(logits: before.logits(data.features), labels: data.labels), 0.2)
        // An unreachable threshold runs to the cap and says so.
        let (_, capped) = try run(threshold: 0, epochs: 3)
        XCTAssertEqual(capped.reachedLossThreshold, false)
        XCTAssertEqual(capped.epochs, 3)
        XCTAssertNil(try run(threshold: nil, epochs: 1).1.reachedLossThreshold)
    }

    func testRejectsBadData() {
        var model = MLP(MLPArchitecture(inputs: 2, hidden: [], classes: 2), initSeed: 0)
        let x = Tensor(rows: [[0, 1], [1, 0]])
        let config = TrainingConfiguration(length: .iterations(1))
        XCTAssertThrowsError(try Trainer.train(&model, features: x, labels: [0, 2], configuration: config)) {
            XCTAssertTrue("\($0)".contains("label 2 at row 2 is outside 0..<2"), "\($0)")
        }
        XCTAssertThrowsError(try Trainer.train(&model, features: Tensor(rows: [[1, 2, 3]]), labels: [0], configuration: config))
        XCTAssertThrowsError(try Trainer.train(&model, features: Tensor(rows: [[.nan, 1]]), labels: [0], configuration: config))
    }

    /// Features near Float's range make the loss overflow within a few steps: training stops
    /// with `TrainingDiverged` (the iteration, what was found) instead of returning NaN weights.
    func testDivergenceIsReportedNotReturned() {
        var model = MLP(MLPArchitecture(inputs: 2, hidden: [4], classes: 2), initSeed: 0)
        let x = Tensor(rows: [[1e20, 1], [1, -1e20], [0.5, 0.5], [1e19, 1e19]])
        let config = TrainingConfiguration(length: .iterations(50), batchSize: 4, optimizer: .sgd(momentum: 0.9), learningRate: 0.1)
        XCTAssertThrowsError(try Trainer.train(&model, features: x, labels: [0, 1, 0, 1], configuration: config)) { error in
            guard let diverged = error as? TrainingDiverged else { return XCTFail("\(error)") }
            XCTAssertLessThanOrEqual(diverged.iteration, 50)
            XCTAssertEqual(diverged.totalIterations, 50)
            XCTAssertTrue("\(diverged.during("a fine-tune"))".hasPrefix("a fine-tune: training diverged at iteration "), "\(diverged)")
        }
    }

    func testInitSeedRecreatesInitialisation() {
        let arch = MLPArchitecture(inputs: 3, hidden: [4], classes: 2)
        XCTAssertEqual(MLP(arch, initSeed: 9), MLP(arch, initSeed: 9))
        XCTAssertNotEqual(MLP(arch, initSeed: 9), MLP(arch, initSeed: 10))
        XCTAssertEqual(MLP(arch, initSeed: 9).parameterDistance(to: MLP(arch, initSeed: 9)), 0)
    }
}
