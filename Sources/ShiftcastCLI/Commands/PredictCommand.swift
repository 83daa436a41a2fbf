import Foundation
import ShiftcastModel
import ShiftcastData
import ShiftcastEvaluation

/// `shiftcast predict` and `shiftcast compare`: every estimator's predicted accuracy on a target
/// set, from a model and data files or from predictions alone; `compare` adds the true accuracy
/// and each estimator's absolute error (the target must be labeled) and can draw a plot.
enum PredictCommand {
    static func spec(compare: Bool) -> CommandSpec {
        var options: [OptionSpec] = [
            .option("model", value: "model.safetensors", help: "The model to evaluate (shiftcast or PyTorch nn.Sequential safetensors)."),
            .option("source", value: "val.csv|npy", help: "Labeled in-distribution validation data (never the training set)."),
            .option("target", value: "target.csv|npy", help: compare ? "Labeled target data (its labels are used only to score the estimators)." : "Unlabeled target data (a label column, if present, is ignored)."),
            .option("train", value: "train.csv|npy", help: "Training data: lets GDE and ALine train extra seeded models of the same architecture."),
            .option("train-labels", value: "y.npy", help: "Labels for an .npy --train."),
            .option("source-labels", value: "y.npy", help: "Source labels (.npy) for --source-probs, or for an .npy --source."),
            .repeated("source-probs", value: "S.npy", help: "Source probabilities [N, K] of a model (a binary classifier's positive class may be [N] or [N, 1]); pairs with the n-th --target-probs."),
            .repeated("target-probs", value: "T.npy", help: "Target probabilities [M, K] of a model. Extra pairs feed GDE and ALine."),
            .flag("logits", help: "The --source-probs/--target-probs arrays are logits, not probabilities."),
            .repeated("source-logits", value: "S.npy", help: "Source logits [N, K] of a model (instead of --source-probs): feeds the logit-based estimators too."),
            .repeated("target-logits", value: "T.npy", help: "Target logits [M, K] of a model; pairs with the n-th --source-logits."),
            .option("source-features", value: "H.npy", help: "The first model's penultimate features on the source [N, D] (the input of its last linear layer)."),
            .option("target-features", value: "H.npy", help: "The first model's penultimate features on the target [M, D]."),
            .option("estimators", value: "list", help: CommandSupport.estimatorsHelp, default: "all"),
            .option("meta-sets", value: "n", help: "How many labeled shifted copies of the validation set the headline estimate (meta) learns from: more costs more and estimates better.", default: "\(MetaSetBuilder.defaultCount)"),
            .option("save-meta", value: "meta.json", help: "Keep the fitted headline estimate in a file, to reuse with --meta on further target sets."),
            .option("meta", value: "meta.json", help: "Reuse a headline estimate saved with --save-meta for the same model and validation data (skips making the meta-set)."),
            .option("model-command", value: "'CMD {in} {out}'", help: "A model from any framework: shiftcast writes input rows as float32 .npy to {in}, runs CMD (once per batch of rows it needs), and reads probabilities [rows, K] (logits with --logits) from {out}."),
            .option("model-timeout", value: "seconds", help: "How long one call of --model-command may take.", default: "3600"),
            .option("chunk-size", value: "n", help: "Monitoring: estimate every n target rows, in file order (the last chunk holds the remainder)."),
            .option("chunk-by", value: "column", help: "Monitoring: a chunk per run of equal values of this CSV column (a date, a period), rows in file order (model form)."),
            .option("alert-below", value: "x", help: "With --chunk-size: mark chunks whose headline interval lies below x (or, without meta, whose first estimate does); exit status 3 if any."),
            .flag("temperature-scaling", help: "Fit a temperature on the source and apply it for the confidence-based estimators."),
            CommandSupport.labelColumnOption,
            .option("activation", value: "relu|tanh", help: "Activation between layers for a PyTorch state dict that does not record it.", default: "relu"),
            .option("init", value: "theta0.safetensors|fresh", help: "ProjNorm's θ0 when the model file does not record it: the model's initial weights (e.g. a PyTorch state dict saved before training), or 'fresh' for a new seeded initialisation."),
            .option("projnorm-iterations", value: "n", help: "ProjNorm fine-tuning iterations (meta's ProjNorm input: half).", default: "500"),
            .option("projnorm-lr", value: "x", help: "ProjNorm fine-tuning learning rate.", default: "\(ProjNormConfiguration.defaultLearningRate)"),
            CommandSupport.seedOption,
            CommandSupport.formatOption,
        ]
        if compare {
            options.insert(.option("target-labels", value: "y.npy", help: "Target labels (.npy) for --target-probs, or for an .npy --target."), at: 5)
            options.append(.option("plot", value: "out.svg", help: "Draw each estimator's prediction against the true accuracy (with --chunk-size: over the chunks)."))
        } else {
            options.append(.option("plot", value: "out.svg", help: "With --chunk-size: draw each estimator's estimate over the chunks, with its band."))
        }
        return CommandSpec(
            name: compare ? "compare" : "predict",
            abstract: compare ? "Compare every estimator against the true accuracy of a labeled target set."
                              : "Predict a model's accuracy on an unlabeled target set with every estimator.",
            discussion: """
              Two forms:
                with a model:        --model M.safetensors --source VAL.csv --target TARGET.csv [--train TRAIN.csv]
                from predictions:    --source-probs S.npy --source-labels Y.npy --target-probs T.npy [more pairs]
                                     (or --source-logits/--target-logits; --source-features/--target-features)
              """ + "\n" + HelpFormatter.paragraph(requirementsHelp, indent: 0),
            usage: compare
                ? "(--model <m> --source <val> --target <target> | (--source-probs <S.npy> --target-probs <T.npy> | --source-logits <S.npy> --target-logits <T.npy>) --source-labels <y.npy> --target-labels <y.npy>) [<options>]"
                : "(--model <m> --source <val> --target <target> | (--source-probs <S.npy> --target-probs <T.npy> | --source-logits <S.npy> --target-logits <T.npy>) --source-labels <y.npy>) [<options>]",
            options: options,
            run: { parsed, console in try run(parsed, console: console, compare: compare) })
    }

    /// What the estimators need beyond probabilities, from their declarations in the registry.
    static var requirementsHelp: String {
        let all = EstimatorRegistry.all()
        func names(_ keep: (any Estimator) -> Bool) -> String { all.filter(keep).map(\.id.name).joined(separator: ", ") }
        return "The predictions form works for models from any framework. Needs beyond probabilities — the model itself "
            + "and its initialisation θ0 (the model form): \(names { $0.requirements.inputs.contains(.model) }); "
            + "logits: \(names { $0.requirements.inputs.contains(.logits) }); penultimate features: "
            + "\(names { $0.requirements.inputs.contains(.features) }); several models (extra pairs, or --train so shiftcast "
            + "trains seeded copies): \(names { $0.requirements.minimumModels > 1 }). The scores "
            + "(\(names { $0.output.isScore })) get a calibrated accuracy in the model form. Accuracies are fractions in [0, 1]."
    }

