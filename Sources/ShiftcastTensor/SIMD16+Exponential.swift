/// `exp` on 16 floats at once, for the softmax of training's cross-entropy.
///
/// Cody–Waite range reduction and Cephes' `expf` polynomial (S. L. Moshier, Cephes Math
/// Library): with `n = round(x / ln 2)` and `r = x − n·ln 2` (ln 2 split in two so that
/// `n·C₁` is exact, |r| ≤ ln 2 / 2), `exp(x) = 2ⁿ · (1 + r + r²·P(r))`, P of degree 5. The
/// power of two is built in the exponent bits, in two halves so that every factor is a normal
/// float down to the subnormal results. Within 1 ulp of the C library's `expf` over
/// [−87.3, 88.7] (checked in `VectorExponentialTests`); +∞ above `log(Float.greatestFiniteMagnitude)`,
/// 0 below `log` of the least subnormal, NaN for NaN. Every step is a plain multiply or add
/// (no fused multiply-add), so the result is the same bit for bit on every x86-64 target.
extension SIMD16 where Scalar == Float {
    @inlinable
    public func exponential() -> SIMD16<Float> {
        typealias V = SIMD16<Float>
        // exp overflows above `high` and is below the least subnormal (rounds to 0) under `low`.
        let high: Float = 88.72283905206835, low: Float = -103.97208
        let roundingConstant: Float = 12_582_912  // 1.5 · 2²³: adding it rounds to an integer
        var r = pointwiseMin(pointwiseMax(self, V(repeating: low)), V(repeating: high))
        let shifted = r * 1.442_695_040_888_963_4 + roundingConstant
        let n = shifted - roundingConstant
        r = r - n * 0.693_359_375
        r = r - n * -2.121_944_400_546_905_8e-4
        var p = V(repeating: 1.987_569_150_0e-4)
        p = p * r + 1.398_199_950_7e-3
        p = p * r + 8.333_451_907_3e-3
        p = p * r + 4.166_579_589_4e-2
        p = p * r + 1.666_666_545_9e-1
        p = p * r + 5.000_000_120_1e-1
        p = p * (r * r) + r + 1
        // n as an integer: the low mantissa bits of `shifted`, less those of the constant.
        let k = unsafeBitCast(shifted, to: SIMD16<Int32>.self) &- unsafeBitCast(V(repeating: roundingConstant), to: SIMD16<Int32>.self)
        let half = k &>> 1
        let first = unsafeBitCast((half &+ 127) &<< 23, to: V.self)
        let second = unsafeBitCast((k &- half &+ 127) &<< 23, to: V.self)
        var result = p * first * second
        result.replace(with: 0, where: self .< low)
        result.replace(with: .infinity, where: self .> high)
        result.replace(with: self, where: self .!= self)
        return result
    }
}
