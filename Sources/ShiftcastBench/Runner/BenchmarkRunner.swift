import Foundation
import ShiftcastModel
import ShiftcastData
import ShiftcastEvaluation

/// Runs the benchmark: for each unit (a trained model) every shift family at every severity and
/// every estimator, writing `units/<unit>.json` as each unit completes, so an interrupted run
/// keeps what it finished and `resume` continues it.
///
/// Each unit's randomness derives from the configuration seed and the unit id only, so results
/// are the same whether the units run in one process or spread over shards.
public enum BenchmarkRunner {
    /// Progress: units done, units in this run, and what is happening.
    public typealias Progress = @Sendable (_ done: Int, _ total: Int, _ label: String) -> Void

    /// Runs the units of `shard` (all when nil) into `directory` and returns their results
    /// (loaded from disk for units finished earlier when `resume` is true).
    public static func run(_ configuration: BenchmarkConfiguration, directory: String, shard: Shard? = nil,
                           resume: Bool = false, progress: Progress? = nil) throws -> [UnitResult] {
        let fingerprint = try UnitStore.fingerprint(of: configuration)
        var tasks: [String: BenchmarkTask] = [:]
        return try UnitStore.run(units: configuration.units, id: \.id, fileName: \.fileName, directory: directory, fingerprint: fingerprint,
                                 shard: shard, resume: resume, what: "benchmark", progress: progress) { index, count, unit in
            if tasks[unit.task] == nil { tasks[unit.task] = try task(named: unit.task, configuration) }
            return try runUnit(unit, task: tasks[unit.task]!, configuration: configuration, fingerprint: fingerprint) { label, _ in
                progress?(index, count, "\(unit.id): \(label)")
            }
        }
    }

    /// All unit results found in the given directories (from shards or earlier runs); each unit once,
    /// in the configuration's unit order, so merged output equals an unsharded run's.
    /// - Throws: `InputError` if a unit appears twice with different content or configurations differ.
    public static func collect(directories: [String]) throws -> [UnitResult] {
        try UnitStore.collect(directories: directories, what: "benchmark") { fingerprint in
            (try? JSONDecoder().decode(BenchmarkConfiguration.self, from: Data(fingerprint.utf8)))?.units.map(\.id)
        }
    }

    /// Writes merged results to `<out>/units/`, one file per unit, as a run would.
    public static func write(_ results: [UnitResult], to out: String) throws {
        try UnitStore.write(results, fileName: \.unit.fileName, to: out)
    }

    /// The units of the configuration that `results` came from which `results` lack (all
    /// shards merged: none), in the configuration's order, with the configuration's unit count.
    public static func missingUnits(of results: [UnitResult]) -> (missing: [String], total: Int) {
        guard let first = results.first,
              let configuration = try? JSONDecoder().decode(BenchmarkConfiguration.self, from: Data(first.configuration.utf8))
        else { return ([], results.count) }
        return (UnitStore.missing(configuration.units.map(\.id), in: results), configuration.units.count)
    }

    /// The task called `name`, sized by the configuration.
    public static func task(named name: String, _ c: BenchmarkConfiguration) throws -> BenchmarkTask {
        try BenchmarkTask.named(name, seed: c.seed, trainCount: c.trainCount, evaluationCount: c.evaluationCount)
    }