    static func run(_ parsed: ParsedArguments, console: Console, compare: Bool) throws -> Int32 {
        let format = try parsed.choice("format", ["table", "json", "csv"], default: "table")
        let (estimators, explicit) = try CommandSupport.estimatorList(parsed)
        let commandForm = parsed.has("model-command")
        let modelForm = parsed.has("model")
        let probsForm = predictionsFormArrays.contains { !parsed.strings($0).isEmpty }
        if modelForm && probsForm {
            throw UsageError("'--model' and '--source-probs'/'--target-probs' cannot be used together: give a model and data, or predictions", command: parsed.command)
        }
        if commandForm && (modelForm || probsForm) {
            throw UsageError("'--model-command' runs the model on the data: give it instead of '--model' or the prediction arrays, not with them", command: parsed.command)
        }
        guard modelForm || probsForm || commandForm else {
            throw UsageError("Missing expected argument: give '--model' (or '--model-command') with '--source' and '--target', or '--source-probs' with '--source-labels' and '--target-probs'", command: parsed.command)
        }
        if !commandForm, parsed.has("model-timeout") {
            throw UsageError("'--model-timeout' applies only to '--model-command'", command: parsed.command)
        }
        if commandForm, let stray = ["init", "activation", "projnorm-iterations", "projnorm-lr",
                                     "source-features", "target-features"].first(where: parsed.has) {
            throw UsageError("'--\(stray)' does not apply to '--model-command' (a black box: no weights, no features, no seed copies)", command: parsed.command)
        }
        // Options of the other form would be silently ignored: refuse them.
        if probsForm, let stray = modelFormOnly.first(where: parsed.has) {
            throw UsageError("'--\(stray)' applies only to the model form ('--model'); with predictions it would be ignored", command: parsed.command)
        }
        if modelForm && parsed.flag("logits") {
            throw UsageError("'--logits' applies only to '--source-probs'/'--target-probs' arrays; a model's outputs are converted by shiftcast", command: parsed.command)
        }
        if modelForm, let stray = ["source-features", "target-features"].first(where: parsed.has) {
            throw UsageError("'--\(stray)' applies only to the predictions form; with '--model' shiftcast computes the features", command: parsed.command)
        }
        if !estimators.contains(.meta), let stray = ["meta-sets", "save-meta", "meta"].first(where: parsed.has) {
            throw UsageError("'--\(stray)' applies to the headline estimate, which '--estimators' leaves out: add meta to the list", command: parsed.command)
        }
        try parsed.exclusive(["meta", "meta-sets"])
        try parsed.exclusive(["meta", "save-meta"])
        if let save = parsed.string("save-meta") {
            try CommandSupport.requireOutputExtension(save, option: "save-meta", expected: "json", writes: "the meta-model is JSON", command: parsed.command)
            try checkOutputPath(save)
        }
        if let plot = parsed.string("plot") {
            try CommandSupport.requireOutputExtension(plot, option: "plot", expected: "svg", writes: "the plot is an SVG drawing",
                                                      command: parsed.command)
            try checkOutputPath(plot)
        }
        try parsed.exclusive(["chunk-size", "chunk-by"])
        if parsed.has("chunk-by") && !modelForm {
            throw UsageError("'--chunk-by' reads a column of the target CSV: it applies to the model form ('--model')", command: parsed.command)
        }
        // --chunk-by streams chunks of any length: a chunk size of Int.max stands for "until the key changes".
        let chunkSize = parsed.has("chunk-by") ? Int.max : try parsed.int("chunk-size", default: nil, range: 1 ... 100_000_000)
        let alertBelow = try parsed.double("alert-below", default: nil)
        if alertBelow != nil && chunkSize == nil {
            throw UsageError("'--alert-below' marks chunks: it needs '--chunk-size' or '--chunk-by'", command: parsed.command)
        }
        if let alertBelow, !(0 ... 1).contains(alertBelow) {
            throw UsageError("'--alert-below' expects an accuracy in [0, 1], found \(alertBelow)", command: parsed.command)
        }
        if chunkSize == nil, !compare, parsed.has("plot") {
            throw UsageError("'--plot' in predict draws the chunks over time: it needs '--chunk-size' or '--chunk-by'", command: parsed.command)
        }
        let result = commandForm
            ? try runCommandForm(parsed, estimators: estimators, compare: compare, chunkSize: chunkSize, console: console)
            : modelForm
            ? try runModelForm(parsed, estimators: estimators, compare: compare, chunkSize: chunkSize, console: console)
            : try runPredictionsForm(parsed, estimators: estimators, compare: compare, chunkSize: chunkSize)
        if explicit, let first = result.skipped.first {
            throw InputError("estimator '\(first.estimator.name)' cannot run on these inputs: \(first.reason)")
        }
        for warning in result.warnings { console.err("warning: \(warning)\n") }
        if let chunks = result.chunks {
            if let plot = parsed.string("plot") {
                try CommandSupport.writeText(ChunkPlot.svg(chunks: chunks, sourceAccuracy: result.sourceAccuracy, title: result.title), to: plot)
            }
            let alerts = printChunks(chunks, result: result, format: format, alertBelow: alertBelow, console: console)
            return alerts > 0 ? 3 : 0
        }
        CommandSupport.printEstimates(result.estimates, skipped: result.skipped, trueAccuracy: result.trueAccuracy, format: format,
                                      header: result.header, extraJSON: result.json, reliability: result.reliability, console: console)
        if let plot = parsed.string("plot"), let truth = result.trueAccuracy {
            try CommandSupport.writeText(ComparisonPlot.svg(estimates: result.estimates, trueAccuracy: truth, title: result.title), to: plot)
        }
        return 0
    }

    /// Whether every row of `matrix` is non-negative and sums to 1 (within 10⁻³): probabilities,
    /// which softmax as logits would flatten into nonsense. Real logits essentially never are.
    static func looksLikeProbabilities(_ matrix: Tensor) -> Bool { Predictions.looksLikeProbabilities(matrix) }

    /// The arrays of the predictions form.
    static let predictionsFormArrays = ["source-probs", "target-probs", "source-logits", "target-logits"]

    /// Options that only the model form reads.
    static let modelFormOnly = ["source", "target", "train", "train-labels", "init", "activation", "projnorm-iterations",
                                "projnorm-lr", "label-column"]

    struct Result {
        var estimates: [Estimate]
        /// Skipped estimators with their reasons worded for this form.
        var skipped: [(estimator: EstimatorID, reason: String)]
        var trueAccuracy: Double?
        var header: [String]
        var json: [(String, JSONValue)]
        var warnings: [String]
        var title: String
        /// Each estimator's MAE on the headline estimate's meta-set.
        var reliability: [EstimatorID: Double] = [:]
        /// With --chunk-size: one result per chunk of target rows.
        var chunks: [Chunk]? = nil
        /// The model's accuracy on the validation set (the chunk plot's reference line).
        var sourceAccuracy: Double? = nil
    }

    /// The estimates of one chunk of target rows.
    struct Chunk {
        var key: String
        var firstRow: Int
        var rows: Int
        var estimates: [Estimate]
        var skipped: [(estimator: EstimatorID, reason: String)]
        var trueAccuracy: Double?
    }

    /// The headline estimate's options from the command line.
    static func headlineOptions(_ parsed: ParsedArguments, seed: UInt64, projNorm: ProjNormConfiguration) throws -> HeadlineEstimate.Options {
        var o = HeadlineEstimate.Options()
        o.seed = seed
        o.metaSetCount = try parsed.int("meta-sets", default: MetaSetBuilder.defaultCount, range: 10 ... 100_000)!
        o.projNorm = projNorm
        o.temperatureScaling = parsed.flag("temperature-scaling")
        return o
    }

    /// What a saved headline estimate must have been made with, besides the files: the options
    /// that shape its meta-set and its estimators.
    /// `--init FILE` counts by the file's bytes (among the fingerprinted inputs), not by how its
    /// path is spelled: the same θ0 given from another directory reuses the file.
    static func headlineSettings(_ parsed: ParsedArguments) -> String {
        let initialization = parsed.string("init").map { $0 == "fresh" ? "fresh" : "file" } ?? ""
        return (["seed", "projnorm-iterations", "projnorm-lr", "label-column", "activation", "model-command"].map { "\($0)=\(parsed.string($0) ?? "")" }
            + ["init=\(initialization)"]).joined(separator: ";")
            + ";temperature-scaling=\(parsed.flag("temperature-scaling"));logits=\(parsed.flag("logits"))"
    }

