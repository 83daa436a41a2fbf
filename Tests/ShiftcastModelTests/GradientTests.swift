import XCTest
import ShiftcastTestSupport
@testable import ShiftcastModel

/// Finite-difference checks of every backward pass. The loss used is
/// `L = Σ w ⊙ f(x)` with fixed random weights `w`, so every output element matters
/// and a wrong sign or a missing term changes the gradient by O(1).
final class GradientTests: XCTestCase {
    func weightedSum(_ y: Tensor, _ w: Tensor) -> Double {
        zip(y.scalars, w.scalars).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
    }

    func testDenseGradients() {
        var g = SeededGenerator(seed: 1)
        let layer = Dense(inputs: 5, outputs: 4, using: &g)
        let x = Tensor.randomNormal(shape: [3, 5], using: &g)
        let w = Tensor.randomNormal(shape: [3, 4], using: &g)
        let (_, pullback) = layer.forward(x)
        let grads = pullback(w)
        let dx = numericalGradient(of: { self.weightedSum(layer($0), w) }, at: x)
        XCTAssertLessThan(maxRelativeError(grads.input.scalars, dx), 1e-3)
        let dW = numericalGradient(of: { self.weightedSum(Dense(weight: $0, bias: layer.bias)(x), w) }, at: layer.weight)
        XCTAssertLessThan(maxRelativeError(grads.weight.scalars, dW), 1e-3)
        let db = numericalGradient(of: { self.weightedSum(Dense(weight: layer.weight, bias: $0)(x), w) }, at: layer.bias)
        XCTAssertLessThan(maxRelativeError(grads.bias.scalars, db), 1e-3)
    }

    func testDenseByHand() {
        // y = x Wᵀ + b with integer values checked by hand.
        let layer = Dense(weight: Tensor(rows: [[1, 2], [3, 4], [5, 6]]), bias: Tensor([1, 0, -1]))
        let x = Tensor(rows: [[1, -1]])
        let (y, pullback) = layer.forward(x)
        XCTAssertEqual(y.scalars, [0, -1, -2])
        let grads = pullback(Tensor(rows: [[1, 1, 1]]))
        XCTAssertEqual(grads.input.scalars, [9, 12])
        XCTAssertEqual(grads.weight.scalars, [1, -1, 1, -1, 1, -1])
        XCTAssertEqual(grads.bias.scalars, [1, 1, 1])
    }

    func testActivationGradients() {
        var g = SeededGenerator(seed: 2)
        // Keep ReLU inputs away from the kink at 0, where the finite difference is meaningless.
        let x = Tensor.randomNormal(shape: [4, 6], using: &g).map { $0 >= 0 ? $0 + 0.1 : $0 - 0.1 }
        let w = Tensor.randomNormal(shape: [4, 6], using: &g)
        for activation in Activation.allCases {
            let (_, pullback) = activation.forward(x)
            let analytic = pullback(w)
            let numeric = numericalGradient(of: { self.weightedSum(activation($0), w) }, at: x, step: 1e-2)
            XCTAssertLessThan(maxRelativeError(analytic.scalars, numeric), 2e-3, "\(activation)")
        }
    }

    func testCrossEntropyGradientAndValue() {
        var g = SeededGenerator(seed: 3)
        let z = Tensor.randomNormal(shape: [5, 4], standardDeviation: 2, using: &g)
        let labels = [0, 3, 1, 2, 3]
        let (loss, dz) = SoftmaxCrossEntropy.lossAndGradient(logits: z, labels: labels)
        // Value against a direct Double computation.
        var expected = 0.0
        for i in 0 ..< 5 {
            let row = z.row(i).map(Double.init)
            let m = row.max()!
            let lse = m + log(row.map { exp($0 - m) }.reduce(0, +))
            expected += lse - row[labels[i]]
        }
        XCTAssertEqual(loss, expected / 5, accuracy: 1e-5)
        let numeric = numericalGradient(of: { SoftmaxCrossEntropy.loss(logits: $0, labels: labels) }, at: z, step: 1e-2)
        XCTAssertLessThan(maxRelativeError(dz.scalars, numeric), 1e-3)
    }

    /// The transposed layout `MLP` trains with gives the row layout's loss and gradient bit for
    /// bit: full and partial 16-column blocks, fewer and more than 16 classes, huge logits.
    func testTransposedCrossEntropyEqualsTheRowLayoutBitForBit() {
        var g = SeededGenerator(seed: 31)
        for (batch, classes) in [(1, 3), (16, 10), (37, 10), (62, 10), (33, 20), (5, 1)] {
            var z = Tensor.randomNormal(shape: [batch, classes], standardDeviation: 3, using: &g)
            if batch > 2 { z[1, 0] = 1e4; z[2, classes - 1] = -1e4 }
            let labels = (0 ..< batch).map { ($0 * 7 + 3) % classes }
            let rows = SoftmaxCrossEntropy.lossAndGradient(logits: z, labels: labels)
            let columns = SoftmaxCrossEntropy.lossAndGradient(transposedLogits: z.transposed, labels: labels)
            XCTAssertEqual(rows.loss, columns.loss, "batch \(batch), classes \(classes)")
            XCTAssertEqual(rows.gradient.scalars, columns.gradient.transposed.scalars, "batch \(batch), classes \(classes)")
            XCTAssertTrue(rows.loss.isFinite)
        }
    }

    func testCrossEntropyIsStableForHugeLogits() {
        let z = Tensor(rows: [[1e4, -1e4, 0], [-1e4, 1e4, 1e4]])
        let (loss, dz) = SoftmaxCrossEntropy.lossAndGradient(logits: z, labels: [0, 0])
        XCTAssertTrue(loss.isFinite)
        XCTAssertEqual(loss, (0 + 2e4) / 2, accuracy: 1)
        XCTAssertTrue(dz.isFinite)
    }

