import XCTest
@testable import ShiftcastEstimators

/// Identities every estimator must satisfy, on hand-made predictions.
final class EstimatorIdentityTests: XCTestCase {
    /// Random softmax predictions with labels that are right with probability ~`skill`.
    func predictions(count: Int, classes: Int, seed: UInt64, skill: Double = 0.7, temperature: Float = 1) -> LabeledPredictions {
        var g = SeededGenerator(seed: seed)
        var logits = Tensor.randomNormal(shape: [count, classes], using: &g)
        var labels: [Int] = []
        for i in 0 ..< count {
            let y = g.index(below: classes)
            labels.append(y)
            if g.uniform() < skill { logits[i, y] += 3 }
        }
        let p = try! Predictions(logits: logits, temperature: Double(temperature))
        return try! LabeledPredictions(predictions: p, labels: labels)
    }

    func quantized(_ p: LabeledPredictions, levels: Float) -> LabeledPredictions {
        let k = p.classCount
        var s = p.predictions.probabilities.scalars.map { ($0 * levels).rounded() / levels }
        for i in 0 ..< p.count {
            let total = s[i * k ..< (i + 1) * k].reduce(0, +)
            for j in 0 ..< k { s[i * k + j] /= total }
        }
        return try! LabeledPredictions(predictions: Predictions(probabilities: Tensor(shape: [p.count, k], scalars: s)), labels: p.labels)
    }

    func testATCOnTheSourceReturnsTheSourceAccuracy() throws {
        let plain = predictions(count: 500, classes: 4, seed: 1)
        let tied = quantized(plain, levels: 5)  // heavy ties in both scores
        let perfect = try LabeledPredictions(predictions: plain.predictions, labels: plain.predictions.predictedClasses)
        let hopeless = try LabeledPredictions(predictions: plain.predictions,
                                              labels: plain.predictions.predictedClasses.map { ($0 + 1) % 4 })
        XCTAssertEqual(perfect.accuracy, 1)
        XCTAssertEqual(hopeless.accuracy, 0)
        for source in [plain, tied, perfect, hopeless] {
            for score in AverageThresholdedConfidence.Score.allCases {
                let e = try AverageThresholdedConfidence(score: score).fit(source: source).estimate(target: source.predictions)
                XCTAssertEqual(try XCTUnwrap(e.accuracy), source.accuracy, accuracy: 1e-12, "\(score) at accuracy \(source.accuracy)")
            }
        }
        // Ties are really present in the quantised set.
        XCTAssertLessThan(Set(tied.predictions.confidences).count, 10)
    }

    func testATCDependsOnlyOnTheOrderOfScores() throws {
        let source = predictions(count: 400, classes: 3, seed: 2)
        let target = predictions(count: 300, classes: 3, seed: 3, skill: 0.4).predictions
        let fitted = try AverageThresholdedConfidence(score: .maxConfidence).fit(source: source)
        let direct = try fitted.estimate(target: target).accuracy!
        // A strictly monotone transform of the scores through the threshold machinery.
        let transform: (Double) -> Double = { $0 * $0 * $0 + 2 * $0 }
        let s = AverageThresholdedConfidence.Score.maxConfidence.values(source.predictions).map(transform)
        let t = ThresholdWithTies.fit(scores: s, fractionAbove: source.accuracy)
        let transformed = t.fractionAbove(AverageThresholdedConfidence.Score.maxConfidence.values(target).map(transform))
        XCTAssertEqual(direct, transformed, accuracy: 1e-12)
    }

    func testNegativeEntropyAtHundredPercentDoesNotCollapse() throws {
        // The reference code's t = 0 at 100 % source accuracy makes NE predict ~0 %.
        let source = predictions(count: 300, classes: 3, seed: 4)
        let perfect = try LabeledPredictions(predictions: source.predictions, labels: source.predictions.predictedClasses)
        let e = try AverageThresholdedConfidence(score: .negativeEntropy).fit(source: perfect).estimate(target: source.predictions)
        XCTAssertEqual(e.accuracy, 1)
    }

    func testDoCOnTheSourceReturnsTheSourceAccuracy() throws {
        let source = predictions(count: 300, classes: 5, seed: 5)
        let e = try DifferenceOfConfidences().fit(source: source).estimate(target: source.predictions)
        XCTAssertEqual(try XCTUnwrap(e.accuracy), source.accuracy, accuracy: 1e-12)
    }

    func testACOfOneHotPredictionsIsOne() throws {
        let oneHot = Tensor(rows: [[1, 0, 0], [0, 1, 0], [0, 0, 1], [1, 0, 0]])
        let p = try Predictions(probabilities: oneHot)
        let source = try LabeledPredictions(predictions: p, labels: [0, 1, 2, 1])
        XCTAssertEqual(try AverageConfidence().fit(source: source).estimate(target: p).accuracy, 1)
        // Balanced one-hot predictions have nuclear norm score 1.
        let balanced = try Predictions(probabilities: Tensor(rows: [[1, 0, 0], [0, 1, 0], [0, 0, 1]]))
        XCTAssertEqual(NuclearNorm.score(balanced.probabilities), 1, accuracy: 1e-9)
    }

