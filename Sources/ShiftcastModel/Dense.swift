/// A fully connected layer `y = x·Wᵀ + b`.
///
/// The weight is stored as `[outputs, inputs]`, PyTorch's `nn.Linear` layout,
/// so state dicts import without transposing.
public struct Dense: Sendable, Equatable {
    /// `[outputs, inputs]`.
    public var weight: Tensor
    /// `[outputs]`.
    public var bias: Tensor

    public var inputCount: Int { weight.columnCount }
    public var outputCount: Int { weight.rowCount }

    public init(weight: Tensor, bias: Tensor) {
        precondition(weight.rank == 2 && bias.shape == [weight.shape[0]],
                     "Dense: weight \(weight.shape) and bias \(bias.shape) do not match ([out, in] and [out])")
        self.weight = weight
        self.bias = bias
    }

    /// PyTorch's default `nn.Linear` initialisation: weight and bias uniform in
    /// ±1/√inputs (`kaiming_uniform_(a=√5)` reduces to this bound for the weight).
    public init(inputs: Int, outputs: Int, using generator: inout SeededGenerator) {
        precondition(inputs > 0 && outputs > 0, "Dense: needs positive sizes, got \(inputs)→\(outputs)")
        let bound = 1 / Float(inputs).squareRoot()
        weight = Tensor.randomUniform(shape: [outputs, inputs], low: -bound, high: bound, using: &generator)
        bias = Tensor.randomUniform(shape: [outputs], low: -bound, high: bound, using: &generator)
    }

    /// `x·Wᵀ + b` for a batch `x` of shape `[batch, inputs]`.
    public func callAsFunction(_ x: Tensor) -> Tensor {
        precondition(x.rank == 2 && x.columnCount == inputCount,
                     "Dense: input \(x.shape) does not have \(inputCount) columns")
        var y = Tensor.matmul(x, weight, transposeB: true)
        y.addRowVector(bias)
        return y
    }

    /// The gradients of a dense layer.
    public struct Gradient: Sendable {
        public var input: Tensor
        public var weight: Tensor
        public var bias: Tensor
    }

    /// Output and pullback: given `∂L/∂y` `[batch, outputs]`, the pullback returns
    /// `∂L/∂x = ∂L/∂y · W`, `∂L/∂W = (∂L/∂y)ᵀ · x`, `∂L/∂b = Σ_rows ∂L/∂y`.
    public func forward(_ x: Tensor) -> (output: Tensor, pullback: @Sendable (Tensor) -> Gradient) {
        let y = self(x)
        let layer = self
        return (y, { dy in layer.gradient(input: x, outputGradient: dy, includeInput: true) })
    }

    /// The gradients at input `x` given `∂L/∂y`. With `includeInput: false` the input
    /// gradient (a third of the backward cost) is skipped and left as an empty `[0]` tensor:
    /// the first layer of a network being trained does not need it.
    public func gradient(input x: Tensor, outputGradient dy: Tensor, includeInput: Bool) -> Gradient {
        precondition(dy.rank == 2 && dy.rowCount == x.rowCount && dy.columnCount == outputCount,
                     "Dense gradient: output gradient \(dy.shape) does not fit input \(x.shape) → \(outputCount)")
        return Gradient(input: includeInput ? Tensor.matmul(dy, weight) : Tensor(zeros: [0]),
                        weight: Tensor.matmul(dy, x, transposeA: true),
                        bias: dy.sumOverRows())
    }
}
