import XCTest
import Foundation
import ShiftcastData
import ShiftcastTestSupport
@testable import ShiftcastEstimators

/// MaNo, MDE, COTT-MC, the dispersion score, GdScore and CBPE against independent numpy /
/// scikit-learn / NannyML 0.13.1 computations (Fixtures/estimators/second_wave/make_reference.py).
final class SecondWaveReferenceTests: XCTestCase {
    struct Case {
        var name: String
        var reference: [String: Any]
        var source: LabeledPredictions
        var target: Predictions
        var pseudoLabels: [Int]

        func number(_ key: String) throws -> Double { try XCTUnwrap(reference[key] as? Double, "\(name): \(key)") }
    }

    static func loadCases() throws -> [Case] {
        let directory = fixturesDirectory + "/estimators/second_wave"
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: directory + "/reference.json")))
        let all = try XCTUnwrap(json as? [String: [String: Any]])
        return try all.keys.sorted().map { name in
            let folder = directory + "/" + name
            let source = try Predictions(logits: NPY.readMatrix(path: folder + "/source_logits.npy"))
                .withFeatures(NPY.readMatrix(path: folder + "/source_features.npy"))
            let target = try Predictions(logits: NPY.readMatrix(path: folder + "/target_logits.npy"))
                .withFeatures(NPY.readMatrix(path: folder + "/target_features.npy"))
            return Case(name: name, reference: all[name]!,
                        source: try LabeledPredictions(predictions: source, labels: NPY.readLabels(path: folder + "/source_labels.npy")),
                        target: target, pseudoLabels: try NPY.readLabels(path: folder + "/target_pseudo_labels.npy"))
        }
    }

    func estimate(_ estimator: some Estimator, _ c: Case) throws -> Estimate {
        try estimator.fit(source: c.source).estimate(target: c.target)
    }

    func testTheFixtureCoversEveryCaseAndBranch() throws {
        let cases = try Self.loadCases()
        XCTAssertEqual(cases.map(\.name), ["binary_k2", "k10_small_logits", "k3_calibrated", "k4_ties", "k5_overconfident"])
        XCTAssertEqual(Set(cases.compactMap { $0.reference["mano_branch"] as? String }), ["softmax", "taylor"])
        for c in cases { XCTAssertEqual(c.source.accuracy, try c.number("source_accuracy"), accuracy: 1e-12, c.name) }
    }

    func testMaNo() throws {
        for c in try Self.loadCases() {
            let e = try estimate(MatrixNorm(), c)
            XCTAssertNil(e.accuracy, "a score: no accuracy before calibration")
            XCTAssertEqual(try XCTUnwrap(e.score), try c.number("mano"), accuracy: 1e-9, c.name)
            XCTAssertEqual(e.setting("normalisation"), c.reference["mano_branch"] as? String, c.name)
        }
    }

    func testMDE() throws {
        for c in try Self.loadCases() {
            let e = try estimate(MetaDistributionEnergy(), c)
            XCTAssertEqual(try XCTUnwrap(e.score), try c.number("mde"), accuracy: 1e-9, c.name)
            let (mde, gap) = MetaDistributionEnergy.energies(logits: c.target.logits!)
            XCTAssertEqual(mde, try c.number("mde_raw"), accuracy: 1e-9, c.name)
            // The size-free calibration value: −MDE = log M + J.
            XCTAssertEqual(try XCTUnwrap(e.calibrationValue), gap)
            XCTAssertEqual(-mde, log(Double(c.target.count)) + gap, accuracy: 1e-9)
        }
    }

    func testDispersionScore() throws {
        for c in try Self.loadCases() {
            XCTAssertEqual(try XCTUnwrap(estimate(DispersionScore(), c).score), try c.number("dispersion"), accuracy: 1e-9, c.name)
        }
    }

    func testGdScoreWithTheFixturesPseudoLabels() throws {
        for c in try Self.loadCases() {
            // The fixture drew the random pseudo-labels of low-confidence rows with numpy's generator.
            let score = GradientNormScore.score(probabilities: c.target.probabilities, features: c.target.features!, pseudoLabels: c.pseudoLabels)
            XCTAssertEqual(score, try c.number("gdscore"), accuracy: 1e-6 * max(1, score), c.name)
            // Confident rows get the argmax, as in the fixture.
            let ours = GradientNormScore.pseudoLabels(probabilities: c.target.probabilities, seed: 0)
            for (i, p) in c.target.confidences.enumerated() where p >= GradientNormScore.confidenceThreshold {
                XCTAssertEqual(ours[i], c.pseudoLabels[i], "\(c.name) row \(i)")
            }
        }
    }

    func testCBPE() throws {
        for c in try Self.loadCases() {
            XCTAssertEqual(try XCTUnwrap(estimate(ConfidenceBasedPerformanceEstimation(calibration: .never), c).accuracy),
                           try c.number("cbpe_uncalibrated"), accuracy: 1e-6, c.name)
            XCTAssertEqual(try XCTUnwrap(estimate(ConfidenceBasedPerformanceEstimation(calibration: .always), c).accuracy),
                           try c.number("cbpe_all_calibrated"), accuracy: 1e-6, c.name)
            // The automatic decision, where NannyML's own decision is clear-cut (the same for ≥ 95 % of its split seeds).
            let e = try estimate(ConfidenceBasedPerformanceEstimation(), c)
            let flags = try XCTUnwrap(c.reference["cbpe_calibrated"] as? [Int]), agreement = try XCTUnwrap(c.reference["cbpe_decision_agreement"] as? [Double])
            let ours = try XCTUnwrap(e.setting("calibrated")).map { $0 == "1" ? 1 : 0 }
            XCTAssertEqual(ours.count, flags.count)
            for (k, (flag, share)) in zip(flags, agreement).enumerated() where share >= 0.95 {
                XCTAssertEqual(ours[k], flag, "\(c.name) class \(k)")
            }
            if agreement.allSatisfy({ $0 >= 0.95 }) {
                XCTAssertEqual(try XCTUnwrap(e.accuracy), try c.number("cbpe"), accuracy: 1e-6, c.name)
                XCTAssertEqual(try XCTUnwrap(e.accuracy), try c.number("cbpe_nannyml"), accuracy: 1e-6, c.name)
            }
        }
    }
}
