import Foundation
import ShiftcastModel
import ShiftcastData
import ShiftcastEvaluation

/// `shiftcast shift`: applies one shift family at one severity to a dataset.
enum ShiftCommand {
    static var spec: CommandSpec {
        CommandSpec(
            name: "shift", abstract: "Apply a distribution shift (noise, corruption, covariate/label shift, adversarial, …) to a dataset.",
            discussion: "Statistics of the source (mean, std, PCA) come from --data itself unless --reference is given. Adversarial kinds need --model; transfer-pgd-linf needs only a --surrogate, or a --model-command: a black-box attack crafted on a substitute MLP that shiftcast trains on the command's own answers (on --queries rows, default --data; Papernot et al., 2017). Labels are carried through (label-shift and subpopulation resample rows).",
            usage: "--kind <kind> --severity <1-5> --data <in.csv|npy> --out <out.csv> [<options>] | --list",
            options: [
                .flag("list", help: "List the shift families with a one-line description."),
                .option("kind", value: "kind", help: "The shift family (see --list)."),
                .option("severity", value: "1-5", help: "Severity from 1 (mild) to 5 (severe)."),
                .option("data", value: "in.csv|npy", help: "The data to shift."),
                .option("labels", value: "y.npy", help: "Labels for an .npy --data."),
                .option("reference", value: "source.csv|npy", help: "Source data whose statistics define the shift (default: --data)."),
                .option("model", value: "model.safetensors", help: "Model to attack (adversarial kinds)."),
                .option("surrogate", value: "model.safetensors", help: "Surrogate model for transfer attacks."),
                .option("activation", value: "relu|tanh", help: "Activation of a --model/--surrogate PyTorch state dict that does not record it.", default: "relu"),
                .option("model-command", value: "'CMD {in} {out}'", help: "A black-box model (any framework) for transfer attacks: a substitute is trained on its answers, then attacked."),
                .flag("logits", help: "--model-command writes logits, not probabilities."),
                .option("model-timeout", value: "seconds", help: "How long one call of --model-command may take.", default: "3600"),
                .option("queries", value: "rows.csv|npy", help: "Rows the --model-command answers to train the substitute (default: --data; labels, if any, are not used)."),
                CommandSupport.labelColumnOption,
                CommandSupport.seedOption,
                .option("out", value: "out.csv", help: "Where to write the shifted data (CSV, atomically)."),
            ],
            run: { parsed, console in try run(parsed, console: console) })
    }