    /// A saved headline estimate (`--meta FILE`) checked against these inputs, or nil.
    static func savedHeadline(_ parsed: ParsedArguments, form: HeadlineEstimate.Form, inputs: [String]) throws -> MetaModelFile? {
        guard let path = parsed.string("meta") else { return nil }
        let file = try MetaModelFile.read(from: path)
        try file.check(fingerprint: MetaModelFile.fingerprint(of: inputs, settings: headlineSettings(parsed)), inputs: inputs,
                       form: form, path: path)
        return file
    }

    /// `--save-meta`/`--meta` promise a headline estimate: when it cannot be made, that is an error.
    static func requireHeadline(_ parsed: ParsedArguments, _ skip: String?) throws {
        if let skip, let option = ["save-meta", "meta"].first(where: parsed.has) {
            throw InputError("'--\(option)': the headline estimate (meta) cannot be made on these inputs: \(skip)")
        }
    }

    /// Output paths are checked before any work (`AtomicFile.checkDestination`): a missing
    /// directory, or a directory or special file under the name, fails at once.
    static func checkOutputPath(_ path: String) throws {
        try AtomicFile.checkDestination(path)
    }

    static func runModelForm(_ parsed: ParsedArguments, estimators: [EstimatorID], compare: Bool, chunkSize: Int?,
                             console: Console) throws -> Result {
        let modelPath = try parsed.required("model")
        let sourcePath = try parsed.required("source"), targetPath = try parsed.required("target")
        let labelColumn = parsed.string("label-column") ?? "label"
        let activation = Activation(rawValue: try parsed.choice("activation", ["relu", "tanh"], default: "relu"))!
        var file = try ModelFile.read(from: modelPath, activation: parsed.has("activation") ? activation : nil)
        CommandSupport.warnIfActivationAssumed(file, path: modelPath, console: console)
        if let initPath = parsed.string("init") {
            switch file.initialization {
            case let .seed(s):
                throw InputError(file: modelPath, "the file records θ0 (init seed \(s)), found '--init \(initPath)': --init applies only to model files that do not record θ0")
            case .weights:
                throw InputError(file: modelPath, "the file records θ0 (theta0.* tensors), found '--init \(initPath)': --init applies only to model files that do not record θ0")
            case .unknown: break
            }
            if initPath == "fresh" {
                file.initialization = .seed(try parsed.uint64("seed", default: 0))
            } else {
                let theta0 = try ModelFile.read(from: initPath, activation: file.model.architecture.activation).model
                guard theta0.architecture == file.model.architecture else {
                    throw InputError(file: initPath, "expected θ0 of architecture \(file.model.architecture.summary) (the model's), found \(theta0.architecture.summary)")
                }
                file.initialization = .weights(theta0)
            }
        }
        try CommandSupport.requirePair("train-labels", of: "train", parsed)
        let labelNames = CommandSupport.labelNames(file)
        let source = try CommandSupport.readDataset(sourcePath, labelColumn: labelColumn, labelsPath: parsed.string("source-labels"),
                                                    labelsOption: "source-labels", requireLabels: true, labelNames: labelNames)
        try checkColumns(source.featureCount, source.featureNames, sourcePath, file)
        let sourceLabels = source.labels!
        if let bad = sourceLabels.firstIndex(where: { $0 >= file.model.classCount }) {
            throw InputError(file: parsed.string("source-labels") ?? sourcePath, "label \(sourceLabels[bad]) at data row \(bad + 1) is outside the model's classes 0..<\(file.model.classCount)")
        }
        guard Set(sourceLabels).count >= 2 else {
            throw InputError(file: sourcePath, "expected at least 2 classes among the labels of the validation data, found only class \(sourceLabels[0])")
        }
        // The target is streamed (memory: one batch). A first pass checks every row before the
        // minutes of fitting; the second, after fitting, computes the predictions.
        try RegularFile.requireExisting(targetPath, expected: "a regular file (the target is read twice: to check every row, then to evaluate)", allowStreams: false)
        if compare { try CommandSupport.requireLabelsFile(for: targetPath, labelsPath: parsed.string("target-labels"), option: "target-labels") }
        let openTarget = {
            try DatasetStream(path: targetPath, labelsPath: compare ? parsed.string("target-labels") : nil,
                              options: CSVReadOptions(labelColumn: labelColumn, requireLabels: compare, ignoresLabels: !compare,
                                                      labelNames: labelNames, keyColumn: parsed.string("chunk-by")))
        }
        let targetRows = try checkTarget(openTarget(), targetPath, file, compare: compare,
                                         labelsPath: compare ? parsed.string("target-labels") : nil)
        let training = try parsed.string("train").map {
            try CommandSupport.readDataset($0, labelColumn: labelColumn, labelsPath: parsed.string("train-labels"),
                                           labelsOption: "train-labels", requireLabels: true, labelNames: labelNames)
        }
        if let training, let trainPath = parsed.string("train") {
            try checkColumns(training.featureCount, training.featureNames, trainPath, file)
            if let labels = training.labels, let bad = labels.firstIndex(where: { $0 >= file.model.classCount }) {
                throw InputError(file: parsed.string("train-labels") ?? trainPath, "label \(labels[bad]) at data row \(bad + 1) is outside the model's classes 0..<\(file.model.classCount)")
            }
        }
        let wantsMeta = estimators.contains(.meta)
        let others = estimators.filter { $0 != .meta }
        var options = ModelEvaluator.Options()
        // The headline estimate learns from every estimator: then all are fitted, and only the requested shown.
        options.estimators = wantsMeta ? EstimatorRegistry.ids : others
        options.temperatureScaling = parsed.flag("temperature-scaling")
        options.seed = try parsed.uint64("seed", default: 0)
        options.sourceOrigin = sourcePath
        options.modelOrigin = modelPath
        options.projNorm = ProjNormConfiguration(iterations: try parsed.int("projnorm-iterations", default: 500, range: 1 ... 1_000_000)!,
                                                 learningRate: Float(try parsed.double("projnorm-lr", default: Double(ProjNormConfiguration.defaultLearningRate), positive: true)!),
                                                 seed: options.seed)
        let progress = ProgressReporter(console: console, enabled: (parsed.string("format") ?? "table") != "json")
        defer { progress.finish() }
        // A saved headline estimate is read and checked before any fitting.
        let headlineInputs = [modelPath, sourcePath] + ["source-labels", "train", "train-labels", "init"].compactMap { parsed.string($0) }
            .filter { $0 != "fresh" }
        let saved = wantsMeta ? try savedHeadline(parsed, form: .model, inputs: headlineInputs) : nil
        // The recipe is read (and checked) only when seed models will be trained with it.
        let wantsSeedModels = EstimatorRegistry.estimators(options.estimators).contains { $0.requirements.minimumModels > 1 }
        let recipe = training == nil || !wantsSeedModels ? nil : try trainingRecipe(file, path: modelPath)
        let evaluator = try ModelEvaluator(model: file.model, initialization: file.initialization, source: source, training: training,
                                           trainingConfiguration: recipe, options: options) { phase, fraction in
            progress.update(fraction, phase)
        }
        // The headline estimate: fitted here, or read from --meta.
        var headline: HeadlineEstimate? = nil, headlineSkip: SkipReason? = nil
        if wantsMeta {
            let inputs = headlineInputs
            do {
                headline = try HeadlineEstimate(model: file.model, initialization: file.initialization, validation: source,
                                                seedModels: evaluator.extraModels,
                                                options: saved?.options ?? headlineOptions(parsed, seed: options.seed, projNorm: options.projNorm),
                                                regression: saved.map { .init(observations: $0.observations) }) { phase, fraction in
                    progress.update(fraction, phase)
                }
            } catch let unavailable as EstimatorUnavailable {
                headlineSkip = unavailable.reason
            }
            try requireHeadline(parsed, headlineSkip?.description)
            if let headline, let path = parsed.string("save-meta") {
                try MetaModelFile(headline: headline, fingerprint: MetaModelFile.fingerprint(of: inputs, settings: headlineSettings(parsed)),
                                  inputs: inputs).write(to: path)
            }
        }
        if let chunkSize {
            let target = try openTarget()
            var chunks: [Chunk] = []
            var pending: [Dataset] = [], pendingRows = 0, first = 1
            let chunkBy = parsed.string("chunk-by")
            func flush(key: String? = nil) throws {
                guard pendingRows > 0 else { return }
                let features = Tensor.concatenatingRows(pending.map(\.features))
                let index = chunks.count + 1
                let evaluation = try evaluator.evaluate(target: features, origin: targetPath) { phase, fraction in
                    progress.update(fraction, "chunk \(index): \(phase)")
                }
                var shown = evaluation.estimates.filter { others.contains($0.estimator) }
                var skippedHere = evaluation.skipped.filter { others.contains($0.estimator) }
                try prependHeadline(headline, skip: headlineSkip, evidence: evaluation.evidence, estimates: &shown, skipped: &skippedHere)
                let truth: Double? = compare ? {
                    let labels = pending.flatMap { $0.labels! }
                    return Double(zip(evaluation.predictedClasses, labels).filter { $0 == $1 }.count) / Double(pendingRows)
                }() : nil
                chunks.append(Chunk(key: key ?? "\(chunks.count + 1)", firstRow: first, rows: pendingRows, estimates: shown,
                                    skipped: SkipReasonText.render(skippedHere, form: .model), trueAccuracy: truth))
                first += pendingRows
                pending = []; pendingRows = 0
            }
            var currentKey: String? = nil
            while let batch = try target.nextBatch(maxRows: Swift.min(chunkSize - pendingRows, 4096)) {
                guard chunkBy != nil else {
                    pending.append(batch); pendingRows += batch.rowCount
                    if pendingRows == chunkSize { try flush() }
                    continue
                }
                // A chunk per run of equal keys, in file order.
                let keys = target.drainKeys()
                var start = 0
                for i in 0 ..< batch.rowCount {
                    if let key = currentKey, keys[i] != key {
                        if i > start { pending.append(batch.selectingRows(start ..< i)); pendingRows += i - start }
                        try flush(key: key)
                        start = i
                    }
                    currentKey = keys[i]
                }
                if batch.rowCount > start { pending.append(batch.selectingRows(start ..< batch.rowCount)); pendingRows += batch.rowCount - start }
            }
            try flush(key: currentKey)
            return Result(estimates: [], skipped: [], trueAccuracy: nil,
                          header: ["model:  \(modelPath) (\(file.model.architecture.summary), θ0 \(evaluator.theta0Description))",
                                   "source: \(sourcePath) (\(source.rowCount) rows)",
                                   "target: \(targetPath) (\(targetRows) rows, \(chunkBy.map { "a chunk per value of '\($0)'" } ?? "chunks of \(chunkSize)"))"],
                          json: [("model", .object([("path", .string(modelPath)), ("architecture", .string(file.model.architecture.summary))])),
                                 ("source", .object([("path", .string(sourcePath)), ("rows", .integer(source.rowCount))])),
                                 ("target", .object([("path", .string(targetPath)), ("rows", .integer(targetRows))])),
                                 chunkBy.map { ("chunk_by", .string($0)) } ?? ("chunk_size", .integer(chunkSize))],
                          warnings: [], title: (targetPath as NSString).lastPathComponent, chunks: chunks,
                          sourceAccuracy: file.model.accuracy(source.features, labels: source.labels!))
        }
        let target = try openTarget()
        var targetLabels: [Int] = []
        let nextBatch: () throws -> Tensor? = {
            guard let batch = try target.nextBatch(maxRows: 4096) else { return nil }
            if compare { targetLabels += batch.labels! }
            return batch.features
        }
        // The full evaluator reads the target (with every estimator when meta is asked for: the
        // headline's fit-half estimators read the same evidence, ProjNorm's sample included).
        let evaluation = try evaluator.evaluate(targetBatches: nextBatch, origin: targetPath, expectedRows: targetRows) { phase, fraction in
            progress.update(fraction, phase)
        }
        guard evaluation.predictedClasses.count == targetRows, !compare || targetLabels.count == targetRows else {
            throw InputError(file: targetPath, "expected \(targetRows) rows (as when first read), found \(evaluation.predictedClasses.count): the file changed while being read")
        }
        var shownEstimates = evaluation.estimates.filter { others.contains($0.estimator) }
        var shownSkipped = evaluation.skipped.filter { others.contains($0.estimator) }
        try prependHeadline(headline, skip: headlineSkip, evidence: evaluation.evidence, estimates: &shownEstimates, skipped: &shownSkipped)
        let (estimates, skipped) = (shownEstimates, SkipReasonText.render(shownSkipped, form: .model))
        let truth = compare ? Double(zip(evaluation.predictedClasses, targetLabels).filter { $0 == $1 }.count) / Double(targetRows) : nil
        let sourceAccuracy = file.model.accuracy(source.features, labels: source.labels!)
        var header = ["model:  \(modelPath) (\(file.model.architecture.summary), θ0 \(evaluator.theta0Description))",
                      "source: \(sourcePath) (\(source.rowCount) rows, accuracy \(CommandSupport.fixed(sourceAccuracy)))",
                      "target: \(targetPath) (\(targetRows) rows)"]
        if let truth { header.append("true target accuracy: \(CommandSupport.fixed(truth))") }
        let json: [(String, JSONValue)] = [
            ("model", .object([("path", .string(modelPath)), ("architecture", .string(file.model.architecture.summary))])),
            ("source", .object([("path", .string(sourcePath)), ("rows", .integer(source.rowCount)), ("accuracy", .number(sourceAccuracy))])),
            ("target", .object([("path", .string(targetPath)), ("rows", .integer(targetRows))])),
        ]
        return Result(estimates: estimates, skipped: skipped, trueAccuracy: truth, header: header, json: json, warnings: [],
                      title: "\((targetPath as NSString).lastPathComponent) — \(file.model.architecture.summary)",
                      reliability: (headline?.reliability ?? [:]).filter { others.contains($0.key) })
    }

