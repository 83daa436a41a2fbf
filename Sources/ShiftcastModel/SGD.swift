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
        // A zero velocity makes the first step's v = μ·0 + g = g exactly, as in PyTorch.
        if velocity.isEmpty { velocity = parameters.map { Tensor(zeros: $0.shape) } }
        let (mu, wd, lr, nest) = (momentum, weightDecay, learningRate, nesterov)
        for p in parameters.indices {
            precondition(parameters[p].shape == gradients[p].shape, "SGD: shape mismatch at parameter \(p)")
            let count = parameters[p].count
            if count == 0 { continue }
            parameters[p].scalars.withUnsafeMutableBufferPointer { theta in
                velocity[p].scalars.withUnsafeMutableBufferPointer { v in
                    gradients[p].scalars.withUnsafeBufferPointer { grad in
                        let (t, vv, g) = (SharedMutablePointer(theta.baseAddress!), SharedMutablePointer(v.baseAddress!),
                                          SharedPointer(grad.baseAddress!))
                        // Elementwise and memory-bound: large tensors go to both cores in chunks (`Parallel.forEachChunk`).
                        Parallel.forEachChunk(count: count, minimumChunk: 1 << 14, chunksPerWorker: 4) { range in
                            SGD.step(theta: t.base, velocity: vv.base, gradient: g.base, range: range,
                                     momentum: mu, weightDecay: wd, learningRate: lr, nesterov: nest)
                        }
                    }
                }
            }
        }
    }

    /// One SGD step on elements `range`: `g = ∇ + λθ; v = μv + g; θ −= η·(nesterov ? g + μv : v)`.
    /// One branch-free loop per case, so the compiler vectorises it.
    static func step(theta: UnsafeMutablePointer<Float>, velocity v: UnsafeMutablePointer<Float>,
                     gradient grad: UnsafePointer<Float>, range: Range<Int>,
                     momentum mu: Float, weightDecay wd: Float, learningRate lr: Float, nesterov: Bool) {
        if nesterov {
            for i in range {
                let g = grad[i] + wd * theta[i]
                let vi = mu * v[i] + g
                v[i] = vi
                theta[i] -= lr * (g + mu * vi)
            }
        } else {
            for i in range {
                let g = grad[i] + wd * theta[i]
                let vi = mu * v[i] + g
                v[i] = vi
                theta[i] -= lr * vi
            }
        }
    }
}
