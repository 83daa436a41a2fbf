import Foundation
import Synchronization
import ShiftcastModel
import ShiftcastData

extension EstimatorID {
    /// The headline estimate: every estimator's output mapped to one accuracy with an interval.
    public static let meta = EstimatorID("meta")
}

/// One predicted accuracy with an honest interval, learned on labeled shifts of the user's own
/// validation set (in the spirit of Deng & Zheng, "Are Labels Always Necessary for Classifier
/// Accuracy Evaluation?", CVPR 2021, and of MDE's meta-set).
///
/// 1. The validation set is split, stratified by class and seeded: half the rows fit every
///    estimator of the registry (its source statistics, thresholds, θ_ref), the other half is
///    never seen by them and makes the meta-set (`MetaSetBuilder`).
/// 2. On each meta-set, every estimator's output and the model's true accuracy are recorded
///    (`MetaObservation`); the meta-sets are independent, so they run side by side, one per core.
///    An estimator that moves with the class priors alone reads a prior-balanced copy of the
///    set (`outputs(suite:evidence:seed:)`), and the ProjNorm input fine-tunes on the set's
///    distinct rows, class-balanced (`ProjNormConfiguration.balancesPseudoLabels`), for half the
///    recipe's iterations (`Options.projNormInput`).
/// 3. `MetaRegression` learns the map from the outputs to the accuracy, chooses its method by
///    leave-one-family-out cross-validation and measures a conformal interval the same way.
/// 4. A target's estimate: the same fitted estimators' outputs on it, through the map.
///
/// Each estimator's reliability for this model is its mean absolute error on the meta-set (a
/// score's, through a line fitted with its family held out).
public struct HeadlineEstimate: Sendable {
    public struct Options: Sendable {
        public var metaSetCount = MetaSetBuilder.defaultCount
        public var coverage = 0.9
        public var seed: UInt64 = 0
        /// The ProjNorm recipe (`--projnorm-iterations`, `--projnorm-lr`); the headline's own
        /// ProjNorm input is `projNormInput`.
        public var projNorm = ProjNormConfiguration()
        public var temperatureScaling = false
        public init() {}

        /// The recipe of the headline's ProjNorm input: `projNorm`'s, class-balanced, for half its
        /// iterations (250 of the default 500). Every meta-set and target pays this fine-tune, and
        /// the default bench measured the same held-out MAE at 250 iterations as at 500 (0.098
        /// against 0.097; Docs/Estimators.md) for half its cost.
        public var projNormInput: ProjNormConfiguration {
            var recipe = projNorm
            recipe.iterations = Swift.max(1, projNorm.iterations / 2)
            recipe.balancesPseudoLabels = true
            return recipe
        }
    }

    public enum Form: String, Sendable, Codable {
        /// An MLP of shiftcast's: every shift family, white-box and transfer attacks.
        case model
        /// Predictions only: resamplings of the validation rows.
        case predictions
        /// A model command (any framework, black box): the data families, no attacks.
        case command
    }

    /// The fewest labeled validation rows: half fit the estimators, half make the meta-sets.
    public static let minimumValidationRows = 40

    public let form: Form
    public let options: Options
    public let observations: [MetaObservation]
    public let regression: MetaRegression
    /// Estimators left out of the regression, and why.
    public let leftOut: [(estimator: EstimatorID, reason: String)]
    /// Each estimator's mean absolute error on the meta-set.
    public let reliability: [EstimatorID: Double]
    /// The estimators fitted on the fit half.
    public let suite: EstimatorSuite
    /// Reads a target's features into evidence (model form).
    let reader: TargetReader?
    /// The rows of each meta-set (the meta half's size): the set size at which the estimators
    /// whose output drifts with it (`Estimator.dependsOnSetSize`) are read.
    public let metaSetRows: Int
    /// Makes the meta-set again, to re-read it at a smaller target's size; nil when it cannot be
    /// made again (a saved meta-model of a model command).
    let remake: MetaSetRemaker?
    /// The meta-set's observations re-read at a smaller size, by row count.
    let resized = LockedCache<[MetaObservation]>()
    /// Maps refitted without a family (the benchmark's held-out judgement), kept for the next
    /// target of that family: the map depends on the family and its inputs, not the target.
    let heldOutMaps = LockedCache<MetaRegression>()

    /// The meta-set's families, in order of first appearance.
    public var families: [String] {
        var seen: [String] = []
        for o in observations { for f in o.families where !seen.contains(f) { seen.append(f) } }
        return seen
    }

    /// The stratified, seeded split of `labels`' rows: (fit, meta).
    public static func split(labels: [Int], seed: UInt64) -> (fit: [Int], meta: [Int]) {
        var g = SeededGenerator.derived(seed: seed, stream: SeedStreams.headlineSplit)
        var fit: [Int] = [], meta: [Int] = []
        var byClass: [Int: [Int]] = [:]
        for (i, y) in labels.enumerated() { byClass[y, default: []].append(i) }
        for y in byClass.keys.sorted() {
            var rows = byClass[y]!
            g.shuffle(&rows)
            // A class of one row goes to the fit half, which must see every class it can.
            let half = rows.count == 1 ? 1 : rows.count / 2 + (rows.count % 2 == 1 && fit.count <= meta.count ? 1 : 0)
            fit += rows[..<half]
            meta += rows[half...]
        }
        return (fit.sorted(), meta.sorted())
    }

