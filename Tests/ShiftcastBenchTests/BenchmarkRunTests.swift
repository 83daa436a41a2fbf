import XCTest
import Foundation
import ShiftcastTestSupport
@testable import ShiftcastBench
import ShiftcastEvaluation

/// A benchmark small enough for the test suite: one task, three models, two families.
final class BenchmarkRunTests: XCTestCase {
    static var tiny: BenchmarkConfiguration {
        var c = BenchmarkConfiguration.standard(suite: .synthetic, quick: true, seed: 5)
        c.hiddenLayers = [[16]]
        c.epochs = [8]
        c.modelSeeds = [1, 2, 3]
        c.severities = [3]
        c.families = ["gaussian-noise", "pgd-linf"]
        c.trainCount = 600
        c.evaluationCount = 200
        c.projNormIterations = 40
        c.calibrationShifts = ["gaussian-noise@1", "gaussian-noise@5", "contrast@5"]
        c.metaSetCount = 24
        return c
    }

    func testOutputsHaveTheirShapeAndShardsMergeToTheSameResults() throws {
        let temp = TemporaryDirectory()
        defer { temp.remove() }
        let full = temp.path + "/full"
        let results = try BenchmarkRunner.run(Self.tiny, directory: full)
        XCTAssertEqual(results.count, 3)
        let report = BenchmarkReport(results: results, command: "shiftcast bench (test)")
        try report.write(to: full)

        // results.csv: header + one row per model × target set × estimator.
        let csv = try String(contentsOfFile: full + "/results.csv", encoding: .utf8).split(separator: "\n")
        let targetSets = 1 + 2  // clean + two families at one severity
        let estimators = EstimatorRegistry.selectableIDs.count  // the headline estimate and every estimator
        XCTAssertEqual(csv.count, 1 + 3 * targetSets * estimators)
        XCTAssertEqual(csv[0].split(separator: ",").count, 21)
        XCTAssertTrue(csv.dropFirst().allSatisfy { $0.split(separator: ",", omittingEmptySubsequences: false).count == 21 })
        // Every estimator of the registry has its records, in report order, and ran on every set.
        XCTAssertEqual(report.summary.estimators, EstimatorRegistry.selectableIDs.map(\.name))
        XCTAssertTrue(results.flatMap(\.records).allSatisfy { $0.skipReason == nil })
        // The headline estimate's records carry their interval and in-family prediction; the report has its section.
        let meta = results.flatMap(\.records).filter { $0.estimator == EstimatorID.meta.name }
        XCTAssertEqual(meta.count, 3 * targetSets)
        XCTAssertTrue(meta.allSatisfy { r in r.intervalLow! <= r.predictedAccuracy! && r.predictedAccuracy! <= r.intervalHigh! && r.inFamilyAccuracy != nil })
        XCTAssertEqual(report.summary.headline.last?.family, "all")
        XCTAssertEqual(report.summary.headline.last?.count, 3 * targetSets)
        // Each estimator's wall time per target set is recorded (not part of the results' equality).
        XCTAssertEqual(results.flatMap(\.timings).count, 3 * targetSets * estimators)
        let timings = try String(contentsOfFile: full + "/timings.csv", encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(timings.count, 1 + 3 * targetSets * estimators)
        // results.json parses and has the same rows.
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: full + "/results.json"))) as! [String: [[String: Any]]]
        XCTAssertEqual(json["results"]?.count, csv.count - 1)
        XCTAssertNotNil(json["results"]?.first?["true_accuracy"] as? Double)
        // report.md has its tables, the SVGs are SVG.
        let md = try String(contentsOfFile: full + "/report.md", encoding: .utf8)
        for heading in ["## Overall", "## MAE by shift family", "## Adversarial sets", "## The headline estimate (meta), leave-one-family-out", "## Cost per target set"] { XCTAssertTrue(md.contains(heading), heading) }
        for row in ["| pgd-linf |", "| gaussian-noise |", "| projnorm |"] { XCTAssertTrue(md.contains(row), row) }
        for svg in ["predicted_vs_true.svg", "mae_by_family.svg"] {
            let text = try String(contentsOfFile: full + "/" + svg, encoding: .utf8)
            XCTAssertTrue(text.hasPrefix("<svg") && text.hasSuffix("</svg>\n"), svg)
        }
        // Every unit has one result file.
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: full + "/units").count, 3)

        // Two shards, merged, give exactly the unsharded results.
        let a = temp.path + "/a", b = temp.path + "/b"
        _ = try BenchmarkRunner.run(Self.tiny, directory: a, shard: Shard(parsing: "1/2"))
        _ = try BenchmarkRunner.run(Self.tiny, directory: b, shard: Shard(parsing: "2/2"))
        let merged = try BenchmarkRunner.collect(directories: [b, a])
        XCTAssertEqual(merged, results)
        XCTAssertEqual(BenchmarkRunner.missingUnits(of: merged).missing, [])
        // One shard alone lacks the other's units, named in the configuration's order.
        let partial = try BenchmarkRunner.collect(directories: [a])
        let (missing, total) = BenchmarkRunner.missingUnits(of: partial)
        XCTAssertEqual(total, 3)
        XCTAssertEqual(missing, results.map(\.unit.id).filter { id in !partial.contains { $0.unit.id == id } })
        XCTAssertEqual(missing.count, 3 - partial.count)
        XCTAssertFalse(missing.isEmpty)
        XCTAssertEqual(try BenchmarkReport(results: merged).resultsJSON(), try report.resultsJSON())

        // Resume reuses finished units; without --resume an existing unit is an error.
        XCTAssertThrowsError(try BenchmarkRunner.run(Self.tiny, directory: full)) {
            XCTAssertTrue("\($0)".contains("pass --resume"), "\($0)")
        }
        XCTAssertEqual(try BenchmarkRunner.run(Self.tiny, directory: full, resume: true), results)
    }

    func testSummaryStatisticsOnHandMadeRecords() {
        func record(_ model: String, _ family: String, _ truth: Double, _ predicted: Double) -> BenchmarkRecord {
            BenchmarkRecord(task: "t", model: model, hidden: "8", epochs: 1, modelSeed: 1, sourceAccuracy: 0.9, family: family,
                            kind: family == "pgd-linf" ? "adversarial" : "covariate", severity: 1, trueAccuracy: truth,
                            estimator: "ac", predictedAccuracy: predicted, standardError: nil, score: nil)
        }
        let records = [record("m1", "noise", 0.9, 0.8), record("m2", "noise", 0.7, 0.75), record("m3", "noise", 0.5, 0.6),
                       record("m1", "pgd-linf", 0.1, 0.9), record("m2", "pgd-linf", 0.2, 0.85), record("m3", "pgd-linf", 0.3, 0.95)]
        let s = BenchmarkSummary(records: records)
        let ac = s.overall[0]
        XCTAssertEqual(ac.mae!, (0.1 + 0.05 + 0.1 + 0.8 + 0.65 + 0.65) / 6, accuracy: 1e-12)
        XCTAssertEqual(s.cell("ac", "noise")!.mae!, 0.25 / 3, accuracy: 1e-12)
        XCTAssertEqual(s.cell("ac", "noise")!.spearman!, 1, accuracy: 1e-12)
        // Kendall τ across models: noise ranks them right (τ = 1); pgd: truth 0.1 < 0.2 < 0.3,
        // predicted 0.9, 0.85, 0.95 → pairs (1,2) discordant, (1,3) and (2,3) concordant: τ = 1/3.
        XCTAssertEqual(ac.kendallTau!, (1 + 1.0 / 3) / 2, accuracy: 1e-12)
        XCTAssertEqual(ac.adversarialMeanTrue!, 0.2, accuracy: 1e-12)
        XCTAssertEqual(ac.adversarialMeanPredicted!, 0.9, accuracy: 1e-12)
    }
}
