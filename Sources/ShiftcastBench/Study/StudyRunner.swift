import Foundation
import ShiftcastModel
import ShiftcastData
import ShiftcastEvaluation

/// Runs the generalization study: for each unit (task × stopping rule × grid point) it trains
/// the model, measures its accuracy on the training set, the clean test split and every shift
/// family at the study's severity, computes every parameter measure and every estimator's
/// prediction, and writes `units/<unit>.json` (so `--resume` and `--shard` work as in `bench`).
///
/// A grid point's initialisation and data order depend on the seed, the task and the grid point
/// only, not on the stopping rule: the two rules' models of a grid point follow the same
/// trajectory and differ only in where training stopped.
public enum StudyRunner {
    public typealias Progress = @Sendable (_ done: Int, _ total: Int, _ label: String) -> Void

    /// Runs the units of `shard` (all when nil) into `directory` and returns their results.
    public static func run(_ configuration: StudyConfiguration, directory: String, shard: Shard? = nil,
                           resume: Bool = false, progress: Progress? = nil) throws -> [StudyResult] {
        let fingerprint = try UnitStore.fingerprint(of: configuration)
        var contexts: [String: StudyTaskContext] = [:]
        return try UnitStore.run(units: configuration.units, id: \.id, fileName: \.fileName, directory: directory, fingerprint: fingerprint,
                                 shard: shard, resume: resume, what: "study", progress: progress) { index, count, unit in
            if contexts[unit.task] == nil {
                progress?(index, count, "\(unit.task): making the task and its shifted sets")
                contexts[unit.task] = try StudyTaskContext(task: unit.task, configuration: configuration)
            }
            return try runUnit(unit, context: contexts[unit.task]!, configuration: configuration, fingerprint: fingerprint)
        }
    }

    /// Every unit result in the given directories, in the configuration's unit order.
    public static func collect(directories: [String]) throws -> [StudyResult] {
        try UnitStore.collect(directories: directories, what: "study") { fingerprint in
            (try? JSONDecoder().decode(StudyConfiguration.self, from: Data(fingerprint.utf8)))?.units.map(\.id)
        }
    }

    /// The configuration's units that `results` lack, and the configuration's unit count.
    public static func missingUnits(of results: [StudyResult]) -> (missing: [String], total: Int) {
        guard let configuration = results.first.flatMap(configuration(of:)) else { return ([], results.count) }
        return (UnitStore.missing(configuration.units.map(\.id), in: results), configuration.units.count)
    }

    /// The configuration a result was made with.
    public static func configuration(of result: StudyResult) -> StudyConfiguration? {
        try? JSONDecoder().decode(StudyConfiguration.self, from: Data(result.configuration.utf8))
    }

    /// Writes merged results to `<out>/units/`, one file per unit, as a run would.
    public static func write(_ results: [StudyResult], to out: String) throws {
        try UnitStore.write(results, fileName: \.unit.fileName, to: out)
    }

    /// The seed of a grid point's initialisation (its data order uses the next one).
    static func initSeed(_ unit: StudyUnit, _ c: StudyConfiguration) -> UInt64 {
        c.seed &* 7919 &+ TargetSuite.streamKey("\(unit.task)/\(unit.hyperparameters.id)", 0)
    }