    static func requireRows(_ labels: [Int]) throws {
        guard labels.count >= minimumValidationRows else {
            throw EstimatorUnavailable(.other("needs at least \(minimumValidationRows) labeled validation rows (half fit the estimators, half make the meta-sets), found \(labels.count)"))
        }
        guard Set(labels).count >= 2 else {
            throw EstimatorUnavailable(.other("needs at least 2 classes among the validation labels"))
        }
    }

    /// Runs the fit-half work, turning a failure on the internally made data (a half with one
    /// class, logits that overflow on a shifted copy) into a reason to skip `meta`, not a failure
    /// of the whole command.
    static func unavailableOnFailure<T>(_ work: () throws -> T) throws -> T {
        do { return try work() } catch let error as InputError {
            throw EstimatorUnavailable(.other("could not be fitted: \(error.message)"))
        } catch let error as TrainingDiverged {
            throw EstimatorUnavailable(.diverged(error.description))
        }
    }

    /// The model form: meta-sets are shifts of the validation rows through the shift catalogue
    /// and attacks on the model.
    /// - Parameter regression: a fitted map to reuse (`MetaModelFile`); nil builds the meta-set.
    public init(model: MLP, initialization: ModelFile.Initialization, validation: Dataset, seedModels: [MLP],
                options: Options = Options(), regression saved: SavedMeta? = nil,
                progress: ModelEvaluator.Progress? = nil) throws {
        let labels = validation.labels!
        try Self.requireRows(labels)
        let (fitRows, metaRows) = Self.split(labels: labels, seed: options.seed)
        var evaluatorOptions = ModelEvaluator.Options()
        // The headline's ProjNorm input reads class-conditional change only: a prior change
        // alone moves plain ProjNorm as an attack does, and the map cannot tell them apart.
        evaluatorOptions.projNorm = options.projNormInput
        evaluatorOptions.temperatureScaling = options.temperatureScaling
        evaluatorOptions.calibrationShifts = []
        evaluatorOptions.seed = options.seed
        let fitData = validation.selectingRows(fitRows)
        let evaluator = try Self.unavailableOnFailure {
            try ModelEvaluator(model: model, initialization: initialization, source: fitData, extraModels: seedModels,
                               options: evaluatorOptions, progress: progress)
        }
        let reader = evaluator.reader
        let suite = evaluator.suite
        let metaData = validation.selectingRows(metaRows), surrogate = seedModels.first
        let remake = MetaSetRemaker(sets: {
            var context = try ShiftContext(source: fitData)
            context.inputGradient = { model.inputGradient($0, labels: $1) }
            if let surrogate { context.surrogateInputGradient = { surrogate.inputGradient($0, labels: $1) } }
            return try Self.unavailableOnFailure {
                try MetaSetBuilder.modelForm(data: metaData, context: context, count: options.metaSetCount, seed: options.seed)
            }
        }, evidence: { set in
            let data = set.data!
            return (try reader.read(data.features, origin: "meta-set \(set.id)").evidence, data.labels!)
        })
        var observations = saved?.observations ?? []
        if saved == nil {
            progress?("making the meta-set", 0)
            observations = try Self.observe(try remake.sets(), suite: suite, seed: options.seed, progress: progress, evidence: remake.evidence)
        }
        try self.init(form: .model, options: options, suite: suite, reader: reader, observations: observations,
                      metaSetRows: metaRows.count, remake: remake)
    }

    /// The catalogue's transfer attacks: the only attacks a model command's meta-set can hold.
    static let transferFamilies = ShiftRegistry.all.compactMap { ($0 as? AdversarialShift).flatMap { $0.transfer ? $0.name : nil } }

    /// The model-command form: the model is a black box that turns input rows into outputs, so
    /// meta-sets are shifts of the validation rows through the catalogue's data families (white-box
    /// attacks need gradients, which a command cannot give), and every input the headline needs —
    /// the fit half and every meta-set — goes to the model in one call of `outputs`.
    /// - Parameter surrogate: a model of the same task whose input gradients craft the transfer
    ///   attacks of the meta-set (`transfer-pgd-linf`); nil leaves attacks out.
    public init(outputs: (Tensor) throws -> Predictions, validation: Dataset, surrogate: MLP? = nil, options: Options = Options(),
                regression saved: SavedMeta? = nil, progress: ModelEvaluator.Progress? = nil) throws {
        let labels = validation.labels!
        try Self.requireRows(labels)
        let (fitRows, metaRows) = Self.split(labels: labels, seed: options.seed)
        let fitData = validation.selectingRows(fitRows)
        var sets: [MetaSet] = []
        if saved == nil {
            progress?("making the meta-set", 0)
            var context = try ShiftContext(source: fitData)
            if let surrogate { context.surrogateInputGradient = { surrogate.inputGradient($0, labels: $1) } }
            sets = try Self.unavailableOnFailure {
                try MetaSetBuilder.modelForm(data: validation.selectingRows(metaRows), context: context,
                                             count: options.metaSetCount, seed: options.seed)
            }
        }
        progress?("running the model command on the fit half and the meta-set", 0.3)
        let all = try outputs(Tensor.concatenatingRows([fitData.features] + sets.map { $0.data!.features }))
        func slice(_ range: Range<Int>) -> Predictions { all.gatheringRows(Array(range)) }
        let fitPredictions = try LabeledPredictions(predictions: slice(0 ..< fitRows.count), labels: fitData.labels!)
        let suite = try Self.unavailableOnFailure {
            try EstimatorSuite(estimators: EstimatorRegistry.all(.init(projNorm: options.projNorm)),
                               source: SourceEvidence(predictions: fitPredictions,
                                                      inputRows: SourceInputRows(features: fitData.features, labels: fitData.labels!),
                                                      seed: options.seed),
                               options: .init(temperatureScaling: options.temperatureScaling))
        }
        var observations = saved?.observations ?? []
        var remake: MetaSetRemaker? = nil
        if saved == nil {
            var start = fitRows.count
            var slices: [String: Predictions] = [:]
            for set in sets { slices[set.id] = slice(start ..< start + set.data!.rowCount); start += set.data!.rowCount }
            // The command's answers on the meta-set are kept with the rows they answer: enough to re-read it at another size.
            let bySet = slices, data = Dictionary(uniqueKeysWithValues: sets.map { ($0.id, $0.data!) })
            let named = sets.map { MetaSet(id: $0.id, families: $0.families) }, estimators = suite.fittedEstimators
            remake = MetaSetRemaker(sets: { named }, evidence: { set in
                let predictions = bySet[set.id]!, rows = data[set.id]!
                let collected = TargetRowCollection.inputs(estimators, rows: rows.features, predictedClasses: predictions.predictedClasses)
                return (try TargetEvidence(predictions: predictions, modelInputs: collected), rows.labels!)
            })
            observations = try Self.observe(named, suite: suite, seed: options.seed, progress: progress, evidence: remake!.evidence)
        }
        try self.init(form: .command, options: options, suite: suite, reader: nil, observations: observations,
                      metaSetRows: metaRows.count, remake: remake)
    }

