/// Fits a list of estimators on one labeled source and applies them to target sets: the one
/// place that decides which requested estimators can run on the evidence at hand (from their
/// `EstimatorRequirements`), applies temperature scaling to those that read confidences, and
/// turns scores into accuracies with their calibration lines.
///
/// Fitting happens once per source (`init`); `estimate(_:)` can then be called for many
/// target sets.
public struct EstimatorSuite: Sendable {
    public struct Options: Sendable, Equatable {
        /// Fit a temperature on the source and apply it to source and target predictions of
        /// every model before the estimators that read confidences
        /// (`EstimatorRequirements.usesTemperatureScaling`).
        public var temperatureScaling: Bool
        /// Why there are fewer models than the evidence holds could have (seed models that could
        /// not be trained), for the multi-model estimators' skip reason.
        public var fewerModelsCause: String?

        public init(temperatureScaling: Bool = false, fewerModelsCause: String? = nil) {
            self.temperatureScaling = temperatureScaling
            self.fewerModelsCause = fewerModelsCause
        }
    }

    public let options: Options
    /// The requested estimators, in report order.
    public let estimators: [any Estimator]
    /// The fitted temperature (1 when scaling is off).
    public let temperature: Double
    /// Estimators that could not be fitted, and why.
    public let skippedAtFit: [Skipped]
    /// The source's class count, which every target must have.
    public let classCount: Int
    /// How often the evaluated model predicts each class on the source.
    public let sourcePredictedClassCounts: [Int]
    let fitted: [(estimator: any Estimator, fitted: any FittedEstimator)]
    /// Calibration lines of the scores, once `calibrated(_:)` has given them.
    public private(set) var calibrations: [EstimatorID: LinearCalibration] = [:]
    /// Why a score has no calibration line, when one was attempted.
    public private(set) var calibrationProblems: [EstimatorID: String] = [:]

    /// Fits every estimator of `estimators` that can run on `source`.
    /// - Throws: `InputError` for malformed input (never for an estimator that cannot run:
    ///   that one is listed in `skippedAtFit`).
    public init(estimators: [any Estimator], source rawSource: SourceEvidence, options: Options = Options()) throws {
        self.options = options
        self.estimators = estimators
        let wantsTemperature = options.temperatureScaling && estimators.contains { $0.requirements.usesTemperatureScaling }
        temperature = wantsTemperature ? TemperatureScaling.fit(source: rawSource.predictions) : 1
        let scaledSource = rawSource.withTemperature(temperature)
        let available = rawSource.availableInputs
        var fitted: [(estimator: any Estimator, fitted: any FittedEstimator)] = []
        var skipped: [Skipped] = []
        for estimator in estimators {
            let needs = estimator.requirements
            if let missing = needs.inputs.subtracting(available).sorted().first {
                skipped.append(Skipped(estimator: estimator.id, reason: .missingInput(missing)))
                continue
            }
            let modelCount = rawSource.allModels.count
            if modelCount < needs.minimumModels {
                skipped.append(Skipped(estimator: estimator.id,
                                       reason: .tooFewModels(needed: needs.minimumModels, found: modelCount, cause: options.fewerModelsCause)))
                continue
            }
            do {
                fitted.append((estimator, try estimator.fit(needs.usesTemperatureScaling ? scaledSource : rawSource)))
            } catch let unavailable as EstimatorUnavailable {
                skipped.append(Skipped(estimator: estimator.id, reason: unavailable.reason))
            }
        }
        self.fitted = fitted
        skippedAtFit = skipped
        classCount = rawSource.classCount
        sourcePredictedClassCounts = rawSource.predictions.predictions.predictedClassCounts
    }

    /// The estimators that were fitted (not skipped), in report order.
    public var fittedEstimators: [any Estimator] { fitted.map(\.estimator) }

    /// The fitted estimators whose output is a score, in report order.
    public var scoreEstimators: [EstimatorID] { fitted.filter { $0.estimator.output.isScore }.map(\.estimator.id) }

