import Foundation
import ShiftcastData
import ShiftcastModel
import ShiftcastEvaluation
import ShiftcastBench

/// Pieces shared by the subcommands.
enum CommandSupport {
    static let formatOption = OptionSpec.option("format", value: "format", help: "Output format: table, json or csv.", default: "table")
    static let seedOption = OptionSpec.option("seed", value: "n", help: "Seed for every random choice.", default: "0")

    /// The surrogate MLP of the command form's transfer attacks (128-128, the standard recipe,
    /// seeded from `SeedStreams.commandSurrogate`): on true labels for `predict --train`, on the
    /// command's own answers for `shift --model-command`. `epoch` hears each epoch begun (1-based).
    static func trainSurrogate(features: Tensor, labels: [Int], classCount k: Int, seed: UInt64,
                               epoch: @escaping (Int) -> Void) throws -> MLP {
        var streams = SeededGenerator.derived(seed: seed, stream: SeedStreams.commandSurrogate)
        let surrogateSeed = streams.next()
        var surrogate = MLP(MLPArchitecture(inputs: features.columnCount, hidden: [128, 128], classes: k), initSeed: surrogateSeed)
        let configuration = TrainingConfiguration(length: .epochs(TrainingConfiguration.standardEpochs),
                                                  batchSize: TrainingConfiguration.standardBatchSize, optimizer: .adam(),
                                                  learningRate: TrainingConfiguration.standardAdamLearningRate, shuffleSeed: surrogateSeed)
        _ = try Trainer.train(&surrogate, features: features, labels: labels, configuration: configuration) { p in epoch(p.epoch + 1) }
        return surrogate
    }

    /// `--shard I/N` of `bench` and `study`; malformed, a usage error (exit 64) like every other bad option value.
    static func shard(_ parsed: ParsedArguments) throws -> Shard? {
        try parsed.string("shard").map { text in
            do { return try Shard(parsing: text) } catch let error as InputError {
                throw UsageError("'--shard': \(error.message)", command: parsed.command)
            }
        }
    }

    /// The options `bench` and `study` share: where and how to write, resume, shard.
    static func shardedRunOptions(defaultOut: String) -> [OptionSpec] {
        [.option("out", value: "dir", help: "Output directory.", default: defaultOut),
         .option("format", value: "format", help: "What to print on stdout: markdown (the report) or json (the summary).", default: "markdown"),
         .flag("resume", help: "Keep the models finished in --out and run the rest."),
         .option("shard", value: "I/N", help: "Run only the I-th of N slices of the models.")]
    }

    /// The body of `bench` and `study`: run the units of `--shard` (resuming with `--resume`) with
    /// progress on stderr, write the report into `out`, print it in `--format`.
    static func runAndReport(_ parsed: ParsedArguments, console: Console, out: String,
                             run: (_ shard: Shard?, _ resume: Bool, _ progress: @escaping @Sendable (Int, Int, String) -> Void) throws -> any RunReport) throws -> Int32 {
        let format = try parsed.choice("format", ["markdown", "json"], default: "markdown")
        let shard = try shard(parsed)
        let progress = ProgressReporter(console: console)
        let report = try run(shard, parsed.flag("resume")) { done, total, label in progress.update(done: done, total: total, label) }
        progress.finish()
        try report.write(to: out)
        try emit(report, format: format, console: console)
        console.err("wrote \(out)/: \(report.fileNames.joined(separator: ", "))\n")
        return 0
    }

    /// The command line a report names: `swift run -c release shiftcast <arguments> [--shard I/N]`.
    static func commandLine(_ arguments: String, shard: Shard?) -> String {
        "swift run -c release shiftcast \(arguments)" + (shard.map { " --shard \($0)" } ?? "")
    }

    /// `bench merge` and `study merge`: combine the output directories of shards into one report.
    static func mergeSpec<Run: ShardedRun>(_ run: Run.Type, command: String, what: String, defaultOut: String) -> CommandSpec {
        CommandSpec(
            name: "merge", abstract: "Combine the outputs of \(what) shards into one report.",
            usage: "<dir> ... [--out <dir>] [--format markdown|json]",
            options: [.option("out", value: "dir", help: "Where to write the merged report.", default: defaultOut),
                      .option("format", value: "format", help: "markdown or json.", default: "markdown")],
            arguments: [(name: "dir", help: "Shard output directories.", variadic: true)],
            run: { parsed, console in
                guard !parsed.positionals.isEmpty else { throw UsageError("Missing expected argument '<dir> ...'", command: parsed.command) }
                let format = try parsed.choice("format", ["markdown", "json"], default: "markdown")
                let out = parsed.string("out") ?? defaultOut
                let line = "swift run -c release shiftcast \(command) merge \(parsed.positionals.joined(separator: " ")) --out \(out)"
                let report = try Run.merge(directories: parsed.positionals, out: out, command: line) { missing, total in
                    console.err("warning: the merged directories hold \(total - missing.count) of the \(Run.unitsNoun) \(total) "
                                + "(missing: \(missing.prefix(3).joined(separator: ", "))\(missing.count > 3 ? ", …" : "")): the report covers part "
                                + "of the run; merge every shard's directory for the whole\n")
                }
                try emit(report, format: format, console: console)
                return 0
            })
    }