    /// Trains the unit's model and its two seed partners, builds the target sets and estimates:
    /// one record per (target set, requested estimator) — a skipped estimator's record carries
    /// its reason — and each estimator's wall time per target set.
    public static func runUnit(_ unit: BenchmarkUnit, task: BenchmarkTask, configuration c: BenchmarkConfiguration,
                               fingerprint: String, status: (_ label: String, _ fraction: Double) -> Void) throws -> UnitResult {
        let stream = TargetSuite.streamKey(unit.id, 0)
        let architecture = MLPArchitecture(inputs: task.featureCount, hidden: unit.hidden, classes: task.classCount)
        let recipe = TrainingConfiguration.standard(epochs: unit.epochs)
        let labels = task.train.labels!
        status("training the model and two seed partners", 0)
        // The model under test and two partners (other seeds, same recipe) for GDE, ALine and transfer attacks.
        let seeds = [unit.seed, unit.seed &+ 1000, unit.seed &+ 2000]
        let models = try seeds.map { seed -> MLP in
            var model = MLP(architecture, initSeed: c.seed &* 7919 &+ seed)
            var config = recipe
            config.shuffleSeed = c.seed &+ seed
            try Trainer.train(&model, features: task.train.features, labels: labels, configuration: config)
            return model
        }
        status("fitting the estimators", 0.15)
        var options = ModelEvaluator.Options()
        let requested = try c.estimators.map { name in
            guard let id = EstimatorRegistry.selectableIDs.first(where: { $0.name == name }) else {
                throw InputError("benchmark configuration: unknown estimator '\(name)'")
            }
            return id
        }
        let wantsMeta = requested.contains(.meta)
        // The headline estimate reads every estimator's output on the target: then all are fitted.
        options.estimators = wantsMeta ? EstimatorRegistry.ids : requested.filter { $0 != .meta }
        options.projNorm = ProjNormConfiguration(iterations: c.projNormIterations, seed: stream)
        options.calibrationShifts = try c.calibrationShifts.map { try ShiftSpec(parsing: $0) }
        options.seed = stream
        let evaluator = try ModelEvaluator(model: models[0], initialization: .seed(c.seed &* 7919 &+ unit.seed),
                                           source: task.validation, extraModels: Array(models[1...]), options: options)
        var headline: HeadlineEstimate? = nil, headlineSkip: String? = nil
        if wantsMeta {
            status("making the meta-set", 0.2)
            var h = HeadlineEstimate.Options()
            h.seed = stream
            h.projNorm = options.projNorm
            h.metaSetCount = c.metaSetCount ?? MetaSetBuilder.defaultCount
            do {
                headline = try HeadlineEstimate(model: models[0], initialization: .seed(c.seed &* 7919 &+ unit.seed), validation: task.validation,
                                                seedModels: Array(models[1...]), options: h)
            } catch let unavailable as EstimatorUnavailable {
                headlineSkip = unavailable.reason.description
            }
        }
        status("making the shifted target sets", 0.3)
        let sets: [TargetSet]
        if let targets = c.targets {
            sets = try TargetSuite.make(task: task, targets: targets.map { try ShiftSpec(parsing: $0) }, model: models[0],
                                        surrogate: models[1], seed: stream)
        } else {
            let families = task.families.filter { c.families?.contains($0) ?? true }
            sets = try TargetSuite.make(task: task, families: families, severities: c.severities, model: models[0], surrogate: models[1],
                                        seed: stream)
        }
        let sourceAccuracy = models[0].accuracy(task.validation.features, labels: task.validation.labels!)
        var records: [BenchmarkRecord] = [], timings: [EstimatorTiming] = []
        for (i, set) in sets.enumerated() {
            status("estimating \(set.id) (\(i + 1)/\(sets.count))", 0.4 + 0.6 * Double(i) / Double(sets.count))
            let truth = models[0].accuracy(set.data.features, labels: set.data.labels!)
            let evaluation = try evaluator.evaluate(target: set.data.features)
            func record(_ estimator: EstimatorID, _ e: Estimate?, skipped: String?) -> BenchmarkRecord {
                BenchmarkRecord(task: unit.task, model: unit.id, hidden: unit.hidden.map(String.init).joined(separator: "x"),
                                epochs: unit.epochs, modelSeed: unit.seed, sourceAccuracy: sourceAccuracy,
                                family: set.family, kind: set.kind, severity: set.severity, trueAccuracy: truth,
                                estimator: estimator.name, predictedAccuracy: e?.accuracy, standardError: e?.standardError,
                                score: e?.score, skipReason: skipped)
            }
            if wantsMeta {
                // Judged leave-one-family-out: the map never saw a meta-set of this target's family.
                do {
                    guard let headline else { throw EstimatorUnavailable(.other(headlineSkip ?? "could not be fitted")) }
                    let clock = ContinuousClock(), start = clock.now
                    let both = try headline.estimates(evaluation.evidence, excludingFamilies: [set.family, nil])
                    let elapsed = start.duration(to: clock.now).components
                    let (heldOut, inFamily) = (both[0], both[1])
                    var r = record(.meta, heldOut, skipped: nil)
                    r.intervalLow = heldOut.intervalLow; r.intervalHigh = heldOut.intervalHigh
                    r.inFamilyAccuracy = inFamily.accuracy
                    r.inFamilyIntervalLow = inFamily.intervalLow; r.inFamilyIntervalHigh = inFamily.intervalHigh
                    records.append(r)
                    timings.append(EstimatorTiming(model: unit.id, shift: set.id, estimator: EstimatorID.meta.name,
                                                   seconds: Double(elapsed.seconds) + Double(elapsed.attoseconds) * 1e-18))
                } catch let unavailable as EstimatorUnavailable {
                    records.append(record(.meta, nil, skipped: unavailable.reason.description))
                }
            }
            let estimates = Dictionary(uniqueKeysWithValues: evaluation.estimates.map { ($0.estimator, $0) })
            let skipped = Dictionary(uniqueKeysWithValues: evaluation.skipped.map { ($0.estimator, $0.reason.description) })
            for id in evaluator.suite.estimators.map(\.id) where requested.contains(id) {
                if let e = estimates[id] { records.append(record(id, e, skipped: nil)) }
                else if let reason = skipped[id] { records.append(record(id, nil, skipped: reason)) }
                if let seconds = evaluation.seconds[id] {
                    timings.append(EstimatorTiming(model: unit.id, shift: set.id, estimator: id.name, seconds: seconds))
                }
            }
        }
        return UnitResult(unit: unit, configuration: fingerprint, records: records, timings: timings)
    }
}
