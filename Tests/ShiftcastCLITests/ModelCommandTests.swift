import XCTest
import Foundation
import ShiftcastTestSupport
import ShiftcastData
import ShiftcastEvaluation

/// `--model-command`: a model from any framework as a black box, and every way a command can
/// misbehave, each refused with one clear line naming the command and nothing written.
final class ModelCommandTests: XCTestCase {
    let temp = TemporaryDirectory()
    override func tearDown() { temp.remove() }

    var digits: String { fixturesDirectory + "/digits" }

    /// A nearest-class-mean linear model of the digits, as weights for Fixtures/model_command/linear_model.py.
    func linearModelWeights() throws -> String {
        let train = try CSV.read(path: digits + "/train.csv")
        let (x, y) = (train.features, train.labels!)
        var w = [[Double]](repeating: [Double](repeating: 0, count: x.columnCount), count: 10), counts = [Double](repeating: 0, count: 10)
        for i in 0 ..< x.rowCount { counts[y[i]] += 1; for j in 0 ..< x.columnCount { w[y[i]][j] += Double(x[i, j]) } }
        for k in 0 ..< 10 { for j in 0 ..< x.columnCount { w[k][j] /= counts[k] } }
        let b = w.map { row in -2 * row.reduce(0) { $0 + $1 * $1 } }
        let path = temp.path + "/weights.json"
        let json = try JSONSerialization.data(withJSONObject: ["W": w.map { $0.map { $0 * 4 } }, "b": b])
        try json.write(to: URL(fileURLWithPath: path))
        return path
    }

    /// The nearest-class-mean model run by Fixtures/model_command/linear_model.py (skips without python3).
    func linearModelCommand() throws -> String {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        guard path.split(separator: ":").contains(where: { FileManager.default.isExecutableFile(atPath: "\($0)/python3") }) else {
            throw XCTSkip("python3 is not installed: the model-command example needs it (the product does not)")
        }
        return "python3 \(fixturesDirectory)/model_command/linear_model.py \(try linearModelWeights()) {in} {out}"
    }

