import ShiftcastModel
import ShiftcastData

/// Every requested estimator for one model, fitted once on the labeled in-distribution
/// validation set and then applied to any number of unlabeled target sets.
///
/// Fitting, in named pieces:
/// 1. `SeedModels`: for GDE/ALine, independently seeded models — given, or trained on the
///    training data with the model's recipe;
/// 2. the source evidence: every model's outputs on the source (logits, and penultimate
///    features when an estimator needs them) and the model itself (`ModelUnderEvaluation`);
/// 3. `EstimatorSuite`: each estimator of `EstimatorRegistry` that was asked for is fitted, or
///    skipped with a typed reason (ProjNorm's θ_ref fine-tune happens here);
/// 4. `ScoreCalibration`: one calibration line per score, on labeled shifts of the source.
///
/// Each target then costs one forward pass per model and whatever its estimators do (one
/// ProjNorm fine-tune).
public struct ModelEvaluator: Sendable {
    public struct Options: Sendable {
        public var estimators: [EstimatorID] = EstimatorRegistry.ids
        public var temperatureScaling = false
        public var projNorm = ProjNormConfiguration()
        /// Labeled shifts of the source used to calibrate the scores.
        public var calibrationShifts = ScoreCalibration.standardShifts
        /// How many extra seeded models to train for GDE/ALine when training data is given.
        public var extraModelCount = 2
        public var seed: UInt64 = 0
        /// The source data's file and the model's file, named in errors about them.
        public var sourceOrigin: String? = nil
        public var modelOrigin: String? = nil
        public init() {}

        /// How errors name the model: "the model", or "the model (FILE)".
        var modelName: String { modelOrigin.map { "the model (\($0))" } ?? "the model" }
    }

    /// Progress of the fitting or of one target: a phase label and a fraction in [0, 1].
    public typealias Progress = @Sendable (_ phase: String, _ fraction: Double) -> Void

    public let model: MLP
    public let options: Options
    public let suite: EstimatorSuite
    public let seedModels: SeedModels
    public let handle: ModelUnderEvaluation
    /// The fitted estimators that collect inputs from the target rows (ProjNorm).
    let collecting: [any TargetRowCollecting]
    /// Whether an estimator needs penultimate features.
    let needsFeatures: Bool

    public var extraModels: [MLP] { seedModels.models }
    public var theta0Description: String { handle.initialDescription }

