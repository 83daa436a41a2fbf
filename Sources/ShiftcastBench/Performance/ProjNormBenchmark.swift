import ShiftcastModel
import ShiftcastEvaluation

/// End-to-end ProjNorm cost: θ_ref fine-tune on the source, pseudo-labelling, θ̃ fine-tune on
/// the target — both fine-tunes of `iterations` steps at batch `batch`.
public enum ProjNormBenchmark {
    public struct Result: Sendable {
        public var seconds: Double
        public var all: [Double]
        /// The median run's arithmetic rate in the matrix products — both fine-tunes'
        /// training products and the pseudo-labelling forward pass (`ProductFlops`) — in GFLOPS.
        public var productGFLOPS: Double
    }

    public static func run(inputs: Int = 784, hidden: [Int] = [512, 512], classes: Int = 10,
                           sourceRows: Int = 10_000, targetRows: Int = 10_000,
                           iterations: Int = 500, batch: Int = 128, repetitions: Int = 3) throws -> Result {
        var generator = SeededGenerator(seed: 1)
        let source = Tensor.randomNormal(shape: [sourceRows, inputs], using: &generator)
        let labels = (0 ..< sourceRows).map { _ in generator.index(below: classes) }
        let target = Tensor.randomNormal(shape: [targetRows, inputs], mean: 0.5, using: &generator)
        let arch = MLPArchitecture(inputs: inputs, hidden: hidden, classes: classes)
        let theta0 = MLP(arch, initSeed: 2)
        let model = MLP(arch, initSeed: 3)
        let config = ProjNormConfiguration(iterations: iterations, batchSize: batch, seed: 4)
        var failure: Error?
        let timing = Stopwatch.median(warmups: 1, repetitions: repetitions) {
            do {
                let reference = try ProjNormReference(initial: theta0, sourceFeatures: source, sourceLabels: labels,
                                                      configuration: config)
                _ = try reference.score(targetFeatures: target, model: model)
            } catch { failure = error }
        }
        if let failure { throw failure }
        let samples = samplesSeen(rows: sourceRows, batch: batch, iterations: iterations)
            + samplesSeen(rows: targetRows, batch: batch, iterations: iterations)
        let flops = Double(samples) * ProductFlops.trainingPerSample(arch) + Double(targetRows) * ProductFlops.forwardPerSample(arch)
        return Result(seconds: timing.median, all: timing.all, productGFLOPS: flops / timing.median / 1e9)
    }

    /// The rows a fine-tune of `iterations` steps sees on `rows` rows: `Trainer` ends every
    /// epoch with a smaller batch (10,000 rows at batch 128: 79 steps, the last of 16 rows),
    /// so 500 steps see 63,328 rows, not 64,000. (At most `iterations × batch` target rows are
    /// kept, so the sample never exceeds the rows.)
    static func samplesSeen(rows: Int, batch: Int, iterations: Int) -> Int {
        let b = Swift.max(1, Swift.min(batch, rows))
        let stepsPerEpoch = (rows + b - 1) / b
        return iterations / stepsPerEpoch * rows + Swift.min(iterations % stepsPerEpoch * b, rows)
    }
}
