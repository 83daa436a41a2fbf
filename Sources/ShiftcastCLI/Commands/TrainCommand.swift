import Foundation
import ShiftcastModel
import ShiftcastData

/// `shiftcast train`: trains an MLP on a CSV/NPY file and writes it as safetensors, with its
/// init seed (so ProjNorm can recreate θ0) and its training recipe (so GDE can train seeded copies).
enum TrainCommand {
    static var spec: CommandSpec {
        CommandSpec(
            name: "train", abstract: "Train an MLP classifier on a CSV or NPY file and save it as safetensors.",
            discussion: "Without --validation, 10% of the rows (chosen with --seed) are held out to report validation accuracy.",
            usage: "--data <train.csv|npy> --out <model.safetensors> [<options>]",
            options: [
                .option("data", value: "train.csv|npy", help: "Training data (features, and labels in the label column or --labels)."),
                .option("labels", value: "y.npy", help: "Labels for an .npy --data."),
                CommandSupport.labelColumnOption,
                .option("validation", value: "val.csv|npy", help: "Labeled validation data to report accuracy on."),
                .option("validation-labels", value: "y.npy", help: "Labels for an .npy --validation."),
                .option("hidden", value: "w1,w2,…", help: "Hidden layer widths.", default: "128,128"),
                .option("activation", value: "relu|tanh", help: "Activation between layers.", default: "relu"),
                .option("epochs", value: "n", help: "Training epochs (exclusive with --iterations).", default: "\(TrainingConfiguration.standardEpochs)"),
                .option("iterations", value: "n", help: "Training iterations (minibatch steps) instead of epochs."),
                .option("batch-size", value: "n", help: "Minibatch size.", default: "\(TrainingConfiguration.standardBatchSize)"),
                .option("optimizer", value: "sgd|adam", help: "Optimizer (SGD uses momentum 0.9).", default: "adam"),
                .option("lr", value: "x", help: "Learning rate.", default: "\(TrainingConfiguration.standardAdamLearningRate) (adam), \(TrainingConfiguration.standardSGDLearningRate) (sgd)"),
                .option("classes", value: "k", help: "Number of classes (default: largest label + 1)."),
                CommandSupport.seedOption,
                .option("out", value: "model.safetensors", help: "Where to write the model (atomically)."),
            ],
            run: { parsed, console in try run(parsed, console: console) })
    }

    /// The widest hidden layer `--hidden` accepts.
    static let maximumWidth = 100_000
    /// The most parameters a trained model may have (1 GiB of Float32 weights; training
    /// holds several copies).
    static let maximumParameterCount = 1 << 28

