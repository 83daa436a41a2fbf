import XCTest
import Foundation
import ShiftcastData
import ShiftcastTestSupport
@testable import ShiftcastEstimators

/// Closed forms and invariances of the second-wave estimators and their building blocks.
final class SecondWavePropertyTests: XCTestCase {
    func testMaNoClosedForms() {
        // Zero logits: Φ = log K ≤ 5, the softrun gives uniform rows, S = (K·K⁻⁴/K)^{1/4} = 1/K.
        let (uniform, branch) = MatrixNorm.score(logits: Tensor(zeros: [7, 4]))
        XCTAssertEqual(branch, .taylor)
        XCTAssertEqual(uniform, 0.25, accuracy: 1e-12)
        // Huge margins: Φ > 5, softmax gives one-hot rows, S = (1/K)^{1/4}.
        var z = Tensor(zeros: [6, 4])
        for i in 0 ..< 6 { z[i, i % 4] = 60 }
        let (oneHot, softmax) = MatrixNorm.score(logits: z)
        XCTAssertEqual(softmax, .softmax)
        XCTAssertEqual(oneHot, pow(0.25, 0.25), accuracy: 1e-9)
    }

    func testMDEOfIdenticalRowsIsLogM() {
        let z = Tensor(rows: Array(repeating: [0.3, -1, 2], count: 50))
        let (mde, gap) = MetaDistributionEnergy.energies(logits: z)
        XCTAssertEqual(-mde, log(50), accuracy: 1e-9)
        XCTAssertEqual(gap, 0, accuracy: 1e-9)
    }

    func testDispersionIsTranslationInvariantAndGrowsWithSeparation() throws {
        var g = SeededGenerator(seed: 1)
        let labels = (0 ..< 90).map { $0 % 3 }
        func features(_ spread: Float, shift: Float = 0) -> Tensor {
            Tensor(rows: labels.map { y in (0 ..< 5).map { j in (j == y ? spread : 0) + Float(g.gaussian()) * 0.3 + shift } })
        }
        g = SeededGenerator(seed: 1)
        let near = DispersionScore.score(features: features(1), pseudoLabels: labels, classCount: 3)!
        g = SeededGenerator(seed: 1)
        let moved = DispersionScore.score(features: features(1, shift: 10), pseudoLabels: labels, classCount: 3)!
        g = SeededGenerator(seed: 1)
        let far = DispersionScore.score(features: features(4), pseudoLabels: labels, classCount: 3)!
        XCTAssertEqual(near, moved, accuracy: 1e-6)
        XCTAssertGreaterThan(far, near + 1)
        XCTAssertNil(DispersionScore.score(features: features(1), pseudoLabels: Array(repeating: 2, count: 90), classCount: 3),
                     "one predicted class: undefined")
    }

    func testGdScoreIsZeroForConfidentOneHotPredictions() {
        var z = Tensor(zeros: [8, 3])
        for i in 0 ..< 8 { z[i, i % 3] = 80 }
        let p = z.rowSoftmax()
        let labels = GradientNormScore.pseudoLabels(probabilities: p, seed: 0)
        XCTAssertEqual(labels, p.argmaxRows())
        let h = Tensor(rows: (0 ..< 8).map { i in [Float(i), 1, -2] })
        XCTAssertEqual(GradientNormScore.score(probabilities: p, features: h, pseudoLabels: labels), 0, accuracy: 1e-12)
        // Uncertain rows draw a class from their own values: the same row, the same class, whatever the seed's other rows.
        let flat = Tensor(rows: [[0.4, 0.3, 0.3], [0.4, 0.3, 0.3], [0.34, 0.33, 0.33]])
        let drawn = GradientNormScore.pseudoLabels(probabilities: flat, seed: 5)
        XCTAssertEqual(drawn[0], drawn[1])
        XCTAssertEqual(GradientNormScore.pseudoLabels(probabilities: flat.rows(1 ..< 3), seed: 5), Array(drawn[1...]))
    }

    func testCBPEWithoutCalibrationIsTheAverageConfidence() throws {
        var g = SeededGenerator(seed: 2)
        let p = try Predictions(logits: Tensor.randomNormal(shape: [200, 4], standardDeviation: 2, using: &g))
        let source = try LabeledPredictions(predictions: p, labels: (0 ..< 200).map { _ in g.index(below: 4) })
        let cbpe = try ConfidenceBasedPerformanceEstimation(calibration: .never).fit(source: source).estimate(target: p)
        let ac = try AverageConfidence().fit(source: source).estimate(target: p)
        XCTAssertEqual(try XCTUnwrap(cbpe.accuracy), try XCTUnwrap(ac.accuracy), accuracy: 1e-6)
        XCTAssertEqual(cbpe.setting("calibrated"), "0000")
    }

