import XCTest
import ShiftcastTestSupport
import ShiftcastModel
import ShiftcastData
@testable import ShiftcastEvaluation

/// Finite but huge inputs: ProjNorm's fine-tunes diverge (it is skipped, with the reason),
/// and rows whose logits overflow are refused by name — never NaN estimates.
final class ModelEvaluatorOverflowTests: XCTestCase {
    func evaluator(source: Dataset, model: MLP) throws -> ModelEvaluator {
        var options = ModelEvaluator.Options()
        options.estimators = [.averageConfidence, .atcMaxConfidence, .projNorm]
        options.projNorm = ProjNormConfiguration(iterations: 30, seed: 3)
        options.calibrationShifts = [ShiftSpec("gaussian-noise", 1), ShiftSpec("contrast", 5)]
        return try ModelEvaluator(model: model, initialization: .seed(1), source: source, options: options)
    }

    func trainedModel() throws -> (MLP, (features: Tensor, labels: [Int])) {
        let data = gaussianMixture(count: 400, classes: 3, dimensions: 4, separation: 1.5, seed: 50)
        var model = MLP(MLPArchitecture(inputs: 4, hidden: [8], classes: 3), initSeed: 1)
        try Trainer.train(&model, features: data.features, labels: data.labels,
                          configuration: TrainingConfiguration(length: .epochs(3), batchSize: 32, learningRate: 3e-3))
        return (model, data)
    }

    func testHugeSourceRowSkipsProjNormWithTheReason() throws {
        let (model, data) = try trainedModel()
        var features = data.features
        for row in stride(from: 0, to: features.rowCount, by: 10) { features[row, 0] = 1e25 }
        let e = try evaluator(source: Dataset(features: features, labels: data.labels), model: model)
        XCTAssertEqual(e.suite.skippedAtFit.map(\.estimator), [.projNorm])
        let result = try e.estimate(target: data.features)
        XCTAssertEqual(result.estimates.map(\.estimator), [.averageConfidence, .atcMaxConfidence])
        XCTAssertTrue(result.estimates.allSatisfy { $0.accuracy?.isFinite ?? false })
        let reason = try XCTUnwrap(result.skipped.first { $0.estimator == .projNorm }?.reason.description)
        XCTAssertTrue(reason.hasPrefix("its reference fine-tune on the source (validation) data: training diverged at iteration "), reason)
    }

    func testTargetRowsThatOverflowTheLogitsAreNamed() throws {
        var (model, data) = try trainedModel()
        // Weights of 1: the source's logits are finite, a row of 3e38 overflows the first layer.
        model.parameters = model.parameters.map { Tensor(shape: $0.shape, scalars: [Float](repeating: 1, count: $0.count)) }
        let e = try evaluator(source: Dataset(features: data.features, labels: data.labels), model: model)
        var target = data.features.rows(0 ..< 10)
        for j in 0 ..< 4 { target[6, j] = 3e38 }
        XCTAssertThrowsError(try e.estimate(target: target, origin: "t.csv")) { error in
            let e = error as? InputError
            XCTAssertEqual(e?.file, "t.csv")
            XCTAssertTrue(e?.message.hasPrefix("target data row 7: the outputs (logits) of the model overflow") ?? false, "\(error)")
        }
    }
}
