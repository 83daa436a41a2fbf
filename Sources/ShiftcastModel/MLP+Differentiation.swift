/// Backpropagation through the MLP.
extension MLP {
    /// Gradients of a scalar loss with respect to every parameter and the input.
    public struct Gradient: Sendable {
        /// `∂L/∂x`, shape `[batch, inputs]`.
        public var input: Tensor
        /// Parameter gradients in `parameters` order: weight₀, bias₀, weight₁, bias₁, …
        public var parameters: [Tensor]
    }

    /// Logits and a pullback from `∂L/∂logits` to all gradients.
    /// With `inputGradient: false` the pullback skips `∂L/∂x` (training does not need it)
    /// and returns an empty `[0]` tensor in its place.
    ///
    /// Inside, every activation is kept transposed, features × batch (`Hᵀ`), so each dense
    /// layer's products have the weight as their large left operand, read where it is stored,
    /// and the batch as the small right one, which the GEMM packs once for both cores
    /// (`GEMM.multiplyPackingWholeB`):
    ///
    ///     forward     Zᵀ = W·Xᵀ + b·1ᵀ            (Xᵀ: the previous Hᵀ, or x read transposed)
    ///     backward    ∂W = ∂Zᵀ·X,   ∂b = ∂Zᵀ·1,   ∂Xᵀ = Wᵀ·∂Zᵀ
    ///
    /// In the batch-major layout the forward would pack — transpose — all of W on every step.
    /// Each element is the same sum in the same order as `Dense`'s batch-major products
    /// (the depth, in or out features resp. the batch, is traversed identically), so logits
    /// and gradients equal those of `Dense.forward` bit for bit.
    public func forward(_ x: Tensor, inputGradient: Bool = true) -> (logits: Tensor, pullback: @Sendable (Tensor) -> Gradient) {
        let outputs = transposedForward(x)
        let model = self
        return (outputs.last!.transposed, { dLogits in
            model.backward(model.transposedOutputGradient(dLogits, batch: x.rowCount), input: x, outputs: outputs,
                           inputGradient: inputGradient)
        })
    }

    /// Every gradient from the last layer's `∂Zᵀ`, given the forward pass's `outputs`
    /// (`transposedForward(x)`).
    func backward(_ outputGradient: Tensor, input x: Tensor, outputs: [Tensor], inputGradient: Bool) -> Gradient {
        var grads = [Tensor](repeating: Tensor(zeros: [0]), count: layers.count * 2)
        var gT = outputGradient
        for i in stride(from: layers.count - 1, through: 0, by: -1) {
            grads[2 * i] = MLP.transposedWeightGradient(gT, input: x, outputs: outputs, layer: i)
            grads[2 * i + 1] = gT.sumOverColumns()
            if i > 0 {
                gT = transposedGradientBelow(layer: i, gT, outputs: outputs)
            } else {
                gT = inputGradient ? Tensor.matmul(layers[0].weight, gT, transposeA: true) : Tensor(zeros: [0])
            }
        }
        return Gradient(input: inputGradient ? gT.transposed : gT, parameters: grads)
    }

    /// `Hᵀ` (features × batch) after every layer: the hidden layers' activations, then the
    /// logits `Zᵀ` last. Each bias and activation runs in its product's epilogue, on the core
    /// that computed the block, while the block is in cache.
    func transposedForward(_ x: Tensor) -> [Tensor] {
        precondition(x.rank == 2 && x.columnCount == inputCount,
                     "MLP.forward: input \(x.shape) does not have \(inputCount) columns")
        let activation = architecture.activation, batch = x.rowCount
        var outputs: [Tensor] = []
        for (i, layer) in layers.enumerated() {
            let hidden = i < layers.count - 1
            let zT = layer.bias.scalars.withUnsafeBufferPointer { bias in
                let b = SharedPointer(bias.baseAddress!)
                let addBiasAndActivate: Tensor.ProductEpilogue = { c, rows, columns in
                    for r in rows {
                        let row = c + r * batch + columns.lowerBound, value = b.base[r]
                        for j in 0 ..< columns.count { row[j] += value }
                        if hidden { activation.apply(to: row, count: columns.count) }
                    }
                }
                return i == 0 ? Tensor.matmul(layer.weight, x, transposeB: true, epilogue: addBiasAndActivate)
                              : Tensor.matmul(layer.weight, outputs[i - 1], epilogue: addBiasAndActivate)
            }
            outputs.append(zT)
        }
        return outputs
    }

