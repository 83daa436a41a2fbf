import ShiftcastModel

/// The norm that bounds an adversarial perturbation `δ = x_adv − x`.
public enum PerturbationNorm: String, Sendable, Equatable, CaseIterable {
    /// `max_j |δ_j| ≤ ε`.
    case lInfinity = "linf"
    /// `sqrt(Σ_j δ_j²) ≤ ε`.
    case l2
}

/// White-box evasion attacks that maximise the cross-entropy of a model around each input.
///
/// - **FGSM** (Goodfellow, Shlens & Szegedy, ICLR 2015): one step,
///   `x_adv = clip(x + ε·sign(∇ₓL))` for L∞, `x + ε·∇ₓL/‖∇ₓL‖₂` for L2.
/// - **PGD** (Madry et al., ICLR 2018): `steps` steps of size `stepSize`
///   (sign of the gradient for L∞, the row-normalised gradient for L2), each followed by
///   projection onto the ε-ball around `x` and clipping into the valid input range.
///   With `randomStart`, δ₀ is uniform in the L∞ ball, or for L2 a uniformly random direction
///   with radius ε·u, u ~ U(0, 1).
///
/// Every returned row satisfies `‖x_adv − x‖ ≤ ε` (up to Float rounding of ~1e-6·ε) and lies
/// inside `bounds`; since `x` itself lies inside `bounds`, clipping only shrinks δ.
/// The gradient is taken with respect to the true labels given.
public struct AdversarialAttack: Sendable, Equatable {
    public enum Method: Sendable, Equatable {
        case fgsm
        case pgd(steps: Int, stepSize: Float, randomStart: Bool)
    }

    public var method: Method
    public var norm: PerturbationNorm
    public var epsilon: Float

    public init(method: Method, norm: PerturbationNorm, epsilon: Float) {
        precondition(epsilon >= 0, "AdversarialAttack: ε must be ≥ 0, got \(epsilon)")
        self.method = method
        self.norm = norm
        self.epsilon = epsilon
    }

    /// PGD with Madry et al.'s step size `2.5·ε/steps`.
    public static func pgd(norm: PerturbationNorm, epsilon: Float, steps: Int = 10, randomStart: Bool = true) -> AdversarialAttack {
        AdversarialAttack(method: .pgd(steps: steps, stepSize: 2.5 * epsilon / Float(max(steps, 1)), randomStart: randomStart),
                          norm: norm, epsilon: epsilon)
    }

    /// Perturbs `x` against `model` (batched, `batchSize` rows at a time).
    public func perturb(_ x: Tensor, labels: [Int], model: MLP, bounds: InputBounds,
                        batchSize: Int = 512, using generator: inout SeededGenerator) -> Tensor {
        perturb(x, labels: labels, bounds: bounds, batchSize: batchSize, using: &generator) {
            model.inputGradient($0, labels: $1)
        }
    }

    /// Perturbs `x` following `gradient(x, labels)` = ∇ₓ of the loss to increase.
    public func perturb(_ x: Tensor, labels: [Int], bounds: InputBounds, batchSize: Int = 512,
                        using generator: inout SeededGenerator,
                        gradient: (Tensor, [Int]) -> Tensor) -> Tensor {
        precondition(labels.count == x.rowCount, "AdversarialAttack: \(x.rowCount) rows but \(labels.count) labels")
        guard x.rowCount > 0, epsilon > 0 else { return x }
        var parts: [Tensor] = []
        var start = 0
        while start < x.rowCount {
            let end = Swift.min(start + batchSize, x.rowCount)
            parts.append(perturbBatch(x.rows(start ..< end), labels: Array(labels[start ..< end]),
                                      bounds: bounds, using: &generator, gradient: gradient))
            start = end
        }
        return Tensor.concatenatingRows(parts)
    }