    func testAPythonModelCommandGetsEveryOutputBasedEstimatorAndTheHeadline() throws {
        let command = try linearModelCommand()
        let r = try shiftcast(["compare", "--model-command", command, "--logits", "--source", digits + "/validation.csv",
                               "--target", digits + "/test.csv", "--meta-sets", "30", "--format", "json"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        let estimates = try XCTUnwrap(object["estimates"] as? [[String: Any]])
        let names = estimates.compactMap { $0["estimator"] as? String }
        // The headline first, then every estimator that needs only the outputs (logits included) or
        // the input rows the command answered (knn).
        let outputOnly = EstimatorRegistry.all().filter { $0.requirements.inputs.isSubset(of: [.probabilities, .logits, .inputs]) && $0.requirements.minimumModels == 1 }
        XCTAssertEqual(names, [EstimatorID.meta.name] + outputOnly.map(\.id.name))
        XCTAssertTrue((estimates[0]["note"] as? String)?.contains("no adversarial sets") ?? false, "\(estimates[0])")
        // knn reads the rows the command answered, on the target and on every meta-set (a map input).
        let knn = try XCTUnwrap(estimates.first { $0["estimator"] as? String == "knn" })
        XCTAssertEqual((knn["settings"] as? [String: String])?["target_rows_read"], "360", "\(knn)")
        XCTAssertTrue(((estimates[0]["settings"] as? [String: String])?["inputs"] ?? "").split(separator: " ").contains("knn"), "\(estimates[0])")
        // …also when knn is not among the columns asked for: the map reads every estimator.
        let few = try shiftcast(["compare", "--model-command", command, "--logits", "--source", digits + "/validation.csv",
                                 "--target", digits + "/test.csv", "--meta-sets", "30", "--estimators", "meta,ac", "--format", "json"])
        XCTAssertEqual(few.status, 0, few.stderr)
        let headline = try XCTUnwrap((JSONSerialization.jsonObject(with: Data(few.stdout.utf8)) as? [String: Any])?["estimates"] as? [[String: Any]])[0]
        XCTAssertTrue(((headline["settings"] as? [String: String])?["inputs"] ?? "").split(separator: " ").contains("knn"), "\(headline)")
        XCTAssertFalse((headline["note"] as? String ?? "").contains("no output"), "\(headline)")
        // Scores are calibrated on the standard calibration sets, scored through the command.
        for score in ["nuclear", "mano", "mde"] {
            let e = try XCTUnwrap(estimates.first { $0["estimator"] as? String == score })
            XCTAssertNotNil(e["accuracy"] as? Double, "\(score) calibrated to an accuracy: \(e)")
            XCTAssertEqual((e["settings"] as? [String: String])?["calibration_points"], "\(ScoreCalibration.standardShifts.count)", "\(e)")
        }
        let truth = try XCTUnwrap(object["true_accuracy"] as? Double)
        XCTAssertGreaterThan(truth, 0.8, "the nearest-mean model is a real classifier")
        let skipped = try XCTUnwrap(object["skipped"] as? [[String: Any]]).compactMap { $0["reason"] as? String }
        XCTAssertTrue(skipped.contains { $0.contains("which a model command does not give") }, "\(skipped)")
    }

    /// With --train, shiftcast trains a surrogate MLP and the command form's meta-set gains transfer
    /// attacks crafted on it (white-box attacks stay out: a command gives no gradients).
    func testTrainGivesTheCommandFormTransferAttacksFromASurrogate() throws {
        let command = try linearModelCommand()
        let saved = temp.path + "/meta.json"
        let r = try shiftcast(["predict", "--model-command", command, "--logits", "--source", digits + "/validation.csv",
                               "--target", digits + "/test.csv", "--train", digits + "/train.csv", "--estimators", "meta,ac",
                               "--meta-sets", "40", "--save-meta", saved, "--format", "json"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        let note = try XCTUnwrap((object["estimates"] as? [[String: Any]])?.first?["note"] as? String)
        XCTAssertTrue(note.contains("transfer attacks from a surrogate"), note)
        let file = try String(contentsOfFile: saved, encoding: .utf8)
        XCTAssertTrue(file.contains("transfer-pgd-linf"), "the meta-set holds transfer attacks")
        for direct in ["\"fgsm-linf\"", "\"pgd-linf\"", "\"pgd-l2\""] { XCTAssertFalse(file.contains(direct), "no white-box attack \(direct)") }
        // The saved map is tied to --train: without it the file is refused.
        let reuse = try shiftcast(["predict", "--model-command", command, "--logits", "--source", digits + "/validation.csv",
                                   "--target", digits + "/test.csv", "--estimators", "meta,ac", "--meta", saved])
        XCTAssertEqual(reuse.status, 1, reuse.stderr)
        // --train serves only the headline: without meta it is a usage error.
        let unused = try shiftcast(["predict", "--model-command", command, "--logits", "--source", digits + "/validation.csv",
                                    "--target", digits + "/test.csv", "--train", digits + "/train.csv", "--estimators", "ac"])
        XCTAssertEqual(unused.status, 64)
        XCTAssertTrue(unused.stderr.contains("'--train' with '--model-command' trains the surrogate"), unused.stderr)
    }

    /// `shift --model-command`: a black-box transfer attack, crafted on a substitute trained on the
    /// command's own answers, lowers the command's accuracy, and says by how much.
    func testShiftAttacksABlackBoxThroughASubstituteTrainedOnItsAnswers() throws {
        let command = try linearModelCommand()
        let out = temp.path + "/attacked.csv"
        let r = try shiftcast(["shift", "--kind", "transfer-pgd-linf", "--severity", "4", "--data", digits + "/test.csv",
                               "--queries", digits + "/train.csv", "--model-command", command, "--logits", "--out", out])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stderr.contains("trained a substitute (64-128-128-10 relu) on the command's answers for 1078 rows of \(digits)/train.csv"), r.stderr)
        let line = try XCTUnwrap(r.stderr.split(separator: "\n").first { $0.hasPrefix("the command's accuracy:") }, r.stderr)
        let numbers = line.split(separator: " ").compactMap { Double($0.trimmingCharacters(in: CharacterSet(charactersIn: ","))) }
        XCTAssertEqual(numbers.count, 2, String(line))
        XCTAssertGreaterThan(numbers[0], 0.8, "the nearest-mean model on the clean rows")
        XCTAssertLessThan(numbers[1], numbers[0] - 0.1, "the transfer attack reaches the black box: \(line)")
        let attacked = try CSV.read(path: out)
        XCTAssertEqual(attacked.rowCount, 360)
    }

    /// CSV labels that are names: with no model file, the classes are the validation names in
    /// sorted order (scikit-learn's `classes_`), the target's names are mapped through them, and a
    /// validation set that lacks a class is refused rather than silently shifting the columns.
    func testClassNamesInTheCommandFormFollowSortedOrder() throws {
        let command = try linearModelCommand()
        func named(_ file: String, dropping: String? = nil) throws -> String {
            let lines = try String(contentsOfFile: digits + "/" + file, encoding: .utf8).split(separator: "\n").map(String.init)
            let labelIndex = try XCTUnwrap(lines[0].split(separator: ",").firstIndex(of: "label"))
            let body = lines.dropFirst().map { line -> String in
                var cells = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
                cells[labelIndex] = "digit-" + cells[labelIndex]
                return cells.joined(separator: ",")
            }.filter { dropping == nil || !$0.contains(dropping!) }
            let out = temp.path + "/named-" + file
            try ([lines[0]] + body).joined(separator: "\n").appending("\n").write(toFile: out, atomically: true, encoding: .utf8)
            return out
        }
        func run(_ source: String, _ target: String) throws -> BinaryRunner.Result {
            try shiftcast(["compare", "--model-command", command, "--logits", "--source", source, "--target", target,
                           "--estimators", "ac,doc,atc-mc", "--format", "json"])
        }
        let plain = try run(digits + "/validation.csv", digits + "/test.csv")
        let names = try run(try named("validation.csv"), try named("test.csv"))
        XCTAssertEqual(names.status, 0, names.stderr)
        let (a, b) = (try XCTUnwrap(JSONSerialization.jsonObject(with: Data(plain.stdout.utf8)) as? [String: Any]),
                      try XCTUnwrap(JSONSerialization.jsonObject(with: Data(names.stdout.utf8)) as? [String: Any]))
        XCTAssertEqual(b["class_names"] as? [String], (0 ..< 10).map { "digit-\($0)" })
        XCTAssertEqual(a["true_accuracy"] as? Double, b["true_accuracy"] as? Double)
        XCTAssertEqual((a["estimates"] as? [[String: Any]])?.compactMap { $0["accuracy"] as? Double },
                       (b["estimates"] as? [[String: Any]])?.compactMap { $0["accuracy"] as? Double }, "names sorted as the indices give the same result")
        let lacking = try run(try named("validation.csv", dropping: ",digit-9"), try named("test.csv", dropping: ",digit-9"))
        XCTAssertEqual(lacking.status, 1)
        XCTAssertTrue(lacking.stderr.contains("expected the 10 classes of the model command's output columns among the validation labels, found 9 class names"), lacking.stderr)
    }

    /// The bad-command table of Docs/Reliability.md, a test per row.
    func testEveryMisbehaviourIsRefusedNamingTheCommand() throws {
        let rows = 359 + 360  // validation + test rows in one call
        func npy(_ name: String, _ tensor: Tensor) throws -> String {
            let path = temp.path + "/" + name
            try NPY.write(tensor, to: path)
            return path
        }
        let fewRows = try npy("few.npy", Tensor(zeros: [3, 10]))
        var nanRows = Tensor(zeros: [rows, 10]); nanRows[5, 2] = .nan
        let nan = try npy("nan.npy", nanRows)
        let notProbabilities = try npy("half.npy", Tensor(shape: [rows, 10], scalars: [Float](repeating: 0.05, count: rows * 10)))
        let probabilities = try npy("uniform.npy", Tensor(shape: [rows, 10], scalars: [Float](repeating: 0.1, count: rows * 10)))
        let garbage = temp.path + "/garbage.npy"
        try Data("not an npy file".utf8).write(to: URL(fileURLWithPath: garbage))
        struct Case { var name: String; var command: String; var extra: [String] = []; var expected: [String]; var status: Int32 = 1 }
        let cases = [
            Case(name: "non-zero exit", command: "echo boom >&2; exit 2 # {in} {out}", expected: ["exited with status 2: boom"]),
            Case(name: "no output", command: "true {in} {out}", expected: ["wrote no output"]),
            Case(name: "malformed output", command: "cp \(garbage) {out} # {in}", expected: ["wrote malformed output"]),
            Case(name: "wrong row count", command: "cp \(fewRows) {out} # {in}", expected: ["expected \(rows) rows of outputs (one per input row), found 3"]),
            Case(name: "NaN", command: "cp \(nan) {out} # {in}", expected: ["malformed output", "NaN"]),
            Case(name: "not probabilities", command: "cp \(notProbabilities) {out} # {in}", expected: ["output row 1", "should sum to 1", "pass --logits"]),
            Case(name: "probabilities with --logits", command: "cp \(probabilities) {out} # {in}", extra: ["--logits"], expected: ["with --logits, expected logits, found probabilities", "drop --logits"]),
            Case(name: "hangs", command: "sleep 30 # {in} {out}", extra: ["--model-timeout", "1"], expected: ["did not finish within 1 s (--model-timeout); it was stopped"]),
            Case(name: "no placeholders", command: "true", expected: ["expected a command with the placeholders {in} and {out}"]),
        ]
        for c in cases {
            let out = temp.path + "/never.json"
            let r = try shiftcast(["predict", "--model-command", c.command, "--source", digits + "/validation.csv",
                                   "--target", digits + "/test.csv", "--estimators", "ac", "--save-meta", out] + c.extra)
            XCTAssertEqual(r.status, 64, "\(c.name): --save-meta without meta is a usage error first")
            let s = try shiftcast(["predict", "--model-command", c.command, "--source", digits + "/validation.csv",
                                   "--target", digits + "/test.csv", "--estimators", "ac"] + c.extra)
            XCTAssertEqual(s.status, c.status, "\(c.name): \(s.stderr)")
            let line = s.stderr.split(separator: "\n").first.map(String.init) ?? ""
            XCTAssertEqual(s.stderr.split(separator: "\n").count, 1, "\(c.name): one line, got \(s.stderr)")
            for expected in c.expected { XCTAssertTrue(line.contains(expected), "\(c.name): expected '\(expected)' in \(line)") }
            if c.name != "no placeholders" { XCTAssertTrue(line.contains("the model command '"), "\(c.name): \(line)") }
            XCTAssertEqual(s.stdout, "", c.name)
        }
        // A binary classifier's one-column output is read as class 1, and said so.
        let lines = try String(contentsOfFile: digits + "/validation.csv", encoding: .utf8).split(separator: "\n")
        func binary(_ name: String, _ rows: ArraySlice<Substring>) throws -> String {
            let path = temp.path + "/" + name
            let body = rows.map { line -> String in
                var f = line.split(separator: ",").map(String.init); f[f.count - 1] = Int(f.last!)! < 5 ? "0" : "1"; return f.joined(separator: ",")
            }
            try ([String(lines[0])] + body).joined(separator: "\n").appending("\n").write(toFile: path, atomically: true, encoding: .utf8)
            return path
        }
        let (val, tgt) = (try binary("bval.csv", lines[1 ..< 200]), try binary("btgt.csv", lines[200...]))
        let n = 199 + (lines.count - 200)
        let half = try npy("half_column.npy", Tensor(shape: [n], scalars: (0 ..< n).map { Float($0 % 10) / 10 }).reshaped([n, 1]))
        let one = try shiftcast(["predict", "--model-command", "cp \(half) {out} # {in}", "--source", val, "--target", tgt, "--estimators", "ac"])
        XCTAssertEqual(one.status, 0, one.stderr)
        XCTAssertTrue(one.stdout.contains("binary: a one-column output is the positive class (class 1)"), one.stdout)
        // Options that do not apply to a black box are refused.
        XCTAssertEqual(try shiftcast(["predict", "--model-command", "true {in} {out}", "--source", digits + "/validation.csv",
                                      "--target", digits + "/test.csv", "--init", "fresh"]).status, 64)
    }
}