    static func checkColumns(_ featureCount: Int, _ featureNames: [String], _ path: String, _ file: ModelFile) throws {
        guard featureCount == file.model.inputCount else {
            throw InputError(file: path, "expected \(file.model.inputCount) feature columns (the model's inputs), found \(featureCount)")
        }
        if let names = file.featureNames, (try? DatasetFiles.format(of: path)) == .csv, names != featureNames {
            let j = zip(names, featureNames).enumerated().first { $0.element.0 != $0.element.1 }?.offset ?? 0
            throw InputError(file: path, line: 1, "expected feature column \(j + 1) to be '\(names[j])' (the model was trained on \(names.prefix(3).joined(separator: ", "))…), found '\(featureNames[j])'")
        }
    }

    /// Reads the whole target once, a batch at a time, checking its columns, every row and (for
    /// `compare`) that each label is one of the model's classes; returns the number of rows.
    static func checkTarget(_ target: DatasetStream, _ path: String, _ file: ModelFile, compare: Bool, labelsPath: String? = nil) throws -> Int {
        try checkColumns(target.featureCount, target.featureNames, path, file)
        var rows = 0
        while let batch = try target.nextBatch(maxRows: 4096) {
            if compare, let labels = batch.labels, let bad = labels.firstIndex(where: { $0 >= file.model.classCount }) {
                throw InputError(file: labelsPath ?? path, "label \(labels[bad]) at data row \(rows + bad + 1) is outside the model's classes 0..<\(file.model.classCount)")
            }
            rows += batch.rowCount
        }
        guard rows > 0 else { throw InputError(file: path, "expected at least one data row, found none") }
        return rows
    }