    private func perturbBatch(_ x: Tensor, labels: [Int], bounds: InputBounds,
                              using generator: inout SeededGenerator,
                              gradient: (Tensor, [Int]) -> Tensor) -> Tensor {
        switch method {
        case .fgsm:
            return project(step(x, along: gradient(x, labels), size: epsilon), around: x, bounds: bounds)
        case let .pgd(steps, stepSize, randomStart):
            var current = randomStart ? project(randomPoint(around: x, using: &generator), around: x, bounds: bounds) : x
            for _ in 0 ..< steps {
                current = project(step(current, along: gradient(current, labels), size: stepSize), around: x, bounds: bounds)
            }
            return current
        }
    }

    /// `x + size·sign(g)` (L∞) or `x + size·g/‖g‖` per row (L2; rows with g = 0 stay put).
    func step(_ x: Tensor, along g: Tensor, size: Float) -> Tensor {
        let d = x.columnCount
        var out = x.scalars
        switch norm {
        case .lInfinity:
            for k in 0 ..< out.count {
                let s = g.scalars[k]
                out[k] += s > 0 ? size : (s < 0 ? -size : 0)
            }
        case .l2:
            for i in 0 ..< x.rowCount {
                var n2 = 0.0
                for j in 0 ..< d { let v = Double(g.scalars[i * d + j]); n2 += v * v }
                guard n2 > 0 else { continue }
                let scale = size / Float(n2.squareRoot())
                for j in 0 ..< d { out[i * d + j] += scale * g.scalars[i * d + j] }
            }
        }
        return Tensor(shape: x.shape, scalars: out)
    }

    /// Projects `candidate` onto the ε-ball around `origin`, then clips into `bounds`.
    func project(_ candidate: Tensor, around origin: Tensor, bounds: InputBounds) -> Tensor {
        let d = origin.columnCount
        var out = candidate.scalars
        for i in 0 ..< origin.rowCount {
            let base = i * d
            switch norm {
            case .lInfinity:
                for j in 0 ..< d {
                    let o = origin.scalars[base + j]
                    out[base + j] = Swift.min(Swift.max(out[base + j], o - epsilon), o + epsilon)
                }
            case .l2:
                var n2 = 0.0
                for j in 0 ..< d { let v = Double(out[base + j] - origin.scalars[base + j]); n2 += v * v }
                let n = n2.squareRoot()
                if n > Double(epsilon) {
                    // Shrink slightly below ε so Float rounding cannot leave the ball.
                    let scale = Float(Double(epsilon) / n) * (1 - 1e-6)
                    for j in 0 ..< d {
                        let o = origin.scalars[base + j]
                        out[base + j] = o + (out[base + j] - o) * scale
                    }
                }
            }
            for j in 0 ..< d {
                out[base + j] = Swift.min(Swift.max(out[base + j], bounds.lower[j]), bounds.upper[j])
            }
        }
        return Tensor(shape: origin.shape, scalars: out)
    }

    func randomPoint(around x: Tensor, using generator: inout SeededGenerator) -> Tensor {
        let d = x.columnCount
        var out = x.scalars
        for i in 0 ..< x.rowCount {
            switch norm {
            case .lInfinity:
                for j in 0 ..< d { out[i * d + j] += Float(generator.uniform(-Double(epsilon), Double(epsilon))) }
            case .l2:
                var direction = (0 ..< d).map { _ in generator.gaussian() }
                let n = direction.reduce(0) { $0 + $1 * $1 }.squareRoot()
                let radius = Double(epsilon) * generator.uniform()
                if n > 0 { direction = direction.map { $0 / n * radius } }
                for j in 0 ..< d { out[i * d + j] += Float(direction[j]) }
            }
        }
        return Tensor(shape: x.shape, scalars: out)
    }

    /// A short description, e.g. `pgd-linf(ε 0.1, 10 steps of 0.025, random start)`.
    public var summary: String {
        switch method {
        case .fgsm: return "fgsm-\(norm.rawValue)(ε \(epsilon))"
        case let .pgd(steps, size, random):
            return "pgd-\(norm.rawValue)(ε \(epsilon), \(steps) steps of \(size)\(random ? ", random start" : ""))"
        }
    }
}
