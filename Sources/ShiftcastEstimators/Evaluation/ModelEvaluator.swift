import ShiftcastModel
import ShiftcastData

/// Every estimator for one model, fitted once on the labeled in-distribution validation set
/// and then applied to any number of unlabeled target sets.
///
/// What fitting does, once:
/// - the model's predictions on the source, which fit the prediction-based estimators;
/// - for GDE/ALine, `extraModels` independently seeded models — given, or trained on the
///   training data with the model's recipe;
/// - for ProjNorm, θ_ref: a fine-tune from θ0 on the labeled source (needs θ0: the model file's
///   init seed or stored init weights);
/// - the calibration lines of the two scores (ProjNorm, nuclear norm): labeled synthetic shifts
///   of the source validation set (`Options.calibrationShifts`), each scored and measured.
///
/// Each target then costs one forward pass per model and one ProjNorm fine-tune.
public struct ModelEvaluator: Sendable {
    public struct Options: Sendable {
        public var estimators: [String] = EstimatorName.all
        public var temperatureScaling = false
        public var projNorm = ProjNormConfiguration()
        /// Labeled shifts of the source used to calibrate ProjNorm and the nuclear norm.
        public var calibrationShifts: [(family: String, severity: Int)] =
            [("gaussian-noise", 1), ("gaussian-noise", 3), ("gaussian-noise", 5), ("contrast", 3), ("contrast", 5),
             ("impulse-noise", 3)]
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
    public let extraModels: [MLP]
    let sourceDataset: Dataset
    let extraSource: [LabeledPredictions]
    public let projNormReference: ProjNormReference?
    public let projNormCalibration: LinearCalibration?
    /// Why ProjNorm cannot run, if it cannot.
    public let projNormUnavailable: String?
    /// Why ProjNorm reports a score only, when its calibration fine-tunes diverged.
    let projNormCalibrationProblem: String?
    /// Why the extra seeded models (GDE, ALine) could not be trained, if they could not.
    let extraModelsUnavailable: String?
    public let theta0Description: String

    /// Fits everything on the labeled `source`.
    /// - Parameters:
    ///   - initialization: how θ0 is recovered (from the model file).
    ///   - training: the training data, used to train extra seeded models for GDE/ALine when
    ///     `extraModels` is empty.
    ///   - trainingConfiguration: the recipe for those models.
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
        sourceDataset = source
        let wants = Set(options.estimators)

        // Extra seeded models for GDE / ALine.
        var extra = givenExtra
        var seedModelProblem: String? = nil
        if extra.isEmpty, !wants.isDisjoint(with: EstimatorName.multiModel), let training, let trainingLabels = training.labels {
            let config = trainingConfiguration ?? TrainingConfiguration(length: .epochs(20), batchSize: 64, learningRate: 2e-3)
            do {
                extra = try SeedEnsemble.train(count: options.extraModelCount, architecture: model.architecture,
                                               features: training.features, labels: trainingLabels, configuration: config,
                                               baseSeed: options.seed &+ 10_000) { index, step in
                    progress?("training seed model \(index + 1)/\(options.extraModelCount)", Double(step.iteration) / Double(max(step.totalIterations, 1)))
                }
            } catch let error as TrainingDiverged {
                seedModelProblem = error.during("training the seed models on the training data with the model's recipe").description
            }
        }
        extraModels = extra
        extraModelsUnavailable = seedModelProblem
        extraSource = try extra.enumerated().map { index, seedModel in
            let logits = try ModelEvaluator.finiteLogits(of: seedModel, source.features, rows: "source (validation) data row",
                                                         origin: options.sourceOrigin, model: "seed model \(index + 1)")
            return try LabeledPredictions(predictions: Predictions(unchecked: logits.rowSoftmax(), origin: "seed model"), labels: labels)
        }