    static func run(_ parsed: ParsedArguments, console: Console) throws -> Int32 {
        if parsed.flag("list") {
            if let other = (parsed.values.keys.sorted() + parsed.flags.subtracting(["list"]).sorted()).first {
                throw UsageError("'--list' lists the shift kinds and takes no other options, found '--\(other)'", command: parsed.command)
            }
            var table = TextTable(headers: ["kind", "type", "description"])
            for s in ShiftRegistry.all { table.rows.append([s.name, s.kind.rawValue, s.summary]) }
            console.out(table.rendered())
            return 0
        }
        let kind = try parsed.required("kind")
        guard let severity = try parsed.int("severity", range: 1 ... 5) else { throw UsageError("Missing expected argument '--severity'", command: parsed.command) }
        let dataPath = try parsed.required("data"), outPath = try parsed.required("out")
        guard ShiftRegistry.names.contains(kind) else {
            var message = "Unknown shift kind '\(kind)'"
            if let close = Suggestions.closest(to: kind, among: ShiftRegistry.names) { message += ". Did you mean '\(close)'?" }
            throw UsageError(message + " (see 'shiftcast shift --list')", command: parsed.command)
        }
        try CommandSupport.requireOutputExtension(outPath, option: "out", expected: "csv",
                                                  writes: "shift writes CSV (header, features, label column)", command: parsed.command)
        try PredictCommand.checkOutputPath(outPath)
        let shift = try ShiftRegistry.shift(named: kind)
        let labelColumn = parsed.string("label-column") ?? "label"
        // Models the shift would not use are refused, not ignored.
        if !shift.needsModel, let stray = ["model", "surrogate", "activation", "model-command"].first(where: parsed.has) {
            throw UsageError("'--\(stray)' applies only to the adversarial kinds; shift '\(kind)' does not use a model", command: parsed.command)
        }
        let transfer = kind.hasPrefix("transfer-")
        if parsed.has("surrogate") && !transfer {
            throw UsageError("'--surrogate' applies only to the transfer attacks (transfer-…); shift '\(kind)' attacks '--model' itself", command: parsed.command)
        }
        if parsed.has("model-command") && !transfer {
            throw UsageError("Shift '\(kind)' needs the model's gradients, which a '--model-command' does not give: use a transfer attack (transfer-pgd-linf), crafted on a substitute trained on the command's answers", command: parsed.command)
        }
        if parsed.has("model-command"), let other = ["surrogate", "model"].first(where: parsed.has) {
            throw UsageError("'--model-command' and '--\(other)' cannot be used together: the attack is crafted on a substitute trained on the command's answers, or on the '--surrogate' you give", command: parsed.command)
        }
        if !parsed.has("model-command"), let stray = ["logits", "model-timeout", "queries"].first(where: { parsed.has($0) || parsed.flag($0) }) {
            throw UsageError("'--\(stray)' applies only to '--model-command'", command: parsed.command)
        }
        if parsed.has("model-command") && parsed.has("activation") {
            throw UsageError("'--activation' applies to a '--model' or '--surrogate' file; a '--model-command' is run as it is", command: parsed.command)
        }
        let data = try CommandSupport.readDataset(dataPath, labelColumn: labelColumn, labelsPath: parsed.string("labels"),
                                                  labelsOption: "labels", requireLabels: shift.needsLabels)
        let reference = try parsed.string("reference").map { try CommandSupport.readDataset($0, labelColumn: labelColumn, requireLabels: false) } ?? data
        if let referencePath = parsed.string("reference"), reference.featureCount != data.featureCount {
            throw InputError(file: referencePath, "expected \(data.featureCount) feature columns (as in \(dataPath)), found \(reference.featureCount)")
        }
        if let referencePath = parsed.string("reference") {
            try CommandSupport.requireSameColumnNames(reference, referencePath, as: data, dataPath)
        }
        var context = try ShiftContext(source: reference)
        let command = try blackBox(parsed)
        var substituteClasses: Int? = nil
        if shift.needsModel {
            let activation = parsed.has("activation") ? Activation(rawValue: try parsed.choice("activation", ["relu", "tanh"], default: "relu")) : nil
            // The model (or surrogate) of an option, read and checked against the data.
            func attacked(_ option: String, _ role: String) throws -> MLP? {
                guard let path = parsed.string(option) else { return nil }
                let file = try ModelFile.read(from: path, activation: activation)
                CommandSupport.warnIfActivationAssumed(file, path: path, console: console)
                try checkFits(file.model, "the \(role) (\(path))", data: data, dataPath: dataPath, labelsPath: parsed.string("labels"))
                return file.model
            }
            // A transfer attack is crafted on the surrogate alone, so the model under test may be
            // one shiftcast cannot open (a --model-command model): --model is optional there.
            if let model = try attacked("model", "model") {
                context.inputGradient = { model.inputGradient($0, labels: $1) }
            } else if !transfer {
                throw UsageError("Shift '\(kind)' attacks a model: give '--model <model.safetensors>' (a model run by a command gives no gradients; use a transfer attack crafted on a '--surrogate')", command: parsed.command)
            }
            if let surrogate = try attacked("surrogate", "surrogate") ?? command.map({ try substitute(of: $0, parsed, data: data, dataPath: dataPath, console: console) }) {
                substituteClasses = parsed.has("model-command") ? surrogate.classCount : nil
                context.surrogateInputGradient = { surrogate.inputGradient($0, labels: $1) }
            } else if transfer {
                throw UsageError("Shift '\(kind)' crafts examples on another model: give '--surrogate <model.safetensors>', or '--model-command' to train one on a black-box model's answers", command: parsed.command)
            }
        }
        console.err("read \(dataPath): \(data.summary)\n")
        var generator = SeededGenerator(seed: try parsed.uint64("seed", default: 0))
        let shifted = try shift.apply(to: data, severity: severity, context: context, using: &generator)
        try CSV.write(shifted, to: outPath, labelColumn: labelColumn)
        console.err("\(kind) at severity \(severity) (\(shift.parameterDescription(severity: severity))): wrote \(shifted.rowCount) rows to \(outPath)\n")
        // What the black-box attack did to the model itself: its accuracy on the rows before and
        // after (one more call). The attacked rows are written already: a failure here is a warning.
        if let command, let labels = data.labels, let after = shifted.labels {
            do {
                let outputs = try command.outputs(Tensor.concatenatingRows([data.features, shifted.features]), classCount: substituteClasses)
                let predicted = outputs.probabilities.argmaxRows()
                let clean = zip(predicted.prefix(data.rowCount), labels).filter { $0 == $1 }.count
                let attacked = zip(predicted.dropFirst(data.rowCount), after).filter { $0 == $1 }.count
                console.err(String(format: "the command's accuracy: %.3f on \(dataPath), %.3f on the attacked rows\n",
                                   Double(clean) / Double(max(data.rowCount, 1)), Double(attacked) / Double(max(shifted.rowCount, 1))))
            } catch let error as InputError {
                console.err("warning: \(outPath) is written, but scoring it through the command failed: \(error.message)\n")
            }
        }
        return 0
    }

