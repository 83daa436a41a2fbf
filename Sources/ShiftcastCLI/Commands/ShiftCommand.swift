import Foundation
import ShiftcastModel
import ShiftcastData

/// `shiftcast shift`: applies one shift family at one severity to a dataset.
enum ShiftCommand {
    static var spec: CommandSpec {
        CommandSpec(
            name: "shift", abstract: "Apply a distribution shift (noise, corruption, covariate/label shift, adversarial, …) to a dataset.",
            discussion: "Statistics of the source (mean, std, PCA) come from --data itself unless --reference is given. Adversarial kinds need --model; transfer-pgd-linf needs only --surrogate (so it serves a model run by --model-command elsewhere). Labels are carried through (label-shift and subpopulation resample rows).",
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
        if !shift.needsModel, let stray = ["model", "surrogate", "activation"].first(where: parsed.has) {
            throw UsageError("'--\(stray)' applies only to the adversarial kinds; shift '\(kind)' does not use a model", command: parsed.command)
        }
        if parsed.has("surrogate") && !kind.hasPrefix("transfer-") {
            throw UsageError("'--surrogate' applies only to the transfer attacks (transfer-…); shift '\(kind)' attacks '--model' itself", command: parsed.command)
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
        if shift.needsModel {
            let activation = parsed.has("activation") ? Activation(rawValue: try parsed.choice("activation", ["relu", "tanh"], default: "relu")) : nil
            let transfer = kind.hasPrefix("transfer-")
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
            if let surrogate = try attacked("surrogate", "surrogate") {
                context.surrogateInputGradient = { surrogate.inputGradient($0, labels: $1) }
            } else if transfer {
                throw UsageError("Shift '\(kind)' crafts examples on another model: give '--surrogate <model.safetensors>'", command: parsed.command)
            }
        }
        console.err("read \(dataPath): \(data.summary)\n")
        var generator = SeededGenerator(seed: try parsed.uint64("seed", default: 0))
        let shifted = try shift.apply(to: data, severity: severity, context: context, using: &generator)
        try CSV.write(shifted, to: outPath, labelColumn: labelColumn)
        console.err("\(kind) at severity \(severity) (\(shift.parameterDescription(severity: severity))): wrote \(shifted.rowCount) rows to \(outPath)\n")
        return 0
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
