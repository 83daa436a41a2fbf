import Foundation

/// A safetensors file: named tensors plus string metadata.
///
/// Format (https://github.com/huggingface/safetensors): an 8-byte little-endian header length
/// N, N bytes of UTF-8 JSON — `{"__metadata__": {…}, "name": {"dtype": "F32", "shape": […],
/// "data_offsets": [begin, end]}, …}`, offsets relative to the first byte after the header —
/// then the raw little-endian data, with no gaps and no overlaps.
///
/// shiftcast writes F32 only; it reads F32, F64, F16 and BF16 (converted to `Float`). Integer
/// tensors (e.g. PyTorch's `num_batches_tracked`) are skipped and listed in `skipped`.
public struct SafeTensorsFile: Sendable, Equatable {
    /// Tensors in file order (data-offset order when read).
    public var tensors: [(name: String, tensor: Tensor)]
    public var metadata: [String: String]
    /// Names of tensors that were present but not read (integer dtypes), with their dtype.
    public var skipped: [String]

    public init(tensors: [(name: String, tensor: Tensor)], metadata: [String: String] = [:]) {
        self.tensors = tensors
        self.metadata = metadata
        skipped = []
    }

    public static func == (a: SafeTensorsFile, b: SafeTensorsFile) -> Bool {
        a.metadata == b.metadata && a.skipped == b.skipped && a.tensors.count == b.tensors.count
            && zip(a.tensors, b.tensors).allSatisfy { $0.name == $1.name && $0.tensor == $1.tensor }
    }

    /// The tensor called `name`, if present.
    public func tensor(named name: String) -> Tensor? { tensors.first { $0.name == name }?.tensor }

    /// The largest header shiftcast accepts (the reference library's limit is 100 MB).
    public static let maximumHeaderLength = 100_000_000

    /// Bytes per element of each dtype we read.
    static let elementSizes: [String: Int] = ["F32": 4, "F64": 8, "F16": 2, "BF16": 2,
                                              "I64": 8, "I32": 4, "I16": 2, "I8": 1, "U8": 1, "BOOL": 1,
                                              "U16": 2, "U32": 4, "U64": 8]
    static let floatTypes: Set<String> = ["F32", "F64", "F16", "BF16"]
}
