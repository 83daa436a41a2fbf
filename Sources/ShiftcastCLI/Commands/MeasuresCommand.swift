import Foundation
import ShiftcastModel
import ShiftcastData
import ShiftcastEvaluation

/// `shiftcast measures`: the parameter-based generalization measures of one model
/// (`GeneralizationMeasures`; Docs/Generalization.md).
enum MeasuresCommand {
    static var spec: CommandSpec {
        CommandSpec(
            name: "measures", abstract: "Parameter-based generalization measures of a model (path-norm, spectral products, flatness, sharpness, …).",
            discussion: "Measures from Jiang et al. (ICLR 2020) and Dziugaite et al. (NeurIPS 2020), on the model's weights and its training data: " + GeneralizationMeasures.names.joined(separator: ", ") + ". dist-init needs θ0 (recorded by 'shiftcast train', or --init).",
            usage: "--model <m> --train <train.csv|npy> [--train-labels <y.npy>] [--init <theta0.safetensors|fresh>] [--seed <n>] [--format table|json|csv]",
            options: [.option("model", value: "model.safetensors", help: "The model (shiftcast or PyTorch nn.Sequential safetensors)."),
                      .option("train", value: "train.csv|npy", help: "The model's training data (labeled)."),
                      .option("train-labels", value: "y.npy", help: "Labels for an .npy --train."),
                      CommandSupport.labelColumnOption,
                      .option("init", value: "theta0.safetensors|fresh", help: "θ0 for dist-init when the model file does not record it."),
                      .option("activation", value: "relu|tanh", help: "Activation for a PyTorch state dict that does not record it.", default: "relu"),
                      .option("sample-rows", value: "n", help: "Training rows the flatness and sharpness searches use (a seeded sample).", default: "1000"),
                      CommandSupport.seedOption, CommandSupport.formatOption],
            run: { parsed, console in try run(parsed, console: console) })
    }

    static func run(_ parsed: ParsedArguments, console: Console) throws -> Int32 {
        let format = try parsed.choice("format", ["table", "json", "csv"], default: "table")
        let modelPath = try parsed.required("model"), trainPath = try parsed.required("train")
        try CommandSupport.requirePair("train-labels", of: "train", parsed)
        let activation = parsed.has("activation") ? Activation(rawValue: try parsed.choice("activation", ["relu", "tanh"], default: "relu")) : nil
        let file = try ModelFile.read(from: modelPath, activation: activation)
        CommandSupport.warnIfActivationAssumed(file, path: modelPath, console: console)
        var options = GeneralizationMeasures.Options()
        options.seed = try parsed.uint64("seed", default: 0)
        options.sampleRows = try parsed.int("sample-rows", default: 1000, range: 10 ... 10_000_000)!
        var initial = file.initialModel
        if let initPath = parsed.string("init") {
            guard initial == nil else {
                throw InputError(file: modelPath, "the file records θ0, found '--init \(initPath)': --init applies only to model files that do not record θ0")
            }
            initial = initPath == "fresh" ? MLP(file.model.architecture, initSeed: options.seed)
                : try ModelFile.read(from: initPath, activation: file.model.architecture.activation).model
        }
        let training = try CommandSupport.readDataset(trainPath, labelColumn: parsed.string("label-column") ?? "label",
                                                      labelsPath: parsed.string("train-labels"), labelsOption: "train-labels", requireLabels: true)
        guard training.featureCount == file.model.inputCount else {
            throw InputError(file: trainPath, "expected \(file.model.inputCount) feature columns (the model's inputs), found \(training.featureCount)")
        }
        let measures: GeneralizationMeasures
        do {
            measures = try GeneralizationMeasures(model: file.model, initial: initial, features: training.features, labels: training.labels!,
                                                  options: options)
        } catch let error as InputError where error.file == nil {
            throw InputError(file: error.message.hasPrefix("θ0") ? parsed.string("init") : trainPath, error.message)
        }
        switch format {
        case "json":
            console.out(JSONValue.object([
                ("model", .string(modelPath)), ("train", .string(trainPath)), ("rows", .integer(training.rowCount)),
                ("measures", .array(measures.values.compactMap { m in m.value.map { .object([("measure", .string(m.measure)), ("value", .number($0))]) } })),
                ("skipped", .array(measures.values.compactMap { m in m.reason.map { .object([("measure", .string(m.measure)), ("reason", .string($0))]) } })),
            ]).rendered() + "\n")
        case "csv":
            var out = CSVText.line(["measure", "value", "note"])
            for m in measures.values { out += CSVText.line([m.measure, m.value.map { "\($0)" } ?? "", m.reason ?? ""]) }
            console.out(out)
        default:
            var table = TextTable(headers: ["measure", "value", "note"], rightAligned: [1])
            for m in measures.values { table.rows.append([m.measure, CommandSupport.fixed(m.value, 4), m.reason ?? ""]) }
            console.out("model: \(modelPath) (\(file.model.architecture.summary)); training data: \(trainPath) (\(training.rowCount) rows)\n\n" + table.rendered())
        }
        return 0
    }
}
