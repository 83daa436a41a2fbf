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
            let y = x.rectified()
            // y > 0 exactly where x > 0, so the mask comes from the output and x can be freed.
            return (y, { dy in
                precondition(dy.shape == y.shape, "relu pullback: gradient \(dy.shape) vs input \(y.shape)")
                return dy.passingWherePositive(y)
            })
        case .tanh:
            let y = x.map { tanhf($0) }
            return (y, { dy in
                precondition(dy.shape == y.shape, "tanh pullback: gradient \(dy.shape) vs output \(y.shape)")
                return Activation.combine(dy, y) { d, out in d * (1 - out * out) }
            })
        }
    }

    /// `f(dy[i], y[i])` for every element, into a new tensor (one pass, no copy of `dy`).
    @inline(__always)
    static func combine(_ dy: Tensor, _ y: Tensor, _ f: (Float, Float) -> Float) -> Tensor {
        let count = dy.count
        let out = [Float](unsafeUninitializedCapacity: count) { o, initialized in
            dy.scalars.withUnsafeBufferPointer { d in
                y.scalars.withUnsafeBufferPointer { ys in
                    for i in 0 ..< count { o[i] = f(d[i], ys[i]) }
                }
            }
            initialized = count
        }
        return Tensor(shape: dy.shape, scalars: out)
    }

    /// `x[i] = f(x[i])` for `count` elements in place: the same values as `callAsFunction`
    /// (for a product's epilogue, `MLP.forward`).
    @inline(__always)
    func apply(to x: UnsafeMutablePointer<Float>, count: Int) {
        switch self {
        case .relu: for i in 0 ..< count { let v = x[i]; x[i] = v > 0 ? v : 0 }
        case .tanh: for i in 0 ..< count { x[i] = tanhf(x[i]) }
        }
    }

    /// `dy[i] = dy[i] · f′` at the activation's output `y[i]`, in place for `count` elements:
    /// the same values as `forward`'s pullback (for a product's epilogue, `MLP.forward`).
    @inline(__always)
    func multiplyByDerivative(_ dy: UnsafeMutablePointer<Float>, output y: UnsafePointer<Float>, count: Int) {
        switch self {
        case .relu: for i in 0 ..< count { dy[i] = y[i] > 0 ? dy[i] : 0 }
        case .tanh: for i in 0 ..< count { dy[i] = dy[i] * (1 - y[i] * y[i]) }
        }
    }

    /// Applies the activation (inference only).
    public func callAsFunction(_ x: Tensor) -> Tensor {
        switch self {
        case .relu: return x.rectified()
        case .tanh: return x.map { tanhf($0) }
        }
    }
}
