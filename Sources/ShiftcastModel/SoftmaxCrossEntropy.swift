import Foundation
/// Softmax cross-entropy from logits, averaged over the batch:
/// `L = −(1/B) Σ_b log softmax(z_b)[y_b]`, with `∂L/∂z_b = (softmax(z_b) − e_{y_b}) / B`.
///
/// Computed through the stable log-softmax, so logits of ±1e4 give finite losses.
public enum SoftmaxCrossEntropy {
    /// The mean loss and its gradient with respect to the logits.
    /// - Precondition: one label per row, each in `0..<classes`.
    public static func lossAndGradient(logits: Tensor, labels: [Int]) -> (loss: Double, gradient: Tensor) {
        let (b, k) = (logits.rowCount, logits.columnCount)
        precondition(labels.count == b, "SoftmaxCrossEntropy: \(b) rows but \(labels.count) labels")
        let logp = logits.rowLogSoftmax()
        var grad = [Float](repeating: 0, count: b * k)
        var loss = 0.0
        let inv = 1 / Float(max(b, 1))
        logp.scalars.withUnsafeBufferPointer { lp in
            for i in 0 ..< b {
                let y = labels[i]
                precondition(y >= 0 && y < k, "SoftmaxCrossEntropy: label \(y) at row \(i) outside 0..<\(k)")
                loss -= Double(lp[i * k + y])
                for j in 0 ..< k { grad[i * k + j] = expf(lp[i * k + j]) * inv }
                grad[i * k + y] -= inv
            }
        }
        return (loss / Double(max(b, 1)), Tensor(shape: [b, k], scalars: grad))
    }

    /// The mean loss only.
    public static func loss(logits: Tensor, labels: [Int]) -> Double {
        lossAndGradient(logits: logits, labels: labels).loss
    }
}
