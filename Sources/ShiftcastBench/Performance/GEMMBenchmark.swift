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
        return run(m: n, n: n, k: n, repetitions: repetitions)
    }

    /// `op(A)·op(B)` with op(A) m×k and op(B) k×n, each stored transposed when asked (as the
    /// products of training are: `x·Wᵀ`, `dyᵀ·x`, `dy·W`); GFLOPS = 2mnk / time.
    /// Small products are repeated within each timed run, as many as take 10 ms at 200 GFLOPS
    /// (n = 1024 is one product per run), so the run is long enough to measure and the worker
    /// threads are up and running as they are during training.
    public static func run(m: Int, n: Int, k: Int, transposeA: Bool = false, transposeB: Bool = false,
                           repetitions: Int = 7) -> Result {
        precondition(m > 0 && n > 0 && k > 0, "GEMMBenchmark: extents must be positive")
        var generator = SeededGenerator(seed: 1)
        let a = Tensor.randomNormal(shape: transposeA ? [k, m] : [m, k], using: &generator)
        let b = Tensor.randomNormal(shape: transposeB ? [n, k] : [k, n], using: &generator)
        let flops = 2 * Double(m) * Double(n) * Double(k)
        let calls = max(1, min(100_000, Int(0.01 * 200e9 / flops)))
        var sink: Float = 0
        let timing = Stopwatch.median(warmups: 2, repetitions: repetitions) {
            for _ in 0 ..< calls {
                sink += Tensor.matmul(a, b, transposeA: transposeA, transposeB: transposeB).scalars[0]
            }
        }
        precondition(sink.isFinite || !sink.isFinite) // keep the result alive
        let perRun = flops * Double(calls)
        return Result(gflops: perRun / timing.median / 1e9, all: timing.all.map { perRun / $0 / 1e9 })
    }
}
