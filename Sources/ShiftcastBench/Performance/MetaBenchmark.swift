import ShiftcastTensor
import ShiftcastModel
import ShiftcastData
import ShiftcastEvaluation

/// The headline estimate's cost on the digits fixture: a 64-64-10 MLP trained with the standard
/// recipe and two seed partners; fitting it (the fit-half estimators, the meta-set, every
/// estimator on every meta-set, the map) and then, from its saved observations, estimating a
/// further target (the fit-half estimators again and the map; what `predict --meta FILE` pays),
/// the whole test split (360 rows) and a 60-row part of it, smaller than the meta-sets (half the
/// validation set), for which the meta-set is re-read at its size (`HeadlineEstimate.observations(atRows:)`).
public enum MetaBenchmark {
    public struct Result: Sendable {
        /// Median seconds to fit the headline estimate, and every run's.
        public var fitSeconds: Double
        public var fitAll: [Double]
        /// Median seconds to estimate a target from a saved meta-set, and every run's.
        public var reuseSeconds: Double
        public var reuseAll: [Double]
        /// Median seconds to estimate a 60-row target from a saved meta-set, and every run's.
        public var smallTargetSeconds: Double
        public var smallTargetAll: [Double]
        public var metaSets: Int
    }

    public static func run(metaSets: Int = MetaSetBuilder.defaultCount, repetitions: Int = 3) throws -> Result {
        let digits = try Fixtures.loadDigits()
        let architecture = MLPArchitecture(inputs: digits.train.featureCount, hidden: [64], classes: digits.train.classCount)
        var model = MLP(architecture, initSeed: 1)
        try Trainer.train(&model, features: digits.train.features, labels: digits.train.labels!, configuration: .standard(shuffleSeed: 1))
        let partners = try SeedModels(training: digits.train, labels: digits.train.labels!, architecture: architecture, recipe: nil,
                                      count: 2, seed: 0).models
        var options = HeadlineEstimate.Options()
        options.metaSetCount = metaSets
        var failure: Error?
        var saved: HeadlineEstimate.SavedMeta?
        let fit = Stopwatch.median(warmups: 0, repetitions: repetitions) {
            do {
                saved = try HeadlineEstimate(model: model, initialization: .seed(1), validation: digits.validation,
                                             seedModels: partners, options: options).saved
            } catch { failure = error }
        }
        if let failure { throw failure }
        func reuse(_ target: Tensor) -> (median: Double, all: [Double]) {
            Stopwatch.median(warmups: 0, repetitions: repetitions) {
                do {
                    let headline = try HeadlineEstimate(model: model, initialization: .seed(1), validation: digits.validation,
                                                        seedModels: partners, options: options, regression: saved)
                    var pending: Tensor? = target
                    let (evidence, _) = try headline.readTarget(batches: { defer { pending = nil }; return pending })
                    _ = try headline.estimate(evidence)
                } catch { failure = error }
            }
        }
        let whole = reuse(digits.test.features), small = reuse(digits.test.features.gatheringRows(Array(0 ..< 60)))
        if let failure { throw failure }
        return Result(fitSeconds: fit.median, fitAll: fit.all, reuseSeconds: whole.median, reuseAll: whole.all,
                      smallTargetSeconds: small.median, smallTargetAll: small.all, metaSets: metaSets)
    }
}
