/// Updates parameters from their gradients, keeping per-parameter state.
public protocol Optimizer: Sendable {
    /// Applies one step with the given learning rate.
    /// `parameters` and `gradients` are in the same order with equal shapes.
    mutating func update(_ parameters: inout [Tensor], gradients: [Tensor], learningRate: Float)
}

/// The optimizers shiftcast can train with, as configuration.
public enum OptimizerKind: Sendable, Equatable {
    case sgd(momentum: Float = 0.9, nesterov: Bool = false, weightDecay: Float = 0)
    case adam(beta1: Float = 0.9, beta2: Float = 0.999, epsilon: Float = 1e-8, weightDecay: Float = 0)

    /// A fresh optimizer with empty state.
    public func make() -> any Optimizer {
        switch self {
        case let .sgd(m, n, wd): return SGD(momentum: m, nesterov: n, weightDecay: wd)
        case let .adam(b1, b2, eps, wd): return Adam(beta1: b1, beta2: b2, epsilon: eps, weightDecay: wd)
        }
    }

    /// A short description for reports, e.g. `sgd(momentum 0.9)`.
    public var summary: String {
        switch self {
        case let .sgd(m, n, wd): return "sgd(momentum \(m)\(n ? ", nesterov" : "")\(wd != 0 ? ", weight decay \(wd)" : ""))"
        case let .adam(b1, b2, eps, wd): return "adam(β1 \(b1), β2 \(b2), ε \(eps)\(wd != 0 ? ", weight decay \(wd)" : ""))"
        }
    }
}
