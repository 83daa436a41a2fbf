/// Runs every requested estimator that works from predictions on one target set, and says
/// which requested estimators could not run and why.
///
/// Fitting happens once per source (`init`); `estimate(target:)` can then be called for many
/// target sets.
public struct EstimatorSuite: Sendable {
    /// Options shared by the estimators.
    public struct Options: Sendable, Equatable {
        /// The estimators to run (contract names); `EstimatorName.all` by default.
        public var estimators: [String]
        /// Fit a temperature on the source and apply it to source and target predictions of
        /// every model before the confidence-based estimators (AC, DoC, ATC, COT, IM, nuclear).
        public var temperatureScaling: Bool
        /// A calibration line for the nuclear-norm score, if one was fitted.
        public var nuclearCalibration: LinearCalibration?

        public init(estimators: [String] = EstimatorName.all, temperatureScaling: Bool = false,
                    nuclearCalibration: LinearCalibration? = nil) {
            self.estimators = estimators
            self.temperatureScaling = temperatureScaling
            self.nuclearCalibration = nuclearCalibration
        }
    }

    /// An estimator that was asked for but could not run.
    public struct Skipped: Sendable, Equatable {
        public var estimator: String
        public var reason: String
    }

    public let options: Options
    /// The fitted temperature (1 when scaling is off).
    public let temperature: Double
    let source: LabeledPredictions
    let fitted: [(String, any FittedAccuracyEstimator)]

    /// Fits the prediction-only estimators on the source predictions of the model under evaluation.
    public init(source rawSource: LabeledPredictions, options: Options = Options()) throws {
        self.options = options
        temperature = options.temperatureScaling ? TemperatureScaling.fit(source: rawSource) : 1
        source = rawSource.withTemperature(temperature)
        var fitted: [(String, any FittedAccuracyEstimator)] = []
        for name in options.estimators {
            switch name {
            case "ac": fitted.append((name, try AverageConfidence().fit(source: source)))
            case "doc": fitted.append((name, try DifferenceOfConfidences().fit(source: source)))
            case "atc-mc": fitted.append((name, try AverageThresholdedConfidence(score: .maxConfidence).fit(source: source)))
            case "atc-ne": fitted.append((name, try AverageThresholdedConfidence(score: .negativeEntropy).fit(source: source)))
            case "cot": fitted.append((name, try ConfidenceOptimalTransport().fit(source: source)))
            case "im": fitted.append((name, try ImportanceWeighting().fit(source: source)))
            case "nuclear": fitted.append((name, try NuclearNorm(calibration: options.nuclearCalibration).fit(source: source)))
            default: continue
            }
        }
        self.fitted = fitted
    }

    /// Settings every confidence-based estimate carries.
    var temperatureSettings: [Estimate.Setting] {
        [.init("temperature_scaling", options.temperatureScaling ? "on" : "off")]
            + (options.temperatureScaling ? [.init("temperature", format(temperature))] : [])
    }

    /// Estimates for one target.
    ///
    /// - Parameters:
    ///   - target: the evaluated model's predictions on the target.
    ///   - otherModels: further models' (source, target) predictions for GDE and ALine; model 1 —
    ///     the evaluated model — is added in front automatically.
    /// - Returns: estimates in `options.estimators` order, and the requested ones that were skipped.
    public func estimate(target rawTarget: Predictions, otherModels: [ModelPredictions] = [])
        throws -> (estimates: [Estimate], skipped: [Skipped]) {
        guard rawTarget.classCount == source.classCount else {
            throw InputError(file: rawTarget.origin, "expected \(source.classCount) classes (columns) as in the source, found \(rawTarget.classCount)")
        }
        let target = rawTarget.withTemperature(temperature)
        var byName: [String: Estimate] = [:]
        for (name, estimator) in fitted {
            var e = try estimator.estimate(target: target)
            e.settings = temperatureSettings + e.settings
            byName[name] = e
        }
        var skipped: [Skipped] = []
        let wantsGDE = options.estimators.contains("gde")
        let wantsALine = options.estimators.contains("aline-s") || options.estimators.contains("aline-d")
        if wantsGDE || wantsALine {
            // Agreement-based estimators compare argmax predictions, which temperature does not change.
            let models = [try ModelPredictions(source: source, target: target)] + otherModels
            if wantsGDE {
                if models.count >= 2 { byName["gde"] = try SeedDisagreement.estimate(models) }
                else { skipped.append(Skipped(estimator: "gde", reason: "needs predictions of at least 2 models, found 1 (give more --source-probs/--target-probs pairs)")) }
            }
            if wantsALine {
                if models.count >= 3 {
                    let both = try AgreementOnTheLine.estimates(models)
                    byName["aline-s"] = both[0]; byName["aline-d"] = both[1]
                } else {
                    for name in ["aline-s", "aline-d"] where options.estimators.contains(name) {
                        skipped.append(Skipped(estimator: name, reason: "needs predictions of at least 3 models, found \(models.count)"))
                    }
                }
            }
        }
        if options.estimators.contains("projnorm") {
            skipped.append(Skipped(estimator: "projnorm", reason: "needs a model file and its source/target features (predict --model …), not predictions alone"))
        }
        let estimates = options.estimators.compactMap { byName[$0] }
        return (estimates, skipped)
    }
}