    /// The training recipe recorded in the model file (by `shiftcast train`), for GDE's and
    /// ALine's extra models: `epochs` or `iterations`, `learning_rate`, `batch_size`,
    /// `optimizer`; `nil` when the file records neither length. Values are checked against
    /// the ranges `shiftcast train` accepts, since the file may come from elsewhere.
    /// - Throws: `InputError` naming the file and the metadata key of a value out of range.
    static func trainingRecipe(_ file: ModelFile, path: String) throws -> TrainingConfiguration? {
        func integer(_ key: String, _ range: ClosedRange<Int>) throws -> Int? {
            guard let text = file.info[key] else { return nil }
            guard let value = Int(text), range.contains(value) else {
                throw InputError(file: path, "metadata 'shiftcast.info.\(key)': expected an integer in \(range.lowerBound)...\(range.upperBound), found '\(text)'")
            }
            return value
        }
        let length: TrainingConfiguration.Length
        if let epochs = try integer("epochs", 1 ... 1_000_000) {
            length = .epochs(epochs)
        } else if let iterations = try integer("iterations", 1 ... 100_000_000) {
            length = .iterations(iterations)
        } else {
            return nil
        }
        var lr = TrainingConfiguration.standardAdamLearningRate
        if let text = file.info["learning_rate"] {
            guard let value = Float(text), value.isFinite, value > 0 else {
                throw InputError(file: path, "metadata 'shiftcast.info.learning_rate': expected a positive number, found '\(text)'")
            }
            lr = value
        }
        let batch = try integer("batch_size", 1 ... 1_000_000) ?? TrainingConfiguration.standardBatchSize
        let optimizer: OptimizerKind
        switch file.info["optimizer"]?.lowercased() {
        case nil, "adam": optimizer = .adam()
        case "sgd": optimizer = .sgd(momentum: 0.9)
        case let other?:
            throw InputError(file: path, "metadata 'shiftcast.info.optimizer': expected 'sgd' or 'adam', found '\(other)'")
        }
        return TrainingConfiguration(length: length, batchSize: batch, optimizer: optimizer, learningRate: lr)
    }

    static func runPredictionsForm(_ parsed: ParsedArguments, estimators: [EstimatorID], compare: Bool, chunkSize: Int?) throws -> Result {
        let probabilitiesGiven = !parsed.strings("source-probs").isEmpty || !parsed.strings("target-probs").isEmpty
        let logitsGiven = !parsed.strings("source-logits").isEmpty || !parsed.strings("target-logits").isEmpty
        if probabilitiesGiven && logitsGiven {
            throw UsageError("give every model's outputs as probabilities ('--source-probs'/'--target-probs') or as logits ('--source-logits'/'--target-logits'), not both", command: parsed.command)
        }
        if logitsGiven && parsed.flag("logits") {
            throw UsageError("'--logits' says that '--source-probs'/'--target-probs' arrays are logits; '--source-logits'/'--target-logits' are logits already", command: parsed.command)
        }
        let (sourceOption, targetOption) = logitsGiven ? ("source-logits", "target-logits") : ("source-probs", "target-probs")
        let sourcePaths = parsed.strings(sourceOption), targetPaths = parsed.strings(targetOption)
        guard !sourcePaths.isEmpty, !targetPaths.isEmpty else {
            throw UsageError("Missing expected argument: the predictions form needs both '--\(sourceOption)' and '--\(targetOption)'", command: parsed.command)
        }
        guard sourcePaths.count == targetPaths.count else {
            throw UsageError("'--\(sourceOption)' was given \(sourcePaths.count) time(s) and '--\(targetOption)' \(targetPaths.count): give one pair per model", command: parsed.command)
        }
        try requireFeaturePair(parsed)
        let labelsPath = try parsed.required("source-labels")
        let labels = try NPY.readLabels(path: labelsPath)
        let logits = logitsGiven || parsed.flag("logits")
        var binaryOneColumn = false
        func load(_ path: String) throws -> Predictions {
            var matrix = try NPY.readOutputs(path: path)
            if matrix.columnCount == 1 {
                // A binary classifier's positive class (class 1), as [N] or [N, 1].
                binaryOneColumn = true
                matrix = try binaryColumns(matrix, logits: logits, path: path)
            }
            if logits && looksLikeProbabilities(matrix) {
                throw InputError(file: path, logitsGiven
                    ? "with --\(sourceOption)/--\(targetOption), expected logits, found probabilities (every row non-negative and summing to 1): give them with --source-probs/--target-probs"
                    : "with --logits, expected logits, found probabilities (every row non-negative and summing to 1): drop --logits")
            }
            return logits ? try Predictions(logits: matrix, origin: path) : try Predictions(probabilities: matrix, origin: path)
        }
        var sources: [LabeledPredictions] = [], targets: [Predictions] = []
        for (s, t) in zip(sourcePaths, targetPaths) {
            sources.append(try LabeledPredictions(predictions: load(s), labels: labels, labelsOrigin: labelsPath))
            let target = try load(t)
            guard target.classCount == sources[0].classCount else {
                throw InputError(file: t, "expected \(sources[0].classCount) columns (classes) as in \(sourcePaths[0]), found \(target.classCount)")
            }
            if let first = targets.first, first.count != target.count {
                throw InputError(file: t, "expected \(first.count) rows as in \(targetPaths[0]) (every model on the same target rows), found \(target.count)")
            }
            targets.append(target)
        }
        guard Set(labels).count >= 2 else {
            throw InputError(file: labelsPath, "expected at least 2 classes among the source labels, found only class \(labels.first ?? 0)")
        }
        if let sourceFeatures = parsed.string("source-features"), let targetFeatures = parsed.string("target-features") {
            let h = try NPY.readMatrix(path: sourceFeatures), g = try NPY.readMatrix(path: targetFeatures)
            sources[0] = try LabeledPredictions(predictions: sources[0].predictions.withFeatures(h, origin: sourceFeatures), labels: labels,
                                                labelsOrigin: labelsPath)
            targets[0] = try targets[0].withFeatures(g, origin: targetFeatures)
            guard h.columnCount == g.columnCount else {
                throw InputError(file: targetFeatures, "expected \(h.columnCount) feature columns as in \(sourceFeatures), found \(g.columnCount)")
            }
        }
        var truth: Double? = nil
        if compare {
            let targetLabelsPath = try parsed.required("target-labels")
            let targetLabels = try NPY.readLabels(path: targetLabelsPath)
            let labeled = try LabeledPredictions(predictions: targets[0], labels: targetLabels, labelsOrigin: targetLabelsPath)
            truth = labeled.accuracy
        }
        let seed = try parsed.uint64("seed", default: 0)
        let sourceEvidence = try SourceEvidence(predictions: sources[0], otherModels: Array(sources.dropFirst()), seed: seed)
        let targetEvidence = try TargetEvidence(predictions: targets[0], otherModels: Array(targets.dropFirst()))
        let inputs = sourcePaths + [labelsPath] + [parsed.string("source-features")].compactMap { $0 }
        let targetLabels = try compare ? NPY.readLabels(path: try parsed.required("target-labels")) : []
        let outcome = try estimateFromOutputs(parsed, estimators: estimators, source: sourceEvidence, target: targetEvidence,
                                              targetLabels: compare ? targetLabels : nil, chunkSize: chunkSize,
                                              form: .predictions, inputs: inputs) {
            try HeadlineEstimate(source: sourceEvidence, options: $0, regression: $1)
        }
        let (result, reliability, chunks) = (outcome.result, outcome.reliability, outcome.chunks)
        var header = ["source: \(sourcePaths[0]) (\(sources[0].count) rows, \(sources[0].classCount) classes, accuracy \(CommandSupport.fixed(sources[0].accuracy)))",
                      "target: \(targetPaths[0]) (\(targets[0].count) rows)\(sourcePaths.count > 1 ? ", \(sourcePaths.count) models" : "")"]
        if binaryOneColumn { header.append("binary: a one-column array is the positive class (class 1); class 0 is its complement") }
        if let truth { header.append("true target accuracy: \(CommandSupport.fixed(truth))") }
        var json: [(String, JSONValue)] = [
            ("source", .object([("path", .string(sourcePaths[0])), ("rows", .integer(sources[0].count)), ("accuracy", .number(sources[0].accuracy))])),
            ("target", .object([("path", .string(targetPaths[0])), ("rows", .integer(targets[0].count))])),
            ("models", .integer(sourcePaths.count)),
        ]
        if binaryOneColumn { json.append(("positive_class", .integer(1))) }
        let warnings = (sources.map(\.predictions) + targets).flatMap(\.warnings)
        if let chunkSize { json.append(("chunk_size", .integer(chunkSize))) }
        return Result(estimates: result.estimates, skipped: SkipReasonText.render(result.skipped, form: .predictions), trueAccuracy: truth,
                      header: header, json: json, warnings: warnings, title: (targetPaths[0] as NSString).lastPathComponent,
                      reliability: reliability, chunks: chunks, sourceAccuracy: sources[0].accuracy)
    }

