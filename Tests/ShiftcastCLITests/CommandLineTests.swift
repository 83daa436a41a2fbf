import XCTest
import Foundation
import ShiftcastTestSupport
import ShiftcastEvaluation
import ShiftcastBench
@testable import ShiftcastCLI

/// In-process tests of parsing, help and error messages (table-driven).
final class CommandLineTests: XCTestCase {
    func run(_ args: [String]) -> (status: Int32, out: String, err: String) {
        let console = Console.capturing()
        let status = ShiftcastCommand.run(arguments: args, console: console)
        return (status, console.standardOutput, console.standardError)
    }

    func testHelpForEveryCommand() {
        let cases: [[String]] = [[], ["--help"], ["-h"], ["help"], ["help", "predict"], ["predict", "--help"], ["compare", "-h"],
                                 ["train", "--help"], ["demo", "--help"], ["inspect", "--help"], ["shift", "--help"],
                                 ["bench", "--help"], ["bench", "merge", "--help"], ["study", "--help"], ["study", "merge", "--help"], ["perf", "--help"], ["perf", "gemm", "--help"],
                                 ["help", "perf", "train"]]
        for args in cases {
            let r = run(args)
            XCTAssertEqual(r.status, 0, "\(args)")
            XCTAssertTrue(r.out.hasPrefix("OVERVIEW: "), "\(args): \(r.out.prefix(80))")
            XCTAssertTrue(r.out.contains("\nUSAGE: shiftcast"), "\(args)")
            XCTAssertTrue(r.out.contains("\nOPTIONS:\n"), "\(args)")
            XCTAssertTrue(r.out.contains("-h, --help"), "\(args)")
            XCTAssertEqual(r.err, "", "\(args)")
        }
        XCTAssertTrue(run([]).out.contains("\nSUBCOMMANDS:\n"))
        for sub in ["demo", "train", "predict", "compare", "inspect", "measures", "shift", "bench", "study", "perf"] {
            XCTAssertTrue(run(["--help"]).out.contains("\n  \(sub) "), sub)
        }
        XCTAssertTrue(run(["help", "predict"]).out.contains("--source-probs <S.npy>"))
        XCTAssertTrue(run(["perf"]).err.contains("Missing subcommand"))
    }

    /// The "See '… <subcommand>' for detailed help" line of every command with subcommands
    /// names a command that works.
    func testAdvertisedHelpCommandsWork() throws {
        for (path, first) in [([String](), "demo"), (["bench"], "merge"), (["study"], "merge"), (["perf"], "gemm")] {
            let out = run(path + ["--help"]).out
            let line = try XCTUnwrap(out.split(separator: "\n").first { $0.contains("for detailed help") }, "\(path)")
            let quoted = try XCTUnwrap(line.split(separator: "'").dropFirst().first, "\(path)")
            let words = quoted.split(separator: " ").map(String.init)
            XCTAssertEqual(words.first, "shiftcast", "\(path)")
            let r = run(words.dropFirst().map { $0 == "<subcommand>" ? first : $0 })
            XCTAssertEqual(r.status, 0, "\(quoted): \(r.err)")
            XCTAssertTrue(r.out.contains("USAGE: shiftcast \((path + [first]).joined(separator: " "))"), "\(quoted)")
        }
    }

    func testVersion() {
        XCTAssertEqual(run(["--version"]).out, ShiftcastCommand.version + "\n")
    }