    /// Prints a run's report (markdown) or its summary (json) on stdout.
    static func emit(_ report: any RunReport, format: String, console: Console) throws {
        if format == "json" { console.out(String(decoding: try report.summaryJSON(), as: UTF8.self) + "\n") } else { console.out(report.markdown()) }
    }
    static let labelColumnOption = OptionSpec.option("label-column", value: "name", help: "The label column of CSV files.", default: "label")

    /// Reads a CSV or NPY dataset whole; labels from the label column (CSV) or a separate file.
    /// `labelsOption` names the option that gives an `.npy` file's labels, for the message when
    /// they are required and missing.
    static func readDataset(_ path: String, labelColumn: String, labelsPath: String? = nil, labelsOption: String? = nil,
                            requireLabels: Bool, labelNames: [String]? = nil) throws -> Dataset {
        if requireLabels, let labelsOption { try requireLabelsFile(for: path, labelsPath: labelsPath, option: labelsOption) }
        let options = CSVReadOptions(labelColumn: labelColumn, requireLabels: requireLabels, labelNames: labelNames)
        let data = try DatasetFiles.read(path: path, labelsPath: labelsPath, options: options)
        guard data.rowCount > 0 else { throw InputError(file: path, "expected at least one data row, found none") }
        if requireLabels && data.labels == nil {
            throw InputError(file: path, "expected a label column '\(labelColumn)', found columns \(data.featureNames.prefix(5).joined(separator: ", "))\(data.featureCount > 5 ? ", …" : "")")
        }
        return data
    }

    /// A model file's class names when they are names (`"no"`, `"yes"`), not the indices 0, 1, …:
    /// its data's labels are then read as those names.
    static func labelNames(_ file: ModelFile) -> [String]? {
        file.classNames == (0 ..< file.model.classCount).map(String.init) ? nil : file.classNames
    }

    /// An `.npy` data file holds features only: its labels must come from the file that
    /// `--option` names. Refused, naming the option, before any reading.
    static func requireLabelsFile(for path: String, labelsPath: String?, option: String) throws {
        if labelsPath == nil, (try? DatasetFiles.format(of: path)) == .npy {
            throw InputError(file: path, "expected labels: an .npy file holds features only; give its labels with --\(option) y.npy")
        }
    }

    /// Two CSV files meant to hold the same columns (training and validation data, data and
    /// its shift's reference) must name them alike, in the same order; `.npy` files have no
    /// names to compare.
    static func requireSameColumnNames(_ other: Dataset, _ otherPath: String, as data: Dataset, _ dataPath: String) throws {
        guard (try? DatasetFiles.format(of: otherPath)) == .csv, (try? DatasetFiles.format(of: dataPath)) == .csv,
              let j = zip(data.featureNames, other.featureNames).enumerated().first(where: { $0.element.0 != $0.element.1 })?.offset
        else { return }
        throw InputError(file: otherPath, line: 1, "expected feature column \(j + 1) to be '\(data.featureNames[j])' (as in \(dataPath)), found '\(other.featureNames[j])'")
    }

    /// A usage error when `option` (e.g. `--train-labels`) is given without `base` (`--train`).
    static func requirePair(_ option: String, of base: String, _ parsed: ParsedArguments) throws {
        if parsed.has(option) && !parsed.has(base) {
            throw UsageError("'--\(option)' gives the labels of '--\(base)', which is missing", command: parsed.command)
        }
    }

    /// A usage error when the output file `path` of `--option` has an extension other than
    /// `expected` (a name without one is accepted): a `.npy` or `.png` name for a CSV or SVG
    /// file would mislead whoever opens it.
    static func requireOutputExtension(_ path: String, option: String, expected: String, writes what: String,
                                       command: [String]) throws {
        let found = DatasetFiles.fileExtension(path)
        guard found.isEmpty || found == expected else {
            throw UsageError("'--\(option)': \(what), found the file name '\(path)'; name it .\(expected)", command: command)
        }
    }