    func testCBPECalibratesAnOverconfidentModel() throws {
        // Labels drawn from softmax(z); the model reports softmax(3z): overconfident.
        var g = SeededGenerator(seed: 3)
        let z = Tensor.randomNormal(shape: [1500, 3], using: &g)
        let truth = z.rowSoftmax()
        let labels = (0 ..< 1500).map { i -> Int in
            var u = g.uniform(), y = 0
            while y < 2 { u -= Double(truth[i, y]); if u < 0 { break }; y += 1 }
            return y
        }
        let model = try Predictions(logits: z * 3)
        let source = try LabeledPredictions(predictions: model, labels: labels)
        let e = try ConfidenceBasedPerformanceEstimation().fit(source: source).estimate(target: model)
        XCTAssertEqual(e.setting("calibrated"), "111")
        // The expected accuracy is the source accuracy, which AC overstates.
        XCTAssertEqual(try XCTUnwrap(e.accuracy), source.accuracy, accuracy: 0.03)
        XCTAssertGreaterThan(try XCTUnwrap(AverageConfidence().fit(source: source).estimate(target: model).accuracy), source.accuracy + 0.1)
    }

    func testIsotonicRegressionAsScikitLearn() {
        // Pool adjacent violators: [1, 0, 1, 1] → [0.5, 0.5, 1, 1]; linear between knots, clipped outside.
        let iso = IsotonicRegression(x: [1, 2, 3, 4], y: [1, 0, 1, 1])
        XCTAssertEqual(iso.values, [0.5, 0.5, 1, 1])
        XCTAssertEqual(iso(2.5), 0.75, accuracy: 1e-12)
        XCTAssertEqual(iso(0), 0.5)
        XCTAssertEqual(iso(9), 1)
        // Equal x are merged first (their y averaged).
        let tied = IsotonicRegression(x: [0.2, 0.2, 0.2, 0.9], y: [0, 1, 1, 0])
        XCTAssertEqual(tied.knots, [0.2, 0.9])
        XCTAssertEqual(tied.values[0], 0.5, accuracy: 1e-12)
        XCTAssertEqual(tied.values[1], 0.5, accuracy: 1e-12)
    }

    func testAreaUnderROCAndCalibrationError() {
        XCTAssertEqual(CalibrationCheck.areaUnderROC([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1]), 0.75, accuracy: 1e-12)
        XCTAssertEqual(CalibrationCheck.areaUnderROC([0.5, 0.5], [0, 1]), 0.5, accuracy: 1e-12)
        // Perfectly separated scores are never calibrated.
        let separated = CalibrationCheck(scores: (0 ..< 100).map { Double($0) / 100 }, outcomes: (0 ..< 100).map { $0 >= 50 ? 1 : 0 }, seed: 1)
        XCTAssertFalse(separated.lowersError)
        XCTAssertNil(separated.uncalibratedError)
        // 4 rows → 2 bins of 2: |0.5 − 0.15| and |0.5 − 0.85|, weighted by 2/4 each.
        XCTAssertEqual(CalibrationCheck.expectedCalibrationError([0.1, 0.2, 0.8, 0.9], [0, 1, 1, 0]), 0.35, accuracy: 1e-12)
    }
}

/// The transportation solver behind COT and COTT on inputs full of ties and duplicated rows (the
/// bootstrap and label-prior resamplings of the headline estimate's meta-set): it terminates, and
/// reaches the same optimal cost whatever the row order.
final class TransportationSolverTieTests: XCTestCase {
    func testDuplicatedTiedRowsGiveTheOptimumInAnyOrder() {
        for seed in 0 ..< 400 {
            var g = SeededGenerator(seed: UInt64(seed))
            let k = 2 + g.index(below: 8), distinct = 3 + g.index(below: 30), m = 20 + g.index(below: 200)
            let quantized = seed % 2 == 0
            let base = (0 ..< distinct).map { _ -> [Float] in
                let raw = (0 ..< k).map { _ in quantized ? Float(g.index(below: 4)) + 0.5 : Float(exp(3 * g.gaussian())) }
                let total = raw.reduce(0, +)
                return raw.map { $0 / total }
            }
            let rows = (0 ..< m).map { _ in base[g.index(below: distinct)] }
            let counts = (0 ..< k).map { _ in 1 + g.index(below: 30) }
            let forward = TransportationSolver.solve(probabilities: Tensor(rows: rows), classCounts: counts).pointCosts
            let backward = TransportationSolver.solve(probabilities: Tensor(rows: rows.reversed()), classCounts: counts).pointCosts
            XCTAssertEqual(forward.reduce(0, +), backward.reduce(0, +), accuracy: 1e-9, "seed \(seed)")
            XCTAssertTrue(forward.allSatisfy { $0 >= -1e-12 && $0 <= 1 + 1e-12 }, "seed \(seed)")
        }
    }

    /// A meta-set's probabilities that once led the solver's shortest paths into a cycle
    /// (Fixtures/estimators/transport_ties): it now cancels the cycle and reaches scipy's optimum.
    func testTheCapturedCycleCaseReachesTheLinearProgramsOptimum() throws {
        let directory = fixturesDirectory + "/estimators/transport_ties"
        let p = try NPY.readMatrix(path: directory + "/probabilities.npy")
        let reference = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: directory + "/reference.json"))) as? [String: Any])
        let counts = try XCTUnwrap(reference["class_counts"] as? [Int])
        let costs = TransportationSolver.solve(probabilities: p, classCounts: counts).pointCosts
        XCTAssertEqual(1 - costs.reduce(0, +) / Double(p.rowCount), try XCTUnwrap(reference["cot_accuracy"] as? Double), accuracy: 1e-6)
    }
}