    /// The predictions form: meta-sets are resamplings of the validation rows (label priors,
    /// sub-populations, confidence strata); it cannot see covariate or adversarial shifts.
    public init(source: SourceEvidence, options: Options = Options(), regression saved: SavedMeta? = nil) throws {
        let labels = source.predictions.labels
        try Self.requireRows(labels)
        let (fitRows, metaRows) = Self.split(labels: labels, seed: options.seed)
        let fitSource = try SourceEvidence(predictions: source.predictions.gatheringRows(fitRows),
                                           otherModels: source.otherModels.map { $0.gatheringRows(fitRows) }, seed: options.seed)
        let suite = try Self.unavailableOnFailure {
            try EstimatorSuite(estimators: EstimatorRegistry.all(.init(projNorm: options.projNorm)), source: fitSource,
                               options: .init(temperatureScaling: options.temperatureScaling))
        }
        let meta = source.predictions.gatheringRows(metaRows), others = source.otherModels.map { $0.gatheringRows(metaRows) }
        let remake = MetaSetRemaker(sets: { MetaSetBuilder.predictionsForm(predictions: meta, count: options.metaSetCount, seed: options.seed) },
                                    evidence: { set in
            let rows = set.rows!
            let evidence = try TargetEvidence(predictions: meta.predictions.gatheringRows(rows),
                                              otherModels: others.map { $0.predictions.gatheringRows(rows) })
            return (evidence, rows.map { meta.labels[$0] })
        })
        var observations = saved?.observations ?? []
        if saved == nil {
            observations = try Self.observe(try remake.sets(), suite: suite, seed: options.seed, progress: nil, evidence: remake.evidence)
        }
        try self.init(form: .predictions, options: options, suite: suite, reader: nil, observations: observations,
                      metaSetRows: metaRows.count, remake: remake)
    }

    /// Each estimator's regression input from one estimate: an accuracy estimator's accuracy (COT
    /// also reports its cost as a score, which is not the input), a score's calibration value.
    /// Beside its accuracy, knn's raw score (`scoreInputs`) is an input of its own.
    static func inputs(_ estimates: [Estimate], scores: Set<EstimatorID>) -> [String: Double] {
        var values: [String: Double] = [:]
        for e in estimates {
            let value = scores.contains(e.estimator) ? e.calibrationValue ?? e.score : e.accuracy
            if let v = value, v.isFinite { values[e.estimator.name] = v }
            if let name = scoreInputs[e.estimator], let v = e.score, v.isFinite, v > 0 { values[name] = log(v) }
            if let (key, name) = settingInputs[e.estimator], let v = e.setting(key).flatMap(Double.init), v.isFinite { values[name] = v }
        }
        return values
    }

    /// Accuracy estimators one of whose settings is a regression input of its own, a score, under
    /// this name: knn's `scale_spread`, how unevenly the target's columns changed scale
    /// (`NeighbourClassifier.scaleSpread`) — a drift that rescales each feature by its own gain
    /// reads like an attack in every other input (Docs/Benchmark.md, "Shifts outside the
    /// catalogue"), and an attack's steps change every column alike.
    static let settingInputs: [EstimatorID: (key: String, name: String)] = [.nearestNeighbourAgreement: ("scale_spread", "knn-scale-spread")]

    /// The shift families that attack the model (FGSM, PGD, transfer attacks).
    static let adversarialFamilies = Set(ShiftRegistry.all.filter { $0.kind == .adversarial }.map(\.name))

    /// A note when the headline reads the target as an attack on the model: most of the meta-sets
    /// its candidates were weighted on are adversarial, and it lies below the median of the
    /// accuracy estimators by more than its interval's half-width. Benign shifts can look like
    /// that (values missing and imputed with the mean read as an FGSM set on the probe of
    /// Docs/Benchmark.md, "Shifts outside the catalogue"), so the note gives the reading without
    /// an attack beside it.
    static func attackNote(neighbourFamilies: [[String]], accuracyInputs: [Double], accuracy: Double, halfWidth: Double) -> String? {
        let attacked = neighbourFamilies.filter { $0.contains(where: adversarialFamilies.contains) }.count
        guard 2 * attacked > neighbourFamilies.count, !accuracyInputs.isEmpty else { return nil }
        let sorted = accuracyInputs.sorted(), n = sorted.count
        let median = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2
        guard median - accuracy > halfWidth else { return nil }
        let shown = (median * 100).rounded() / 100
        return "read as an attack on this model (\(attacked) of the \(neighbourFamilies.count) meta-sets nearest it are adversarial): if these rows cannot have been crafted against the model, the accuracy estimators' median, \(shown), is the reading without an attack"
    }