        // ProjNorm's reference fine-tune and the calibration of the scores.
        let sourceLogits = try ModelEvaluator.finiteLogits(of: model, source.features, rows: "source (validation) data row",
                                                           origin: options.sourceOrigin, model: options.modelName)
        let sourcePredictions = try LabeledPredictions(predictions: Predictions(unchecked: sourceLogits.rowSoftmax(), origin: "source"), labels: labels)
        var reference: ProjNormReference? = nil
        var unavailable: String? = nil
        switch initialization {
        case let .seed(s): theta0Description = "init seed \(s)"
        case .weights: theta0Description = "stored init weights"
        case .unknown: theta0Description = "unknown"
        }
        let theta0: MLP? = {
            switch initialization {
            case let .seed(s): return MLP(model.architecture, initSeed: s)
            case let .weights(m): return m
            case .unknown: return nil
            }
        }()
        if wants.contains("projnorm") {
            if let theta0 {
                do {
                    reference = try ProjNormReference(initial: theta0, sourceFeatures: source.features, sourceLabels: labels,
                                                      configuration: options.projNorm) { step in
                        progress?("ProjNorm reference fine-tune", Double(step.iteration) / Double(max(step.totalIterations, 1)))
                    }
                } catch let error as TrainingDiverged {
                    unavailable = error.during("its reference fine-tune on the source (validation) data").description
                }
            } else {
                unavailable = "the model file records no initialisation θ0 (no shiftcast.init_seed and no theta0.* tensors); on the command line give it with --init THETA0.safetensors, or --init fresh"
            }
        }
        projNormReference = reference
        projNormUnavailable = unavailable

        // Calibration sets: labeled shifts of the source validation set.
        var projNormPoints: ([Double], [Double]) = ([], [])
        var nuclearPoints: ([Double], [Double]) = ([], [])
        let needsNuclear = wants.contains("nuclear"), needsProjNorm = reference != nil
        var calibrationDescription = ""
        var divergedCalibrations = 0
        if needsNuclear || needsProjNorm {
            let context = try ShiftContext(source: source)
            let sets = options.calibrationShifts
            calibrationDescription = "source validation set under " + sets.map { "\($0.family)@\($0.severity)" }.joined(separator: ", ")
            for (index, item) in sets.enumerated() {
                progress?("calibrating scores on shifted validation sets", Double(index) / Double(sets.count))
                var g = SeededGenerator.derived(seed: options.seed, stream: 500 + UInt64(index))
                let shifted = try ShiftRegistry.shift(named: item.family).apply(to: source, severity: item.severity, context: context, using: &g)
                let accuracy = model.accuracy(shifted.features, labels: shifted.labels!)
                if needsNuclear {
                    nuclearPoints.0.append(NuclearNorm.score(model.probabilities(shifted.features)))
                    nuclearPoints.1.append(accuracy)
                }
                if let reference {
                    do {
                        projNormPoints.0.append(try reference.score(targetFeatures: shifted.features, model: model).projNorm)
                        projNormPoints.1.append(accuracy)
                    } catch is TrainingDiverged {
                        // A fine-tune that diverges on one calibration set leaves that point out.
                        divergedCalibrations += 1
                    }
                }
            }
        }
        projNormCalibration = needsProjNorm ? try? LinearCalibration(scores: projNormPoints.0, accuracies: projNormPoints.1, source: calibrationDescription) : nil
        projNormCalibrationProblem = divergedCalibrations == 0 ? nil
            : "\(divergedCalibrations) of the \(options.calibrationShifts.count) calibration fine-tunes diverged"
        var suiteOptions = EstimatorSuite.Options(estimators: options.estimators, temperatureScaling: options.temperatureScaling)
        suiteOptions.nuclearCalibration = needsNuclear ? try? LinearCalibration(scores: nuclearPoints.0, accuracies: nuclearPoints.1, source: calibrationDescription) : nil
        suite = try EstimatorSuite(source: sourcePredictions, options: suiteOptions)
    }

