import XCTest
import Foundation
import ShiftcastData
@testable import ShiftcastEstimators
import ShiftcastEvaluation

/// Swift against independent numpy/scipy computations (Fixtures/estimators/make_reference.py).
final class ReferenceValueTests: XCTestCase {
    struct Case {
        var name: String
        var reference: [String: Double]
        var sources: [LabeledPredictions]
        var targets: [Predictions]
    }

    static func loadCases() throws -> [Case] {
        let directory = try XCTUnwrap(Fixtures.locate("estimators", containing: "reference.json"))
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: directory + "/reference.json")))
        let all = try XCTUnwrap(json as? [String: [String: Double]])
        return try all.keys.sorted().map { name in
            let ref = all[name]!
            let folder = directory + "/" + name
            let labels = try NPY.readLabels(path: folder + "/source_labels.npy")
            let count = Int(ref["models"]!)
            let sources = try (0 ..< count).map {
                try LabeledPredictions(predictions: Predictions(probabilities: NPY.readMatrix(path: folder + "/source\($0).npy")), labels: labels)
            }
            let targets = try (0 ..< count).map { try Predictions(probabilities: NPY.readMatrix(path: folder + "/target\($0).npy")) }
            return Case(name: name, reference: ref, sources: sources, targets: targets)
        }
    }

    func testEveryEstimatorMatchesTheNumpyReference() throws {
        let cases = try Self.loadCases()
        XCTAssertEqual(cases.count, 4)
        for c in cases {
            // Every registered estimator that runs on probabilities of several models.
            let estimators = EstimatorRegistry.all().filter { $0.requirements.inputs == [.probabilities] }
            let suite = try EstimatorSuite(estimators: estimators,
                                           source: SourceEvidence(predictions: c.sources[0], otherModels: Array(c.sources.dropFirst())))
            let result = try suite.estimate(TargetEvidence(predictions: c.targets[0], otherModels: Array(c.targets.dropFirst())))
            XCTAssertTrue(result.skipped.isEmpty, "\(c.name): \(result.skipped)")
            var checked: Set<String> = []
            for (estimator, e) in zip(estimators, result.estimates) {
                XCTAssertEqual(estimator.id, e.estimator)
                let key = e.estimator.name
                // The first-wave fixture covers the estimators it was written for; the second wave has its own.
                guard let expected = c.reference[key] else { continue }
                let value = estimator.output.isScore ? e.score : e.accuracy
                XCTAssertEqual(try XCTUnwrap(value), expected, accuracy: 1e-6, "\(c.name) \(key)")
                checked.insert(key)
            }
            let referenced = Set(c.reference.keys.filter { !$0.hasSuffix("-source") }).subtracting(["models", "source_accuracy"])
            XCTAssertEqual(checked, referenced, "\(c.name): every estimator of the fixture was checked")
            XCTAssertEqual(c.sources[0].accuracy, c.reference["source_accuracy"]!, accuracy: 1e-12)
        }
    }
}
