/// Adversarial sets as a shift family: FGSM or PGD against the model under test, or PGD
/// crafted on a surrogate model (a transfer set).
///
/// The budget scales with the data: with `s` the root-mean-square of the source feature
/// standard deviations (0.3 for images with pixels in [0, 1]) and `c` the severity's factor,
///
///     L∞: ε = c · s              L2: ε = c · s · √d / 4
///
/// where `c = 0.1, 0.25, 0.5, 0.75, 1` for severities 1…5. For images (features in [0, 1],
/// `context.imageShape` set) `s` is 0.3, so L∞ ε runs from 0.03 to 0.3 in pixel units (0.3 is
/// the customary MNIST budget). The L2 ball is a quarter of the L∞ ball's half-diagonal, the
/// customary pairing (MNIST 0.3 and 2.0: 0.24; CIFAR-10 8/255 and 0.5: 0.29): an L2 attack
/// spends its budget on a few features, and with the whole half-diagonal it rewrote the
/// examples — on the 8×8 digits, severity 4–5 moved rows farther (L2 1.8–2.4) than the median
/// distance to the nearest source row of another class (1.9), and a nearest-neighbour rule on
/// the source kept the label of 12 % and 0.3 % of them: not an attack that keeps labels.
/// PGD: 10 steps of `2.5·ε/10` (Madry et al., ICLR 2018) from a random start in the ball;
/// FGSM: one step of ε, no random start. Examples are clipped into the valid input range:
/// [0, 1] for images, otherwise the source's per-feature [min, max] widened by 10 % of the range.
/// The attack follows the true labels, so rows keep their labels.
public struct AdversarialShift: Shift {
    public enum Attack: String, Sendable { case fgsm, pgd }

    public let name: String
    public let attack: Attack
    public let norm: PerturbationNorm
    /// Crafted on `context.surrogateInputGradient` instead of the model under test.
    public let transfer: Bool
    public var kind: ShiftKind { .adversarial }
    public var needsLabels: Bool { true }
    public var needsModel: Bool { true }
    /// c for severities 1…5.
    public static let factors: [Float] = [0.1, 0.25, 0.5, 0.75, 1.0]
    /// PGD steps.
    public static let steps = 10
    /// The L2 budget as a share of the L∞ ball's half-diagonal `ε∞·√d`.
    public static let l2Share: Float = 0.25

    public init(name: String, attack: Attack, norm: PerturbationNorm, transfer: Bool) {
        self.name = name
        self.attack = attack
        self.norm = norm
        self.transfer = transfer
    }

    public var summary: String {
        let what = attack == .fgsm ? "FGSM (one signed-gradient step)" : "PGD (\(Self.steps) steps, random start)"
        let ball = norm == .lInfinity ? "L∞" : "L2"
        return transfer
            ? "\(what) in an \(ball) ball, crafted on a surrogate model (another seed) and evaluated on the model"
            : "\(what) in an \(ball) ball against the model under test"
    }

    public func parameterDescription(severity: Int) -> String {
        let c = Self.factors[max(0, min(4, severity - 1))]
        return norm == .lInfinity ? "ε = \(c) × s" : "ε = \(c) × s × √d / 4"
    }

    /// The budget ε at `severity` for data described by `context`.
    public func epsilon(severity: Int, context: ShiftContext) throws -> Float {
        let c = Self.factors[try severityIndex(severity)]
        let s: Float
        if context.imageShape != nil {
            s = 0.3
        } else {
            let meanSquare = context.standardDeviation.reduce(0) { $0 + Double($1) * Double($1) } / Double(max(context.featureCount, 1))
            s = Float(meanSquare.squareRoot())
        }
        return norm == .lInfinity ? c * s : c * s * Float(Double(context.featureCount).squareRoot()) * Self.l2Share
    }

    /// The valid input range used for clipping.
    public static func bounds(for context: ShiftContext) -> InputBounds {
        if context.imageShape != nil { return InputBounds(uniform: 0, 1, features: context.featureCount) }
        var lower = context.minimum, upper = context.maximum
        for j in lower.indices {
            let pad = (upper[j] - lower[j]) * 0.1
            lower[j] -= pad; upper[j] += pad
        }
        return InputBounds(lower: lower, upper: upper)
    }

    public func apply(to data: Dataset, severity: Int, context: ShiftContext,
                      using generator: inout SeededGenerator) throws -> Dataset {
        let eps = try epsilon(severity: severity, context: context)
        try requireSourceColumns(data, context)
        let labels = try requireLabels(data)
        guard let gradient = transfer ? context.surrogateInputGradient : context.inputGradient else {
            throw InputError("shift '\(name)': needs a model (\(transfer ? "a surrogate model for the transfer attack" : "--model")), none was given")
        }
        let bounds = Self.bounds(for: context)
        // Rows outside the valid range (possible for target data) are first clipped into it.
        let x = bounds.clipping(data.features)
        let method: AdversarialAttack.Method = attack == .fgsm
            ? .fgsm
            : .pgd(steps: Self.steps, stepSize: 2.5 * eps / Float(Self.steps), randomStart: true)
        var failure: Error?
        let adversarial = AdversarialAttack(method: method, norm: norm, epsilon: eps)
            .perturb(x, labels: labels, bounds: bounds, using: &generator) { batch, batchLabels in
                if failure != nil { return Tensor(zeros: batch.shape) }
                do { return try gradient(batch, batchLabels) } catch { failure = error; return Tensor(zeros: batch.shape) }
            }
        if let failure { throw failure }
        return data.replacingFeatures(adversarial)
    }
}