    /// Accuracy estimators whose raw score is a second regression input, a score, under this
    /// name (its logarithm): knn's input-space distance ratio (`NearestNeighbourAgreement`),
    /// which tells rows that moved from rows reweighted — a sub-population or a prior change
    /// that the accuracy estimators and ProjNorm can read like damage (default bench, held out:
    /// MAE 0.095 → 0.091, sub-population 0.104 → 0.052, label shift 0.032 → 0.025).
    static let scoreInputs: [EstimatorID: String] = [.nearestNeighbourAgreement: "knn-distance"]

    /// The regression inputs from one target: every estimator's output on it, except that an
    /// estimator whose output moves with the class priors alone (`Estimator.dependsOnClassPriors`)
    /// reads the target's prior-balanced copy (`priorBalanced`). A prior change then moves only
    /// the estimators that account for it (ATC, DoC, …), and the map cannot mistake it for the
    /// damage of an attack or a corruption, which moves COT or the nuclear norm the same way.
    /// `columns`: those estimators' outputs on the target as it is (the side-by-side columns').
    /// `only`: just these estimators' outputs.
    static func outputs(suite: EstimatorSuite, evidence: TargetEvidence, seed: UInt64, only: Set<EstimatorID>? = nil) throws
        -> (inputs: [String: Double], columns: [String: Double]) {
        let scores = Set(suite.scoreEstimators)
        var values = inputs(try suite.estimate(evidence, only: only).estimates, scores: scores)
        let sensitive = Set(suite.fittedEstimators.filter { $0.dependsOnClassPriors && only?.contains($0.id) != false }.map(\.id))
        guard !sensitive.isEmpty else { return (values, [:]) }
        let columns = values.filter { sensitive.contains(EstimatorID($0.key)) }
        for id in sensitive { values[id.name] = nil }
        let balanced = try suite.estimate(priorBalanced(evidence, suite: suite, seed: seed), only: sensitive)
        values.merge(inputs(balanced.estimates, scores: scores)) { $1 }
        return (values, columns)
    }

    /// The target's rows resampled so that each predicted class is as frequent as on the source
    /// (`ClassBalancedRows`): under a pure change of class priors, a copy distributed like the source.
    /// A class the source never predicts counts as half a prediction, so that its rows — an
    /// attack's favourite class, say — keep a share instead of vanishing from the copy.
    static func priorBalanced(_ evidence: TargetEvidence, suite: EstimatorSuite, seed: UInt64) throws -> TargetEvidence {
        let weights = suite.sourcePredictedClassCounts.map { max(2 * $0, 1) }
        let rows = ClassBalancedRows.rows(classes: evidence.predictions.predictedClasses, weights: weights,
                                          seed: seed, stream: SeedStreams.priorBalance)
        return try TargetEvidence(predictions: evidence.predictions.gatheringRows(rows),
                                  otherModels: evidence.otherModels.map { $0.gatheringRows(rows) }, modelInputs: evidence.modelInputs)
    }

    /// Every meta-set's observation, computed side by side on the cores. A meta-set on which the
    /// estimators cannot run (logits that overflow on a shifted copy) is left out; if every one
    /// is, the first one's error, in set order, says why.
    static func observe(_ sets: [MetaSet], suite: EstimatorSuite, seed: UInt64, progress: ModelEvaluator.Progress?,
                        evidence: @Sendable (MetaSet) throws -> (TargetEvidence, [Int])) throws -> [MetaObservation] {
        let results = Mutex<[Int: Result<MetaObservation, Error>]>([:])
        let done = Atomic<Int>(0)
        Parallel.forEach(count: sets.count) { i in
            let outcome: Result<MetaObservation, Error> = Result {
                let (e, labels) = try evidence(sets[i])
                let (values, columns) = try outputs(suite: suite, evidence: e, seed: seed)
                return MetaObservation(id: sets[i].id, families: sets[i].families,
                                       trueAccuracy: try LabeledPredictions(predictions: e.predictions, labels: labels).accuracy,
                                       values: values, columnValues: columns)
            }
            results.withLock { $0[i] = outcome }
            let n = done.add(1, ordering: .relaxed).newValue
            progress?("estimating on the meta-set", Double(n) / Double(sets.count))
        }
        let all = results.withLock { $0 }
        let observations = (0 ..< sets.count).compactMap { try? all[$0]!.get() }
        if observations.isEmpty, let first = (0 ..< sets.count).lazy.compactMap({ i -> Error? in
            if case let .failure(error) = all[i]! { return error } else { return nil } }).first {
            throw EstimatorUnavailable(.other("no meta-set could be estimated: \(first)"))
        }
        return observations
    }

