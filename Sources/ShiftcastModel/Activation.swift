import Foundation
/// An elementwise nonlinearity between dense layers.
public enum Activation: String, Sendable, Equatable, CaseIterable, Codable {
    /// `relu(x) = max(x, 0)`; derivative 1 for x > 0, else 0 (0 at x = 0, as in PyTorch).
    case relu
    /// `tanh(x)`; derivative `1 − tanh(x)²`.
    case tanh

    /// Applies the activation and returns the output with its pullback.
    public func forward(_ x: Tensor) -> (output: Tensor, pullback: @Sendable (Tensor) -> Tensor) {
        switch self {
        case .relu:
            let y = x.map { $0 > 0 ? $0 : 0 }
            return (y, { dy in
                precondition(dy.shape == x.shape, "relu pullback: gradient \(dy.shape) vs input \(x.shape)")
                var g = dy.scalars
                x.scalars.withUnsafeBufferPointer { xs in
                    for i in 0 ..< g.count where !(xs[i] > 0) { g[i] = 0 }
                }
                return Tensor(shape: dy.shape, scalars: g)
            })
        case .tanh:
            let y = x.map { tanhf($0) }
            return (y, { dy in
                precondition(dy.shape == y.shape, "tanh pullback: gradient \(dy.shape) vs output \(y.shape)")
                var g = dy.scalars
                y.scalars.withUnsafeBufferPointer { ys in
                    for i in 0 ..< g.count { g[i] *= 1 - ys[i] * ys[i] }
                }
                return Tensor(shape: dy.shape, scalars: g)
            })
        }
    }

    /// Applies the activation (inference only).
    public func callAsFunction(_ x: Tensor) -> Tensor {
        switch self {
        case .relu: return x.map { $0 > 0 ? $0 : 0 }
        case .tanh: return x.map { tanhf($0) }
        }
    }
}
