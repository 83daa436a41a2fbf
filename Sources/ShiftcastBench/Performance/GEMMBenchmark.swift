/// Single-precision matrix multiply throughput at n×n×n.
public enum GEMMBenchmark {
    public struct Result: Sendable {
        /// Median GFLOPS (2n³ floating-point operations per multiply).
        public var gflops: Double
        public var all: [Double]
    }

    /// Multiplies two seeded random n×n matrices: two untimed warm-ups, then `repetitions`
    /// timed runs; the median.
    public static func run(size n: Int, repetitions: Int = 7) -> Result {
        precondition(n > 0, "GEMMBenchmark: size must be positive")
        var generator = SeededGenerator(seed: 1)
        let a = Tensor.randomNormal(shape: [n, n], using: &generator)
        let b = Tensor.randomNormal(shape: [n, n], using: &generator)
        var sink: Float = 0
        let timing = Stopwatch.median(warmups: 2, repetitions: repetitions) {
            sink += Tensor.matmul(a, b).scalars[0]
        }
        precondition(sink.isFinite || !sink.isFinite) // keep the result alive
        let flops = 2 * Double(n) * Double(n) * Double(n)
        return Result(gflops: flops / timing.median / 1e9, all: timing.all.map { flops / $0 / 1e9 })
    }
}
