import XCTest
import Foundation
import ShiftcastTestSupport
import ShiftcastData
import ShiftcastEvaluation

/// End-to-end tests of the built binary on small fixtures: the flows a user runs, checked
/// through their JSON output.
final class EndToEndTests: XCTestCase {
    let temp = TemporaryDirectory()
    override func tearDown() { temp.remove() }

    func json(_ text: String) throws -> [String: Any] {
        try XCTUnwrap(JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any], text)
    }

    func testHelpAndUsageErrorFromTheBinary() throws {
        let help = try shiftcast(["--help"])
        XCTAssertEqual(help.status, 0)
        XCTAssertTrue(help.stdout.hasPrefix("OVERVIEW:"))
        let bad = try shiftcast(["demo", "--sed", "3"])
        XCTAssertEqual(bad.status, 64)
        XCTAssertTrue(bad.stderr.contains("Did you mean '--seed'?"))
        XCTAssertEqual(bad.stdout, "")
    }

    func testPredictAndCompareFromPredictions() throws {
        let dir = fixturesDirectory + "/estimators/k3_n200_m150"
        var args = ["predict", "--source-labels", dir + "/source_labels.npy", "--format", "json"]
        for i in 0 ..< 3 { args += ["--source-probs", dir + "/source\(i).npy", "--target-probs", dir + "/target\(i).npy"] }
        let r = try shiftcast(args)
        XCTAssertEqual(r.status, 0, r.stderr)
        let object = try json(r.stdout)
        let estimates = try XCTUnwrap(object["estimates"] as? [[String: Any]])
        // Probabilities of three models: the headline estimate first, then every estimator that needs nothing more.
        let onProbabilities = EstimatorRegistry.all().filter { $0.requirements.inputs == [.probabilities] }
        XCTAssertEqual(estimates.map { $0["estimator"] as? String }, [EstimatorID.meta.name] + onProbabilities.map(\.id.name))
        let meta = estimates[0]
        let (low, high) = (try XCTUnwrap(meta["interval_low"] as? Double), try XCTUnwrap(meta["interval_high"] as? Double))
        XCTAssertTrue(low <= (meta["accuracy"] as! Double) && (meta["accuracy"] as! Double) <= high, "\(meta)")
        XCTAssertTrue((meta["note"] as? String)?.contains("cannot see covariate or adversarial shifts") ?? false, "\(meta)")
        // The table's first line says what its interval covers: resamplings only.
        let table = try shiftcast(args.filter { $0 != "--format" && $0 != "json" })
        XCTAssertTrue(table.stdout.hasPrefix("predicted accuracy 0.") && table.stdout.contains(
            "resamplings of the validation set — for prior and sub-population changes; covariate and adversarial shifts are not among them"),
                      table.stdout)
        XCTAssertNotNil(estimates[1]["meta_set_mae"] as? Double, "each estimator's reliability on the meta-set")
        for (estimator, e) in zip(onProbabilities, estimates.dropFirst()) where !estimator.output.isScore {
            let a = try XCTUnwrap(e["accuracy"] as? Double)
            XCTAssertTrue((0 ... 1).contains(a))
            XCTAssertNotNil(e["standard_error"] as? Double)
        }
        // The others are skipped, each reason naming what would let it run.
        let skipped = try XCTUnwrap(object["skipped"] as? [[String: Any]])
        let others = EstimatorRegistry.all().filter { $0.requirements.inputs != [.probabilities] }
        XCTAssertEqual(skipped.compactMap { $0["estimator"] as? String }, others.map(\.id.name))
        for (estimator, s) in zip(others, skipped) {
            let reason = try XCTUnwrap(s["reason"] as? String)
            let option = estimator.requirements.inputs.contains(.model) || estimator.requirements.inputs.contains(.inputs) ? "predict --model"
                : estimator.requirements.inputs.contains(.logits) ? "--source-logits" : "--source-features"
            XCTAssertTrue(reason.contains(option), "\(estimator.id): \(reason)")
        }
        // Reference value from the numpy fixture.
        let reference = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: fixturesDirectory + "/estimators/reference.json"))) as? [String: [String: Double]])
        XCTAssertEqual(estimates[1]["accuracy"] as! Double, reference["k3_n200_m150"]!["ac"]!, accuracy: 1e-9)

        // compare: true accuracy and per-estimate error; labels made from model 1's own predictions.
        let probabilities = try NPY.readMatrix(path: dir + "/target0.npy")
        let labelsPath = temp.path + "/target_labels.npy"
        try NPY.write(labels: probabilities.argmaxRows(), to: labelsPath)
        let plot = temp.path + "/plot.svg"
        let c = try shiftcast(["compare", "--source-probs", dir + "/source0.npy", "--source-labels", dir + "/source_labels.npy",
                               "--target-probs", dir + "/target0.npy", "--target-labels", labelsPath, "--format", "json", "--plot", plot,
                               "--estimators", "ac,atc-mc"])
        XCTAssertEqual(c.status, 0, c.stderr)
        let cmp = try json(c.stdout)
        XCTAssertEqual(cmp["true_accuracy"] as? Double, 1)
        let ces = try XCTUnwrap(cmp["estimates"] as? [[String: Any]])
        XCTAssertEqual(ces.count, 2)
        XCTAssertEqual(ces[0]["abs_error"] as! Double, 1 - (ces[0]["accuracy"] as! Double), accuracy: 1e-12)
        XCTAssertTrue(try String(contentsOfFile: plot, encoding: .utf8).hasPrefix("<svg"))
    }

    func testTrainInspectPredictCompareShiftOnDigits() throws {
        let digits = fixturesDirectory + "/digits"
        let model = temp.path + "/digits.safetensors"
        let train = try shiftcast(["train", "--data", digits + "/train.csv", "--validation", digits + "/validation.csv",
                                   "--hidden", "32", "--epochs", "8", "--seed", "3", "--out", model])
        XCTAssertEqual(train.status, 0, train.stderr)
        XCTAssertTrue(train.stdout.contains("validation accuracy:"))
        let inspect = try json(try shiftcast(["inspect", "--model", model, "--format", "json"]).stdout)
        XCTAssertEqual(inspect["inputs"] as? Int, 64)
        XCTAssertEqual(inspect["classes"] as? Int, 10)
        XCTAssertEqual(inspect["theta0_recoverable"] as? Bool, true)

        let shifted = temp.path + "/blurred.csv"
        let shift = try shiftcast(["shift", "--kind", "image-blur", "--severity", "4", "--data", digits + "/test.csv", "--out", shifted, "--seed", "1"])
        XCTAssertEqual(shift.status, 0, shift.stderr)
        let adversarial = temp.path + "/pgd.csv"
        let attack = try shiftcast(["shift", "--kind", "pgd-linf", "--severity", "4", "--data", digits + "/test.csv", "--model", model, "--out", adversarial])
        XCTAssertEqual(attack.status, 0, attack.stderr)
        // A transfer attack needs only its surrogate: the model under test may be one shiftcast
        // cannot open (a --model-command model). Crafted on another seed's model, it still hurts.
        let surrogate = temp.path + "/surrogate.safetensors", transferred = temp.path + "/transfer.csv"
        XCTAssertEqual(try shiftcast(["train", "--data", digits + "/train.csv", "--hidden", "32", "--epochs", "8", "--seed", "4", "--out", surrogate]).status, 0)
        let transfer = try shiftcast(["shift", "--kind", "transfer-pgd-linf", "--severity", "4", "--data", digits + "/test.csv",
                                      "--surrogate", surrogate, "--out", transferred])
        XCTAssertEqual(transfer.status, 0, transfer.stderr)

        let common = ["--model", model, "--source", digits + "/validation.csv", "--format", "json", "--projnorm-iterations", "100"]
        let clean = try json(try shiftcast(["compare", "--target", digits + "/test.csv"] + common).stdout)
        let attacked = try shiftcast(["compare", "--target", adversarial] + common)
        XCTAssertEqual(attacked.status, 0, attacked.stderr)
        let attackedJSON = try json(attacked.stdout)
        let cleanTrue = try XCTUnwrap(clean["true_accuracy"] as? Double)
        let attackedTrue = try XCTUnwrap(attackedJSON["true_accuracy"] as? Double)
        XCTAssertGreaterThan(cleanTrue, 0.85)
        XCTAssertLessThan(attackedTrue, cleanTrue - 0.3)
        let transferTrue = try XCTUnwrap(try json(try shiftcast(["compare", "--target", transferred, "--estimators", "ac"] + common).stdout)["true_accuracy"] as? Double)
        XCTAssertLessThan(transferTrue, cleanTrue - 0.1, "examples crafted on the surrogate transfer to the model")
        func estimate(_ o: [String: Any], _ name: String) -> [String: Any]? {
            (o["estimates"] as? [[String: Any]])?.first { $0["estimator"] as? String == name }
        }
        // ProjNorm's score rises on the adversarial set.
        let cleanScore = try XCTUnwrap(estimate(clean, "projnorm")?["score"] as? Double)
        let attackedScore = try XCTUnwrap(estimate(attackedJSON, "projnorm")?["score"] as? Double)
        XCTAssertGreaterThan(attackedScore, cleanScore)
        // Without --train there are no seed models: GDE and ALine are skipped with a reason.
        let skipped = (clean["skipped"] as? [[String: Any]])?.compactMap { $0["estimator"] as? String } ?? []
        XCTAssertEqual(skipped, EstimatorRegistry.all().filter { $0.requirements.minimumModels > 1 }.map(\.id.name))

        let predicted = try shiftcast(["predict", "--target", shifted, "--estimators", "ac,atc-ne,projnorm"] + common)
        XCTAssertEqual(predicted.status, 0, predicted.stderr)
        XCTAssertNil(try json(predicted.stdout)["true_accuracy"])
    }

    /// The headline estimate leads predict's output; saved with --save-meta, it estimates a further
    /// target with --meta to the same number; a file for another model or a corrupted one is refused.
    func testTheHeadlineEstimateSavedAndReused() throws {
        let digits = fixturesDirectory + "/digits"
        let model = temp.path + "/m.safetensors", other = temp.path + "/other.safetensors", meta = temp.path + "/meta.json"
        for (path, seed) in [(model, "2"), (other, "3")] {
            let r = try shiftcast(["train", "--data", digits + "/train.csv", "--hidden", "16", "--epochs", "3", "--seed", seed, "--out", path])
            XCTAssertEqual(r.status, 0, r.stderr)
        }
        let common = ["--source", digits + "/validation.csv", "--target", digits + "/test.csv", "--estimators", "meta,ac",
                      "--meta-sets", "24", "--projnorm-iterations", "40"]
        let table = try shiftcast(["predict", "--model", model] + common + ["--save-meta", meta])
        XCTAssertEqual(table.status, 0, table.stderr)
        XCTAssertTrue(table.stdout.hasPrefix("predicted accuracy 0."), table.stdout)
        XCTAssertTrue(table.stdout.contains("% interval") && table.stdout.contains("meta-set MAE"), table.stdout)
        let first = try json(try shiftcast(["predict", "--model", model] + common + ["--format", "json"]).stdout)
        let reuse = ["--source", digits + "/validation.csv", "--target", digits + "/test.csv", "--estimators", "meta,ac",
                     "--projnorm-iterations", "40", "--format", "json", "--meta", meta]
        let second = try json(try shiftcast(["predict", "--model", model] + reuse).stdout)
        XCTAssertEqual(try shiftcast(["predict", "--model", model] + common + ["--save-meta", temp.path + "/meta3.json"]).status, 0)
        func headline(_ o: [String: Any]) -> [String: Any]? { (o["estimates"] as? [[String: Any]])?.first }
        XCTAssertEqual(headline(first)?["estimator"] as? String, EstimatorID.meta.name)
        XCTAssertEqual(headline(first)?["accuracy"] as? Double, headline(second)?["accuracy"] as? Double)
        XCTAssertEqual(headline(first)?["interval_low"] as? Double, headline(second)?["interval_low"] as? Double)
        // A target smaller than the meta-sets: the saved meta-set is made again and re-read at its
        // size, to the same number as a fresh fit.
        let testLines = try String(contentsOfFile: digits + "/test.csv", encoding: .utf8).split(separator: "\n")
        let smallTarget = temp.path + "/small.csv"
        try (testLines.prefix(41).joined(separator: "\n") + "\n").write(toFile: smallTarget, atomically: true, encoding: .utf8)
        let smallReuse = try shiftcast(["predict", "--model", model, "--source", digits + "/validation.csv", "--target", smallTarget,
                                        "--estimators", "meta,ac", "--projnorm-iterations", "40", "--meta", meta])
        XCTAssertEqual(smallReuse.status, 0, smallReuse.stderr)
        XCTAssertTrue(smallReuse.stdout.hasPrefix("predicted accuracy") && smallReuse.stdout.contains("rows (the target's size) of shifted copies"),
                      smallReuse.stdout)
        let smallFresh = try shiftcast(["predict", "--model", model, "--source", digits + "/validation.csv", "--target", smallTarget,
                                        "--estimators", "meta,ac", "--projnorm-iterations", "40", "--meta-sets", "24"])
        XCTAssertEqual(smallFresh.stdout.split(separator: "\n").first, smallReuse.stdout.split(separator: "\n").first)
        // Another model: refused, naming both.
        let wrong = try shiftcast(["predict", "--model", other] + reuse)
        XCTAssertEqual(wrong.status, 1)
        XCTAssertTrue(wrong.stderr.contains("meta.json") && wrong.stderr.contains("the meta-model was made for") && wrong.stderr.contains("other.safetensors"), wrong.stderr)
        // A corrupted file: one clear line, exit 1.
        try Data("{\"format\": \"shiftcast-meta".utf8).write(to: URL(fileURLWithPath: meta))
        let corrupt = try shiftcast(["predict", "--model", model] + reuse)
        XCTAssertEqual(corrupt.status, 1)
        XCTAssertTrue(corrupt.stderr.contains("expected a meta-model file written by --save-meta"), corrupt.stderr)
        // --save-meta promises a headline estimate: on 30 validation rows it cannot be made, and that is an error.
        let lines = try String(contentsOfFile: digits + "/validation.csv", encoding: .utf8).split(separator: "\n")
        let small = temp.path + "/small.csv"
        try (lines.prefix(31).joined(separator: "\n") + "\n").write(toFile: small, atomically: true, encoding: .utf8)
        let few = try shiftcast(["predict", "--model", model, "--source", small, "--target", digits + "/test.csv", "--save-meta", temp.path + "/meta2.json"])
        XCTAssertEqual(few.status, 1)
        XCTAssertTrue(few.stderr.contains("'--save-meta': the headline estimate (meta) cannot be made on these inputs: needs at least 40 labeled validation rows"), few.stderr)
        // Without it, meta is skipped with the reason and the rest runs.
        let skipped = try json(try shiftcast(["predict", "--model", model, "--source", small, "--target", digits + "/test.csv", "--format", "json"]).stdout)
        XCTAssertEqual(((skipped["skipped"] as? [[String: Any]])?.first?["estimator"]) as? String, EstimatorID.meta.name)
        // A different --seed than the file was made with is another meta-set: refused.
        let reseeded = try shiftcast(["predict", "--model", model] + reuse.map { $0 == meta ? temp.path + "/meta3.json" : $0 } + ["--seed", "1"])
        XCTAssertEqual(reseeded.status, 1)
        // Without meta in --estimators, the meta options are a usage error.
        let usage = try shiftcast(["predict", "--model", model, "--source", digits + "/validation.csv", "--target", digits + "/test.csv",
                                   "--estimators", "ac", "--meta-sets", "10"])
        XCTAssertEqual(usage.status, 64)
    }

    /// A binary classifier's positive-class probabilities as [N] or [N, 1] (or logits as [N]) give
    /// the same estimates as the two-column form; a value outside [0, 1] is named by its row.
    func testBinaryClassifiersGiveOneColumn() throws {
        let dir = fixturesDirectory + "/estimators/k2_n100_m80"
        let (source, target) = (try NPY.readMatrix(path: dir + "/source0.npy"), try NPY.readMatrix(path: dir + "/target0.npy"))
        let s1 = temp.path + "/s1.npy", t1 = temp.path + "/t1.npy", s2 = temp.path + "/s2.npy", t2 = temp.path + "/t2.npy"
        try NPY.write(vector: (0 ..< source.rowCount).map { source[$0, 1] }, to: s1)
        try NPY.write(vector: (0 ..< target.rowCount).map { target[$0, 1] }, to: t1)
        try NPY.write(Tensor(shape: [source.rowCount, 1], scalars: (0 ..< source.rowCount).map { source[$0, 1] }), to: s2)
        try NPY.write(Tensor(shape: [target.rowCount, 1], scalars: (0 ..< target.rowCount).map { target[$0, 1] }), to: t2)
        func estimates(_ s: String, _ t: String) throws -> [String: Double] {
            let r = try shiftcast(["predict", "--source-probs", s, "--target-probs", t, "--source-labels", dir + "/source_labels.npy",
                                   "--estimators", "ac,doc,atc-mc,cot", "--format", "json"])
            XCTAssertEqual(r.status, 0, r.stderr)
            let list = try XCTUnwrap(try json(r.stdout)["estimates"] as? [[String: Any]])
            return Dictionary(uniqueKeysWithValues: list.map { ($0["estimator"] as! String, $0["accuracy"] as! Double) })
        }
        let two = try estimates(dir + "/source0.npy", dir + "/target0.npy")
        for (s, t) in [(s1, t1), (s2, t2)] {
            let one = try estimates(s, t)
            for (name, value) in two { XCTAssertEqual(one[name]!, value, accuracy: 1e-6, name) }
        }
        let table = try shiftcast(["predict", "--source-probs", s1, "--target-probs", t1, "--source-labels", dir + "/source_labels.npy", "--estimators", "ac"])
        XCTAssertTrue(table.stdout.contains("binary: a one-column array is the positive class (class 1)"), table.stdout)
        let bad = temp.path + "/bad.npy"
        try NPY.write(vector: [0.2, 1.5] + Array(repeating: Float(0.5), count: source.rowCount - 2), to: bad)
        let r = try shiftcast(["predict", "--source-probs", bad, "--target-probs", t1, "--source-labels", dir + "/source_labels.npy"])
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stderr.contains("bad.npy:2: error: expected the positive class's probability in [0, 1]"), r.stderr)
    }

    /// Monitoring: one estimate per chunk of target rows in file order, the last holding the
    /// remainder; chunks of one row; no empty chunk; --alert-below marks chunks and sets exit status 3.
    func testChunkedMonitoring() throws {
        let digits = fixturesDirectory + "/digits"
        let model = temp.path + "/m.safetensors", target = temp.path + "/t497.csv"
        XCTAssertEqual(try shiftcast(["train", "--data", digits + "/train.csv", "--hidden", "16", "--epochs", "3", "--out", model]).status, 0)
        let lines = try String(contentsOfFile: digits + "/train.csv", encoding: .utf8).split(separator: "\n")
        try (lines.prefix(498).joined(separator: "\n") + "\n").write(toFile: target, atomically: true, encoding: .utf8)
        let plot = temp.path + "/chunks.svg"
        let r = try shiftcast(["compare", "--model", model, "--source", digits + "/validation.csv", "--target", target,
                               "--estimators", "ac,doc", "--chunk-size", "100", "--format", "json", "--plot", plot])
        XCTAssertEqual(r.status, 0, r.stderr)
        // The plot: a line per estimator with its band, the validation line, a dot per chunk's realised accuracy.
        let svg = try String(contentsOfFile: plot, encoding: .utf8)
        XCTAssertTrue(svg.hasPrefix("<svg") && svg.hasSuffix("</svg>\n"))
        XCTAssertEqual(svg.components(separatedBy: "<polyline").count - 1, 2)
        XCTAssertEqual(svg.components(separatedBy: "<circle").count - 1, 5 + 1, "a dot per chunk and one in the legend")
        XCTAssertTrue(svg.contains("validation accuracy") && svg.contains("realised accuracy"))
        let chunks = try XCTUnwrap(try json(r.stdout)["chunks"] as? [[String: Any]])
        XCTAssertEqual(chunks.compactMap { $0["rows"] as? Int }, [100, 100, 100, 100, 97])
        XCTAssertEqual(chunks.compactMap { $0["first_row"] as? Int }, [1, 101, 201, 301, 401])
        XCTAssertTrue(chunks.allSatisfy { ($0["true_accuracy"] as? Double).map { (0 ... 1).contains($0) } ?? false })
        XCTAssertEqual((chunks[0]["estimates"] as? [[String: Any]])?.compactMap { $0["estimator"] as? String }, ["ac", "doc"])
        // An alert threshold above every estimate: every chunk marked, exit status 3.
        let alert = try shiftcast(["predict", "--model", model, "--source", digits + "/validation.csv", "--target", target,
                                   "--estimators", "ac", "--chunk-size", "250", "--alert-below", "1"])
        XCTAssertEqual(alert.status, 3, alert.stderr)
        XCTAssertTrue(alert.stdout.contains("2 of 2 chunks below 1.0"), alert.stdout)
        // Chunks of one row (predictions form): every row its own estimate; MDE cannot run on one row and says so.
        let dir = fixturesDirectory + "/estimators/second_wave/k5_overconfident"
        let one = try shiftcast(["predict", "--source-logits", dir + "/source_logits.npy", "--target-logits", dir + "/target_logits.npy",
                                 "--source-labels", dir + "/source_labels.npy", "--estimators", "ac,mde", "--chunk-size", "1", "--format", "json"])
        XCTAssertEqual(one.status, 0, one.stderr)
        let single = try XCTUnwrap(try json(one.stdout)["chunks"] as? [[String: Any]])
        XCTAssertEqual(single.count, 400)
        XCTAssertEqual((single[0]["skipped"] as? [[String: Any]])?.first?["estimator"] as? String, "mde")
        // --chunk-by: a chunk per run of equal keys in file order (here one of a single row), the key column no feature.
        let testLines = try String(contentsOfFile: digits + "/test.csv", encoding: .utf8).split(separator: "\n").map(String.init)
        let keyed = temp.path + "/keyed.csv"
        let keyedLines = ["week," + testLines[0]] + testLines.dropFirst().enumerated().map { i, line in
            (i < 100 ? "2026-w01," : i == 100 ? "2026-w02," : "2026-w03,") + line
        }
        try (keyedLines.joined(separator: "\n") + "\n").write(toFile: keyed, atomically: true, encoding: .utf8)
        let byWeek = try shiftcast(["compare", "--model", model, "--source", digits + "/validation.csv", "--target", keyed,
                                    "--estimators", "ac", "--chunk-by", "week", "--format", "json"])
        XCTAssertEqual(byWeek.status, 0, byWeek.stderr)
        let weeks = try XCTUnwrap(try json(byWeek.stdout)["chunks"] as? [[String: Any]])
        XCTAssertEqual(weeks.compactMap { $0["key"] as? String }, ["2026-w01", "2026-w02", "2026-w03"])
        XCTAssertEqual(weeks.compactMap { $0["rows"] as? Int }, [100, 1, testLines.count - 102])
        let noColumn = try shiftcast(["predict", "--model", model, "--source", digits + "/validation.csv", "--target", keyed,
                                      "--estimators", "ac", "--chunk-by", "day"])
        XCTAssertEqual(noColumn.status, 1)
        XCTAssertTrue(noColumn.stderr.contains("expected a column named 'day' to key the rows by"), noColumn.stderr)
        // No chunk is ever empty: a target with no rows is refused before chunking, naming the file.
        let empty = temp.path + "/empty.csv"
        try (testLines[0] + "\n").write(toFile: empty, atomically: true, encoding: .utf8)
        let none = try shiftcast(["predict", "--model", model, "--source", digits + "/validation.csv", "--target", empty,
                                  "--estimators", "ac", "--chunk-size", "10"])
        XCTAssertEqual(none.status, 1)
        XCTAssertTrue(none.stderr.contains("empty.csv:2: error: expected at least one data row after the header, found none"), none.stderr)
        XCTAssertEqual(none.stdout, "", "nothing half-written")
        // --alert-below alone, and predict's --plot without chunks, are usage errors.
        XCTAssertEqual(try shiftcast(["predict", "--model", model, "--source", digits + "/validation.csv", "--target", target, "--plot", plot]).status, 64)
        XCTAssertEqual(try shiftcast(["predict", "--model", model, "--source", digits + "/validation.csv", "--target", target, "--alert-below", "0.5"]).status, 64)
    }

    /// CSV labels that are names: train records them in sorted order, predict/compare read them
    /// through the model file, and a name the model does not know is refused, listing the names.
    func testClassNamesInCSVLabels() throws {
        let digits = fixturesDirectory + "/digits"
        func named(_ file: String, badRow: Int? = nil) throws -> String {
            let lines = try String(contentsOfFile: digits + "/" + file, encoding: .utf8).split(separator: "\n").map(String.init)
            var out = [lines[0]]
            for (i, line) in lines.dropFirst().enumerated() {
                var fields = line.split(separator: ",").map(String.init)
                fields[fields.count - 1] = i == badRow ? "maybe" : (Int(fields.last!)! % 2 == 0 ? "even" : "odd")
                out.append(fields.joined(separator: ","))
            }
            let path = temp.path + "/named_" + file
            try (out.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
            return path
        }
        let model = temp.path + "/named.safetensors"
        let train = try shiftcast(["train", "--data", try named("train.csv"), "--validation", try named("validation.csv"),
                                   "--hidden", "16", "--epochs", "5", "--out", model])
        XCTAssertEqual(train.status, 0, train.stderr)
        let inspect = try json(try shiftcast(["inspect", "--model", model, "--format", "json"]).stdout)
        XCTAssertEqual(inspect["class_names"] as? [String], ["even", "odd"])
        let r = try shiftcast(["compare", "--model", model, "--source", try named("validation.csv"), "--target", try named("test.csv"),
                               "--estimators", "ac,atc-mc", "--format", "json"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertGreaterThan(try XCTUnwrap(try json(r.stdout)["true_accuracy"] as? Double), 0.6)
        let bad = try shiftcast(["compare", "--model", model, "--source", try named("validation.csv"), "--target", try named("test.csv", badRow: 4),
                                 "--estimators", "ac"])
        XCTAssertEqual(bad.status, 1)
        XCTAssertTrue(bad.stderr.contains("named_test.csv:6:") && bad.stderr.contains("expected one of the model's classes (even, odd), found 'maybe'"), bad.stderr)
        XCTAssertEqual(try shiftcast(["train", "--data", try named("train.csv"), "--classes", "3", "--out", temp.path + "/x.safetensors"]).status, 64)
        // A number that is no class index, or an empty label, is a mistake, not a class name.
        let decimal = temp.path + "/decimal.csv"
        try "a,b,label\n0.1,0.2,cat\n0.3,0.1,2.5\n".write(toFile: decimal, atomically: true, encoding: .utf8)
        let d = try shiftcast(["train", "--data", decimal, "--out", temp.path + "/x.safetensors"])
        XCTAssertEqual(d.status, 1)
        XCTAssertTrue(d.stderr.contains("decimal.csv:3:3: error: label column 'label': expected a non-negative integer class index or a class name, found \"2.5\""), d.stderr)
    }

    /// `shiftcast measures`: every generalization measure of a trained model, in the spec's order;
    /// a model without θ0 skips dist-init with the reason; data of another width is refused.
    func testGeneralizationMeasuresOfATrainedModel() throws {
        let digits = fixturesDirectory + "/digits"
        let model = temp.path + "/m.safetensors"
        XCTAssertEqual(try shiftcast(["train", "--data", digits + "/train.csv", "--hidden", "16", "--epochs", "3", "--out", model]).status, 0)
        let r = try shiftcast(["measures", "--model", model, "--train", digits + "/train.csv", "--sample-rows", "200", "--format", "json"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let measures = try XCTUnwrap(try json(r.stdout)["measures"] as? [[String: Any]])
        let skipped = try XCTUnwrap(try json(r.stdout)["skipped"] as? [[String: Any]])
        XCTAssertEqual((measures + skipped).compactMap { $0["measure"] as? String }.sorted(), GeneralizationMeasures.names.sorted())
        XCTAssertEqual(measures.first?["measure"] as? String, "dist-init", "train records θ0")
        let torch = fixturesDirectory + "/modelfile/torch_sequential.safetensors"
        let wide = try shiftcast(["measures", "--model", torch, "--train", digits + "/train.csv"])
        XCTAssertEqual(wide.status, 1)
        XCTAssertTrue(wide.stderr.contains("train.csv") && wide.stderr.contains("feature columns (the model's inputs), found 64"), wide.stderr)
    }

    /// A model from any framework feeds the logit- and feature-based estimators through
    /// `--source-logits/--target-logits` and `--source-features/--target-features`.
    func testLogitAndFeatureEstimatorsFromPredictions() throws {
        let dir = fixturesDirectory + "/estimators/second_wave/k5_overconfident"
        let r = try shiftcast(["predict", "--source-logits", dir + "/source_logits.npy", "--target-logits", dir + "/target_logits.npy",
                               "--source-labels", dir + "/source_labels.npy", "--source-features", dir + "/source_features.npy",
                               "--target-features", dir + "/target_features.npy", "--format", "json"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let object = try json(r.stdout)
        let estimates = try XCTUnwrap(object["estimates"] as? [[String: Any]])
        let runnable = EstimatorRegistry.all().filter { $0.requirements.inputs.isDisjoint(with: [.model, .inputs]) && $0.requirements.minimumModels == 1 }
        XCTAssertEqual(estimates.compactMap { $0["estimator"] as? String }, [EstimatorID.meta.name] + runnable.map(\.id.name))
        let reference = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: fixturesDirectory + "/estimators/second_wave/reference.json"))) as? [String: [String: Any]])
        for estimator in runnable where estimator.output.isScore {
            let e = try XCTUnwrap(estimates.first { $0["estimator"] as? String == estimator.id.name })
            // Scores have no calibration without the model: the raw value, and a note saying so.
            XCTAssertTrue(e["accuracy"] is NSNull, estimator.id.name)
            XCTAssertTrue((e["note"] as? String)?.hasPrefix("score only:") ?? false, estimator.id.name)
            if let expected = reference["k5_overconfident"]?[estimator.id.name] as? Double, estimator.id != .gdscore {
                XCTAssertEqual(try XCTUnwrap(e["score"] as? Double), expected, accuracy: 1e-6, estimator.id.name)
            }
        }
        let skipped = try XCTUnwrap(object["skipped"] as? [[String: Any]]).compactMap { $0["estimator"] as? String }
        XCTAssertEqual(skipped, EstimatorRegistry.all().filter { !$0.requirements.inputs.isDisjoint(with: [.model, .inputs]) || $0.requirements.minimumModels > 1 }.map(\.id.name))
    }

    /// `.npy` features with their labels in separate files, for every data option that needs
    /// labels: `--labels`, `--validation-labels`, `--source-labels`, `--train-labels`.
    func testNPYDataWithSeparateLabelFiles() throws {
        var g = SeededGenerator(seed: 21)
        func write(_ name: String, rows: Int, shift: Float = 0) throws -> (String, String) {
            let labels = (0 ..< rows).map { _ in g.index(below: 3) }
            let x = Tensor(rows: labels.map { y in (0 ..< 4).map { j in Float(j == y ? 2 : 0) + Float(g.gaussian()) * 0.5 + shift } })
            let (xPath, yPath) = (temp.path + "/\(name)_x.npy", temp.path + "/\(name)_y.npy")
            try NPY.write(x, to: xPath)
            try NPY.write(labels: labels, to: yPath)
            return (xPath, yPath)
        }
        let (trainX, trainY) = try write("train", rows: 300)
        let (validationX, validationY) = try write("validation", rows: 120)
        let (targetX, _) = try write("target", rows: 100, shift: 0.4)
        let model = temp.path + "/m.safetensors"
        let train = try shiftcast(["train", "--data", trainX, "--labels", trainY, "--validation", validationX,
                                   "--validation-labels", validationY, "--hidden", "8", "--epochs", "5", "--out", model])
        XCTAssertEqual(train.status, 0, train.stderr)
        XCTAssertTrue(train.stdout.contains("(120 rows)"), train.stdout)
        let predicted = try shiftcast(["predict", "--model", model, "--source", validationX, "--source-labels", validationY,
                                       "--target", targetX, "--train", trainX, "--train-labels", trainY,
                                       "--estimators", "gde,aline-s", "--format", "json"])
        XCTAssertEqual(predicted.status, 0, predicted.stderr)
        let estimates = try XCTUnwrap(try json(predicted.stdout)["estimates"] as? [[String: Any]])
        XCTAssertEqual(estimates.compactMap { $0["estimator"] as? String }, ["gde", "aline-s"])
        XCTAssertTrue(estimates.allSatisfy { ($0["accuracy"] as? Double).map { (0 ... 1).contains($0) } ?? false }, "\(estimates)")

        // A model trained on .npy records no column names, so a CSV with any header fits it; a
        // target's label column, blank here, is not read by predict.
        let csv = temp.path + "/target.csv"
        try ("p,q,r,s,label\n" + (0 ..< 20).map { i in "\(i % 3),0.5,\(Double(i) / 20),1,\n" }.joined()).write(toFile: csv, atomically: true, encoding: .utf8)
        let fromCSV = try shiftcast(["predict", "--model", model, "--source", validationX, "--source-labels", validationY,
                                     "--target", csv, "--estimators", "ac", "--format", "json"])
        XCTAssertEqual(fromCSV.status, 0, fromCSV.stderr)
        XCTAssertEqual(try json(fromCSV.stdout)["target"].flatMap { ($0 as? [String: Any])?["rows"] as? Int }, 20)
    }

    func testPyTorchStateDictNeedsInitForProjNorm() throws {
        let torch = fixturesDirectory + "/modelfile/torch_sequential.safetensors"
        let inspect = try json(try shiftcast(["inspect", "--model", torch, "--format", "json"]).stdout)
        XCTAssertEqual(inspect["theta0_recoverable"] as? Bool, false)
        XCTAssertEqual(inspect["hidden"] as? [Int], [5])
        let data = temp.file("four.csv", "a,b,c,d,label\n0,1,-1,2,0\n0.5,-0.5,0.25,0,1\n3,2,1,0,2\n1,1,1,1,0\n")
        let args = ["predict", "--model", torch, "--source", data, "--target", data, "--estimators", "projnorm",
                    "--projnorm-iterations", "20", "--format", "json"]
        let refused = try shiftcast(args)
        XCTAssertEqual(refused.status, 1)
        XCTAssertTrue(refused.stderr.contains("--init"), refused.stderr)
        let fresh = try shiftcast(args + ["--init", "fresh"])
        XCTAssertEqual(fresh.status, 0, fresh.stderr)
        XCTAssertNotNil((try json(fresh.stdout)["estimates"] as? [[String: Any]])?.first?["score"] as? Double)
        // The state dict records no activation: ReLU is assumed, and said so.
        XCTAssertEqual(inspect["activation_source"] as? String, "assumed")
        XCTAssertTrue(fresh.stderr.contains("warning: \(torch) records no activation: relu is assumed"), fresh.stderr)
        let given = try shiftcast(args + ["--init", "fresh", "--activation", "relu"])
        XCTAssertEqual(given.status, 0, given.stderr)
        XCTAssertFalse(given.stderr.contains("warning:"), given.stderr)
        XCTAssertEqual(given.stdout, fresh.stdout)
    }
}
