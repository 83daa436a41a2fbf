import ShiftcastModel

/// The fine-tuning recipe ProjNorm uses for both θ_ref and θ̃.
///
/// Yu et al. (ICML 2022) fine-tune with SGD, momentum 0.9, no weight decay, a cosine
/// schedule over T iterations, batch 128, T = 500, lr 0.001. shiftcast keeps everything but
/// the learning rate, whose default is tuned for small MLPs trained from scratch
/// (see Docs/Estimators.md, "ProjNorm": at lr 0.001 the weights barely move, and shifted
/// sets are not told apart).
public struct ProjNormConfiguration: Sendable, Equatable {
    public var iterations: Int
    public var learningRate: Float
    public var batchSize: Int
    /// Seeds the data order of both fine-tunes (the same order recipe for θ_ref and θ̃).
    public var seed: UInt64
    /// Fine-tune θ̃ on the target's distinct pseudo-labeled rows (`ProjNormReference.distinctRows`),
    /// resampled so that each pseudo-label is as frequent as that class is among θ_ref's source
    /// labels (`ProjNormReference.balancedRows`). A change of class priors alone — or a target
    /// resampled with replacement — then barely moves θ̃; a change of p(x | class) does. Off for
    /// the `projnorm` estimator (Yu et al.'s recipe); on for the headline estimate's ProjNorm input.
    public var balancesPseudoLabels = false

    /// shiftcast's default learning rate for ProjNorm fine-tuning.
    public static let defaultLearningRate: Float = 0.02

    public init(iterations: Int = 500, learningRate: Float = ProjNormConfiguration.defaultLearningRate,
                batchSize: Int = 128, seed: UInt64 = 0) {
        self.iterations = iterations
        self.learningRate = learningRate
        self.batchSize = batchSize
        self.seed = seed
    }

    /// The training configuration of one fine-tune.
    public var fineTuning: TrainingConfiguration {
        .projNormFineTune(iterations: iterations, learningRate: learningRate, batchSize: batchSize, shuffleSeed: seed)
    }
}
