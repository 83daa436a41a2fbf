import XCTest
import Foundation
@testable import ShiftcastEstimators

/// COTT-MC against the numpy/scipy reference (Fixtures/estimators/second_wave) and its identity.
final class ThresholdedOptimalTransportTests: XCTestCase {
    func testCOTTMC() throws {
        for c in try SecondWaveReferenceTests.loadCases() {
            let e = try ThresholdedOptimalTransport().fit(source: c.source).estimate(target: c.target)
            // Optimal plans need not be unique: compared with the spec's tolerance of 0.01.
            XCTAssertEqual(try XCTUnwrap(e.accuracy), try c.number("cott-mc"), accuracy: 0.01, c.name)
            XCTAssertEqual(Double(try XCTUnwrap(e.setting("threshold")))!, try c.number("cott-mc_threshold"), accuracy: 1e-3, c.name)
        }
    }

    func testCOTTMCOnTheSourceReturnsTheSourceAccuracyEvenWithTies() throws {
        var g = SeededGenerator(seed: 4)
        let z = Tensor.randomNormal(shape: [300, 4], using: &g).map { ($0 * 2).rounded() / 2 }  // coarse grid: tied rows
        let p = try Predictions(logits: z)
        let source = try LabeledPredictions(predictions: p, labels: (0 ..< 300).map { i in g.uniform() < 0.6 ? p.predictedClasses[i] : g.index(below: 4) })
        let e = try ThresholdedOptimalTransport().fit(source: source).estimate(target: p)
        XCTAssertEqual(try XCTUnwrap(e.accuracy), source.accuracy, accuracy: 1e-9)
        XCTAssertLessThan(Set(z.scalars).count, 20)
    }
}
