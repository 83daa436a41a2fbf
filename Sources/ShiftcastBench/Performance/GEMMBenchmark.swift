import Dispatch
import ShiftcastTensor

/// Throughput measurements of shiftcast's kernels, for `shiftcast perf` and
/// `Docs/Performance.md`. Timing lives here, never in unit tests.
public enum PerformanceBenchmarks {
    /// Single-precision matrix-multiply throughput, `C = A·B` with square
    /// `size × size` operands, in GFLOPS (`2·size³` floating-point operations per
    /// product, divided by wall-clock seconds, over 10⁹).
    ///
    /// The operands are standard-normal values from `SeededGenerator(seed: 2024)`.
    /// Two untimed warm-up products (page faults, thread-pool start-up, caches)
    /// precede `repetitions` timed ones, each timed with the monotonic
    /// `DispatchTime` clock.
    ///
    /// - Returns: the median GFLOPS and every repetition's GFLOPS in run order.
    /// - Precondition: `size > 0`, `repetitions > 0`.
    /// - Complexity: O((repetitions + 2)·size³) time, O(size²) memory.
    public static func gemmGFLOPS(size: Int, repetitions: Int) -> (median: Double, all: [Double]) {
        precondition(size > 0, "gemmGFLOPS: size must be positive, got \(size)")
        precondition(repetitions > 0, "gemmGFLOPS: repetitions must be positive, got \(repetitions)")
        var generator = SeededGenerator(seed: 2024)
        let a = Tensor.randomNormal(shape: [size, size], using: &generator)
        let b = Tensor.randomNormal(shape: [size, size], using: &generator)
        var c = [Float](repeating: 0, count: size * size)
        let operations = 2 * Double(size) * Double(size) * Double(size)
        var all: [Double] = []
        all.reserveCapacity(repetitions)
        a.scalars.withUnsafeBufferPointer { pa in
            b.scalars.withUnsafeBufferPointer { pb in
                c.withUnsafeMutableBufferPointer { pc in
                    for run in 0 ..< repetitions + 2 {
                        let start = DispatchTime.now().uptimeNanoseconds
                        GEMM.multiply(m: size, n: size, k: size,
                                      a: pa.baseAddress, lda: size, transposeA: false,
                                      b: pb.baseAddress, ldb: size, transposeB: false,
                                      c: pc.baseAddress, ldc: size, accumulate: false)
                        let elapsed = DispatchTime.now().uptimeNanoseconds - start
                        if run >= 2 { all.append(operations / Double(max(elapsed, 1))) }
                    }
                }
            }
        }
        return (median(all), all)
    }

    /// The median (mean of the two middle values for an even count).
    static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        let mid = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
    }
}