    /// Every requested estimate for the unlabeled `target` features, in `options.estimators` order.
    public func estimate(target: Tensor, origin: String? = nil, progress: Progress? = nil)
        throws -> (estimates: [Estimate], skipped: [EstimatorSuite.Skipped]) {
        var pending: Tensor? = target
        let result = try evaluate(targetBatches: { defer { pending = nil }; return pending }, origin: origin, progress: progress)
        return (result.estimates, result.skipped)
    }

    /// What one pass over a target set gives.
    public struct TargetEvaluation: Sendable {
        public var estimates: [Estimate]
        public var skipped: [EstimatorSuite.Skipped]
        /// The model's probabilities on every target row, in order.
        public var predictions: Predictions
        /// The model's predicted class (argmax of the logits) of every target row.
        public var predictedClasses: [Int]
    }

    /// Every requested estimate for a target set read a batch at a time: `nextBatch` returns
    /// the next rows `[rows, inputs]`, or `nil` after the last.
    ///
    /// Memory: one batch of features, plus `rows × classes` probabilities per model, plus
    /// ProjNorm's sample of at most `iterations × batchSize` rows (`ProjNormTargetSample`) —
    /// never the whole target's features. The result does not depend on the batching, except
    /// that batches of 4096 rows reproduce `estimate(target:)` bit for bit (`MLP.logits`
    /// works 4096 rows at a time).
    /// - Parameter expectedRows: the number of target rows, if known, for progress fractions.
    public func evaluate(targetBatches nextBatch: () throws -> Tensor?, origin: String? = nil,
                         expectedRows: Int? = nil, progress: Progress? = nil) throws -> TargetEvaluation {
        let classes = model.classCount
        var probabilities: [Float] = [], otherProbabilities = [[Float]](repeating: [], count: extraModels.count)
        let wantsProjNorm = options.estimators.contains("projnorm") && projNormReference != nil
        var sample = ProjNormTargetSample(columnCount: model.inputCount, configuration: options.projNorm)
        var predictedClasses: [Int] = []
        var rows = 0
        while let batch = try nextBatch() {
            if batch.rank == 2 && batch.rowCount == 0 { continue }
            guard batch.rank == 2 else {
                throw InputError(file: origin, "target data: expected a matrix [rows, \(model.inputCount)], found shape \(batch.shape)")
            }
            guard batch.columnCount == model.inputCount else {
                throw InputError(file: origin, "target data: the model takes \(model.inputCount) features, the data has \(batch.columnCount) columns")
            }
            let logits = try ModelEvaluator.finiteLogits(of: model, batch, rows: "target data row", firstRow: rows, origin: origin,
                                                         model: options.modelName)
            probabilities.append(contentsOf: logits.rowSoftmax().scalars)
            for (i, extra) in extraModels.enumerated() {
                let extraLogits = try ModelEvaluator.finiteLogits(of: extra, batch, rows: "target data row", firstRow: rows,
                                                                  origin: origin, model: "seed model \(i + 1)")
                otherProbabilities[i].append(contentsOf: extraLogits.rowSoftmax().scalars)
            }
            let classesOfBatch = logits.argmaxRows()
            predictedClasses.append(contentsOf: classesOfBatch)
            if wantsProjNorm { sample.add(batch, pseudoLabels: classesOfBatch) }
            rows += batch.rowCount
            if let expectedRows, expectedRows > 0 { progress?("reading the target", Double(rows) / Double(expectedRows)) }
        }
        guard rows > 0 else {
            throw InputError(file: origin, "target data: expected at least one row, found none")
        }
        let predictions = Predictions(unchecked: Tensor(shape: [rows, classes], scalars: probabilities), origin: origin)
        let others = try zip(extraSource, otherProbabilities).map { source, p in
            try ModelPredictions(source: source, target: Predictions(unchecked: Tensor(shape: [rows, classes], scalars: p), origin: origin))
        }
        var (estimates, skipped) = try suite.estimate(target: predictions, otherModels: others)
        skipped.removeAll { $0.estimator == "projnorm" }
        if options.estimators.contains("projnorm") {
            var score: Double? = nil, diverged: TrainingDiverged? = nil
            if let reference = projNormReference {
                do {
                    score = try reference.score(sample: sample) { step in
                        progress?("ProjNorm fine-tune", Double(step.iteration) / Double(max(step.totalIterations, 1)))
                    }.projNorm
                } catch let error as TrainingDiverged {
                    diverged = error
                }
            }
            if let diverged {
                skipped.append(.init(estimator: "projnorm", reason: diverged.during("its fine-tune on the pseudo-labeled target").description))
            } else if let score {
                let config = options.projNorm
                var settings: [Estimate.Setting] = [.init("iterations", "\(config.iterations)"), .init("learning_rate", "\(config.learningRate)"),
                                                    .init("batch_size", "\(config.batchSize)"), .init("seed", "\(config.seed)"),
                                                    .init("theta0", theta0Description)]
                var e = Estimate(estimator: "projnorm", accuracy: nil, standardError: nil, score: score, settings: settings)
                if let calibration = projNormCalibration {
                    settings += calibration.settings
                    e = Estimate(estimator: "projnorm", accuracy: calibration.accuracy(forScore: score),
                                 standardError: calibration.residualStandardDeviation, score: score, settings: settings)
                } else {
                    e.note = "score only: the calibration sets did not give a usable line"
                        + (projNormCalibrationProblem.map { " (\($0))" } ?? "")
                }
                let position = options.estimators.firstIndex(of: "projnorm")!
                let before = options.estimators[..<position]
                let insertAt = estimates.firstIndex { !before.contains($0.estimator) } ?? estimates.count
                estimates.insert(e, at: insertAt)
            } else {
                skipped.append(.init(estimator: "projnorm", reason: projNormUnavailable ?? "ProjNorm could not run"))
            }
        }
        if !options.estimators.filter({ EstimatorName.multiModel.contains($0) }).isEmpty && extraModels.isEmpty {
            for i in skipped.indices where EstimatorName.multiModel.contains(skipped[i].estimator) {
                skipped[i].reason = extraModelsUnavailable
                    ?? "needs extra seeded models: give the training data (--train) so shiftcast can train them"
            }
        }
        return TargetEvaluation(estimates: estimates, skipped: skipped, predictions: predictions, predictedClasses: predictedClasses)
    }