    init(form: Form, options: Options, suite: EstimatorSuite, reader: TargetReader?, observations: [MetaObservation],
         metaSetRows: Int, remake: MetaSetRemaker?) throws {
        self.form = form
        self.options = options
        self.suite = suite
        self.reader = reader
        self.observations = observations
        self.metaSetRows = metaSetRows
        self.remake = remake
        let (inputs, leftOut) = Self.chooseInputs(observations, suite: suite)
        guard !inputs.isEmpty, observations.count >= 4 else {
            throw EstimatorUnavailable(.other("no estimator gave a usable output on the meta-set"))
        }
        guard Set(observations.map { ($0.trueAccuracy * 1e9).rounded() }).count > 1 else {
            throw EstimatorUnavailable(.other("every meta-set has the same accuracy (\(observations[0].trueAccuracy)): nothing to learn the map from"))
        }
        self.leftOut = leftOut
        regression = MetaRegression(observations: observations, inputs: inputs.map(\.name), isScore: Self.scores(inputs.map(\.name), suite),
                                    coverage: options.coverage)
        reliability = Self.reliability(observations, suite: suite)
    }

    /// Whether each named input is a score.
    static func scores(_ names: [String], _ suite: EstimatorSuite) -> [Bool] {
        names.map { name in
            scoreInputs.values.contains(name) || settingInputs.values.contains { $0.name == name }
                || suite.estimators.first { $0.id.name == name }?.output.isScore ?? false
        }
    }

    /// The estimators with a finite, varying output on every meta-set, in report order; the
    /// others with the reason.
    static func chooseInputs(_ observations: [MetaObservation], suite: EstimatorSuite) -> ([EstimatorID], [(estimator: EstimatorID, reason: String)]) {
        var inputs: [EstimatorID] = [], leftOut: [(estimator: EstimatorID, reason: String)] = []
        for id in suite.estimators.map(\.id) {
            let values = observations.compactMap { $0.values[id.name] }
            if values.isEmpty {
                let skip = suite.skippedAtFit.first { $0.estimator == id }?.reason.description ?? "gave no output"
                leftOut.append((id, skip))
            } else if values.count < observations.count {
                leftOut.append((id, "no output on \(observations.count - values.count) of the \(observations.count) meta-sets"))
            } else if Set(values).count < 2 {
                leftOut.append((id, "the same output on every meta-set"))
            } else {
                inputs.append(id)
                // Its raw score too, where it has one on every meta-set and it varies (silently
                // otherwise: the estimator itself is an input).
                for name in [scoreInputs[id], settingInputs[id]?.name].compactMap({ $0 }) {
                    let scores = observations.compactMap { $0.values[name] }
                    if scores.count == observations.count, Set(scores).count > 1 { inputs.append(EstimatorID(name)) }
                }
            }
        }
        return (inputs, leftOut)
    }

    /// Each estimator's MAE on the meta-set: an accuracy's error, or a score's error through a
    /// least-squares line fitted with the set's family held out — of its side-by-side output
    /// (`MetaObservation.columnValue`), not of a prior-balanced regression input.
    static func reliability(_ observations: [MetaObservation], suite: EstimatorSuite) -> [EstimatorID: Double] {
        var out: [EstimatorID: Double] = [:]
        for estimator in suite.estimators {
            let name = estimator.id.name
            let have = observations.filter { $0.columnValue(name) != nil }
            guard have.count >= 4 else { continue }
            var errors: [Double] = []
            if !estimator.output.isScore {
                errors = have.map { abs($0.columnValue(name)! - $0.trueAccuracy) }
            } else {
                for o in have {
                    let train = have.filter { t in !o.families.contains { t.involves($0) } }
                    guard train.count >= 2,
                          let line = try? LinearCalibration(scores: train.map { $0.columnValue(name)! }, accuracies: train.map(\.trueAccuracy), source: "meta-set")
                    else { continue }
                    errors.append(abs(line.accuracy(forScore: o.columnValue(name)!) - o.trueAccuracy))
                }
            }
            if !errors.isEmpty { out[estimator.id] = errors.reduce(0, +) / Double(errors.count) }
        }
        return out
    }

    /// The headline estimate for a target, from the fit-half estimators' outputs on it.
    /// - Parameter excludingFamily: refit the map without every meta-set involving this family
    ///   (the benchmark's leave-one-family-out judgement).
    public func estimate(_ target: TargetEvidence, excludingFamily: String? = nil) throws -> Estimate {
        try estimates(target, excludingFamilies: [excludingFamily])[0]
    }

    /// Several estimates for one target — the whole meta-set, or without one family — from one
    /// pass of the fit-half estimators over it (the benchmark asks for both).
    ///
    /// Target and meta-sets are compared at one size, as some estimators drift with it
    /// (`Estimator.dependsOnSetSize`). On a target of n > m rows (m, the meta-sets' size), those
    /// read the mean over ⌊n/m⌋ (at most 3) disjoint random m-row parts of it (`targetInputs`).
    /// On a target of d < 0.9·m distinct rows, the meta-set is re-read on subsets of
    /// `rereadSize(d)` rows (`observations(atRows:)`) and the map refitted there.
    public func estimates(_ target: TargetEvidence, excludingFamilies: [String?]) throws -> [Estimate] {
        guard let warning = absentClassesWarning(target) else { return try sizeMatchedEstimates(target, excludingFamilies: excludingFamilies) }
        // The prior-balanced inputs read such a target as damaged: the map goes without them.
        let distrusted = Set(classBalancingInputs)
        return try sizeMatchedEstimates(target, excludingFamilies: excludingFamilies, leavingOut: distrusted).map { e in
            var e = e
            e.note = [e.note, warning].compactMap { $0 }.joined(separator: "; ")
            return e
        }
    }

