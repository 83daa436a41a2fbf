import XCTest
import Foundation
import ShiftcastTestSupport
import ShiftcastEvaluation

/// Same seed → byte-identical output, across two runs of the built binary.
final class DeterminismTests: XCTestCase {
    let temp = TemporaryDirectory()
    override func tearDown() { temp.remove() }

    func twice(_ args: [String]) throws -> (String, String) {
        try requireBinary()
        let a = try BinaryRunner.run(args), b = try BinaryRunner.run(args)
        XCTAssertEqual(a.status, 0, a.stderr)
        XCTAssertEqual(b.status, 0, b.stderr)
        return (a.stdout, b.stdout)
    }

    func testDemoIsByteIdentical() throws {
        let (a, b) = try twice(["demo", "--quick", "--format", "json", "--seed", "4"])
        XCTAssertFalse(a.isEmpty)
        XCTAssertEqual(a, b)
        let (c, _) = try twice(["demo", "--quick", "--format", "json", "--seed", "5"])
        XCTAssertNotEqual(a, c, "another seed gives another run")
    }

    func testPredictWithEveryEstimatorIsByteIdentical() throws {
        let digits = fixturesDirectory + "/digits"
        let model = temp.path + "/m.safetensors"
        try requireBinary()
        let train = try BinaryRunner.run(["train", "--data", digits + "/train.csv", "--hidden", "16", "--epochs", "3", "--seed", "2", "--out", model])
        XCTAssertEqual(train.status, 0, train.stderr)
        let (a, b) = try twice(["predict", "--model", model, "--source", digits + "/validation.csv", "--target", digits + "/test.csv",
                                "--train", digits + "/train.csv", "--estimators", "all", "--projnorm-iterations", "60", "--format", "json", "--seed", "9"])
        XCTAssertEqual(a, b)
        let estimates = try XCTUnwrap((JSONSerialization.jsonObject(with: Data(a.utf8)) as? [String: Any])?["estimates"] as? [[String: Any]])
        XCTAssertEqual(estimates.compactMap { $0["estimator"] as? String }, EstimatorRegistry.selectableIDs.map(\.name),
                       "every estimator ran, including GDE, ALine and ProjNorm")
    }

    func testBenchQuickIsByteIdentical() throws {
        try requireBinary()
        var outputs: [Data] = []
        for run in ["one", "two"] {
            let dir = temp.path + "/" + run
            let r = try BinaryRunner.run(["bench", "--quick", "--suite", "synthetic", "--seed", "3", "--out", dir, "--format", "json"])
            XCTAssertEqual(r.status, 0, r.stderr)
            outputs.append(try Data(contentsOf: URL(fileURLWithPath: dir + "/results.json")))
            XCTAssertNotNil(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        }
        XCTAssertGreaterThan(outputs[0].count, 1000)
        XCTAssertEqual(outputs[0], outputs[1])
    }
}