    /// Fits everything on the labeled `source`.
    /// - Parameters:
    ///   - initialization: how θ0 is recovered (from the model file).
    ///   - training: the training data, used to train seed models for GDE/ALine when
    ///     `extraModels` is empty.
    ///   - trainingConfiguration: the recipe for those models (the standard recipe when nil).
    public init(model: MLP, initialization: ModelFile.Initialization, source: Dataset,
                training: Dataset? = nil, trainingConfiguration: TrainingConfiguration? = nil,
                extraModels givenExtra: [MLP] = [], options: Options = Options(),
                progress: Progress? = nil) throws {
        guard let labels = source.labels, source.rowCount > 0 else {
            throw InputError("source (validation) data: expected labeled rows, found \(source.rowCount == 0 ? "no rows" : "no label column")")
        }
        guard source.featureCount == model.inputCount else {
            throw InputError("source (validation) data: the model takes \(model.inputCount) features, the data has \(source.featureCount) columns")
        }
        if let bad = labels.firstIndex(where: { $0 >= model.classCount }) {
            throw InputError("source (validation) data: label \(labels[bad]) at data row \(bad + 1) is outside the model's classes 0..<\(model.classCount)")
        }
        guard Set(labels).count >= 2 else {
            throw InputError("source (validation) data: expected at least 2 classes among the labels, found only class \(labels[0])")
        }
        self.model = model
        self.options = options
        let estimators = EstimatorRegistry.estimators(options.estimators, configuration: .init(projNorm: options.projNorm))
        let needsFeatures = estimators.contains { $0.requirements.inputs.contains(.features) }
        self.needsFeatures = needsFeatures

        // 1. Seed models.
        let wantsSeedModels = estimators.contains { $0.requirements.minimumModels > 1 }
        if givenExtra.isEmpty, wantsSeedModels, let training, let trainingLabels = training.labels {
            seedModels = try SeedModels(training: training, labels: trainingLabels, architecture: model.architecture,
                                        recipe: trainingConfiguration, count: options.extraModelCount, seed: options.seed, progress: progress)
        } else {
            seedModels = SeedModels(givenExtra)
        }

        // 2. The source evidence.
        handle = ModelUnderEvaluation(model: model, initialization: initialization, sourceFeatures: source.features,
                                      sourceLabels: labels, progress: progress)
        // Penultimate features of the evaluated model only: no estimator reads the seed models'.
        func sourcePredictions(_ m: MLP, _ name: String, features: Bool) throws -> LabeledPredictions {
            try LabeledPredictions(predictions: ModelOutputs.predictions(of: m, source.features, withFeatures: features,
                                                                         rows: "source (validation) data row", origin: options.sourceOrigin,
                                                                         model: name),
                                   labels: labels)
        }
        let evidence = try SourceEvidence(
            predictions: sourcePredictions(model, options.modelName, features: needsFeatures),
            otherModels: seedModels.models.enumerated().map { try sourcePredictions($1, "seed model \($0 + 1)", features: false) },
            model: handle, inputRows: SourceInputRows(features: source.features, labels: labels), seed: options.seed)

        // 3. Fit; 4. calibrate the scores.
        let fitted = try EstimatorSuite(estimators: estimators, source: evidence,
                                        options: .init(temperatureScaling: options.temperatureScaling,
                                                       fewerModelsCause: seedModels.problem))
        let collecting = fitted.fittedEstimators.compactMap { $0 as? any TargetRowCollecting }
        self.collecting = collecting
        let reader = TargetReader(model: model, seedModels: seedModels.models, collecting: collecting, needsFeatures: needsFeatures,
                                  modelName: options.modelName)
        suite = try ScoreCalibration.calibrate(fitted, source: source, shifts: options.calibrationShifts, seed: options.seed, model: model,
                                               evidence: { features in try reader.read(features, origin: "calibration set").evidence },
                                               progress: progress)
    }

    var reader: TargetReader {
        TargetReader(model: model, seedModels: seedModels.models, collecting: collecting, needsFeatures: needsFeatures,
                     modelName: options.modelName)
    }

    /// Every requested estimate for the unlabeled `target` features, in report order.
    public func estimate(target: Tensor, origin: String? = nil, progress: Progress? = nil)
        throws -> (estimates: [Estimate], skipped: [Skipped]) {
        let result = try evaluate(target: target, origin: origin, progress: progress)
        return (result.estimates, result.skipped)
    }

    /// `evaluate(targetBatches:)` of one matrix of target rows.
    public func evaluate(target: Tensor, origin: String? = nil, progress: Progress? = nil) throws -> TargetEvaluation {
        var pending: Tensor? = target
        return try evaluate(targetBatches: { defer { pending = nil }; return pending }, origin: origin, progress: progress)
    }

    /// What one pass over a target set gives.
    public struct TargetEvaluation: Sendable {
        public var estimates: [Estimate]
        public var skipped: [Skipped]
        /// The model's probabilities on every target row, in order.
        public var predictions: Predictions
        /// The model's predicted class (argmax of the logits) of every target row.
        public var predictedClasses: [Int]
        /// Each estimate's wall time, in seconds.
        public var seconds: [EstimatorID: Double]
        /// What the estimators saw.
        public var evidence: TargetEvidence
    }

    /// Every requested estimate for a target set read a batch at a time: `nextBatch` returns
    /// the next rows `[rows, inputs]`, or `nil` after the last.
    ///
    /// Memory: one batch of features, plus `rows × classes` logits and probabilities per model
    /// (and the evaluated model's `rows × width` penultimate features when an estimator needs
    /// them), plus ProjNorm's
    /// sample of at most `iterations × batchSize` rows (`ProjNormTargetSample`) — never the whole
    /// target's input features. The result does not depend on the batching, except that batches
    /// of 4096 rows reproduce `estimate(target:)` bit for bit (`MLP.logits` works 4096 rows at a time).
    /// - Parameter expectedRows: the number of target rows, if known, for progress fractions.
    public func evaluate(targetBatches nextBatch: () throws -> Tensor?, origin: String? = nil,
                         expectedRows: Int? = nil, progress: Progress? = nil) throws -> TargetEvaluation {
        let (evidence, predictedClasses) = try reader.read(batches: nextBatch, origin: origin, expectedRows: expectedRows, progress: progress)
        return try evaluate(evidence, predictedClasses: predictedClasses)
    }

