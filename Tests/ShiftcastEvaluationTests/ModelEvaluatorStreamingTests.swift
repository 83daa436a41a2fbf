import XCTest
import ShiftcastTestSupport
import ShiftcastModel
import ShiftcastData
@testable import ShiftcastEvaluation

/// `ModelEvaluator.evaluate(targetBatches:)`, the streaming path of `predict`, gives the same
/// estimates as evaluating the target in memory.
final class ModelEvaluatorStreamingTests: XCTestCase {
    func testStreamingGivesTheSameEstimatesAsTheWholeTarget() throws {
        let arch = MLPArchitecture(inputs: 6, hidden: [16], classes: 3)
        let train = gaussianMixture(count: 900, classes: 3, dimensions: 6, separation: 1.2, seed: 40)
        let source = gaussianMixture(count: 400, classes: 3, dimensions: 6, separation: 1.2, seed: 41)
        let target = gaussianMixture(count: 5000, classes: 3, dimensions: 6, separation: 0.9, seed: 42)
        let config = TrainingConfiguration(length: .epochs(4), batchSize: 64, learningRate: 3e-3)
        var models: [MLP] = []
        for seed in UInt64(1) ... 3 {
            var m = MLP(arch, initSeed: seed)
            try Trainer.train(&m, features: train.features, labels: train.labels, configuration: config)
            models.append(m)
        }
        var options = ModelEvaluator.Options()
        // 20 × 128 = 2560 < 5000 rows: ProjNorm fine-tunes on its reservoir sample.
        options.projNorm = ProjNormConfiguration(iterations: 20, seed: 3)
        options.calibrationShifts = [ShiftSpec("gaussian-noise", 1), ShiftSpec("gaussian-noise", 5), ShiftSpec("contrast", 5)]
        let evaluator = try ModelEvaluator(model: models[0], initialization: .seed(1),
                                           source: Dataset(features: source.features, labels: source.labels),
                                           extraModels: Array(models[1...]), options: options)
        let whole = try evaluator.estimate(target: target.features)
        XCTAssertEqual(whole.estimates.map(\.estimator), EstimatorRegistry.ids, "every estimator ran: \(whole.skipped)")

        func streamed(_ batch: Int) throws -> ModelEvaluator.TargetEvaluation {
            var start = 0
            return try evaluator.evaluate(targetBatches: {
                guard start < target.features.rowCount else { return nil }
                defer { start += batch }
                return target.features.rows(start ..< min(start + batch, target.features.rowCount))
            }, expectedRows: target.features.rowCount)
        }
        let sameBatching = try streamed(4096)
        XCTAssertEqual(sameBatching.estimates, whole.estimates, "batches of 4096 rows reproduce the in-memory path exactly")
        XCTAssertEqual(sameBatching.predictedClasses, models[0].predictions(target.features))
        XCTAssertEqual(sameBatching.predictions.count, 5000)

        let small = try streamed(999)
        for (a, b) in zip(small.estimates, whole.estimates) {
            XCTAssertEqual(a.estimator, b.estimator)
            XCTAssertEqual(a.accuracy ?? .nan, b.accuracy ?? .nan, accuracy: 1e-6, a.estimator.name)
        }
        let empty = try? evaluator.evaluate(targetBatches: { nil })
        XCTAssertNil(empty, "an empty target is an error")
        func message(_ batch: Tensor) -> String? {
            var given = false
            do {
                _ = try evaluator.evaluate(targetBatches: { defer { given = true }; return given ? nil : batch }, origin: "t.npy")
                return nil
            } catch { return (error as? InputError)?.message }
        }
        XCTAssertEqual(message(Tensor([1, 2, 3, 4, 5, 6])), "target data: expected a matrix [rows, 6], found shape [6]")
        XCTAssertEqual(message(Tensor(zeros: [2, 5])), "target data: the model takes 6 features, the data has 5 columns")
    }
}