    /// A warning on stderr when `file` did not record its activation and none was given:
    /// ReLU is assumed, which is wrong for a Tanh network and would go unnoticed.
    static func warnIfActivationAssumed(_ file: ModelFile, path: String, console: Console) {
        guard file.activationSource == .assumed else { return }
        console.err("warning: \(path) records no activation: relu is assumed between its layers (give --activation tanh for a Tanh network)\n")
    }

    /// Parses `--estimators`: `all` or a comma list of contract names (`EstimatorRegistry`),
    /// returned in report order.
    static func estimatorList(_ parsed: ParsedArguments) throws -> (ids: [EstimatorID], explicit: Bool) {
        let all = EstimatorRegistry.selectableIDs.map(\.name)
        guard let text = parsed.string("estimators"), text != "all" else { return (EstimatorRegistry.selectableIDs, false) }
        var names: [String] = []
        for raw in text.split(separator: ",") {
            let name = raw.trimmingCharacters(in: .whitespaces).lowercased()
            if name == "all" {
                throw UsageError("'--estimators': 'all' stands alone; found it in the list '\(text)'", command: parsed.command)
            }
            guard all.contains(name) else {
                var message = "Unknown estimator '\(name)' in '--estimators': expected all or a comma list of \(all.joined(separator: ", "))"
                // A family name (atc, aline) means its members; otherwise the closest spelling.
                let members = all.filter { $0.hasPrefix(name + "-") }
                if !members.isEmpty { message += ". Did you mean \(members.map { "'\($0)'" }.joined(separator: " or "))?" }
                else if let close = Suggestions.closest(to: name, among: all) { message += ". Did you mean '\(close)'?" }
                throw UsageError(message, command: parsed.command)
            }
            if !names.contains(name) { names.append(name) }
        }
        guard !names.isEmpty else { throw UsageError("'--estimators' needs at least one name", command: parsed.command) }
        return (EstimatorRegistry.selectableIDs.filter { names.contains($0.name) }, true)
    }

    /// The `--estimators` help text: every name, from the registry.
    static var estimatorsHelp: String {
        "Comma-separated estimators, or all: " + EstimatorRegistry.selectableIDs.map(\.name).joined(separator: ", ")
            + " (meta: one accuracy with an interval, learned on shifted copies of the validation set)."
    }

    static func fixed(_ x: Double?, _ digits: Int = 4) -> String {
        guard let x, x.isFinite else { return "-" }
        return String(format: "%.\(digits)f", x)
    }

    /// One estimate as JSON.
    static func json(_ e: Estimate, trueAccuracy: Double?, metaSetMAE: Double? = nil) -> JSONValue {
        var pairs: [(String, JSONValue)] = [("estimator", .string(e.estimator.name)), ("accuracy", .number(e.accuracy)),
                                            ("standard_error", .number(e.standardError))]
        if e.intervalLow != nil || e.intervalHigh != nil {
            pairs += [("interval_low", .number(e.intervalLow)), ("interval_high", .number(e.intervalHigh))]
        }
        pairs.append(("score", .number(e.score)))
        if let t = trueAccuracy { pairs.append(("abs_error", .number(e.accuracy.map { abs($0 - t) }))) }
        if let mae = metaSetMAE { pairs.append(("meta_set_mae", .number(mae))) }
        pairs.append(("settings", .object(e.settings.map { ($0.key, .string($0.value)) })))
        if let note = e.note { pairs.append(("note", .string(note))) }
        return .object(pairs)
    }

    /// The headline's one line: `predicted accuracy 0.71 (90 % interval 0.64–0.77)`.
    static func headline(_ e: Estimate) -> String? {
        guard e.estimator == .meta, let a = e.accuracy, let low = e.intervalLow, let high = e.intervalHigh else { return nil }
        let coverage = e.setting("coverage").flatMap(Double.init).map { String(format: "%.0f", $0 * 100) } ?? "90"
        var line = "predicted accuracy \(fixed(a, 2)) (\(coverage) % interval \(fixed(low, 2))–\(fixed(high, 2)))"
        // The predictions form's meta-sets are resamplings: its interval holds for those shifts only.
        let resampled = e.setting("form") == HeadlineEstimate.Form.predictions.rawValue
        let copies = resampled ? "resamplings of the validation set" : "shifted copies of the validation set"
        if let sets = e.setting("meta_sets") {
            // A smaller target's meta-set is re-read at its size (Docs/Estimators.md).
            line += e.setting("reread_rows").map { ", learned on \(sets) subsets of \($0) rows (the target's size) of \(copies)" }
                ?? ", learned on \(sets) \(copies)"
        }
        if resampled { line += " — for prior and sub-population changes; covariate and adversarial shifts are not among them" }
        return line
    }

