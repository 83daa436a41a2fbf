/// Stochastic gradient descent with momentum, as PyTorch's `torch.optim.SGD`:
///
///     g ← ∇ + λ·θ                 (weight decay λ)
///     v ← μ·v + g                 (v starts as g on the first step)
///     θ ← θ − η·(g + μ·v)         with Nesterov, else θ ← θ − η·v
///
/// Sutskever et al., "On the importance of initialization and momentum in deep learning" (ICML 2013).
public struct SGD: Optimizer {
    public var momentum: Float
    public var nesterov: Bool
    public var weightDecay: Float
    /// The velocity buffer per parameter (empty before the first step).
    public private(set) var velocity: [Tensor] = []

    public init(momentum: Float = 0.9, nesterov: Bool = false, weightDecay: Float = 0) {
        self.momentum = momentum
        self.nesterov = nesterov
        self.weightDecay = weightDecay
    }

    public mutating func update(_ parameters: inout [Tensor], gradients: [Tensor], learningRate: Float) {
        precondition(parameters.count == gradients.count, "SGD: \(parameters.count) parameters, \(gradients.count) gradients")
        let first = velocity.isEmpty
        if first { velocity = parameters.map { Tensor(zeros: $0.shape) } }
        let (mu, wd, lr, nest) = (momentum, weightDecay, learningRate, nesterov)
        for p in parameters.indices {
            precondition(parameters[p].shape == gradients[p].shape, "SGD: shape mismatch at parameter \(p)")
            parameters[p].scalars.withUnsafeMutableBufferPointer { theta in
                velocity[p].scalars.withUnsafeMutableBufferPointer { v in
                    gradients[p].scalars.withUnsafeBufferPointer { grad in
                        for i in 0 ..< theta.count {
                            let g = grad[i] + wd * theta[i]
                            if mu == 0 { theta[i] -= lr * g; continue }
                            let vi = first ? g : mu * v[i] + g
                            v[i] = vi
                            theta[i] -= lr * (nest ? g + mu * vi : vi)
                        }
                    }
                }
            }
        }
    }
}