    func testCOTEqualsACWhenThePredictedMarginalMatchesTheSourcePrior() throws {
        // Target predictions whose argmax counts equal the source label counts exactly.
        let target = predictions(count: 240, classes: 4, seed: 6).predictions
        let labels = target.predictedClasses  // source with the same label marginal
        let source = try LabeledPredictions(predictions: target, labels: labels)
        let cot = try ConfidenceOptimalTransport().fit(source: source).estimate(target: target)
        let ac = try AverageConfidence().fit(source: source).estimate(target: target)
        XCTAssertEqual(try XCTUnwrap(cot.accuracy), try XCTUnwrap(ac.accuracy), accuracy: 1e-9)
    }

    func testCOTIsBelowACWhenMarginalsDiffer() throws {
        // Everything predicted as class 0, but the source prior is uniform: transport must pay.
        let target = try Predictions(probabilities: Tensor(rows: Array(repeating: [0.9, 0.05, 0.05], count: 30)))
        let source = try LabeledPredictions(predictions: Predictions(probabilities: Tensor(rows: [[1, 0, 0], [0, 1, 0], [0, 0, 1]])),
                                            labels: [0, 1, 2])
        let cot = try ConfidenceOptimalTransport().fit(source: source).estimate(target: target)
        // One third stays at class 0 (cost 0.1), two thirds move (cost 0.95): 1 − (0.1/3 + 0.95·2/3).
        XCTAssertEqual(try XCTUnwrap(cot.accuracy), 1 - (0.1 / 3 + 0.95 * 2 / 3), accuracy: 1e-6)
    }

    func testGDEOfAModelWithItselfIsOne() throws {
        let source = predictions(count: 100, classes: 3, seed: 7)
        let target = predictions(count: 80, classes: 3, seed: 8).predictions
        let fitted = try SeedDisagreement().fit(SourceEvidence(predictions: source, otherModels: [source]))
        XCTAssertEqual(try fitted.estimate(TargetEvidence(predictions: target, otherModels: [target])).accuracy, 1)
    }

    func testTemperatureScalingRecoversAKnownTemperature() throws {
        // Labels drawn from softmax(z), predictions given as softmax(z·3) (overconfident by T = 3).
        var g = SeededGenerator(seed: 9)
        let z = Tensor.randomNormal(shape: [4000, 4], standardDeviation: 1.5, using: &g)
        let truth = z.rowSoftmax()
        var labels: [Int] = []
        for i in 0 ..< 4000 {
            var u = g.uniform(), y = 0
            while y < 3 { u -= Double(truth[i, y]); if u < 0 { break }; y += 1 }
            labels.append(y)
        }
        let overconfident = try LabeledPredictions(predictions: Predictions(logits: z * 3), labels: labels)
        XCTAssertEqual(TemperatureScaling.fit(source: overconfident), 3, accuracy: 0.3)
    }

    func testValidationOfProbabilities() {
        XCTAssertThrowsError(try Predictions(probabilities: Tensor(rows: [[0.5, 0.6]]), origin: "t.npy")) {
            XCTAssertTrue("\($0)".contains("t.npy:1: error: row 1 should sum to 1"), "\($0)")
        }
        XCTAssertThrowsError(try Predictions(probabilities: Tensor(rows: [[1.2, -0.2]]), origin: "t.npy")) {
            XCTAssertTrue("\($0)".contains("t.npy:1:2: error: expected a probability ≥ 0, found -0.2"), "\($0)")
        }
        let close = try! Predictions(probabilities: Tensor(rows: [[0.5, 0.5004]]), origin: "t.npy")
        XCTAssertEqual(close.warnings.count, 1)
        XCTAssertEqual(Double(close.probabilities.scalars.reduce(0, +)), 1, accuracy: 1e-6)
        XCTAssertThrowsError(try LabeledPredictions(predictions: close, labels: [2], labelsOrigin: "y.npy")) {
            XCTAssertTrue("\($0)".contains("y.npy:1: error: expected a label in 0..<2, found 2"), "\($0)")
        }
    }

    func testProbitInverse() {
        for p in [1e-6, 0.001, 0.02, 0.3, 0.5, 0.77, 0.99, 0.999999] {
            XCTAssertEqual(Probit.cdf(Probit.inverse(p)), p, accuracy: 1e-13 + 1e-9 * p)
        }
        XCTAssertEqual(Probit.inverse(0.975), 1.959963984540054, accuracy: 1e-12)
    }
}
