import ShiftcastModel

/// Training throughput: the number the product's speed rests on (ProjNorm and GDE train
/// models for every target set).
public enum TrainingBenchmark {
    /// The measured throughput of one configuration.
    public struct Result: Sendable {
        public var samplesPerSecond: Double
        /// Throughput of each timed epoch.
        public var all: [Double]
        /// The median epoch's arithmetic rate in the matrix products
        /// (`ProductFlops.trainingPerSample` × samples/s), in GFLOPS.
        public var productGFLOPS: Double
    }

    /// Trains an MLP `inputs`-`hidden`-`classes` with SGD (momentum 0.9) at batch `batch`
    /// on `samples` random Gaussian samples with random labels: one untimed warm-up epoch,
    /// then `repetitions` timed epochs; reports the median samples/s.
    public static func run(inputs: Int = 784, hidden: [Int] = [512, 512], classes: Int = 10,
                           batch: Int = 128, samples: Int = 20_000, repetitions: Int = 3) throws -> Result {
        var generator = SeededGenerator(seed: 1)
        let x = Tensor.randomNormal(shape: [samples, inputs], using: &generator)
        let y = (0 ..< samples).map { _ in generator.index(below: classes) }
        let architecture = MLPArchitecture(inputs: inputs, hidden: hidden, classes: classes)
        var model = MLP(architecture, initSeed: 2)
        let config = TrainingConfiguration(length: .epochs(1), batchSize: batch, optimizer: .sgd(momentum: 0.9),
                                           learningRate: 0.01, shuffleSeed: 3)
        var failure: Error?
        let timing = Stopwatch.median(warmups: 1, repetitions: repetitions) {
            do { try Trainer.train(&model, features: x, labels: y, configuration: config) } catch { failure = error }
        }
        if let failure { throw failure }
        let samplesPerSecond = Double(samples) / timing.median
        return Result(samplesPerSecond: samplesPerSecond, all: timing.all.map { Double(samples) / $0 },
                      productGFLOPS: samplesPerSecond * ProductFlops.trainingPerSample(architecture) / 1e9)
    }
}
