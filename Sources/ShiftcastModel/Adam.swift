import Foundation
/// Adam, as PyTorch's `torch.optim.Adam` (L2 weight decay added to the gradient):
///
///     g ← ∇ + λ·θ
///     m ← β₁·m + (1−β₁)·g,  v ← β₂·v + (1−β₂)·g²
///     θ ← θ − η · (m / (1−β₁ᵗ)) / (√(v / (1−β₂ᵗ)) + ε)
///
/// Kingma & Ba, "Adam: A method for stochastic optimization" (ICLR 2015).
public struct Adam: Optimizer {
    public var beta1: Float
    public var beta2: Float
    public var epsilon: Float
    public var weightDecay: Float
    /// Per-parameter state (first and second moment) and the step count.
    public private(set) var state: AdamState = AdamState()

    public init(beta1: Float = 0.9, beta2: Float = 0.999, epsilon: Float = 1e-8, weightDecay: Float = 0) {
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.weightDecay = weightDecay
    }

    public mutating func update(_ parameters: inout [Tensor], gradients: [Tensor], learningRate: Float) {
        precondition(parameters.count == gradients.count, "Adam: \(parameters.count) parameters, \(gradients.count) gradients")
        if state.m.isEmpty {
            state.m = parameters.map { Tensor(zeros: $0.shape) }
            state.v = state.m
        }
        state.step += 1
        let t = Float(state.step)
        let c1 = 1 - pow(beta1, t), c2 = 1 - pow(beta2, t)
        let (b1, b2, eps, wd) = (beta1, beta2, epsilon, weightDecay)
        for p in parameters.indices {
            precondition(parameters[p].shape == gradients[p].shape, "Adam: shape mismatch at parameter \(p)")
            let count = parameters[p].count
            if count == 0 { continue }
            parameters[p].scalars.withUnsafeMutableBufferPointer { theta in
                state.m[p].scalars.withUnsafeMutableBufferPointer { m in
                    state.v[p].scalars.withUnsafeMutableBufferPointer { v in
                        gradients[p].scalars.withUnsafeBufferPointer { grad in
                            let (pt, pm, pv, pg) = (SharedMutablePointer(theta.baseAddress!), SharedMutablePointer(m.baseAddress!),
                                                    SharedMutablePointer(v.baseAddress!), SharedPointer(grad.baseAddress!))
                            // Elementwise and memory-bound: large tensors go to both cores in chunks (`Parallel.forEachChunk`).
                            Parallel.forEachChunk(count: count, minimumChunk: 1 << 14, chunksPerWorker: 4) { range in
                                let (theta, m, v, grad) = (pt.base, pm.base, pv.base, pg.base)
                                for i in range {
                                    let g = grad[i] + wd * theta[i]
                                    m[i] = b1 * m[i] + (1 - b1) * g
                                    v[i] = b2 * v[i] + (1 - b2) * g * g
                                    theta[i] -= learningRate * (m[i] / c1) / ((v[i] / c2).squareRoot() + eps)
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// Adam's per-parameter moments and step count.
public struct AdamState: Sendable, Equatable {
    public var m: [Tensor] = []
    public var v: [Tensor] = []
    public var step: Int = 0
}