    /// The `--model-command` of a black-box transfer attack, or nil.
    static func blackBox(_ parsed: ParsedArguments) throws -> CommandModel? {
        guard let command = parsed.string("model-command") else { return nil }
        return try CommandModel(command: command, logits: parsed.flag("logits"), timeout: try parsed.double("model-timeout", default: 3600, positive: true)!)
    }

    /// A substitute MLP trained on the `--model-command`'s answers (its predicted
    /// classes) for the `--queries` rows (default `--data`), so that a transfer attack crafted on it
    /// reaches a model shiftcast cannot open (Papernot et al., "Practical Black-Box Attacks against
    /// Machine Learning", AsiaCCS 2017).
    static func substitute(of command: CommandModel, _ parsed: ParsedArguments, data: Dataset, dataPath: String, console: Console) throws -> MLP {
        let queriesPath = parsed.string("queries") ?? dataPath
        let queries = try parsed.string("queries").map { path -> Dataset in
            let rows = try CommandSupport.readDataset(path, labelColumn: parsed.string("label-column") ?? "label", requireLabels: false)
            guard rows.featureCount == data.featureCount else {
                throw InputError(file: path, "expected \(data.featureCount) feature columns (as in \(dataPath)), found \(rows.featureCount)")
            }
            try CommandSupport.requireSameColumnNames(rows, path, as: data, dataPath)
            return rows
        } ?? data
        let answers = try command.outputs(queries.features)
        let k = answers.classCount
        if let labels = data.labels, let bad = labels.firstIndex(where: { $0 >= k }) {
            throw InputError(file: parsed.string("labels") ?? dataPath, "label \(labels[bad]) at data row \(bad + 1) is outside the command's \(k) classes (its output columns)")
        }
        let answered = answers.probabilities.argmaxRows()
        guard Set(answered).count >= 2 else {
            throw InputError(file: queriesPath, "the model command answers class \(answered[0]) for every one of these \(answered.count) rows: a substitute needs at least 2 classes among its answers (give more varied '--queries' rows)")
        }
        let progress = ProgressReporter(console: console)
        let substitute = try CommandSupport.trainSurrogate(features: queries.features, labels: answered, classCount: k,
                                                           seed: try parsed.uint64("seed", default: 0)) { epoch in
            progress.update(Double(epoch) / Double(TrainingConfiguration.standardEpochs), "training the substitute on the command's answers")
        }
        progress.finish()
        let agreement = zip(substitute.predictions(queries.features), answered).filter { $0 == $1 }.count
        console.err(String(format: "trained a substitute (\(substitute.architecture.summary)) on the command's answers for %d rows of \(queriesPath): it agrees with them on %.1f %%\n",
                           answered.count, 100 * Double(agreement) / Double(answered.count)))
        return substitute
    }

    /// An attacked model (or surrogate) must take the data's columns and know its labels.
    static func checkFits(_ model: MLP, _ name: String, data: Dataset, dataPath: String, labelsPath: String?) throws {
        guard model.inputCount == data.featureCount else {
            throw InputError(file: dataPath, "expected \(model.inputCount) feature columns (the inputs of \(name)), found \(data.featureCount)")
        }
        if let labels = data.labels, let bad = labels.firstIndex(where: { $0 >= model.classCount }) {
            throw InputError(file: labelsPath ?? dataPath, "label \(labels[bad]) at data row \(bad + 1) is outside the classes 0..<\(model.classCount) of \(name)")
        }
    }
}
