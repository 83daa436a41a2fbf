import XCTest
import Foundation
import ShiftcastTestSupport
@testable import ShiftcastBench

/// A generalization study small enough for the test suite: one task, a 2 × 2 grid, both rules.
final class StudyRunTests: XCTestCase {
    static var tiny: StudyConfiguration {
        var c = StudyConfiguration.standard(quick: true, seed: 3)
        c.widths = [8, 24]
        c.depths = [1]
        c.learningRateScales = [1]
        c.batchSizes = [32]
        c.weightDecays = [0]
        c.optimizers = [.sgd, .adam]
        c.fixedEpochs = 3
        c.lossThreshold = 0.3
        c.maximumEpochs = 12
        c.trainCount = 300
        c.evaluationCount = 150
        c.estimators = ["ac", "doc", "gde"]
        c.measureSampleRows = 100
        c.calibrationShifts = []
        return c
    }

    func testOutputsAreDeterministicAndShardsMergeToTheUnshardedRun() throws {
        let temp = TemporaryDirectory()
        defer { temp.remove() }
        let c = Self.tiny
        XCTAssertEqual(c.units.count, 2 * 4)
        let full = temp.path + "/full"
        let results = try StudyRunner.run(c, directory: full)
        XCTAssertEqual(results.map(\.unit.id), c.units.map(\.id))
        let report = StudyReport(results: results, command: "shiftcast study (test)")
        try report.write(to: full)

        // Each model: its targets (the clean split first, then every family of the task), every
        // measure, every estimator on every target; the two rules of a grid point share the trajectory.
        let families = try BenchmarkTask.named("gaussian-mixture", seed: 3, trainCount: 300, evaluationCount: 150).families
        for r in results where r.diverged == nil {
            XCTAssertEqual(r.targets.map(\.family), ["none"] + families)
            XCTAssertEqual(r.measures.map(\.measure), ["dist-init", "path-norm", "log-spec-prod", "log-fro-prod", "spec-over-margin",
                                                       "pacbayes-flatness", "mag-flatness", "sharpness"])
            XCTAssertEqual(r.estimates.count, r.targets.count * 3)
            XCTAssertTrue(r.estimates.allSatisfy { ($0.predictedAccuracy == nil) != ($0.skipReason == nil) })
            XCTAssertTrue((0 ... 1).contains(r.trainAccuracy))
            if r.unit.rule == .fixedEpochs { XCTAssertEqual(r.epochs, 3); XCTAssertTrue(r.converged) }
            else { XCTAssertTrue(r.converged ? r.trainingLoss <= 0.3 : r.epochs == 12) }
        }
        // rankings: one row per rule × target × heuristic (8 measures, the baseline, 3 estimators).
        let csv = try String(contentsOfFile: full + "/rankings.csv", encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(csv.count, 1 + report.rankings.count)
        XCTAssertEqual(report.rankings.count, 2 * (1 + families.count) * 12)
        let models = try String(contentsOfFile: full + "/models.csv", encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(models.count, 1 + 8)
        let md = try String(contentsOfFile: full + "/report.md", encoding: .utf8)
        for heading in ["## Population", "## loss-threshold: how each heuristic ranks the gap", "## fixed-epochs: how each heuristic ranks the gap",
                        "### fixed-epochs: ψ per axis"] { XCTAssertTrue(md.contains(heading), heading) }
        for svg in ["psi_loss-threshold.svg", "psi_fixed-epochs.svg", "scatter_gaussian-mixture.svg"] {
            let text = try String(contentsOfFile: full + "/" + svg, encoding: .utf8)
            XCTAssertTrue(text.hasPrefix("<svg") && text.hasSuffix("</svg>\n"), svg)
        }
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: full + "/rankings.json"))) as! [String: Any]
        XCTAssertEqual((json["rankings"] as? [Any])?.count, report.rankings.count)

        // The same seed gives byte-identical files; two shards merged give the unsharded run.
        let again = temp.path + "/again"
        try StudyReport(results: try StudyRunner.run(c, directory: again), command: "shiftcast study (test)").write(to: again)
        for name in report.fileNames + results.map { "units/" + $0.unit.fileName } {
            XCTAssertEqual(FileManager.default.contents(atPath: full + "/" + name), FileManager.default.contents(atPath: again + "/" + name), name)
        }
        let a = temp.path + "/a", b = temp.path + "/b"
        _ = try StudyRunner.run(c, directory: a, shard: Shard(parsing: "1/2"))
        _ = try StudyRunner.run(c, directory: b, shard: Shard(parsing: "2/2"))
        let merged = try StudyRunner.collect(directories: [b, a])
        XCTAssertEqual(merged, results)
        XCTAssertEqual(StudyRunner.missingUnits(of: merged).missing, [])
        XCTAssertEqual(StudyRunner.missingUnits(of: try StudyRunner.collect(directories: [a])).missing.count, 4)
        XCTAssertEqual(try StudyReport(results: merged, command: "shiftcast study (test)").rankingsJSON(), try report.rankingsJSON())

        // Resume reuses finished units; without --resume an existing unit is an error; another
        // configuration's results are refused.
        XCTAssertThrowsError(try StudyRunner.run(c, directory: full)) { XCTAssertTrue("\($0)".contains("pass --resume"), "\($0)") }
        XCTAssertEqual(try StudyRunner.run(c, directory: full, resume: true), results)
        var other = c
        other.seed = 4
        XCTAssertThrowsError(try StudyRunner.run(other, directory: full, resume: true)) {
            XCTAssertTrue("\($0)".contains("different configuration"), "\($0)")
        }
    }
}
