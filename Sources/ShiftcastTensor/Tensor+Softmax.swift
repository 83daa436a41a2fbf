/// Row-wise softmax and log-softmax of rank-2 logits.
///
/// `softmax(z)_k = exp(z_k − max z) / Σ_j exp(z_j − max z)`;
/// `logSoftmax(z)_k = z_k − max z − log Σ_j exp(z_j − max z)`.
/// Subtracting the row maximum keeps every exponent ≤ 0, so logits of ±1e4 give
/// exact one-hot probabilities instead of NaN.
extension Tensor {
    /// Softmax of each row.
    public func rowSoftmax() -> Tensor {
        let (m, n) = (rowCount, columnCount)
        var out = scalars
        out.withUnsafeMutableBufferPointer { o in
            let base = SharedMutablePointer(o.baseAddress!)
            Parallel.forEachChunk(count: m, minimumChunk: 4096) { rows in
                for i in rows {
                    let row = base.base + i * n
                    var mx = -Float.infinity
                    for j in 0 ..< n where row[j] > mx { mx = row[j] }
                    if !mx.isFinite { mx = 0 }
                    var total: Float = 0
                    for j in 0 ..< n { let e = _expf(row[j] - mx); row[j] = e; total += e }
                    let inv = 1 / total
                    for j in 0 ..< n { row[j] *= inv }
                }
            }
        }
        return Tensor(shape: shape, scalars: out)
    }

    /// Log-softmax of each row.
    public func rowLogSoftmax() -> Tensor {
        let (m, n) = (rowCount, columnCount)
        var out = scalars
        out.withUnsafeMutableBufferPointer { o in
            let base = SharedMutablePointer(o.baseAddress!)
            Parallel.forEachChunk(count: m, minimumChunk: 4096) { rows in
                for i in rows {
                    let row = base.base + i * n
                    var mx = -Float.infinity
                    for j in 0 ..< n where row[j] > mx { mx = row[j] }
                    if !mx.isFinite { mx = 0 }
                    var total: Float = 0
                    for j in 0 ..< n { total += _expf(row[j] - mx) }
                    let shift = mx + _logf(total)
                    for j in 0 ..< n { row[j] -= shift }
                }
            }
        }
        return Tensor(shape: shape, scalars: out)
    }
}