    /// The model-command form: the source and target rows go to the command in one call; the
    /// headline estimate sends the fit half and every meta-set in one more.
    static func runCommandForm(_ parsed: ParsedArguments, estimators: [EstimatorID], compare: Bool, chunkSize: Int?,
                               console: Console) throws -> Result {
        let command = try CommandModel(command: try parsed.required("model-command"), logits: parsed.flag("logits"),
                                       timeout: try parsed.double("model-timeout", default: 3600, positive: true)!)
        let sourcePath = try parsed.required("source"), targetPath = try parsed.required("target")
        let labelColumn = parsed.string("label-column") ?? "label"
        // CSV labels may be class names: with no model file to record their order, the classes are
        // the validation set's names in sorted order — the order of scikit-learn's `classes_`.
        var classNames: [String]? = nil
        let source: Dataset
        if parsed.string("source-labels") == nil, (try? DatasetFiles.format(of: sourcePath)) == .csv, !RegularFile.isStream(sourcePath) {
            (source, classNames) = try CSV.readNamingLabels(path: sourcePath, options: CSVReadOptions(labelColumn: labelColumn, requireLabels: true))
            guard source.rowCount > 0 else { throw InputError(file: sourcePath, "expected at least one data row, found none") }
        } else {
            source = try CommandSupport.readDataset(sourcePath, labelColumn: labelColumn, labelsPath: parsed.string("source-labels"),
                                                    labelsOption: "source-labels", requireLabels: true)
        }
        if compare { try CommandSupport.requireLabelsFile(for: targetPath, labelsPath: parsed.string("target-labels"), option: "target-labels") }
        let target = try CommandSupport.readDataset(targetPath, labelColumn: labelColumn, labelsPath: compare ? parsed.string("target-labels") : nil,
                                                    labelsOption: compare ? "target-labels" : nil, requireLabels: compare, labelNames: classNames)
        guard target.featureCount == source.featureCount else {
            throw InputError(file: targetPath, "expected \(source.featureCount) feature columns as in \(sourcePath), found \(target.featureCount)")
        }
        let progress = ProgressReporter(console: console, enabled: (parsed.string("format") ?? "table") != "json")
        defer { progress.finish() }
        progress.update(0, "running the model command on the source and target rows")
        let (both, oneColumn) = try command.run(Tensor.concatenatingRows([source.features, target.features]))
        let k = both.classCount
        if let names = classNames, names.count != k {
            throw InputError(file: sourcePath, "expected the \(k) classes of the model command's output columns among the validation labels, found \(names.count) class names (\(names.prefix(6).joined(separator: ", "))); with names every class must appear in the validation set, sorted as the columns are (scikit-learn's classes_)")
        }
        let sourceLabels = source.labels!
        if let bad = sourceLabels.firstIndex(where: { $0 >= k }) {
            throw InputError(file: parsed.string("source-labels") ?? sourcePath, "label \(sourceLabels[bad]) at data row \(bad + 1) is outside the model's \(k) classes (the model command's output columns)")
        }
        guard Set(sourceLabels).count >= 2 else {
            throw InputError(file: sourcePath, "expected at least 2 classes among the labels of the validation data, found only class \(sourceLabels[0])")
        }
        let n = source.rowCount, m = target.rowCount
        let sourcePredictions = try LabeledPredictions(predictions: both.gatheringRows(Array(0 ..< n)), labels: sourceLabels)
        let targetPredictions = both.gatheringRows(Array(n ..< n + m))
        let targetLabels = compare ? target.labels : nil
        if let targetLabels, let bad = targetLabels.firstIndex(where: { $0 >= k }) {
            throw InputError(file: parsed.string("target-labels") ?? targetPath, "label \(targetLabels[bad]) at data row \(bad + 1) is outside the model's \(k) classes")
        }
        let seed = try parsed.uint64("seed", default: 0)
        let inputs = [sourcePath] + ["source-labels", "train", "train-labels"].compactMap { parsed.string($0) }
        let surrogate = try commandFormSurrogate(parsed, estimators: estimators, source: source, sourcePath: sourcePath,
                                                 classCount: k, labelNames: classNames, seed: seed, progress: progress)
        // Estimators that read the input rows (knn) see the validation and target rows the command
        // answered; with `meta`, every estimator of the registry reads the target (its map's inputs).
        let readers = estimators.contains(.meta) ? EstimatorRegistry.all() : EstimatorRegistry.estimators(estimators)
        let targetRows = TargetRowCollection.inputs(readers, rows: target.features, predictedClasses: targetPredictions.predictedClasses)
        let outcome = try estimateFromOutputs(parsed, estimators: estimators,
                                              source: SourceEvidence(predictions: sourcePredictions,
                                                                     inputRows: SourceInputRows(features: source.features, labels: sourceLabels), seed: seed),
                                              target: TargetEvidence(predictions: targetPredictions, modelInputs: targetRows), targetLabels: targetLabels,
                                              chunkSize: chunkSize, form: .command, inputs: inputs,
                                              calibrate: { suite in
            // Scores become accuracies as in the model form: the standard calibration shifts of the
            // validation set, scored by the command in one call.
            try ScoreCalibration.calibrate(suite, source: source, shifts: ScoreCalibration.standardShifts, seed: seed) { count, shifted in
                let sets = try (0 ..< count).map(shifted)
                progress.update(0.2, "running the model command on the score calibration sets")
                let all = try command.outputs(Tensor.concatenatingRows(sets.map(\.features)), classCount: k)
                var start = 0
                return try sets.map { set in
                    let p = all.gatheringRows(Array(start ..< start + set.rowCount))
                    start += set.rowCount
                    let correct = zip(p.predictedClasses, set.labels!).filter { $0 == $1 }.count
                    return (try TargetEvidence(predictions: p), Double(correct) / Double(set.rowCount))
                }
            }
        }) { options, saved in
            try HeadlineEstimate(outputs: { try command.outputs($0, classCount: k) }, validation: source, surrogate: surrogate,
                                 options: options, regression: saved) { phase, fraction in progress.update(fraction, phase) }
        }
        let truth = targetLabels.map { labels in Double(zip(targetPredictions.predictedClasses, labels).filter { $0 == $1 }.count) / Double(m) }
        var header = ["model:  \(command.command) (a model command; \(k) classes)",
                      "source: \(sourcePath) (\(n) rows, accuracy \(CommandSupport.fixed(sourcePredictions.accuracy)))",
                      "target: \(targetPath) (\(m) rows\(chunkSize.map { ", chunks of \($0)" } ?? ""))"]
        if let names = classNames { header.append("classes: " + names.enumerated().map { "\($0) = \($1)" }.joined(separator: ", ") + " (the validation labels' names, sorted)") }
        if oneColumn { header.append("binary: a one-column output is the positive class (class 1\(classNames.map { ", \($0[1])" } ?? "")); class 0 is its complement") }
        if let truth { header.append("true target accuracy: \(CommandSupport.fixed(truth))") }
        var json: [(String, JSONValue)] = [
            ("model", .object([("command", .string(command.command)), ("classes", .integer(k))])),
            ("source", .object([("path", .string(sourcePath)), ("rows", .integer(n)), ("accuracy", .number(sourcePredictions.accuracy))])),
            ("target", .object([("path", .string(targetPath)), ("rows", .integer(m))])),
        ]
        if let chunkSize { json.append(("chunk_size", .integer(chunkSize))) }
        if let names = classNames { json.append(("class_names", .array(names.map { .string($0) }))) }
        if oneColumn { json.append(("positive_class", .integer(1))) }
        return Result(estimates: outcome.result.estimates, skipped: SkipReasonText.render(outcome.result.skipped, form: .command),
                      trueAccuracy: truth, header: header, json: json, warnings: both.warnings, title: (targetPath as NSString).lastPathComponent,
                      reliability: outcome.reliability, chunks: outcome.chunks, sourceAccuracy: sourcePredictions.accuracy)
    }

