import Foundation
/// Softmax cross-entropy from logits, averaged over the batch:
/// `L = −(1/B) Σ_b log softmax(z_b)[y_b]`, with `∂L/∂z_b = (softmax(z_b) − e_{y_b}) / B`.
///
/// Computed through the stable log-softmax: with `s = max z` (0 when it is not finite) and
/// `T = Σ_c exp(z_c − s)`, `log softmax(z)[y] = (z_y − s) − log T` and
/// `softmax(z)_c = exp(z_c − s) / T`, so logits of ±1e4 give finite losses. `exp` is
/// `SIMD16.exponential` (within 1 ulp of the C library's, seven times faster), taken down 16
/// batch rows at once in the classes × batch layout `MLP` keeps its logits in; the class sum
/// runs c = 0, 1, ….
public enum SoftmaxCrossEntropy {
    /// The mean loss and its gradient with respect to the logits `[batch, classes]`: the
    /// transposed layout's, read through transposes.
    /// - Precondition: one label per row, each in `0..<classes`.
    public static func lossAndGradient(logits: Tensor, labels: [Int]) -> (loss: Double, gradient: Tensor) {
        let (loss, gradient) = lossAndGradient(transposedLogits: logits.transposed, labels: labels)
        return (loss, gradient.transposed)
    }

    /// The same loss, and the gradient, from transposed logits `Zᵀ` `[classes, batch]` — the
    /// layout `MLP` keeps them in — with the gradient `∂L/∂Zᵀ` in that layout too: no transposes,
    /// and the softmax runs down 16 columns (batch rows) at once.
    /// - Precondition: one label per column, each in `0..<classes`.
    public static func lossAndGradient(transposedLogits zT: Tensor, labels: [Int]) -> (loss: Double, gradient: Tensor) {
        typealias V = SIMD16<Float>
        let (k, b) = (zT.rowCount, zT.columnCount)
        precondition(labels.count == b, "SoftmaxCrossEntropy: a batch of \(b) but \(labels.count) labels")
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
                    for c in 0 ..< k { shift = pointwiseMax(shift, lanes(z + c * b + j, count: width)) }
                    shift.replace(with: 0, where: .!((shift .> -.infinity) .& (shift .< .infinity)))
                    var total = V()
                    for c in 0 ..< k {
                        let e = (lanes(z + c * b + j, count: width) - shift).exponential()
                        store(e, to: g + c * b + j, count: width)
                        total += e
                    }
                    for l in 0 ..< width {
                        let y = labels[j + l]
                        loss -= Double((z[y * b + j + l] - shift[l]) - logf(total[l]))
                    }
                    for c in 0 ..< k {
                        store(lanes(UnsafePointer(g + c * b + j), count: width) / total * inv, to: g + c * b + j, count: width)
                    }
                    for l in 0 ..< width { g[labels[j + l] * b + j + l] -= inv }
                    j += 16
                }
            }
        }
        return (loss / Double(max(b, 1)), Tensor(shape: [k, b], scalars: grad))
    }

    /// `count` ≤ 16 floats from `p` in the first lanes, the rest 0.
    @inline(__always)
    static func lanes(_ p: UnsafePointer<Float>, count: Int) -> SIMD16<Float> {
        if count == 16 { return UnsafeRawPointer(p).loadUnaligned(as: SIMD16<Float>.self) }
        var v = SIMD16<Float>(repeating: 0)
        for l in 0 ..< count { v[l] = p[l] }
        return v
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