    /// Every requested estimate for a target read already (by this evaluator's reader, or by a
    /// `HeadlineEstimate`'s, which gathers the same inputs with the same ProjNorm recipe).
    public func evaluate(_ evidence: TargetEvidence, predictedClasses: [Int]) throws -> TargetEvaluation {
        let result = try suite.estimate(evidence)
        return TargetEvaluation(estimates: result.estimates, skipped: result.skipped, predictions: evidence.predictions,
                                predictedClasses: predictedClasses, seconds: result.seconds, evidence: evidence)
    }
}

/// Turns target rows into `TargetEvidence`, a batch at a time: every model's outputs (logits,
/// and penultimate features when an estimator needs them), and the inputs collecting
/// estimators gather from the rows.
struct TargetReader: Sendable {
    let model: MLP
    let seedModels: [MLP]
    let collecting: [any TargetRowCollecting]
    let needsFeatures: Bool
    let modelName: String

    func read(_ features: Tensor, origin: String?) throws -> (evidence: TargetEvidence, predictedClasses: [Int]) {
        var pending: Tensor? = features
        return try read(batches: { defer { pending = nil }; return pending }, origin: origin, expectedRows: nil, progress: nil)
    }

    func read(batches nextBatch: () throws -> Tensor?, origin: String?, expectedRows: Int?,
              progress: ModelEvaluator.Progress?) throws -> (evidence: TargetEvidence, predictedClasses: [Int]) {
        let inputs = model.inputCount
        var logits: [[Float]] = Array(repeating: [], count: 1 + seedModels.count)
        var penultimate: [[Float]] = Array(repeating: [], count: 1 + seedModels.count)
        var collectors = collecting.map { $0.makeCollector(columnCount: inputs) }
        var predictedClasses: [Int] = []
        var rows = 0
        while let batch = try nextBatch() {
            if batch.rank == 2 && batch.rowCount == 0 { continue }
            guard batch.rank == 2 else {
                throw InputError(file: origin, "target data: expected a matrix [rows, \(inputs)], found shape \(batch.shape)")
            }
            guard batch.columnCount == inputs else {
                throw InputError(file: origin, "target data: the model takes \(inputs) features, the data has \(batch.columnCount) columns")
            }
            for (i, m) in ([model] + seedModels).enumerated() {
                let p = try ModelOutputs.predictions(of: m, batch, withFeatures: needsFeatures && i == 0, rows: "target data row", firstRow: rows,
                                                     origin: origin, model: i == 0 ? modelName : "seed model \(i)")
                logits[i].append(contentsOf: p.logits!.scalars)
                if let f = p.features { penultimate[i].append(contentsOf: f.scalars) }
                if i == 0 {
                    let classes = p.predictedClasses
                    predictedClasses.append(contentsOf: classes)
                    for c in collectors.indices { collectors[c].add(batch, predictedClasses: classes) }
                }
            }
            rows += batch.rowCount
            if let expectedRows, expectedRows > 0 { progress?("reading the target", Double(rows) / Double(expectedRows)) }
        }
        guard rows > 0 else {
            throw InputError(file: origin, "target data: expected at least one row, found none")
        }
        let all = ([model] + seedModels).enumerated().map { i, m in
            Predictions(trustedLogits: Tensor(shape: [rows, m.classCount], scalars: logits[i]),
                        features: needsFeatures && i == 0 ? Tensor(shape: [rows, penultimate[i].count / rows], scalars: penultimate[i]) : nil,
                        origin: origin)
        }
        var modelInputs: [EstimatorID: any Sendable] = [:]
        for (estimator, collector) in zip(collecting, collectors) { modelInputs[estimator.id] = collector.collected }
        return (try TargetEvidence(predictions: all[0], otherModels: Array(all.dropFirst()), modelInputs: modelInputs), predictedClasses)
    }
}