    /// The inputs read on a class-balanced copy of a set: the prior-dependent estimators'
    /// (`Estimator.dependsOnClassPriors`) and ProjNorm's, which fine-tunes on balanced pseudo-labels.
    var classBalancingInputs: [String] {
        suite.fittedEstimators.filter { $0.dependsOnClassPriors || $0.id == .projNorm }.map(\.id.name)
    }

    /// A warning when the target's predictions miss, or nearly miss, classes the source predicts at
    /// least half as often as a uniform share — each predicted at under `missingClassShare` of its
    /// share of the source's predictions: a balanced copy cannot bring such a class back (it can
    /// only repeat its few rows), so the inputs read on one (`classBalancingInputs`) would see the
    /// set as damaged, and the map leaves them out for this target (Docs/Estimators.md, "Limits").
    func absentClassesWarning(_ target: TargetEvidence) -> String? {
        let balanced = classBalancingInputs
        let counts = suite.sourcePredictedClassCounts, total = counts.reduce(0, +)
        guard !balanced.isEmpty, total > 0 else { return nil }
        let predicted = target.predictions.predictedClassCounts, targetTotal = predicted.reduce(0, +)
        guard predicted.count == counts.count, targetTotal > 0 else { return nil }
        let missing = counts.indices.filter { c in
            2 * counts.count * counts[c] >= total
                && Double(predicted[c]) * Double(total) < Self.missingClassShare * Double(counts[c]) * Double(targetTotal)
        }
        guard !missing.isEmpty else { return nil }
        let absent = missing.filter { predicted[$0] == 0 }.count
        let what = absent == missing.count ? "miss" : absent == 0 ? "nearly miss" : "miss or nearly miss"
        // Estimators that read a prior change right (means over rows), to compare with.
        let readers = suite.fittedEstimators.contains { $0.id == .nearestNeighbourAgreement } ? "ATC, DoC and knn" : "ATC and DoC"
        let share = Int((Self.missingClassShare * 100).rounded())
        return "the target's predictions \(what) \(missing.count) of the \(counts.count) classes (\(missing.map(String.init).joined(separator: ", ")); under \(share) % of their share on the source): \(balanced.joined(separator: ", ")) cannot balance them back and would read the set as damaged, so the map leaves them out; compare with \(readers)"
    }

    /// A class predicted on the target at under this share of its rate on the source counts as
    /// missing for `absentClassesWarning`. Measured on the default bench, held out (dumped inputs,
    /// the map re-implemented in numpy): only classes never predicted 0.098, under 0.05 of their
    /// share 0.098, under 0.1 0.097 (label shift 0.062 → 0.040; image translation 0.115 → 0.131),
    /// under 0.25 0.097, under 0.5 0.099.
    static let missingClassShare = 0.1

    /// - Parameter leavingOut: inputs the map goes without on this target (said in its note); they
    ///   are not computed on it.
    func sizeMatchedEstimates(_ target: TargetEvidence, excludingFamilies: [String?], leavingOut: Set<String> = []) throws -> [Estimate] {
        let reading = leavingOut.isEmpty ? nil : Set(suite.fittedEstimators.map(\.id).filter { !leavingOut.contains($0.name) })
        var (values, pool) = try sizeMatchedInputs(target, reading: reading)
        pool.leftOut.formUnion(leavingOut)
        return try excludingFamilies.map { try estimate(values: values, excludingFamily: $0, pool: pool) }
    }

    /// The target's regression inputs (of the estimators in `reading`; nil: every one) and the
    /// observations its map is fitted on, at one size.
    func sizeMatchedInputs(_ target: TargetEvidence, reading: Set<EstimatorID>? = nil) throws -> (values: [String: Double], pool: MetaPool) {
        let sized = sizeDependent
        // A set resampled with replacement holds fewer rows than it lists: its distinct rows are its size.
        let n = Self.distinctRowCount(target.predictions)
        guard !sized.isEmpty, Double(n) < Self.smallTargetFraction * Double(metaSetRows) else {
            return (try targetInputs(target, reading: reading), MetaPool(observations: observations))
        }
        var values = try Self.outputs(suite: suite, evidence: target, seed: options.seed, only: reading).inputs
        let names = sized.map(\.name).sorted().joined(separator: ", "), what = n == target.count ? "\(n) rows" : "\(n) distinct rows"
        let size = Self.rereadSize(n, metaSetRows: metaSetRows)
        let pool: MetaPool
        if let small = try observations(atRows: size) {
            pool = MetaPool(observations: small, rereadRows: size,
                            note: "a target of \(what), fewer than the meta-sets' \(metaSetRows): the meta-set re-read on \(size)-row subsets (\(rereadCopies == 1 ? "one" : "\(rereadCopies)") of each set), as \(names) drift with the size")
        } else {
            for id in sized { values[id.name] = nil }
            pool = MetaPool(observations: observations, leftOut: Set(sized.map(\.name)),
                            note: "a target of \(what), fewer than the meta-sets' \(metaSetRows), and a saved meta-set that cannot be re-read at that size: \(names) left out of the map")
        }
        return (values, pool)
    }

    /// The observations a target's map is fitted on: the meta-set as observed, or re-read at a
    /// smaller target's size; with the inputs left out on purpose and the note that says why.
    struct MetaPool {
        var observations: [MetaObservation]
        /// The subset size when the meta-set was re-read at the target's size.
        var rereadRows: Int? = nil
        /// Inputs left out of the map on purpose (said in `note`), not for want of an output.
        var leftOut: Set<String> = []
        var note: String? = nil
        /// Part of a cached map's key: maps fitted on different pools differ.
        var key: String { rereadRows.map { "rows \($0)" } ?? "" }
    }