    /// Trains and measures one model.
    public static func runUnit(_ unit: StudyUnit, context: StudyTaskContext, configuration c: StudyConfiguration,
                               fingerprint: String) throws -> StudyResult {
        let task = context.task, labels = task.train.labels!
        let h = unit.hyperparameters
        let architecture = MLPArchitecture(inputs: task.featureCount, hidden: Array(repeating: h.width, count: h.depth),
                                           classes: task.classCount)
        let seed = initSeed(unit, c)
        let recipe = h.recipe(rule: unit.rule, configuration: c, shuffleSeed: seed &+ 1)
        var model = MLP(architecture, initSeed: seed)
        let summary: TrainingSummary
        do {
            summary = try Trainer.train(&model, features: task.train.features, labels: labels, configuration: recipe)
        } catch let error as TrainingDiverged {
            return StudyResult(unit: unit, configuration: fingerprint, diverged: error.description, epochs: 0, trainingLoss: 0,
                               converged: false, trainAccuracy: 0, validationAccuracy: 0, targets: [], measures: [], estimates: [])
        }
        let trainingLoss = summary.trainingLoss
            ?? SoftmaxCrossEntropy.loss(logits: model.logits(task.train.features, batchSize: 4096), labels: labels)
        guard trainingLoss.isFinite else {
            return StudyResult(unit: unit, configuration: fingerprint, diverged: "a training loss of \(trainingLoss) over the training set after training",
                               epochs: summary.epochs, trainingLoss: 0, converged: false, trainAccuracy: 0, validationAccuracy: 0,
                               targets: [], measures: [], estimates: [])
        }

        // The target sets: the task's shared ones, then the white-box attacks on this model.
        let stream = TargetSuite.streamKey(unit.id, 0)
        var sets = context.sharedTargets
        if !context.whiteBoxFamilies.isEmpty {
            let attacked = try TargetSuite.make(task: task, targets: context.whiteBoxFamilies.map { ShiftSpec($0, c.severity) },
                                                model: model, surrogate: nil, seed: c.seed)
            sets += attacked.dropFirst()
        }
        let order = task.families.filter { f in sets.contains { $0.family == f } }
        sets.sort { (order.firstIndex(of: $0.family) ?? -1) < (order.firstIndex(of: $1.family) ?? -1) }
        let targets = sets.map { set -> StudyTarget in
            let labels = set.data.labels!
            let correct = zip(model.predictions(set.data.features), labels).map { $0 == $1 }
            return StudyTarget(family: set.family, kind: set.kind, accuracy: Double(correct.filter { $0 }.count) / Double(max(labels.count, 1)),
                               perModel: context.whiteBoxFamilies.contains(set.family), correct: correct)
        }

        // Heuristics of the second kind: the parameter measures.
        var measureOptions = GeneralizationMeasures.Options()
        measureOptions.seed = stream
        measureOptions.sampleRows = c.measureSampleRows
        let measured = try GeneralizationMeasures(model: model, initial: MLP(architecture, initSeed: seed), features: task.train.features,
                                                  labels: labels, options: measureOptions)
        let measures = measured.values.map { m in
            m.value.map { !$0.isFinite } ?? false
                ? StudyMeasure(measure: m.measure, value: nil, reason: "not finite (\(m.value!))")
                : StudyMeasure(measure: m.measure, value: m.value, reason: m.reason)
        }

        // Heuristics of the first kind: every estimator, fitted on the validation split.
        var estimates: [StudyEstimate] = []
        if !c.estimators.isEmpty {
            let requested = try c.estimators.map { name in
                guard let id = EstimatorRegistry.selectableIDs.first(where: { $0.name == name }), id != .meta else {
                    throw InputError("study configuration: unknown estimator '\(name)' (meta is not a study heuristic)")
                }
                return id
            }
            var options = ModelEvaluator.Options()
            options.estimators = requested
            options.projNorm = ProjNormConfiguration(iterations: c.projNormIterations, seed: stream)
            options.calibrationShifts = try c.calibrationShifts.map { try ShiftSpec(parsing: $0) }
            options.seed = stream
            // GDE and ALine's seed partners: the same grid point and stopping rule, other seeds.
            let evaluator = try ModelEvaluator(model: model, initialization: .seed(seed), source: task.validation, training: task.train,
                                               trainingConfiguration: recipe, options: options)
            for set in sets {
                let evaluation = try evaluator.evaluate(target: set.data.features)
                let found = Dictionary(uniqueKeysWithValues: evaluation.estimates.map { ($0.estimator, $0.accuracy) })
                let skipped = Dictionary(uniqueKeysWithValues: evaluation.skipped.map { ($0.estimator, $0.reason.description) })
                for id in requested {
                    let p = (found[id] ?? nil).flatMap { $0.isFinite ? $0 : nil }
                    estimates.append(StudyEstimate(family: set.family, estimator: id.name, predictedAccuracy: p,
                                                   skipReason: p == nil ? skipped[id] ?? "no finite accuracy" : nil))
                }
            }
        }
        return StudyResult(unit: unit, configuration: fingerprint, epochs: summary.epochs, trainingLoss: trainingLoss,
                           converged: summary.reachedLossThreshold ?? true,
                           trainAccuracy: model.accuracy(task.train.features, labels: labels),
                           validationAccuracy: model.accuracy(task.validation.features, labels: task.validation.labels!),
                           targets: targets, measures: measures, estimates: estimates)
    }
}

/// What every model of one task shares: the task's splits and the target sets that do not
/// depend on the model (the clean test split, every non-adversarial family, and the transfer
/// attack crafted on one surrogate trained with the standard recipe).
public struct StudyTaskContext: Sendable {
    public let task: BenchmarkTask
    public let sharedTargets: [TargetSet]
    /// The white-box attack families, crafted against each model.
    public let whiteBoxFamilies: [String]

    public init(task name: String, configuration c: StudyConfiguration) throws {
        let task = try BenchmarkTask.named(name, seed: c.seed, trainCount: c.trainCount, evaluationCount: c.evaluationCount)
        self.task = task
        let adversarial = Set(BenchmarkTask.adversarialFamilies)
        let transfer = task.families.filter { $0.hasPrefix("transfer-") }
        let whiteBox = task.families.filter { adversarial.contains($0) && !$0.hasPrefix("transfer-") }
        whiteBoxFamilies = whiteBox
        let shared = task.families.filter { !whiteBox.contains($0) }
        // The surrogate of the transfer attacks (and the model the model-free shifts are made beside).
        let architecture = MLPArchitecture(inputs: task.featureCount, hidden: [64, 64], classes: task.classCount)
        let surrogateSeed = c.seed &* 7919 &+ TargetSuite.streamKey("\(name)/surrogate", 0)
        var surrogate = MLP(architecture, initSeed: surrogateSeed)
        try Trainer.train(&surrogate, features: task.train.features, labels: task.train.labels!,
                          configuration: .standard(shuffleSeed: surrogateSeed &+ 1))
        sharedTargets = try TargetSuite.make(task: task, targets: shared.map { ShiftSpec($0, c.severity) }, model: surrogate,
                                             surrogate: transfer.isEmpty ? nil : surrogate, seed: c.seed)
    }
}
