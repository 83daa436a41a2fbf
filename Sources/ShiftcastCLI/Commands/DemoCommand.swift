import Foundation
import ShiftcastModel
import ShiftcastEvaluation
import ShiftcastBench

/// `shiftcast demo`: the whole product on a built-in default, no files needed — one unit of the
/// benchmark (`BenchmarkConfiguration.demo`): a synthetic task, a trained model and two seed
/// partners, a list of hard shifts including adversarial ones, and every estimator side by
/// side against the true accuracy, through the benchmark's own target-suite and unit code.
enum DemoCommand {
    static var spec: CommandSpec {
        CommandSpec(
            name: "demo", abstract: "Train a model on a synthetic task, shift it hard, and compare every estimator (no files needed).",
            discussion: "The task is a 5-class Gaussian mixture near a 6-dimensional subspace of R^32; the model an MLP 32-64-64-5. Predicted accuracies, true accuracies and errors are fractions in [0, 1].",
            usage: "[--seed <n>] [--quick] [--format table|json]",
            options: [CommandSupport.seedOption,
                      .flag("quick", help: "5 of the 14 shifts and 200-iteration ProjNorm fine-tunes: a smoke test."),
                      .option("format", value: "format", help: "table or json.", default: "table")],
            run: { parsed, console in try run(parsed, console: console) })
    }

    /// One target set's row of the demo.
    struct Row {
        var shift: String
        var truth: Double
        /// Records in report order (estimators that ran and those that were skipped).
        var records: [BenchmarkRecord]

        func record(_ id: EstimatorID) -> BenchmarkRecord? { records.first { $0.estimator == id.name } }
    }

    static func run(_ parsed: ParsedArguments, console: Console) throws -> Int32 {
        let seed = try parsed.uint64("seed", default: 0)
        let quick = parsed.flag("quick")
        let format = try parsed.choice("format", ["table", "json"], default: "table")
        let progress = ProgressReporter(console: console)
        defer { progress.finish() }

        let configuration = BenchmarkConfiguration.demo(seed: seed, quick: quick)
        let unit = configuration.units[0]
        let task = try BenchmarkRunner.task(named: unit.task, configuration)
        let result = try BenchmarkRunner.runUnit(unit, task: task, configuration: configuration, fingerprint: "demo") { label, fraction in
            progress.update(fraction, label)
        }
        progress.finish()
        var rows: [Row] = []
        for r in result.records {
            if rows.last?.shift != r.shift { rows.append(Row(shift: r.shift, truth: r.trueAccuracy, records: [])) }
            rows[rows.count - 1].records.append(r)
        }
        let names = EstimatorRegistry.selectableIDs.filter { id in rows.contains { $0.record(id)?.predictedAccuracy != nil } }
        var mae: [(EstimatorID, Double)] = []
        for id in names {
            let errors = rows.compactMap { $0.record(id)?.absoluteError }
            mae.append((id, errors.reduce(0, +) / Double(max(errors.count, 1))))
        }
        let sourceAccuracy = result.records.first?.sourceAccuracy ?? .nan
        let architecture = MLPArchitecture(inputs: task.featureCount, hidden: unit.hidden, classes: task.classCount)
        if format == "json" {
            console.out(JSONValue.object([
                ("task", .string(task.name)), ("model", .string(architecture.summary)), ("seed", .integer(Int(seed))),
                ("source_accuracy", .number(sourceAccuracy)),
                ("targets", .array(rows.map { row in
                    .object([("shift", .string(row.shift)), ("true_accuracy", .number(row.truth)),
                             ("estimates", .array(row.records.filter { $0.skipReason == nil }.map { r in
                                 .object([("estimator", .string(r.estimator)), ("accuracy", .number(r.predictedAccuracy)),
                                          ("standard_error", .number(r.standardError)), ("score", .number(r.score)),
                                          ("abs_error", .number(r.absoluteError))])
                             })),
                             ("skipped", .array(row.records.compactMap { r in
                                 r.skipReason.map { .object([("estimator", .string(r.estimator)), ("reason", .string($0))]) }
                             }))])
                })),
                ("mae", .object(mae.map { ($0.0.name, .number($0.1)) })),
            ]).rendered() + "\n")
            return 0
        }
        var out = "shiftcast demo — task \(task.name) (\(task.classCount) classes, \(task.featureCount) features), model \(architecture.summary), seed \(seed)\n"
        out += "source (validation) accuracy \(CommandSupport.fixed(sourceAccuracy, 3)); "
        out += "GDE/ALine use 2 more seeds; the scores (\(EstimatorRegistry.all().filter { $0.output.isScore }.map(\.id.name).joined(separator: ", "))) are calibrated on noisy copies of the validation set;\n"
        out += "meta is the headline estimate, learned on shifted copies of half the validation set and shown leave-one-family-out (its map never saw the row's family).\n\n"
        var table = TextTable(headers: ["target set", "true"] + names.map(\.name) + ["projnorm score"], rightAligned: Set(1 ... names.count + 2))
        for row in rows {
            table.rows.append([row.shift, CommandSupport.fixed(row.truth, 2)] + names.map { CommandSupport.fixed(row.record($0)?.predictedAccuracy, 2) }
                              + [CommandSupport.fixed(row.record(.projNorm)?.score, 2)])
        }
        table.rows.append(["MAE", ""] + mae.map { CommandSupport.fixed($0.1, 3) } + [""])
        out += table.rendered()
        let skipped = Dictionary(grouping: result.records.filter { $0.skipReason != nil }) { $0.estimator }
        for id in EstimatorRegistry.selectableIDs where skipped[id.name] != nil {
            out += "skipped \(id.name): \(skipped[id.name]![0].skipReason!)\n"
        }
        out += "\n" + interpretation(rows)
        console.out(out)
        return 0
    }

    /// One paragraph on what this run shows, from its own numbers.
    static func interpretation(_ rows: [Row]) -> String {
        let adversarial = rows.filter { $0.records.first?.kind == "adversarial" }
        guard !adversarial.isEmpty, let clean = rows.first else { return "" }
        func mean(_ id: EstimatorID, _ rs: [Row]) -> Double? {
            let v = rs.compactMap { $0.record(id)?.predictedAccuracy }
            return v.isEmpty ? nil : v.reduce(0, +) / Double(v.count)
        }
        let truth = adversarial.map(\.truth).reduce(0, +) / Double(adversarial.count)
        var text = "On the \(adversarial.count) adversarial sets the model's mean true accuracy is \(CommandSupport.fixed(truth, 2)); "
        let shown: [EstimatorID] = [.meta, .averageConfidence, .atcMaxConfidence, .seedDisagreement]
        text += shown.compactMap { id in mean(id, adversarial).map { "\(id.name) predicts \(CommandSupport.fixed($0, 2))" } }.joined(separator: ", ")
        if let p = mean(.projNorm, adversarial) {
            let cleanScore = clean.record(.projNorm)?.score
            let advScores = adversarial.compactMap { $0.record(.projNorm)?.score }
            text += ", projnorm \(CommandSupport.fixed(p, 2)) (its score goes from \(CommandSupport.fixed(cleanScore, 2)) on the clean set to \(CommandSupport.fixed(advScores.reduce(0, +) / Double(max(advScores.count, 1)), 2)) on average)"
        }
        return text + ".\nRun 'shiftcast bench' for the full comparison across models, families and severities.\n"
    }
}