    /// `model`'s logits for `features` (4096 rows at a time, as `MLP.probabilities`), which
    /// must be finite: finite but huge features (or weights) overflow them, and every
    /// estimator would then compute NaN.
    /// - Throws: `InputError` naming `origin`, the first such row (`firstRow` + its index,
    ///   1-based, after `rows`), its largest |feature| and the largest |weight| of `name`.
    static func finiteLogits(of model: MLP, _ features: Tensor, rows: String, firstRow: Int = 0,
                             origin: String? = nil, model name: String = "the model") throws -> Tensor {
        let logits = model.logits(features, batchSize: 4096)
        guard let bad = logits.scalars.firstIndex(where: { !$0.isFinite }) else { return logits }
        let row = bad / Swift.max(logits.columnCount, 1), d = features.columnCount
        let largest = features.scalars[(row * d) ..< ((row + 1) * d)].map { abs($0) }.max() ?? 0
        let largestWeight = model.parameters.map { $0.scalars.map { abs($0) }.max() ?? 0 }.max() ?? 0
        let owner = name.hasPrefix("the model") ? "the model's" : "\(name)'s"
        throw InputError(file: origin, "\(rows) \(firstRow + row + 1): the outputs (logits) of \(name) overflow, found \(logits.scalars[bad]); "
                         + "the row's largest |feature| is \(largest) and \(owner) largest |weight| is \(largestWeight): "
                         + "expected features on the scale the model was trained on")
    }
}
