/// A task whose last feature, `spurious`, is a near-copy of the label in the
/// source, while the other ("core") features carry the real but noisier signal.
///
///     y ~ Uniform{0, …, K−1}
///     core = GaussianMixtureTask sample for class y (overlapping classes)
///     spurious = code(y') + spuriousNoise · ε,  code(k) = k / (K − 1)
///
/// where y' = y with probability `agreement` and a uniformly random class
/// otherwise. A model can reach ≈ `agreement` accuracy from the spurious
/// feature alone, so it learns to lean on it; the `spurious-flip` shift then
/// breaks the relation (Geirhos et al., "Shortcut learning in deep neural
/// networks", 2020; Sagawa et al., "Distributionally robust neural networks", 2020).
public struct SpuriousFeatureTask: SyntheticTask {
    public let name = "spurious-feature"
    /// The name of the spurious column (what `ShiftContext` looks for).
    public static let spuriousFeatureName = "spurious"
    public let classCount: Int
    /// The core task (its features come first).
    public let core: GaussianMixtureTask
    /// The probability that the spurious feature encodes the true label.
    public let agreement: Double
    /// The noise added to the spurious code.
    public let spuriousNoise: Double

    public var featureCount: Int { core.featureCount + 1 }
    /// The column index of the spurious feature (the last one).
    public var spuriousFeatureIndex: Int { core.featureCount }

    /// The spurious value's noise-free code for class `k`: k / (K − 1).
    public func code(_ k: Int) -> Double { Double(k) / Double(classCount - 1) }

    public init(classCount: Int = 2, coreFeatureCount: Int = 10, coreSubspaceDimension: Int = 3,
                coreSeparation: Double = 0.9, agreement: Double = 0.95, spuriousNoise: Double = 0.05,
                using generator: inout SeededGenerator) {
        self.classCount = classCount
        self.agreement = agreement
        self.spuriousNoise = spuriousNoise
        core = GaussianMixtureTask(classCount: classCount, featureCount: coreFeatureCount,
                                   subspaceDimension: coreSubspaceDimension, separation: coreSeparation,
                                   offManifoldStd: 0.1, using: &generator)
    }

    public func sample(count: Int, using generator: inout SeededGenerator) -> Dataset {
        let coreData = core.sample(count: count, using: &generator)
        let dc = core.featureCount, d = dc + 1
        var values = [Float](repeating: 0, count: count * d)
        let labels = coreData.labels!
        for row in 0 ..< count {
            for i in 0 ..< dc { values[row * d + i] = coreData.features.scalars[row * dc + i] }
            let encoded = generator.uniform() < agreement ? labels[row] : generator.index(below: classCount)
            values[row * d + dc] = Float(code(encoded) + spuriousNoise * generator.gaussian())
        }
        return Dataset(features: Tensor(shape: [count, d], scalars: values), labels: labels,
                       featureNames: coreData.featureNames + [SpuriousFeatureTask.spuriousFeatureName],
                       classCount: classCount)
    }
}
