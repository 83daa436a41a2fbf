import ShiftcastData

/// A source task of the benchmark: labeled train / validation / test splits drawn from one
/// distribution, and the shift families that make sense for it.
///
/// The model trains on `train`; estimators are fitted on `validation` (the labeled
/// in-distribution set, never the training set); shifted target sets are made from `test`.
public struct BenchmarkTask: Sendable {
    public var name: String
    public var train: Dataset
    public var validation: Dataset
    public var test: Dataset
    /// The shift families applied to this task, in report order.
    public var families: [String]

    public init(name: String, train: Dataset, validation: Dataset, test: Dataset, families: [String]) {
        self.name = name
        self.train = train
        self.validation = validation
        self.test = test
        self.families = families
    }

    public var featureCount: Int { train.featureCount }
    public var classCount: Int { train.classCount }

    /// Families every tabular task gets.
    public static let tabularFamilies = ["gaussian-noise", "impulse-noise", "contrast", "mean-shift", "rotation",
                                         "off-manifold", "label-shift", "subpopulation"]
    /// The adversarial families (white-box and transfer).
    public static let adversarialFamilies = ["fgsm-linf", "pgd-linf", "pgd-l2", "transfer-pgd-linf"]
    /// Families for 8×8 digit images.
    public static let imageFamilies = ["image-pixel-noise", "image-blur", "image-translation", "image-rotation",
                                       "image-contrast", "image-occlusion", "gaussian-noise", "label-shift"]

    /// The task called `name` (`gaussian-mixture`, `interleaved-modes`, `spurious-feature`, `digits`).
    public static func named(_ name: String, seed: UInt64, trainCount: Int, evaluationCount: Int) throws -> BenchmarkTask {
        switch name {
        case "gaussian-mixture": return .gaussianMixture(seed: seed, trainCount: trainCount, evaluationCount: evaluationCount)
        case "interleaved-modes": return .interleavedModes(seed: seed, trainCount: trainCount, evaluationCount: evaluationCount)
        case "spurious-feature": return .spuriousFeature(seed: seed, trainCount: trainCount, evaluationCount: evaluationCount)
        case "digits": return try .digits()
        default: throw InputError(file: "--suite", "unknown benchmark task '\(name)'")
        }
    }

    /// The Gaussian mixture near a low-dimensional subspace (K = 5, D = 32, r = 6).
    public static func gaussianMixture(seed: UInt64, trainCount: Int = 3000, evaluationCount: Int = 1000) -> BenchmarkTask {
        var g = SeededGenerator.derived(seed: seed, stream: 101)
        let task = GaussianMixtureTask(classCount: 5, featureCount: 32, subspaceDimension: 6, separation: 1.6,
                                       offManifoldStd: 0.05, using: &g)
        return BenchmarkTask(name: "gaussian-mixture", train: task.sample(count: trainCount, using: &g),
                             validation: task.sample(count: evaluationCount, using: &g),
                             test: task.sample(count: evaluationCount, using: &g),
                             families: tabularFamilies + adversarialFamilies)
    }

    /// Several interleaved modes per class: no linear model solves it (K = 3, 3 modes each, D = 16).
    public static func interleavedModes(seed: UInt64, trainCount: Int = 3000, evaluationCount: Int = 1000) -> BenchmarkTask {
        var g = SeededGenerator.derived(seed: seed, stream: 102)
        let task = InterleavedModesTask(classCount: 3, modesPerClass: 3, featureCount: 16, using: &g)
        return BenchmarkTask(name: "interleaved-modes", train: task.sample(count: trainCount, using: &g),
                             validation: task.sample(count: evaluationCount, using: &g),
                             test: task.sample(count: evaluationCount, using: &g),
                             families: tabularFamilies + adversarialFamilies)
    }

    /// A task whose last feature is spuriously correlated with the label in the source.
    public static func spuriousFeature(seed: UInt64, trainCount: Int = 3000, evaluationCount: Int = 1000) -> BenchmarkTask {
        var g = SeededGenerator.derived(seed: seed, stream: 103)
        let task = SpuriousFeatureTask(classCount: 3, coreFeatureCount: 12, using: &g)
        return BenchmarkTask(name: "spurious-feature", train: task.sample(count: trainCount, using: &g),
                             validation: task.sample(count: evaluationCount, using: &g),
                             test: task.sample(count: evaluationCount, using: &g),
                             families: ["spurious-flip", "gaussian-noise", "mean-shift", "off-manifold", "label-shift",
                                        "pgd-linf"])
    }

    /// scikit-learn's handwritten digits (the committed fixture, 60/20/20 split).
    public static func digits() throws -> BenchmarkTask {
        let splits = try Fixtures.loadDigits()
        return BenchmarkTask(name: "digits", train: splits.train, validation: splits.validation, test: splits.test,
                             families: imageFamilies + adversarialFamilies)
    }
}