    /// The size at which the meta-set is re-read for a target of n < 0.9·m (distinct) rows: the
    /// largest ⌊m · 0.9^k⌋ ≤ n, so that targets of nearly the same size share one re-reading
    /// (each costs every estimator, ProjNorm's fine-tunes among them, on `rereadCopies` subsets of
    /// every meta-set) and the meta-sets a target is compared with are never larger than it.
    static func rereadSize(_ n: Int, metaSetRows m: Int) -> Int {
        var size = Double(m)
        while size.rounded(.down) > Double(n) { size *= smallTargetFraction }
        return Swift.max(1, Int(size.rounded(.down)))
    }

    /// The number of distinct rows of a set's predictions (equal rows: equal inputs, or as good as).
    static func distinctRowCount(_ predictions: Predictions) -> Int { predictions.probabilities.distinctRowIndices().count }

    /// A target smaller than this share of the meta-sets' rows has the meta-set re-read at its size.
    static let smallTargetFraction = 0.9
    /// The most m-row subsets of a large target a size-dependent estimator is averaged over.
    static let largeTargetSubsets = 3

    /// The fitted estimators whose output drifts with the set's size.
    var sizeDependent: Set<EstimatorID> { Set(suite.fittedEstimators.filter(\.dependsOnSetSize).map(\.id)) }

    /// The regression inputs from a target (`outputs`), a size-dependent estimator's averaged over
    /// ⌊n/m⌋ (at most `largeTargetSubsets`) disjoint random m-row subsets when the target has
    /// n ≥ 2m rows — the size every meta-set was read at — and read on one when m < n < 2m.
    /// - Parameter reading: just these estimators' inputs (nil: every fitted one's).
    func targetInputs(_ target: TargetEvidence, reading: Set<EstimatorID>? = nil) throws -> [String: Double] {
        let n = target.count, m = metaSetRows, all = Set(suite.fittedEstimators.map(\.id))
        let read = reading.map { all.intersection($0) } ?? all, sized = sizeDependent.intersection(read)
        guard !sized.isEmpty, m > 0, n > m else { return try Self.outputs(suite: suite, evidence: target, seed: options.seed, only: read).inputs }
        let others = read.subtracting(sized)
        var values = try Self.outputs(suite: suite, evidence: target, seed: options.seed, only: others).inputs
        var g = SeededGenerator.derived(seed: options.seed, stream: SeedStreams.setSizeMatch)
        var order = Array(0 ..< n)
        g.shuffle(&order)
        var sums: [String: (total: Double, count: Int)] = [:]
        for j in 0 ..< Swift.min(n / m, Self.largeTargetSubsets) {
            let part = try target.selectingRows(order[j * m ..< (j + 1) * m].sorted())
            for (name, v) in try Self.outputs(suite: suite, evidence: part, seed: options.seed, only: sized).inputs {
                sums[name, default: (0, 0)].total += v
                sums[name, default: (0, 0)].count += 1
            }
        }
        for (name, sum) in sums { values[name] = sum.total / Double(sum.count) }
        return values
    }

    /// The fewest observations a smaller target's map is fitted on: each meta-set is re-read on
    /// `rereadCopies` random subsets, enough copies for this many (one of each at the default count).
    static let rereadObservations = 240

    /// How many random subsets of each meta-set a smaller target's meta-set is re-read on.
    var rereadCopies: Int { Swift.max(1, (Self.rereadObservations + observations.count - 1) / Swift.max(observations.count, 1)) }

    /// The meta-set re-read at n rows: each meta-set's random n-row subsets (without repeats;
    /// `rereadCopies` of them), each a new observation — every estimator's output and the model's
    /// accuracy on those rows — so that the map learns from sets as large, and as noisy, as the
    /// target. Nil when the meta-set cannot be made again. Computed once per n, side by side.
    func observations(atRows n: Int) throws -> [MetaObservation]? {
        let key = "\(n)"
        if let cached = resized[key] { return cached }
        guard let remake else { return nil }
        let sets = try remake.sets(), seed = options.seed, suite = suite, copies = rereadCopies
        let observed = Set(observations.map(\.id))
        let results = Mutex<[Int: MetaObservation]>([:])
        Parallel.forEach(count: sets.count) { i in
            guard observed.contains(sets[i].id), let (evidence, labels) = try? remake.evidence(sets[i]) else { return }
            var g = SeededGenerator.derived(seed: seed, stream: SeedStreams.setSizeMatch &+ 1 &+ UInt64(i))
            for c in 0 ..< copies {
                var order = Array(0 ..< evidence.count)
                g.shuffle(&order)
                let rows = order.prefix(Swift.min(n, evidence.count)).sorted()
                guard let part = try? evidence.selectingRows(rows),
                      let values = try? Self.outputs(suite: suite, evidence: part, seed: seed).inputs,
                      let truth = try? LabeledPredictions(predictions: part.predictions, labels: rows.map { labels[$0] }).accuracy else { continue }
                let o = MetaObservation(id: sets[i].id + "/\(c + 1)", families: sets[i].families, trueAccuracy: truth, values: values)
                results.withLock { $0[i * copies + c] = o }
            }
        }
        let all = results.withLock { $0 }
        let small = (0 ..< sets.count * copies).compactMap { all[$0] }
        resized[key] = small
        return small
    }

