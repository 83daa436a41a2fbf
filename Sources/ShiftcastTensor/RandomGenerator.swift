/// SplitMix64: a tiny generator used to expand one 64-bit seed into state for
/// other generators. Steele, Lea & Flood, "Fast splittable pseudorandom number
/// generators" (OOPSLA 2014).
public struct SplitMix64: RandomNumberGenerator, Sendable {
    public var state: UInt64

    public init(seed: UInt64) { state = seed }

    @inlinable public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// xoshiro256**: the seeded generator behind every random path in shiftcast
/// (initialisation, shuffling, shifts, adversarial random starts).
/// Blackman & Vigna, "Scrambled linear pseudorandom number generators" (2021).
///
/// The same seed gives the same sequence on every platform and Swift version,
/// because every sampling routine here (`uniform`, `gaussian`, `index(below:)`,
/// `permutation`) is implemented in this package instead of relying on the
/// standard library's unspecified algorithms.
public struct SeededGenerator: RandomNumberGenerator, Sendable {
    @usableFromInline var s0, s1, s2, s3: UInt64
    @usableFromInline var spareGaussian: Double?

    /// A generator whose state is expanded from `seed` with SplitMix64.
    public init(seed: UInt64) {
        var sm = SplitMix64(seed: seed)
        s0 = sm.next(); s1 = sm.next(); s2 = sm.next(); s3 = sm.next()
        spareGaussian = nil
    }

    @inlinable public mutating func next() -> UInt64 {
        let result = rotl(s1 &* 5, 7) &* 9
        let t = s1 << 17
        s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3
        s2 ^= t
        s3 = rotl(s3, 45)
        return result
    }

    @inlinable func rotl(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }

    /// A generator for an independent stream, derived from this one's seed and a label.
    /// Use it to give each model / shift / repetition its own reproducible stream.
    public static func derived(seed: UInt64, stream: UInt64) -> SeededGenerator {
        var sm = SplitMix64(seed: seed ^ (stream &* 0xD1B5_4A32_D192_ED03))
        return SeededGenerator(seed: sm.next())
    }

    /// Uniform in [0, 1) with 53 random bits.
    @inlinable public mutating func uniform() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }

    /// Uniform in [`low`, `high`).
    @inlinable public mutating func uniform(_ low: Double, _ high: Double) -> Double {
        low + (high - low) * uniform()
    }

    /// A standard normal sample (Box–Muller, both outputs used).
    public mutating func gaussian() -> Double {
        if let spare = spareGaussian { spareGaussian = nil; return spare }
        var u1 = uniform()
        while u1 <= 0 { u1 = uniform() }
        let u2 = uniform()
        let r = (-2 * _log(u1)).squareRoot()
        let theta = 2 * Double.pi * u2
        spareGaussian = r * _sin(theta)
        return r * _cos(theta)
    }

    /// Uniform integer in `0..<bound` without modulo bias (Lemire's method).
    public mutating func index(below bound: Int) -> Int {
        precondition(bound > 0, "index(below:) needs a positive bound, got \(bound)")
        let b = UInt64(bound)
        var m = next().multipliedFullWidth(by: b)
        if m.low < b {
            let threshold = (0 &- b) % b
            while m.low < threshold { m = next().multipliedFullWidth(by: b) }
        }
        return Int(m.high)
    }

    /// A uniformly random permutation of `0..<count` (Fisher–Yates).
    public mutating func permutation(_ count: Int) -> [Int] {
        var p = Array(0 ..< count)
        shuffle(&p)
        return p
    }

    /// Shuffles `array` in place (Fisher–Yates), reproducibly for a given state.
    public mutating func shuffle<T>(_ array: inout [T]) {
        guard array.count > 1 else { return }
        for i in stride(from: array.count - 1, to: 0, by: -1) {
            let j = index(below: i + 1)
            if i != j { array.swapAt(i, j) }
        }
    }

    /// A sample from Gamma(shape, 1) (Marsaglia & Tsang 2000; boosted for shape < 1).
    public mutating func gamma(shape: Double) -> Double {
        precondition(shape > 0, "gamma(shape:) needs shape > 0, got \(shape)")
        if shape < 1 {
            let u = max(uniform(), .leastNonzeroMagnitude)
            return gamma(shape: shape + 1) * _pow(u, 1 / shape)
        }
        let d = shape - 1.0 / 3.0
        let c = 1 / (9 * d).squareRoot()
        while true {
            var x: Double, v: Double
            repeat { x = gaussian(); v = 1 + c * x } while v <= 0
            v = v * v * v
            let u = uniform()
            if u < 1 - 0.0331 * x * x * x * x { return d * v }
            if _log(max(u, .leastNonzeroMagnitude)) < 0.5 * x * x + d * (1 - v + _log(v)) { return d * v }
        }
    }

    /// A sample from the Dirichlet distribution with the given concentrations.
    public mutating func dirichlet(_ alpha: [Double]) -> [Double] {
        let g = alpha.map { gamma(shape: $0) }
        let total = g.reduce(0, +)
        return total > 0 ? g.map { $0 / total } : [Double](repeating: 1 / Double(alpha.count), count: alpha.count)
    }
}

extension Tensor {
    /// Independent normal samples N(`mean`, `standardDeviation`²).
    public static func randomNormal(shape: [Int], mean: Float = 0, standardDeviation: Float = 1,
                                    using generator: inout SeededGenerator) -> Tensor {
        let n = shape.reduce(1, *)
        var s = [Float](repeating: 0, count: n)
        for i in 0 ..< n { s[i] = mean + standardDeviation * Float(generator.gaussian()) }
        return Tensor(shape: shape, scalars: s)
    }

    /// Independent uniform samples in [`low`, `high`).
    public static func randomUniform(shape: [Int], low: Float = 0, high: Float = 1,
                                     using generator: inout SeededGenerator) -> Tensor {
        let n = shape.reduce(1, *)
        var s = [Float](repeating: 0, count: n)
        for i in 0 ..< n { s[i] = Float(generator.uniform(Double(low), Double(high))) }
        return Tensor(shape: shape, scalars: s)
    }
}