    /// The same suite with calibration lines for its scores (`ScoreCalibration` fits them);
    /// `problems` says why a score got none.
    public func calibrated(_ lines: [EstimatorID: LinearCalibration], problems: [EstimatorID: String] = [:]) -> EstimatorSuite {
        var copy = self
        copy.calibrations = lines
        copy.calibrationProblems = problems
        return copy
    }

    /// Settings every temperature-scaled estimate carries.
    var temperatureSettings: [Estimate.Setting] {
        [.init("temperature_scaling", options.temperatureScaling ? "on" : "off")]
            + (options.temperatureScaling ? [.init("temperature", format(temperature))] : [])
    }

    /// One estimator's raw estimate (no calibration), or why it could not run.
    func rawEstimate(_ entry: (estimator: any Estimator, fitted: any FittedEstimator), raw: TargetEvidence,
                     scaled: TargetEvidence) throws -> Swift.Result<Estimate, EstimatorUnavailable> {
        do {
            if entry.estimator.requirements.usesTemperatureScaling {
                var e = try entry.fitted.estimate(scaled)
                e.settings = temperatureSettings + e.settings
                return .success(e)
            }
            return .success(try entry.fitted.estimate(raw))
        } catch let unavailable as EstimatorUnavailable {
            return .failure(unavailable)
        }
    }

    /// What one target set gives.
    public struct Result: Sendable {
        /// The estimates, in the order of `estimators`.
        public var estimates: [Estimate]
        /// The requested estimators that did not run (at fit or on this target), in the same order.
        public var skipped: [Skipped]
        /// Each estimate's wall time on this target, in seconds (not its share of the forward passes).
        public var seconds: [EstimatorID: Double]
    }

    /// Estimates for one target.
    /// - Throws: `InputError` when the target does not match the source (class count).
    /// - Parameter only: run just these estimators (nil: every fitted one).
    public func estimate(_ rawTarget: TargetEvidence, only: Set<EstimatorID>? = nil) throws -> Result {
        try rawTarget.requireClasses(classCount)
        let scaledTarget = rawTarget.withTemperature(temperature)
        var estimates: [Estimate] = [], skipped = skippedAtFit
        var seconds: [EstimatorID: Double] = [:]
        let clock = ContinuousClock()
        for entry in fitted where only?.contains(entry.estimator.id) ?? true {
            let start = clock.now
            let outcome = try rawEstimate(entry, raw: rawTarget, scaled: scaledTarget)
            let elapsed = start.duration(to: clock.now).components
            seconds[entry.estimator.id] = Double(elapsed.seconds) + Double(elapsed.attoseconds) * 1e-18
            switch outcome {
            case let .failure(unavailable):
                skipped.append(Skipped(estimator: entry.estimator.id, reason: unavailable.reason))
            case var .success(e):
                if entry.estimator.output.isScore, e.accuracy == nil, let value = e.calibrationValue ?? e.score {
                    if let line = calibrations[e.estimator] {
                        e.accuracy = line.accuracy(forScore: value)
                        e.standardError = line.residualStandardDeviation
                        e.settings += line.settings
                    } else {
                        e.note = "score only: " + (calibrationProblems[e.estimator]
                            ?? "calibrating it to an accuracy needs labeled shifted sets of the validation set, which shiftcast makes when it has the model")
                    }
                }
                estimates.append(e)
            }
        }
        let order = Dictionary(uniqueKeysWithValues: estimators.enumerated().map { ($1.id, $0) })
        skipped.sort { order[$0.estimator]! < order[$1.estimator]! }
        return Result(estimates: estimates, skipped: skipped, seconds: seconds)
    }

    /// The calibration value of every fitted score on a (labeled, shifted) target, for fitting
    /// calibration lines; scores that could not run on it are left out.
    public func calibrationValues(_ target: TargetEvidence) throws -> [EstimatorID: Double] {
        let scaledTarget = target.withTemperature(temperature)
        var values: [EstimatorID: Double] = [:]
        for entry in fitted where entry.estimator.output.isScore {
            if case let .success(e) = try rawEstimate(entry, raw: target, scaled: scaledTarget), let v = e.calibrationValue ?? e.score, v.isFinite {
                values[entry.estimator.id] = v
            }
        }
        return values
    }
}
