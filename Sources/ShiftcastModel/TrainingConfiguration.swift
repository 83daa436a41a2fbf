/// How to train: length, batch, optimizer, learning rate and its schedule, and
/// the seed of the data order.
public struct TrainingConfiguration: Sendable, Equatable {
    /// Training length.
    public enum Length: Sendable, Equatable {
        /// Full passes over the data (the last batch of an epoch may be smaller).
        case epochs(Int)
        /// A fixed number of minibatch steps, cycling through reshuffled epochs.
        case iterations(Int)
    }

    public var length: Length
    public var batchSize: Int
    public var optimizer: OptimizerKind
    public var learningRate: Float
    public var schedule: LearningRateSchedule
    /// Seeds the shuffling of the data order (initialisation has its own seed, in `MLP(_:initSeed:)`).
    public var shuffleSeed: UInt64
    /// Stop early, at the end of the first epoch after which the mean cross-entropy over the whole
    /// training set is at most this value (the loss-threshold stopping rule of Jiang et al., ICLR
    /// 2020); `length` is then the cap. nil: always run `length`.
    public var stopAtTrainingLoss: Double? = nil

    public init(length: Length, batchSize: Int = 128, optimizer: OptimizerKind = .adam(),
                learningRate: Float = 1e-3, schedule: LearningRateSchedule = .constant, shuffleSeed: UInt64 = 0) {
        self.length = length
        self.batchSize = batchSize
        self.optimizer = optimizer
        self.learningRate = learningRate
        self.schedule = schedule
        self.shuffleSeed = shuffleSeed
    }

    /// The number of optimizer steps this configuration takes on `rows` examples.
    public func iterationCount(rows: Int) -> Int {
        switch length {
        case let .iterations(n): return n
        case let .epochs(e): return e * ((rows + batchSize - 1) / batchSize)
        }
    }

    /// shiftcast's standard recipe: Adam, learning rate 2·10⁻³, batch 64, 20 epochs — the
    /// defaults of `shiftcast train`, the recipe of the demo's and the benchmark's models, and
    /// of seed models trained for a model file that records no recipe.
    public static func standard(epochs: Int = standardEpochs, shuffleSeed: UInt64 = 0) -> TrainingConfiguration {
        TrainingConfiguration(length: .epochs(epochs), batchSize: standardBatchSize, optimizer: .adam(),
                              learningRate: standardAdamLearningRate, shuffleSeed: shuffleSeed)
    }
    public static let standardEpochs = 20
    public static let standardBatchSize = 64
    public static let standardAdamLearningRate: Float = 2e-3
    /// The standard learning rate when the optimizer is SGD (momentum 0.9).
    public static let standardSGDLearningRate: Float = 0.05

    /// ProjNorm's fine-tuning recipe (Yu et al., ICML 2022): SGD with momentum 0.9, no weight
    /// decay, cosine schedule over `iterations`, batch 128. The paper's learning rate is 0.001;
    /// shiftcast's default for small MLPs trained from scratch is larger (see Docs/Estimators.md).
    public static func projNormFineTune(iterations: Int = 500, learningRate: Float, batchSize: Int = 128,
                                        shuffleSeed: UInt64) -> TrainingConfiguration {
        TrainingConfiguration(length: .iterations(iterations), batchSize: batchSize,
                              optimizer: .sgd(momentum: 0.9), learningRate: learningRate,
                              schedule: .cosine(total: iterations), shuffleSeed: shuffleSeed)
    }
}
