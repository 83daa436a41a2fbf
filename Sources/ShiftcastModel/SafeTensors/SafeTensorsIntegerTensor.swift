/// An integer (or boolean) tensor from a safetensors file, such as a PyTorch
/// BatchNorm's `num_batches_tracked` buffer.
///
/// shiftcast's `Tensor` holds `Float` only, and converting large integers to
/// `Float` would silently round them, so integer data is kept apart and exact.
/// Booleans read as 0 and 1. Written back as I64.
public struct SafeTensorsIntegerTensor: Sendable, Equatable {
    /// The extent of each dimension, outermost first.
    public var shape: [Int]
    /// The elements in row-major order; `values.count == shape.product`.
    public var values: [Int64]

    /// - Precondition: `values.count` equals the product of `shape`, and no extent is negative.
    public init(shape: [Int], values: [Int64]) {
        precondition(shape.allSatisfy { $0 >= 0 }, "SafeTensorsIntegerTensor: negative extent in shape \(shape)")
        precondition(shape.reduce(1, *) == values.count,
                     "SafeTensorsIntegerTensor: shape \(shape) needs \(shape.reduce(1, *)) values, got \(values.count)")
        self.shape = shape
        self.values = values
    }
}