    /// Prints estimates in the chosen format. `header` lines go above the table (table format only);
    /// `reliability` (each estimator's MAE on the headline's meta-set) adds a column.
    static func printEstimates(_ estimates: [Estimate], skipped: [(estimator: EstimatorID, reason: String)], trueAccuracy: Double?,
                               format: String, header: [String], extraJSON: [(String, JSONValue)],
                               reliability: [EstimatorID: Double] = [:], console: Console) {
        let hasInterval = estimates.contains { $0.intervalLow != nil }
        switch format {
        case "json":
            var top: [(String, JSONValue)] = []
            if let t = trueAccuracy { top.append(("true_accuracy", .number(t))) }
            top.append(("estimates", .array(estimates.map { json($0, trueAccuracy: trueAccuracy, metaSetMAE: reliability[$0.estimator]) })))
            top.append(("skipped", .array(skipped.map { .object([("estimator", .string($0.estimator.name)), ("reason", .string($0.reason))]) })))
            top += extraJSON
            console.out(JSONValue.object(top).rendered() + "\n")
        case "csv":
            // Like JSON's null, a missing or non-finite number is an empty field.
            func field(_ x: Double?) -> String { x.flatMap { $0.isFinite ? "\($0)" : nil } ?? "" }
            var columns = ["estimator", "accuracy", "standard_error"] + (hasInterval ? ["interval_low", "interval_high"] : []) + ["score"]
            columns += (trueAccuracy != nil ? ["true_accuracy", "abs_error"] : []) + (reliability.isEmpty ? [] : ["meta_set_mae"]) + ["note"]
            var out = CSVText.line(columns)
            for e in estimates {
                var row = [e.estimator.name, field(e.accuracy), field(e.standardError)]
                if hasInterval { row += [field(e.intervalLow), field(e.intervalHigh)] }
                row.append(field(e.score))
                if let t = trueAccuracy { row += [field(t), field(e.accuracy.map { abs($0 - t) })] }
                if !reliability.isEmpty { row.append(field(reliability[e.estimator])) }
                out += CSVText.line(row + [e.note ?? summary(e)])
            }
            console.out(out)
        default:
            var out = estimates.compactMap(headline).first.map { $0 + "\n\n" } ?? ""
            out += header.map { $0 + "\n" }.joined()
            if !header.isEmpty { out += "\n" }
            var headers = ["estimator", "accuracy", "std. error", "score"]
            if trueAccuracy != nil { headers.append("abs. error") }
            if !reliability.isEmpty { headers.append("meta-set MAE") }
            headers.append("note")
            var table = TextTable(headers: headers, rightAligned: Set(1 ..< headers.count - 1))
            for e in estimates {
                var row = [e.estimator.name, fixed(e.accuracy), fixed(e.standardError), fixed(e.score)]
                if let t = trueAccuracy { row.append(fixed(e.accuracy.map { abs($0 - t) })) }
                if !reliability.isEmpty { row.append(e.estimator == .meta ? "" : fixed(reliability[e.estimator])) }
                row.append(e.note ?? summary(e))
                table.rows.append(row)
            }
            out += table.rendered()
            for s in skipped { out += "skipped \(s.estimator.name): \(s.reason)\n" }
            console.out(out)
        }
    }

    /// A short settings digest for the table's and the CSV's last column when the estimate has no note.
    static func summary(_ e: Estimate) -> String {
        var parts: [String] = []
        if e.setting("temperature_scaling") == "on", let t = e.setting("temperature") { parts.append("T=\(t)") }
        if let t = e.setting("threshold") { parts.append("t=\(String(t.prefix(8)))") }
        if let r2 = e.setting("calibration_r2") { parts.append("calibrated, R²=\(r2)") }
        if let r2 = e.setting("agreement_line_r2") { parts.append("line R²=\(r2)") }
        if let m = e.setting("models"), e.estimator == .seedDisagreement { parts.append("\(m) models") }
        if e.estimator == .meta, let method = e.setting("method"), let low = e.intervalLow, let high = e.intervalHigh {
            parts.append("led by \(method), interval \(fixed(low, 3))–\(fixed(high, 3)), cross-validated MAE \(e.setting("cross_validated_mae") ?? "-")")
        }
        return parts.joined(separator: ", ")
    }

    /// Writes `text` atomically to `path`.
    static func writeText(_ text: String, to path: String) throws {
        try AtomicFile.write(Data(text.utf8), to: path)
    }
}