    /// Puts the headline estimate first among a target's (or a chunk's) estimates, or lists `meta`
    /// first among the skipped with the reason it could not be fitted (`skip`) or applied here.
    /// Without either (meta not requested) it does nothing.
    static func prependHeadline(_ headline: HeadlineEstimate?, skip: SkipReason?, evidence: TargetEvidence,
                                estimates: inout [Estimate], skipped: inout [Skipped]) throws {
        do {
            if let headline { estimates.insert(try headline.estimate(evidence), at: 0) }
            else if let skip { throw EstimatorUnavailable(skip) }
        } catch let unavailable as EstimatorUnavailable {
            skipped.insert(Skipped(estimator: .meta, reason: unavailable.reason), at: 0)
        }
    }

    /// The surrogate of the model-command form: an MLP trained on `--train` with `train`'s default
    /// recipe (128-128, Adam, 20 epochs), whose input gradients craft the transfer attacks of the
    /// headline's meta-set. Nil without `--train`, or with `--meta` (the saved map holds them).
    static func commandFormSurrogate(_ parsed: ParsedArguments, estimators: [EstimatorID], source: Dataset, sourcePath: String,
                                     classCount k: Int, labelNames: [String]?, seed: UInt64, progress: ProgressReporter) throws -> MLP? {
        guard let trainPath = parsed.string("train") else { return nil }
        guard estimators.contains(.meta) else {
            throw UsageError("'--train' with '--model-command' trains the surrogate for the headline estimate's transfer attacks; 'meta' is not among the estimators", command: parsed.command)
        }
        if parsed.has("meta") { return nil }
        let training = try CommandSupport.readDataset(trainPath, labelColumn: parsed.string("label-column") ?? "label",
                                                      labelsPath: parsed.string("train-labels"), labelsOption: "train-labels", requireLabels: true,
                                                      labelNames: labelNames)
        guard training.featureCount == source.featureCount else {
            throw InputError(file: trainPath, "expected \(source.featureCount) feature columns as in \(sourcePath), found \(training.featureCount)")
        }
        let labels = training.labels!
        if let bad = labels.firstIndex(where: { $0 >= k }) {
            throw InputError(file: parsed.string("train-labels") ?? trainPath, "label \(labels[bad]) at data row \(bad + 1) is outside the model's \(k) classes (the model command's output columns)")
        }
        guard Set(labels).count >= 2 else {
            throw InputError(file: parsed.string("train-labels") ?? trainPath, "expected at least 2 classes among the training labels, found only class \(labels[0])")
        }
        return try CommandSupport.trainSurrogate(features: training.features, labels: labels, classCount: k, seed: seed) { epoch in
            progress.update(0.1, "training the surrogate for transfer attacks on \(trainPath): epoch \(epoch)")
        }
    }

    /// The estimates of every requested estimator from the model's outputs on source and target
    /// (the predictions and model-command forms): the suite, the headline estimate (made by
    /// `makeHeadline`, or from `--meta`), and with `chunkSize` one result per chunk.
    static func estimateFromOutputs(_ parsed: ParsedArguments, estimators: [EstimatorID], source: SourceEvidence, target: TargetEvidence,
                                    targetLabels: [Int]?, chunkSize: Int?, form: HeadlineEstimate.Form, inputs: [String],
                                    calibrate: ((EstimatorSuite) throws -> EstimatorSuite)? = nil,
                                    makeHeadline: (HeadlineEstimate.Options, HeadlineEstimate.SavedMeta?) throws -> HeadlineEstimate)
        throws -> (result: EstimatorSuite.Result, reliability: [EstimatorID: Double], chunks: [Chunk]?) {
        let skipForm: SkipReasonText.Form = form == .predictions ? .predictions : form == .command ? .command : .model
        let others = estimators.filter { $0 != .meta }
        var suite = try EstimatorSuite(estimators: EstimatorRegistry.estimators(others), source: source,
                                       options: .init(temperatureScaling: parsed.flag("temperature-scaling")))
        if let calibrate { suite = try calibrate(suite) }
        var result = try suite.estimate(target)
        var reliability: [EstimatorID: Double] = [:]
        var headline: HeadlineEstimate? = nil, headlineSkip: SkipReason? = nil
        if estimators.contains(.meta) {
            let saved = try savedHeadline(parsed, form: form, inputs: inputs)
            do {
                let made = try makeHeadline(saved?.options ?? headlineOptions(parsed, seed: source.seed, projNorm: ProjNormConfiguration()),
                                            saved.map { .init(observations: $0.observations) })
                if let path = parsed.string("save-meta") {
                    try MetaModelFile(headline: made, fingerprint: MetaModelFile.fingerprint(of: inputs, settings: headlineSettings(parsed)),
                                      inputs: inputs).write(to: path)
                }
                result.estimates.insert(try made.estimate(target), at: 0)
                reliability = made.reliability.filter { others.contains($0.key) }
                headline = made
            } catch let unavailable as EstimatorUnavailable {
                try requireHeadline(parsed, unavailable.reason.description)
                result.skipped.insert(Skipped(estimator: .meta, reason: unavailable.reason), at: 0)
                headlineSkip = unavailable.reason
            }
        }
        var chunks: [Chunk]? = nil
        if let chunkSize {
            chunks = try stride(from: 0, to: target.count, by: chunkSize).enumerated().map { index, start in
                let rows = Array(start ..< Swift.min(start + chunkSize, target.count))
                let evidence = try target.selectingRows(rows)
                var r = try suite.estimate(evidence)
                try prependHeadline(headline, skip: headlineSkip, evidence: evidence, estimates: &r.estimates, skipped: &r.skipped)
                let truth: Double? = targetLabels.map { labels in
                    Double(rows.filter { evidence.predictions.predictedClasses[$0 - start] == labels[$0] }.count) / Double(rows.count)
                }
                return Chunk(key: "\(index + 1)", firstRow: start + 1, rows: rows.count, estimates: r.estimates,
                             skipped: SkipReasonText.render(r.skipped, form: skipForm), trueAccuracy: truth)
            }
        }
        return (result, reliability, chunks)
    }