    func testUsageErrors() {
        let cases: [(args: [String], message: String)] = [
            (["predcit"], "Error: Unknown subcommand 'predcit'. Did you mean 'predict'?"),
            (["help", "trian"], "Error: Unknown subcommand 'trian'. Did you mean 'train'?"),
            (["train", "--sed", "1"], "Error: Unknown option '--sed'. Did you mean '--seed'?"),
            (["train", "--data", "x.csv"], "Error: Missing expected argument '--out'"),
            (["train", "--data", "x.csv", "--out", "m.safetensors", "--epochs", "3", "--iterations", "9"],
             "Error: '--epochs' and '--iterations' cannot be used together"),
            (["train", "--data", "x.csv", "--out", "m", "--epochs", "many"], "Error: The value 'many' is invalid for '--epochs': expected an integer"),
            (["train", "--data", "x.csv", "--out", "m", "--hidden", "128,,4"], "expected comma-separated positive integers"),
            (["train", "--data", "x.csv", "--out", "m", "--optimizer", "adma"], "Did you mean 'adam'?"),
            (["predict", "--source-probs", "a.npy", "--estimators", "atc"], "Unknown estimator 'atc' in '--estimators'"),
            (["predict", "--source-probs", "a.npy", "--estimators", "projnrom"], "Did you mean 'projnorm'?"),
            (["predict"], "Error: Missing expected argument: give '--model'"),
            (["predict", "--model", "m", "--source-probs", "s.npy"], "cannot be used together"),
            (["predict", "--source-probs", "s.npy", "--source-probs", "s2.npy", "--target-probs", "t.npy", "--source-labels", "y.npy"],
             "'--source-probs' was given 2 time(s) and '--target-probs' 1"),
            (["predict", "--format", "xml", "--model", "m"], "The value 'xml' is invalid for '--format'"),
            (["shift", "--kind", "gausian-noise", "--severity", "2", "--data", "d.csv", "--out", "o.csv"], "Did you mean 'gaussian-noise'?"),
            (["shift", "--kind", "gaussian-noise", "--severity", "9", "--data", "d.csv", "--out", "o.csv"], "expected 1…5"),
            (["bench", "--shard", "3/2", "--out", "/nonexistent-dir/x"], "expected I/N with 1 ≤ I ≤ N"),
            (["study", "--shard", "2", "--out", "/nonexistent-dir/x"], "'--shard': expected I/N (e.g. 2/8), found '2'"),
            (["study", "merge"], "Missing expected argument '<dir> ...'"),
            (["shift", "--kind", "pgd-linf", "--severity", "1", "--data", "d.csv", "--model-command", "cat {in} > {out}", "--out", "o.csv"],
             "Shift 'pgd-linf' needs the model's gradients, which a '--model-command' does not give: use a transfer attack"),
            (["shift", "--kind", "transfer-pgd-linf", "--severity", "1", "--data", "d.csv", "--model-command", "c {in} {out}", "--surrogate", "s", "--out", "o.csv"],
             "'--model-command' and '--surrogate' cannot be used together"),
            (["shift", "--kind", "contrast", "--severity", "1", "--data", "d.csv", "--model-command", "c {in} {out}", "--out", "o.csv"],
             "'--model-command' applies only to the adversarial kinds"),
            (["shift", "--kind", "transfer-pgd-linf", "--severity", "1", "--data", "d.csv", "--surrogate", "s", "--queries", "q.csv", "--out", "o.csv"],
             "'--queries' applies only to '--model-command'"),
            (["shift", "--kind", "transfer-pgd-linf", "--severity", "1", "--data", "d.csv", "--model-command", "c {in} {out}", "--activation", "tanh", "--out", "o.csv"],
             "'--activation' applies to a '--model' or '--surrogate' file"),
            (["demo", "--seed", "-1"], "expected a non-negative integer"),
            (["demo", "extra"], "Unexpected argument 'extra'"),
            (["perf", "gemm", "--shape", "128,512"], "'--shape' expects three sizes m,n,k in 1...16384, found '128,512'"),
            (["perf", "gemm", "--shape", "128,0,4"], "expected comma-separated positive integers"),
            (["perf", "gemm", "--size", "64", "--shape", "1,2,3"], "'--size' and '--shape' cannot be used together"),
            (["perf", "gemm", "--transpose-b"], "'--transpose-a'/'--transpose-b' need '--shape m,n,k'"),
        ]
        for (args, message) in cases {
            let r = run(args)
            let expectedStatus: Int32 = 64
            XCTAssertEqual(r.status, expectedStatus, "\(args): \(r.err)")
            XCTAssertTrue(r.err.contains(message), "\(args): \(r.err)")
            XCTAssertEqual(r.out, "", "\(args)")
            if expectedStatus == 64 {
                XCTAssertTrue(r.err.contains("\nUsage: shiftcast"), "\(args): \(r.err)")
                XCTAssertTrue(r.err.contains("See 'shiftcast"), "\(args): \(r.err)")
            }
        }
    }