    static func run(_ parsed: ParsedArguments, console: Console) throws -> Int32 {
        try parsed.exclusive(["epochs", "iterations"])
        let dataPath = try parsed.required("data"), outPath = try parsed.required("out")
        let hidden = try parsed.intList("hidden", default: [128, 128])
        if let bad = hidden.first(where: { $0 > maximumWidth }) {
            throw UsageError("'--hidden' expects widths in 1...\(maximumWidth), found \(bad)", command: parsed.command)
        }
        let optimizerName = try parsed.choice("optimizer", ["sgd", "adam"], default: "adam")
        let activation = Activation(rawValue: try parsed.choice("activation", ["relu", "tanh"], default: "relu"))!
        let seed = try parsed.uint64("seed", default: 0)
        let batch = try parsed.int("batch-size", default: TrainingConfiguration.standardBatchSize, range: 1 ... 1_000_000)!
        // Through the Float's shortest text, so that the recorded recipe reads 0.002, not 0.0020000000949949026.
        let standard = optimizerName == "adam" ? TrainingConfiguration.standardAdamLearningRate : TrainingConfiguration.standardSGDLearningRate
        let lr = try parsed.double("lr", default: Double("\(standard)")!, positive: true)!
        let epochs = try parsed.int("epochs", default: TrainingConfiguration.standardEpochs, range: 1 ... 1_000_000)!
        let iterations = try parsed.int("iterations", range: 1 ... 100_000_000)
        try CommandSupport.requireOutputExtension(outPath, option: "out", expected: "safetensors",
                                                  writes: "train writes a safetensors model file", command: parsed.command)
        try PredictCommand.checkOutputPath(outPath)
        let labelColumn = parsed.string("label-column") ?? "label"
        try CommandSupport.requirePair("validation-labels", of: "validation", parsed)
        // CSV labels may be class names ("no"/"yes"): their sorted order is the classes', recorded in the model file.
        var classNames: [String]? = nil
        var data: Dataset
        if (try? DatasetFiles.format(of: dataPath)) == .csv, !RegularFile.isStream(dataPath) {
            (data, classNames) = try CSV.readNamingLabels(path: dataPath, options: CSVReadOptions(labelColumn: labelColumn, requireLabels: true))
            guard data.rowCount > 0 else { throw InputError(file: dataPath, "expected at least one data row, found none") }
        } else {
            data = try CommandSupport.readDataset(dataPath, labelColumn: labelColumn, labelsPath: parsed.string("labels"),
                                                  labelsOption: "labels", requireLabels: true)
        }
        if classNames != nil, parsed.has("classes") {
            throw UsageError("'--classes' counts classes of integer labels; the training labels are names (\(classNames!.prefix(5).joined(separator: ", "))…), whose number is theirs", command: parsed.command)
        }
        let names = classNames
        var validation = try parsed.string("validation").map {
            try CommandSupport.readDataset($0, labelColumn: labelColumn, labelsPath: parsed.string("validation-labels"),
                                           labelsOption: "validation-labels", requireLabels: true, labelNames: names)
        }
        if let v = validation, let validationPath = parsed.string("validation") {
            guard v.featureCount == data.featureCount else {
                throw InputError(file: validationPath, "expected \(data.featureCount) feature columns as in \(dataPath), found \(v.featureCount)")
            }
            try CommandSupport.requireSameColumnNames(v, validationPath, as: data, dataPath)
        }
        let trainingLabels = data.labels!
        let labelsFile = parsed.string("labels") ?? dataPath
        guard Set(trainingLabels).count >= 2 else {
            throw InputError(file: labelsFile, "expected at least 2 classes among the training labels, found only class \(trainingLabels[0]): a classifier needs examples of two classes or more")
        }
        let maxLabel = trainingLabels.max() ?? 0
        let classes = try classNames.map { $0.count } ?? parsed.int("classes", default: maxLabel + 1, range: 2 ... Dataset.maximumClassCount)!
        if let bad = trainingLabels.firstIndex(where: { $0 >= classes }) {
            throw InputError(file: labelsFile, "label \(trainingLabels[bad]) at data row \(bad + 1) is outside --classes \(classes) (0..<\(classes))")
        }
        if let labels = validation?.labels, let bad = labels.firstIndex(where: { $0 >= classes }) {
            throw InputError(file: parsed.string("validation"), "label \(labels[bad]) at data row \(bad + 1) is outside the classes 0..<\(classes) "
                             + "(\(parsed.has("classes") ? "--classes" : "the training labels' largest + 1; give --classes for a class the training data lacks"))")
        }
        let parameterCount = MLPArchitecture(inputs: data.featureCount, hidden: hidden, classes: classes).parameterCount
        guard parameterCount <= maximumParameterCount else {
            throw InputError(file: dataPath, "a \(([data.featureCount] + hidden + [classes]).map(String.init).joined(separator: "-")) MLP would have \(parameterCount) parameters; expected at most \(maximumParameterCount)")
        }
        if let counts = data.labelCounts {
            let empty = classes - counts.prefix(classes).filter { $0 > 0 }.count
            if empty * 2 > classes {
                console.err("warning: \(empty) of the \(classes) classes 0..<\(classes) have no training row (labels are 0-based class indices)\n")
            }
        }
        console.err("read \(dataPath): \(data.summary)\n")
        if let v = validation, let path = parsed.string("validation") { console.err("read \(path): \(v.summary)\n") }
        if validation == nil {
            var g = SeededGenerator.derived(seed: seed, stream: 77)
            let order = g.permutation(data.rowCount)
            let held = max(1, data.rowCount / 10)
            guard data.rowCount >= 2 else { throw InputError(file: dataPath, "expected at least 2 rows to hold out a validation split, found \(data.rowCount)") }
            validation = data.splitOffRows(order, count: held)
        }
        let architecture = MLPArchitecture(inputs: data.featureCount, hidden: hidden, classes: classes, activation: activation)
        var model = MLP(architecture, initSeed: seed)
        let optimizer: OptimizerKind = optimizerName == "sgd" ? .sgd(momentum: 0.9) : .adam()
        let config = TrainingConfiguration(length: iterations.map { .iterations($0) } ?? .epochs(epochs), batchSize: batch,
                                           optimizer: optimizer, learningRate: Float(lr), shuffleSeed: seed)
        let progress = ProgressReporter(console: console)
        let summary = try Trainer.train(&model, features: data.features, labels: data.labels!, configuration: config) { p in
            progress.update(done: p.iteration, total: p.totalIterations, "epoch \(p.epoch + 1), batch loss \(String(format: "%.4f", p.loss))")
        }
        progress.finish()
        var info = ["optimizer": optimizerName, "learning_rate": "\(lr)", "batch_size": "\(batch)", "seed": "\(seed)",
                    "training_rows": "\(data.rowCount)"]
        if let iterations { info["iterations"] = "\(iterations)" } else { info["epochs"] = "\(epochs)" }
        // An .npy file's columns have no names (x0, x1, … are made up): none are recorded, so
        // the model accepts any CSV of the right width.
        let featureNames = (try? DatasetFiles.format(of: dataPath)) == .csv ? data.featureNames : nil
        let file = ModelFile(model: model, classNames: classNames, featureNames: featureNames, initialization: .seed(seed), info: info)
        try file.write(to: outPath)
        let trainAccuracy = model.accuracy(data.features, labels: data.labels!)
        let validationAccuracy = model.accuracy(validation!.features, labels: validation!.labels!)
        console.out("""
            model:               \(architecture.summary), \(architecture.parameterCount) parameters
            trained:             \(summary.iterations) iterations (\(summary.epochs) epochs), mean loss of the last epoch \(String(format: "%.4f", summary.finalLoss))
            training accuracy:   \(String(format: "%.4f", trainAccuracy)) (\(data.rowCount) rows)
            validation accuracy: \(String(format: "%.4f", validationAccuracy)) (\(validation!.rowCount) rows\(parsed.has("validation") ? "" : ", held out from --data"))
            wrote \(outPath)

            """)
        return 0
    }
}