    func testMLPParameterAndInputGradients() {
        for activation in Activation.allCases {
            let (model, x) = modelAwayFromKinks(activation)
            let labels = [0, 1, 2, 2, 1, 0, 1]
            let (_, gradient) = model.lossAndGradient(x, labels: labels)
            let dx = numericalGradient(of: { model.lossAndGradient($0, labels: labels).loss }, at: x, step: 2e-3)
            XCTAssertLessThan(maxRelativeError(gradient.input.scalars, dx), 2e-3, "input gradient, \(activation)")
            for p in 0 ..< model.parameters.count {
                let numeric = numericalGradient(of: { value in
                    var m = model
                    var params = m.parameters
                    params[p] = value
                    m.parameters = params
                    return m.lossAndGradient(x, labels: labels).loss
                }, at: model.parameters[p], step: 2e-3)
                XCTAssertLessThan(maxRelativeError(gradient.parameters[p].scalars, numeric), 2e-3,
                                  "parameter \(p), \(activation)")
            }
        }
    }

    /// A small model and batch whose hidden pre-activations all stay at least 0.05 away
    /// from 0, so that a finite-difference step of 2e-3 never crosses a ReLU kink
    /// (where the derivative jumps and no finite difference is meaningful).
    func modelAwayFromKinks(_ activation: Activation) -> (MLP, Tensor) {
        for seed in UInt64(4) ..< 400 {
            var g = SeededGenerator(seed: seed)
            let model = MLP(MLPArchitecture(inputs: 4, hidden: [6, 5], classes: 3, activation: activation), using: &g)
            let x = Tensor.randomNormal(shape: [7, 4], using: &g)
            var h = x
            var minimum = Float.infinity
            for layer in model.layers.dropLast() {
                h = layer(h)
                minimum = min(minimum, h.scalars.map(abs).min()!)
                h = activation(h)
            }
            if minimum > 0.05 { return (model, x) }
        }
        fatalError("no seed gives pre-activations away from 0")
    }

    func testGradientCheckCatchesAWrongSign() {
        // The checker itself must be able to fail: flip the sign of a correct gradient.
        var g = SeededGenerator(seed: 5)
        let z = Tensor.randomNormal(shape: [3, 3], using: &g)
        let (_, dz) = SoftmaxCrossEntropy.lossAndGradient(logits: z, labels: [0, 1, 2])
        let numeric = numericalGradient(of: { SoftmaxCrossEntropy.loss(logits: $0, labels: [0, 1, 2]) }, at: z)
        XCTAssertGreaterThan(maxRelativeError((-dz).scalars, numeric), 1e-2)
    }
}

final class TrainingGradientPathTests: XCTestCase {
    func testSkippingTheInputGradientLeavesParameterGradientsUnchanged() {
        var g = SeededGenerator(seed: 8)
        let model = MLP(MLPArchitecture(inputs: 5, hidden: [7], classes: 3), using: &g)
        let x = Tensor.randomNormal(shape: [4, 5], using: &g)
        let full = model.lossAndGradient(x, labels: [0, 1, 2, 1], inputGradient: true)
        let training = model.lossAndGradient(x, labels: [0, 1, 2, 1], inputGradient: false)
        XCTAssertEqual(full.gradient.parameters, training.gradient.parameters)
        XCTAssertEqual(full.loss, training.loss)
        XCTAssertEqual(full.gradient.input.shape, [4, 5])
        XCTAssertEqual(training.gradient.input.shape, [0])
    }

    /// `MLP.forward` keeps activations transposed (features × batch); its logits and every
    /// gradient must equal, bit for bit, the batch-major chain of `Dense.forward` and the
    /// activations' pullbacks. The 400-wide layers send the products through the GEMM's
    /// whole-B row items (`GEMM.multiplyPackingWholeB`) on a multi-core machine, the odd
    /// sizes through edge tiles.
    func testTransposedLayoutEqualsTheBatchMajorChainBitForBit() {
        for activation in Activation.allCases {
            var g = SeededGenerator(seed: 21)
            let model = MLP(MLPArchitecture(inputs: 400, hidden: [400, 150], classes: 7, activation: activation), using: &g)
            let x = Tensor.randomNormal(shape: [50, 400], using: &g)
            let dLogits = Tensor.randomNormal(shape: [50, 7], using: &g)

            var h = x
            var denseBacks: [@Sendable (Tensor) -> Dense.Gradient] = []
            var activationBacks: [@Sendable (Tensor) -> Tensor] = []
            for (i, layer) in model.layers.enumerated() {
                let (y, back) = layer.forward(h)
                denseBacks.append(back)
                h = y
                if i < model.layers.count - 1 {
                    let (a, actBack) = activation.forward(h)
                    activationBacks.append(actBack)
                    h = a
                }
            }
            var expected = [Tensor](repeating: Tensor(zeros: [0]), count: 6)
            var dy = dLogits
            for i in stride(from: 2, through: 0, by: -1) {
                let grads = denseBacks[i](dy)
                expected[2 * i] = grads.weight
                expected[2 * i + 1] = grads.bias
                dy = i > 0 ? activationBacks[i - 1](grads.input) : grads.input
            }

            let (logits, pullback) = model.forward(x)
            XCTAssertEqual(logits, h, "logits, \(activation)")
            let gradient = pullback(dLogits)
            XCTAssertEqual(gradient.input, dy, "input gradient, \(activation)")
            for p in 0 ..< 6 {
                XCTAssertEqual(gradient.parameters[p], expected[p], "parameter \(p), \(activation)")
            }
        }
    }
}