    func testJSONIsDeterministicAndEscaped() {
        let value = JSONValue.object([("b", .number(0.8312)), ("a", .array([.integer(3), .null, .number(.nan), .number(1e-5)])),
                                      ("s", .string("quote \" backslash \\ newline \n tab \t bell \u{07}")), ("t", .bool(true))])
        XCTAssertEqual(value.rendered(pretty: false),
                       #"{"b":0.8312,"a":[3,null,null,1e-05],"s":"quote \" backslash \\ newline \n tab \t bell \u0007","t":true}"#)
        // Numbers are written in their shortest round-trip form, so the same value always gives the same bytes.
        XCTAssertEqual(JSONValue.array([.number(0.1 + 0.2), .number(1.0 / 3)]).rendered(pretty: false), "[0.30000000000000004,0.3333333333333333]")
        let parsed = try? JSONSerialization.jsonObject(with: Data(value.rendered().utf8)) as? [String: Any]
        XCTAssertEqual(parsed?["b"] as? Double, 0.8312)
        XCTAssertEqual(JSONValue.number(2).rendered(), "2")
    }

    func testTableAlignmentAndCSVQuoting() {
        let table = TextTable(headers: ["name", "value"], rows: [["ac", "0.9"], ["atc-mc", "0.85"]], rightAligned: [1]).rendered()
        XCTAssertEqual(table, "name    value\n------  -----\nac        0.9\natc-mc   0.85\n")
        XCTAssertEqual(CSVText.line(["a", "b,c", "say \"hi\"", "x\ny"]), "a,\"b,c\",\"say \"\"hi\"\"\",\"x\ny\"\n")
    }

    /// The table's and the CSV's note column carry the same text: the estimate's note, else
    /// its settings digest (ATC's threshold, a calibration's R²); a missing or non-finite
    /// number is an empty CSV field, as it is `null` in JSON.
    func testTableAndCSVShowTheSameNotes() {
        let estimates = [Estimate(estimator: .atcMaxConfidence, accuracy: 0.7, standardError: 0.02,
                                  settings: [.init("threshold", "0.5365127921")]),
                         Estimate(estimator: .nuclearNorm, accuracy: 0.74, standardError: 0.05, score: 0.68,
                                  settings: [.init("calibration_r2", "0.916972")], note: "score only"),
                         Estimate(estimator: .confidenceOptimalTransport, accuracy: nil, standardError: .infinity, score: .nan)]
        func printed(_ format: String) -> String {
            let console = Console.capturing()
            CommandSupport.printEstimates(estimates, skipped: [], trueAccuracy: nil, format: format, header: [],
                                          extraJSON: [], console: console)
            return console.standardOutput
        }
        XCTAssertTrue(printed("table").contains("t=0.536512"))
        XCTAssertTrue(printed("table").contains("score only"))
        XCTAssertEqual(printed("csv"), "estimator,accuracy,standard_error,score,note\natc-mc,0.7,0.02,,t=0.536512\n"
                                       + "nuclear,0.74,0.05,0.68,score only\n" + "cot,,,,\n") // never "nan" or "inf"

    }

    func testEstimatorListParsing() throws {
        func names(_ text: String) throws -> [String] {
            let parsed = try ArgumentParser.parse(["--estimators", text], spec: PredictCommand.spec(compare: false), path: ["predict"])
            return try CommandSupport.estimatorList(parsed).ids.map(\.name)
        }
        XCTAssertEqual(try names("all"), EstimatorRegistry.selectableIDs.map(\.name))
        XCTAssertEqual(try names("projnorm,meta"), ["meta", "projnorm"])
        XCTAssertEqual(try names("ATC-NE, ac,ac"), ["ac", "atc-ne"])
        XCTAssertThrowsError(try names(""))
    }

    /// A saved meta-model's settings count `--init FILE` by the file (its bytes are among the
    /// fingerprinted inputs), not by the path's spelling; `fresh` and the other options count as given.
    func testTheMetaModelSettingsIgnoreHowTheInitPathIsSpelled() throws {
        func settings(_ arguments: [String]) throws -> String {
            PredictCommand.headlineSettings(try ArgumentParser.parse(arguments, spec: PredictCommand.spec(compare: false), path: ["predict"]))
        }
        XCTAssertEqual(try settings(["--init", "theta0.safetensors"]), try settings(["--init", "/tmp/run/./theta0.safetensors"]))
        XCTAssertNotEqual(try settings(["--init", "theta0.safetensors"]), try settings(["--init", "fresh"]))
        XCTAssertNotEqual(try settings(["--init", "theta0.safetensors"]), try settings([]))
        XCTAssertNotEqual(try settings(["--seed", "1"]), try settings(["--seed", "2"]))
    }

    func testSuggestions() {
        XCTAssertEqual(Suggestions.distance("kitten", "sitting"), 3)
        XCTAssertEqual(Suggestions.closest(to: "sed", among: ["seed", "out", "data"]), "seed")
        XCTAssertNil(Suggestions.closest(to: "zzzzzz", among: ["seed", "out"]))
    }

    /// `study merge` of two shards' outputs: the report of the whole population, and a warning
    /// naming what is missing when a shard's directory is left out.
    func testStudyMergeOfShards() throws {
        let temp = TemporaryDirectory()
        defer { temp.remove() }
        var c = StudyConfiguration.standard(quick: true, seed: 1)
        (c.widths, c.depths, c.learningRateScales, c.batchSizes, c.weightDecays) = ([8, 16], [1], [1], [32], [0])
        (c.fixedEpochs, c.maximumEpochs, c.trainCount, c.evaluationCount) = (2, 4, 200, 100)
        (c.estimators, c.calibrationShifts, c.measureSampleRows) = (["ac"], [], 100)
        let a = temp.path + "/a", b = temp.path + "/b", merged = temp.path + "/merged"
        _ = try StudyRunner.run(c, directory: a, shard: Shard(parsing: "1/2"))
        _ = try StudyRunner.run(c, directory: b, shard: Shard(parsing: "2/2"))
        let r = run(["study", "merge", a, b, "--out", merged, "--format", "json"])
        XCTAssertEqual(r.status, 0, r.err)
        let summary = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(r.out.utf8)) as? [String: Any])
        XCTAssertEqual(summary["models"] as? Int, c.units.count)
        let overview = try XCTUnwrap(summary["overview"] as? [[String: Any]])
        XCTAssertEqual(Set(overview.compactMap { $0["rule"] as? String }), ["loss-threshold", "fixed-epochs"])
        XCTAssertTrue(overview.contains { $0["heuristic"] as? String == "sharpness" && $0["kind"] as? String == "measure" })
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: merged + "/units").count, c.units.count)
        XCTAssertTrue(FileManager.default.fileExists(atPath: merged + "/report.md"))
        let partial = run(["study", "merge", a, "--out", temp.path + "/partial"])
        XCTAssertEqual(partial.status, 0, partial.err)
        XCTAssertTrue(partial.err.contains("warning: the merged directories hold \(c.units.count / 2) of the study's models \(c.units.count)"), partial.err)
    }
}

final class CPUCheckTests: XCTestCase {
    func testMissingFlagsOnAnOlderCPU() {
        let old = "processor\t: 0\nflags\t\t: fpu sse sse2 avx avx2 fma\n"
        XCTAssertEqual(CPUCheck.missing(["avx2", "fma", "avx512f", "avx512bw"], cpuinfo: old), ["avx512f", "avx512bw"])
        XCTAssertEqual(CPUCheck.missing(["avx2", "fma"], cpuinfo: old), [])
        XCTAssertEqual(CPUCheck.missing([], cpuinfo: old), [])
        // This machine runs the tests, so it has what the kernels were built for.
        XCTAssertEqual(CPUCheck.missingFlags(), [])
    }
}
