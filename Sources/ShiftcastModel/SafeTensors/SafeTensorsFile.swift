import ShiftcastTensor

/// The contents of a safetensors file: named tensors in file order plus
/// string metadata.
///
/// Format (https://github.com/huggingface/safetensors): an 8-byte little-endian
/// header length `N`, `N` bytes of UTF-8 JSON mapping each tensor name to
/// `{"dtype", "shape", "data_offsets": [begin, end]}` (offsets relative to the
/// first byte after the header) plus an optional `"__metadata__"` object of
/// string values, then the raw little-endian tensor bytes with no holes.
///
/// Floating-point tensors (F32, F64, F16, BF16) are read into `tensors` as
/// `Float`; integer and boolean tensors (e.g. PyTorch's `num_batches_tracked`)
/// go into `integerTensors` as `Int64`, so a state dict with buffers reads
/// without error. Files are always written with F32 floats and I64 integers.
/// See Docs/ModelFiles.md.
public struct SafeTensorsFile: Sendable {
    /// Floating-point tensors, in the order of their bytes in the file (which is
    /// the order they were given in when shiftcast wrote the file).
    public var tensors: [(name: String, tensor: Tensor)]
    /// Integer and boolean tensors, in file order.
    public var integerTensors: [(name: String, tensor: SafeTensorsIntegerTensor)]
    /// The `__metadata__` object. Written with keys sorted, so files are byte-for-byte deterministic.
    public var metadata: [String: String]

    public init(tensors: [(name: String, tensor: Tensor)] = [],
                integerTensors: [(name: String, tensor: SafeTensorsIntegerTensor)] = [],
                metadata: [String: String] = [:]) {
        self.tensors = tensors
        self.integerTensors = integerTensors
        self.metadata = metadata
    }

    /// The floating-point tensor called `name`, if any.
    /// - Complexity: O(*n*) in the number of tensors.
    public subscript(name: String) -> Tensor? {
        tensors.first(where: { $0.name == name })?.tensor
    }

    /// The floating-point tensor called `name`, if any (same as the subscript).
    /// - Complexity: O(*n*) in the number of tensors.
    public func tensor(named name: String) -> Tensor? { self[name] }

    /// The integer tensor called `name`, if any.
    /// - Complexity: O(*n*) in the number of integer tensors.
    public func integerTensor(named name: String) -> SafeTensorsIntegerTensor? {
        integerTensors.first(where: { $0.name == name })?.tensor
    }

    /// Names of all tensors, floating-point first, each list in file order.
    public var tensorNames: [String] {
        tensors.map(\.name) + integerTensors.map(\.name)
    }
}

extension SafeTensorsFile: Equatable {
    /// Equal when names, order, shapes, values (bitwise via `Float ==`) and metadata are equal.
    public static func == (lhs: SafeTensorsFile, rhs: SafeTensorsFile) -> Bool {
        lhs.metadata == rhs.metadata
            && lhs.tensors.count == rhs.tensors.count
            && zip(lhs.tensors, rhs.tensors).allSatisfy { $0.name == $1.name && $0.tensor == $1.tensor }
            && lhs.integerTensors.count == rhs.integerTensors.count
            && zip(lhs.integerTensors, rhs.integerTensors).allSatisfy { $0.name == $1.name && $0.tensor == $1.tensor }
    }
}
