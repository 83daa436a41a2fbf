import XCTest
import Foundation
import ShiftcastData
@testable import ShiftcastEstimators

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
            let suite = try EstimatorSuite(source: c.sources[0], options: .init(estimators: EstimatorName.all.filter { $0 != "projnorm" }))
            let others = try (1 ..< c.sources.count).map { try ModelPredictions(source: c.sources[$0], target: c.targets[$0]) }
            let (estimates, skipped) = try suite.estimate(target: c.targets[0], otherModels: others)
            XCTAssertTrue(skipped.isEmpty, "\(c.name): \(skipped)")
            for e in estimates {
                let key = e.estimator
                let value = key == "nuclear" ? e.score : e.accuracy
                guard let expected = c.reference[key] else { XCTFail("\(c.name): no reference for \(key)"); continue }
                XCTAssertEqual(try XCTUnwrap(value), expected, accuracy: 1e-6, "\(c.name) \(key)")
            }
            XCTAssertEqual(c.sources[0].accuracy, c.reference["source_accuracy"]!, accuracy: 1e-12)
        }
    }
}