    func estimate(values: [String: Double], excludingFamily: String?,
                  pool: MetaPool) throws -> Estimate {
        var map = regression
        let missing = regression.inputs.filter { values[$0] == nil }
        if excludingFamily != nil || !missing.isEmpty || pool.rereadRows != nil {
            // The held-out family influences nothing: not the map, nor which inputs it takes.
            let kept = pool.observations.filter { o in excludingFamily.map { !o.involves($0) } ?? true }
            let inputs = Self.chooseInputs(kept, suite: suite).0.map(\.name).filter { values[$0] != nil }
            guard !inputs.isEmpty, kept.count >= 4, Set(kept.map(\.trueAccuracy)).count > 1 else {
                throw EstimatorUnavailable(.other("too few meta-sets or estimator outputs left to learn the map from"))
            }
            // The map depends on the family left out and the inputs it takes, nothing else.
            let key = (excludingFamily ?? "") + "|" + pool.key + "|" + inputs.joined(separator: ",")
            if let cached = heldOutMaps[key] {
                map = cached
            } else {
                map = MetaRegression(observations: kept, inputs: inputs, isScore: Self.scores(inputs, suite), coverage: options.coverage)
                heldOutMaps[key] = map
            }
        }
        let prediction = map.predict(map.inputs.map { values[$0]! })
        var notes: [String] = []
        if prediction.extrapolating { notes.append("unlike every synthetic shift: extrapolating (interval doubled, and widened to hold every candidate's reading)") }
        let accuracies = zip(map.inputs, map.isScore).compactMap { $1 ? nil : values[$0] }
        if let note = Self.attackNote(neighbourFamilies: prediction.neighbourFamilies, accuracyInputs: accuracies,
                                      accuracy: prediction.accuracy, halfWidth: prediction.halfWidth) {
            notes.append(note)
        }
        if let note = pool.note { notes.append(note) }
        let unread = missing.filter { !pool.leftOut.contains($0) }
        if !unread.isEmpty { notes.append("left out of the map on this target (no output): \(unread.joined(separator: ", "))") }
        if form == .predictions { notes.append("meta-set of resampled validation rows only: it cannot see covariate or adversarial shifts") }
        if form == .command {
            notes.append(observations.contains { o in Self.transferFamilies.contains { o.involves($0) } }
                ? "a model command gives no gradients: its meta-set's attacks are transfer attacks from a surrogate"
                : "a model command gives no gradients: its meta-set has no adversarial sets (give --train for transfer attacks)")
        }
        // Estimators that ran but could not serve (those that cannot run at all are listed as skipped).
        let skippedAtFit = Set(suite.skippedAtFit.map(\.estimator))
        let unusable = leftOut.filter { !skippedAtFit.contains($0.estimator) }
        if !unusable.isEmpty && excludingFamily == nil {
            notes.append("left out of the map: " + unusable.map { "\($0.estimator.name) (\($0.reason))" }.joined(separator: "; "))
        }
        // The normal-equivalent standard error of the interval actually given.
        let z = Probit.inverse((1 + map.coverage) / 2)
        let halfWidth = Swift.max(prediction.halfWidth, prediction.accuracy - prediction.low, prediction.high - prediction.accuracy)
        var e = Estimate(estimator: .meta, accuracy: prediction.accuracy, standardError: halfWidth / z,
                         settings: [.init("method", prediction.lead), .init("meta_sets", "\(map.setCount)"),
                                    .init("coverage", number: map.coverage), .init("half_width", number: prediction.halfWidth),
                                    .init("cross_validated_mae", number: map.crossValidatedError),
                                    .init("inputs", map.inputs.joined(separator: " ")), .init("form", form.rawValue)],
                         note: notes.isEmpty ? nil : notes.joined(separator: "; "))
        // A smaller target's map was fitted on the meta-set re-read at its size.
        if let rows = pool.rereadRows { e.settings.append(.init("reread_rows", "\(rows)")) }
        e.intervalLow = prediction.low
        e.intervalHigh = prediction.high
        return e
    }

    /// Reads a target (model form), a batch at a time, into the evidence every estimator needs —
    /// the fit-half estimators' and, with the same ProjNorm recipe, a `ModelEvaluator`'s.
    public func readTarget(batches nextBatch: () throws -> Tensor?, origin: String? = nil, expectedRows: Int? = nil,
                           progress: ModelEvaluator.Progress? = nil) throws -> (evidence: TargetEvidence, predictedClasses: [Int]) {
        guard let reader else { preconditionFailure("readTarget: the predictions form has no model to read a target with") }
        return try reader.read(batches: nextBatch, origin: origin, expectedRows: expectedRows, progress: progress)
    }

    /// What `--save-meta` keeps: the meta-set's observations (the map is refitted from them, so a
    /// file never disagrees with the code that reads it) and the options it was made with.
    public struct SavedMeta: Sendable, Codable, Equatable {
        public var observations: [MetaObservation]
        public init(observations: [MetaObservation]) { self.observations = observations }
    }

    public var saved: SavedMeta { SavedMeta(observations: observations) }
}

/// How to make the meta-set again: its sets, and each set's evidence with its rows' labels.
struct MetaSetRemaker: Sendable {
    let sets: @Sendable () throws -> [MetaSet]
    /// A set's evidence and its rows' labels.
    let evidence: @Sendable (MetaSet) throws -> (TargetEvidence, [Int])
}

/// A lock-guarded store by key: maps refitted without a family (or without missing inputs),
/// observations re-read at a size.
final class LockedCache<Value>: @unchecked Sendable {
    private var values: [String: Value] = [:]
    private let lock = NSLock()

    subscript(key: String) -> Value? {
        get { lock.lock(); defer { lock.unlock() }; return values[key] }
        set { lock.lock(); defer { lock.unlock() }; values[key] = newValue }
    }
}