    /// Whether a chunk is marked by `--alert-below x`: the headline interval's upper end below x,
    /// or, without the headline estimate, the first estimate's accuracy.
    static func isAlert(_ chunk: Chunk, below x: Double?) -> Bool {
        guard let x else { return false }
        if let meta = chunk.estimates.first(where: { $0.estimator == .meta }), let high = meta.intervalHigh { return high < x }
        return chunk.estimates.first?.accuracy.map { $0 < x } ?? false
    }

    /// Prints one result per chunk; returns how many chunks are marked.
    static func printChunks(_ chunks: [Chunk], result: Result, format: String, alertBelow: Double?, console: Console) -> Int {
        let alerts = chunks.filter { isAlert($0, below: alertBelow) }.count
        func field(_ x: Double?) -> String { x.flatMap { $0.isFinite ? "\($0)" : nil } ?? "" }
        switch format {
        case "json":
            var top: [(String, JSONValue)] = [("chunks", .array(chunks.map { c in
                var o: [(String, JSONValue)] = [("key", .string(c.key)), ("first_row", .integer(c.firstRow)), ("rows", .integer(c.rows))]
                if let t = c.trueAccuracy { o.append(("true_accuracy", .number(t))) }
                if alertBelow != nil { o.append(("alert", .bool(isAlert(c, below: alertBelow)))) }
                o.append(("estimates", .array(c.estimates.map { CommandSupport.json($0, trueAccuracy: c.trueAccuracy) })))
                o.append(("skipped", .array(c.skipped.map { .object([("estimator", .string($0.estimator.name)), ("reason", .string($0.reason))]) })))
                return .object(o)
            }))]
            if let alertBelow { top += [("alert_below", .number(alertBelow)), ("alerts", .integer(alerts))] }
            console.out(JSONValue.object(top + result.json).rendered() + "\n")
        case "csv":
            var out = CSVText.line(["chunk", "first_row", "rows", "estimator", "accuracy", "standard_error", "interval_low", "interval_high",
                                    "score", "true_accuracy", "alert"])
            for c in chunks {
                for e in c.estimates {
                    out += CSVText.line([c.key, "\(c.firstRow)", "\(c.rows)", e.estimator.name, field(e.accuracy), field(e.standardError),
                                         field(e.intervalLow), field(e.intervalHigh), field(e.score), field(c.trueAccuracy),
                                         alertBelow == nil ? "" : "\(isAlert(c, below: alertBelow))"])
                }
            }
            console.out(out)
        default:
            let names = chunks.flatMap { $0.estimates.map(\.estimator) }.reduce(into: [EstimatorID]()) { if !$0.contains($1) { $0.append($1) } }
            var headers = ["chunk", "rows"] + (chunks.contains { $0.trueAccuracy != nil } ? ["true"] : []) + names.map(\.name)
            if alertBelow != nil { headers.append("alert") }
            var table = TextTable(headers: headers, rightAligned: Set(1 ..< headers.count))
            for c in chunks {
                var row = [c.key, "\(c.rows)"] + (c.trueAccuracy.map { [CommandSupport.fixed($0, 3)] } ?? (headers.contains("true") ? [""] : []))
                for id in names {
                    let e = c.estimates.first { $0.estimator == id }
                    if let e, let low = e.intervalLow, let high = e.intervalHigh {
                        row.append("\(CommandSupport.fixed(e.accuracy, 2)) [\(CommandSupport.fixed(low, 2))–\(CommandSupport.fixed(high, 2))]")
                    } else {
                        row.append(CommandSupport.fixed(e?.accuracy, 3))
                    }
                }
                if alertBelow != nil { row.append(isAlert(c, below: alertBelow) ? "ALERT" : "") }
                table.rows.append(row)
            }
            var out = result.header.map { $0 + "\n" }.joined() + "\n" + table.rendered()
            if let alertBelow { out += "\(alerts) of \(chunks.count) chunks below \(alertBelow)\n" }
            console.out(out)
        }
        return alerts
    }

    /// One column of a binary classifier's positive-class outputs as two: probabilities
    /// `[1 − p, p]`, logits `[0, z]` (whose softmax is `[1 − σ(z), σ(z)]`).
    /// - Throws: `InputError` naming the row of a probability outside [0, 1].
    static func binaryColumns(_ column: Tensor, logits: Bool, path: String) throws -> Tensor {
        var out = [Float](repeating: 0, count: column.rowCount * 2)
        for (i, v) in column.scalars.enumerated() {
            if logits {
                out[2 * i + 1] = v
            } else {
                guard v >= 0, v <= 1 else {
                    throw InputError(file: path, line: i + 1, "expected the positive class's probability in [0, 1] (one column: a binary classifier), found \(v) (logits? pass --logits or give them with --source-logits/--target-logits)")
                }
                out[2 * i] = 1 - v
                out[2 * i + 1] = v
            }
        }
        return Tensor(shape: [column.rowCount, 2], scalars: out)
    }

    /// `--source-features` and `--target-features` come together.
    static func requireFeaturePair(_ parsed: ParsedArguments) throws {
        if parsed.has("source-features") != parsed.has("target-features") {
            let (given, missing) = parsed.has("source-features") ? ("source-features", "target-features") : ("target-features", "source-features")
            throw UsageError("'--\(given)' needs '--\(missing)': the feature-based estimators compare the two", command: parsed.command)
        }
    }
}

/// The `compare --plot` figure: each estimator's prediction (± 1 standard error) against the
/// true accuracy (a horizontal line).
enum ComparisonPlot {
    static func svg(estimates: [Estimate], trueAccuracy: Double, title: String) -> String {
        let shown = estimates.filter { $0.accuracy != nil }
        let left = 60.0, top = 40.0, height = 260.0, step = 56.0
        let width = left + step * Double(max(shown.count, 1)) + 30
        func y(_ a: Double) -> Double { top + (1 - a) * height }
        func f(_ x: Double) -> String { String(format: "%.1f", x) }
        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(f(width))\" height=\"\(f(top + height + 60))\" font-family=\"sans-serif\" font-size=\"11\">\n"
        svg += "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
        svg += "<text x=\"10\" y=\"20\" font-weight=\"bold\">Predicted vs true accuracy: \(XMLText.escaped(title))</text>\n"
        for tick in stride(from: 0.0, through: 1.0, by: 0.25) {
            svg += "<line x1=\"\(f(left))\" y1=\"\(f(y(tick)))\" x2=\"\(f(width - 20))\" y2=\"\(f(y(tick)))\" stroke=\"#eee\"/><text x=\"\(f(left - 6))\" y=\"\(f(y(tick) + 4))\" text-anchor=\"end\">\(String(format: "%.2f", tick))</text>\n"
        }
        svg += "<line x1=\"\(f(left))\" y1=\"\(f(y(trueAccuracy)))\" x2=\"\(f(width - 20))\" y2=\"\(f(y(trueAccuracy)))\" stroke=\"#d62728\" stroke-width=\"2\"/>"
        svg += "<text x=\"\(f(width - 20))\" y=\"\(f(y(trueAccuracy) - 5))\" text-anchor=\"end\" fill=\"#d62728\">true \(String(format: "%.3f", trueAccuracy))</text>\n"
        for (i, e) in shown.enumerated() {
            let x = left + step * (Double(i) + 0.5), a = e.accuracy!
            if let se = e.standardError, se.isFinite {
                svg += "<line x1=\"\(f(x))\" y1=\"\(f(y(min(a + se, 1))))\" x2=\"\(f(x))\" y2=\"\(f(y(max(a - se, 0))))\" stroke=\"#1f77b4\"/>"
            }
            svg += "<circle cx=\"\(f(x))\" cy=\"\(f(y(a)))\" r=\"4\" fill=\"#1f77b4\"/>"
            svg += "<text x=\"\(f(x))\" y=\"\(f(top + height + 16))\" text-anchor=\"middle\">\(XMLText.escaped(e.estimator.name))</text>\n"
        }
        return svg + "</svg>\n"
    }
}
