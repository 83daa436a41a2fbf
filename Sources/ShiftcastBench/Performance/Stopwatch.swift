import Dispatch

/// Wall-clock timing for benchmarks (monotonic clock).
public enum Stopwatch {
    /// Seconds taken by `body`.
    public static func seconds(_ body: () throws -> Void) rethrows -> Double {
        let start = DispatchTime.now().uptimeNanoseconds
        try body()
        return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    }

    /// Runs `body` `warmups` times untimed, then `repetitions` times timed; returns all
    /// timings and their median (robust to the noise of a shared machine).
    public static func median(warmups: Int = 1, repetitions: Int = 3, _ body: () throws -> Void) rethrows -> (median: Double, all: [Double]) {
        for _ in 0 ..< warmups { try body() }
        var times: [Double] = []
        for _ in 0 ..< max(1, repetitions) { times.append(try seconds(body)) }
        let sorted = times.sorted()
        let mid = sorted.count / 2
        let median = sorted.count % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
        return (median, times)
    }

    /// Whether this binary was compiled with optimisation (benchmarks refuse debug builds).
    public static var isOptimizedBuild: Bool {
        #if DEBUG
        return false
        #else
        return true
        #endif
    }
}