    /// `∂Zᵀ` of the last layer from `∂L/∂logits` `[batch, classes]`.
    func transposedOutputGradient(_ dLogits: Tensor, batch: Int) -> Tensor {
        precondition(dLogits.rank == 2 && dLogits.rowCount == batch && dLogits.columnCount == classCount,
                     "MLP pullback: gradient \(dLogits.shape) does not fit logits [\(batch), \(classCount)]")
        return dLogits.transposed
    }

    /// `∂W` of layer `i` from its `∂Zᵀ`: `∂Zᵀ·X`, X the layer's input (`x`, or the `Hᵀ`
    /// below read transposed).
    static func transposedWeightGradient(_ gT: Tensor, input x: Tensor, outputs: [Tensor], layer i: Int) -> Tensor {
        i == 0 ? Tensor.matmul(gT, x) : Tensor.matmul(gT, outputs[i - 1], transposeB: true)
    }

    /// `∂Zᵀ` of layer `i − 1` from that of layer `i`: `Wᵢᵀ·∂Zᵀ` times the activation's
    /// derivative at `Hᵀ` below, applied in the product's epilogue.
    func transposedGradientBelow(layer i: Int, _ gT: Tensor, outputs: [Tensor]) -> Tensor {
        let activation = architecture.activation, batch = gT.columnCount
        return outputs[i - 1].scalars.withUnsafeBufferPointer { y in
            let out = SharedPointer(y.baseAddress!)
            return Tensor.matmul(layers[i].weight, gT, transposeA: true) { c, rows, columns in
                for r in rows {
                    let offset = r * batch + columns.lowerBound
                    activation.multiplyByDerivative(c + offset, output: out.base + offset, count: columns.count)
                }
            }
        }
    }

    /// Mean softmax cross-entropy on `(x, labels)` and its gradients.
    public func lossAndGradient(_ x: Tensor, labels: [Int], inputGradient: Bool = true) -> (loss: Double, gradient: Gradient) {
        // The loss is taken on the logits as kept, Zᵀ: no transposes on the way in or out.
        let outputs = transposedForward(x)
        let (loss, gT) = SoftmaxCrossEntropy.lossAndGradient(transposedLogits: outputs.last!, labels: labels)
        return (loss, backward(gT, input: x, outputs: outputs, inputGradient: inputGradient))
    }

    /// `∂L/∂x` of the mean cross-entropy: what adversarial attacks follow.
    /// Note: it is the gradient of the *mean* loss, so each row's gradient is
    /// scaled by 1/batch; attacks that use its sign or normalise it per row are unaffected.
    public func inputGradient(_ x: Tensor, labels: [Int]) -> Tensor {
        lossAndGradient(x, labels: labels).gradient.input
    }

    /// All trainable tensors in a fixed order: weight₀, bias₀, weight₁, bias₁, …
    public var parameters: [Tensor] {
        get { layers.flatMap { [$0.weight, $0.bias] } }
        set {
            precondition(newValue.count == layers.count * 2, "MLP.parameters: expected \(layers.count * 2) tensors, got \(newValue.count)")
            let widths = architecture.widths
            for i in layers.indices {
                precondition(newValue[2 * i].shape == [widths[i + 1], widths[i]] && newValue[2 * i + 1].shape == [widths[i + 1]],
                             "MLP.parameters: tensor shapes differ at layer \(i)")
                layers[i].weight = newValue[2 * i]
                layers[i].bias = newValue[2 * i + 1]
            }
        }
    }

    /// Lets `body` mutate all trainable tensors in place (in `parameters` order)
    /// without copying them: the layers give up their references while `body`
    /// runs, so each buffer is uniquely referenced and copy-on-write never fires.
    /// - Precondition: `body` keeps every tensor's shape.
    public mutating func updateParameters(_ body: (inout [Tensor]) -> Void) {
        var params: [Tensor] = []
        params.reserveCapacity(layers.count * 2)
        let empty = Tensor(zeros: [0])
        for i in layers.indices {
            params.append(layers[i].weight)
            params.append(layers[i].bias)
            layers[i].weight = empty
            layers[i].bias = empty
        }
        body(&params)
        parameters = params
    }

    /// `‖θ_self − θ_other‖₂` over all trainable parameters, accumulated in Double
    /// (ProjNorm's distance).
    public func parameterDistance(to other: MLP) -> Double {
        precondition(architecture == other.architecture, "parameterDistance: architectures differ")
        var total = 0.0
        for (a, b) in zip(parameters, other.parameters) {
            a.scalars.withUnsafeBufferPointer { pa in
                b.scalars.withUnsafeBufferPointer { pb in
                    for i in 0 ..< pa.count { let d = Double(pa[i]) - Double(pb[i]); total += d * d }
                }
            }
        }
        return total.squareRoot()
    }
}
