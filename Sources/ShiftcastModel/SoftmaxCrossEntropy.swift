import Foundation
/// Softmax cross-entropy from logits, averaged over the batch:
/// `L = −(1/B) Σ_b log softmax(z_b)[y_b]`, with `∂L/∂z_b = (softmax(z_b) − e_{y_b}) / B`.
///
/// Computed through the stable log-softmax: with `s = max z` (0 when it is not finite) and
/// `T = Σ_c exp(z_c − s)`, `log softmax(z)[y] = (z_y − s) − log T` and
/// `softmax(z)_c = exp(z_c − s) / T`, so logits of ±1e4 give finite losses. `exp` is
/// `SIMD16.exponential` (within 1 ulp of the C library's, seven times faster). Both layouts
/// below do the same operations on each element in the same order (the class sum runs
/// c = 0, 1, …), so they agree bit for bit.
public enum SoftmaxCrossEntropy {
    /// The mean loss and its gradient with respect to the logits `[batch, classes]`.
    /// - Precondition: one label per row, each in `0..<classes`.
    public static func lossAndGradient(logits: Tensor, labels: [Int]) -> (loss: Double, gradient: Tensor) {
        let (b, k) = (logits.rowCount, logits.columnCount)
        precondition(labels.count == b, "SoftmaxCrossEntropy: \(b) rows but \(labels.count) labels")
        var grad = [Float](repeating: 0, count: b * k)
        var loss = 0.0
        let inv = 1 / Float(max(b, 1))
        logits.scalars.withUnsafeBufferPointer { z in
            grad.withUnsafeMutableBufferPointer { g in
                for i in 0 ..< b {
                    let y = labels[i]
                    precondition(y >= 0 && y < k, "SoftmaxCrossEntropy: label \(y) at row \(i) outside 0..<\(k)")
                    let row = z.baseAddress! + i * k, out = g.baseAddress! + i * k
                    var shift = -Float.infinity
                    for c in 0 ..< k { shift = Swift.max(shift, row[c]) }
                    if !shift.isFinite { shift = 0 }
                    // exp of 16 classes at a time, then the class sum in order c = 0, 1, …
                    var c0 = 0
                    while c0 < k {
                        let width = Swift.min(16, k - c0)
                        let e = lanes(row + c0, count: width, stride: 1, minus: shift).exponential()
                        for l in 0 ..< width { out[c0 + l] = e[l] }
                        c0 += 16
                    }
                    var total: Float = 0
                    for c in 0 ..< k { total += out[c] }
                    loss -= Double((row[y] - shift) - logf(total))
                    for c in 0 ..< k { out[c] = out[c] / total * inv }
                    out[y] -= inv
                }
            }
        }
        return (loss / Double(max(b, 1)), Tensor(shape: [b, k], scalars: grad))
    }

    /// The same loss, and the gradient, from transposed logits `Zᵀ` `[classes, batch]` — the
    /// layout `MLP` keeps them in — with the gradient `∂L/∂Zᵀ` in that layout too: no transposes,
    /// and the softmax runs down 16 columns (batch rows) at once.
    /// - Precondition: one label per column, each in `0..<classes`.
    public static func lossAndGradient(transposedLogits zT: Tensor, labels: [Int]) -> (loss: Double, gradient: Tensor) {
        typealias V = SIMD16<Float>
        let (k, b) = (zT.rowCount, zT.columnCount)
        precondition(labels.count == b, "SoftmaxCrossEntropy: \(b) columns but \(labels.count) labels")
        for (i, y) in labels.enumerated() {
            precondition(y >= 0 && y < k, "SoftmaxCrossEntropy: label \(y) at row \(i) outside 0..<\(k)")
        }
        var grad = [Float](repeating: 0, count: b * k)
        var loss = 0.0
        let inv = 1 / Float(max(b, 1))
        zT.scalars.withUnsafeBufferPointer { zp in
            grad.withUnsafeMutableBufferPointer { gp in
                guard let z = zp.baseAddress, let g = gp.baseAddress else { return }
                var j = 0
                while j < b {
                    // Columns j ..< j + width, a lane each; a last partial block fills the rest with 0.
                    let width = Swift.min(16, b - j)
                    var shift = V(repeating: -.infinity)
                    for c in 0 ..< k { shift = pointwiseMax(shift, lanes(z + c * b + j, count: width, stride: 1)) }
                    shift.replace(with: 0, where: .!((shift .> -.infinity) .& (shift .< .infinity)))
                    var total = V()
                    for c in 0 ..< k {
                        let e = (lanes(z + c * b + j, count: width, stride: 1) - shift).exponential()
                        store(e, to: g + c * b + j, count: width)
                        total += e
                    }
                    for l in 0 ..< width {
                        let y = labels[j + l]
                        loss -= Double((z[y * b + j + l] - shift[l]) - logf(total[l]))
                    }
                    for c in 0 ..< k {
                        store(lanes(g + c * b + j, count: width, stride: 1) / total * inv, to: g + c * b + j, count: width)
                    }
                    for l in 0 ..< width { g[labels[j + l] * b + j + l] -= inv }
                    j += 16
                }
            }
        }
        return (loss / Double(max(b, 1)), Tensor(shape: [k, b], scalars: grad))
    }

    /// `count` ≤ 16 floats from `p` (every `stride`-th), less `shift`, in the first lanes; the
    /// rest 0 − shift.
    @inline(__always)
    static func lanes(_ p: UnsafePointer<Float>, count: Int, stride: Int, minus shift: Float = 0) -> SIMD16<Float> {
        if count == 16 && stride == 1 { return UnsafeRawPointer(p).loadUnaligned(as: SIMD16<Float>.self) - shift }
        var v = SIMD16<Float>(repeating: 0)
        for l in 0 ..< count { v[l] = p[l * stride] }
        return v - shift
    }

    @inline(__always)
    static func lanes(_ p: UnsafeMutablePointer<Float>, count: Int, stride: Int) -> SIMD16<Float> {
        lanes(UnsafePointer(p), count: count, stride: stride)
    }

    /// Stores the first `count` lanes of `v` at `p`.
    @inline(__always)
    static func store(_ v: SIMD16<Float>, to p: UnsafeMutablePointer<Float>, count: Int) {
        if count == 16 { UnsafeMutableRawPointer(p).storeBytes(of: v, as: SIMD16<Float>.self); return }
        for l in 0 ..< count { p[l] = v[l] }
    }

    /// The mean loss only.
    public static func loss(logits: Tensor, labels: [Int]) -> Double {
        lossAndGradient(logits: logits, labels: labels).loss
    }
}
