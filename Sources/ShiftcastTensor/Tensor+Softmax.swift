/// Row-wise softmax and log-softmax of rank-2 logits.
///
/// `softmax(z)_k = exp(z_k − max z) / Σ_j exp(z_j − max z)`;
/// `logSoftmax(z)_k = z_k − max z − log Σ_j exp(z_j − max z)`.
/// Subtracting the row maximum keeps every exponent ≤ 0, so logits of ±1e4 give
/// exact one-hot probabilities instead of NaN. The maximum, the sum and the
/// final scaling run on `SIMD16<Float>`; `exp` itself is the C library's `expf`
/// per element (correctly rounded to within 1 ulp, which a fast polynomial is not).
extension Tensor {
    /// Softmax of each row.
    ///
    /// - Complexity: O(rows·columns).
    public func rowSoftmax() -> Tensor {
        let (m, n) = (rowCount, columnCount)
        var out = scalars
        out.withUnsafeMutableBufferPointer { o in
            guard let base = o.baseAddress else { return }
            let shared = SharedMutablePointer(base)
            Parallel.forEachChunk(count: m, minimumChunk: Swift.max(1, (1 << 16) / Swift.max(1, n))) { rows in
                for i in rows {
                    let row = shared.base + i * n
                    let shift = SoftmaxRow.stableShift(row, count: n)
                    let total = SoftmaxRow.exponentiate(row, count: n, shift: shift)
                    SoftmaxRow.scale(row, count: n, by: 1 / total)
                }
            }
        }
        return Tensor(shape: shape, scalars: out)
    }

    /// Log-softmax of each row.
    ///
    /// - Complexity: O(rows·columns).
    public func rowLogSoftmax() -> Tensor {
        let (m, n) = (rowCount, columnCount)
        var out = scalars
        out.withUnsafeMutableBufferPointer { o in
            guard let base = o.baseAddress else { return }
            let shared = SharedMutablePointer(base)
            Parallel.forEachChunk(count: m, minimumChunk: Swift.max(1, (1 << 16) / Swift.max(1, n))) { rows in
                for i in rows {
                    let row = shared.base + i * n
                    let shift = SoftmaxRow.stableShift(row, count: n)
                    let total = SoftmaxRow.sumOfExponentials(row, count: n, shift: shift)
                    SoftmaxRow.subtract(row, count: n, shift, then: _logf(total))
                }
            }
        }
        return Tensor(shape: shape, scalars: out)
    }
}

/// The per-row steps of softmax on a contiguous row of `count` floats.
enum SoftmaxRow {
    typealias V = SIMD16<Float>

    /// The row maximum, or 0 when it is not finite (all −∞, or +∞ present), so
    /// that the subtraction itself never creates NaN from finite logits.
    @inline(__always)
    static func stableShift(_ row: UnsafeMutablePointer<Float>, count n: Int) -> Float {
        var best = V(repeating: -.infinity)
        var j = 0
        while j + 16 <= n {
            best = pointwiseMax(best, UnsafeRawPointer(row + j).loadUnaligned(as: V.self))
            j += 16
        }
        var mx = best.max()
        while j < n { if row[j] > mx { mx = row[j] }; j += 1 }
        return mx.isFinite ? mx : 0
    }

    /// Replaces each `x` by `exp(x − shift)` and returns the sum of the new values.
    @inline(__always)
    static func exponentiate(_ row: UnsafeMutablePointer<Float>, count n: Int, shift: Float) -> Float {
        var acc = V()
        var j = 0
        while j + 16 <= n {
            var e = V()
            for l in 0 ..< 16 { e[l] = _expf(row[j + l] - shift) }
            UnsafeMutableRawPointer(row + j).storeBytes(of: e, as: V.self)
            acc += e
            j += 16
        }
        var total = acc.sum()
        while j < n { let e = _expf(row[j] - shift); row[j] = e; total += e; j += 1 }
        return total
    }

    /// `Σ exp(x − shift)` over the row, leaving it unchanged.
    @inline(__always)
    static func sumOfExponentials(_ row: UnsafeMutablePointer<Float>, count n: Int, shift: Float) -> Float {
        var acc = V()
        var j = 0
        while j + 16 <= n {
            var e = V()
            for l in 0 ..< 16 { e[l] = _expf(row[j + l] - shift) }
            acc += e
            j += 16
        }
        var total = acc.sum()
        while j < n { total += _expf(row[j] - shift); j += 1 }
        return total
    }

    /// `x ← x · factor` over the row.
    @inline(__always)
    static func scale(_ row: UnsafeMutablePointer<Float>, count n: Int, by factor: Float) {
        var j = 0
        while j + 16 <= n {
            let p = UnsafeMutableRawPointer(row + j)
            p.storeBytes(of: p.loadUnaligned(as: V.self) * factor, as: V.self)
            j += 16
        }
        while j < n { row[j] *= factor; j += 1 }
    }

    /// `x ← (x − first) − second` over the row. Subtracting the row maximum first
    /// is exact for nearby values, so a log-probability near 0 keeps full
    /// precision even when the logits are ~1e4 (`x − (first + second)` would
    /// round `first + second` to the ulp of 1e4, about 1e-3).
    @inline(__always)
    static func subtract(_ row: UnsafeMutablePointer<Float>, count n: Int, _ first: Float, then second: Float) {
        var j = 0
        while j + 16 <= n {
            let p = UnsafeMutableRawPointer(row + j)
            p.storeBytes(of: (p.loadUnaligned(as: V.self) - first) - second, as: V.self)
            j += 16
        }
        while j < n { row[j] = (row[j] - first) - second; j += 1 }
    }
}
