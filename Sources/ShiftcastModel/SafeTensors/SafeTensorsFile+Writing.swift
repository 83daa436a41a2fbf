import Foundation
import ShiftcastTensor

extension SafeTensorsFile {
    /// The file's bytes: integer tensors as I64 first (so they are 8-byte
    /// aligned), then floating-point tensors as F32 in the order given, with no
    /// gaps; metadata keys and the header's fields in a fixed order, and the
    /// header padded with spaces to a multiple of 8 bytes so the data region starts
    /// 8-byte aligned. The same contents always give the same bytes.
    ///
    /// Non-finite values are written as they are (`read` will reject them);
    /// `write(to:)` refuses them.
    /// - Precondition: tensor names are unique and none is `"__metadata__"`.
    /// - Complexity: O(total elements).
    public func encoded() -> Data {
        if let problem = nameProblem() { preconditionFailure("SafeTensorsFile.encoded(): \(problem)") }

        var header = "{"
        var fields: [String] = []
        if !metadata.isEmpty {
            let pairs = metadata.keys.sorted().map { "\(Self.jsonString($0)):\(Self.jsonString(metadata[$0]!))" }
            fields.append("\(Self.jsonString(SafeTensorsHeader.metadataKey)):{\(pairs.joined(separator: ","))}")
        }
        var offset = 0
        func entry(_ name: String, _ dtype: SafeTensorsDType, _ shape: [Int], _ count: Int) {
            let end = offset + count * dtype.byteCount
            let shapeText = shape.map(String.init).joined(separator: ",")
            fields.append("\(Self.jsonString(name)):{\"dtype\":\"\(dtype.rawValue)\",\"shape\":[\(shapeText)],\"data_offsets\":[\(offset),\(end)]}")
            offset = end
        }
        for (name, tensor) in integerTensors { entry(name, .i64, tensor.shape, tensor.values.count) }
        for (name, tensor) in tensors { entry(name, .f32, tensor.shape, tensor.count) }
        header += fields.joined(separator: ",") + "}"

        var headerBytes = Array(header.utf8)
        let padding = (8 - headerBytes.count % 8) % 8
        headerBytes.append(contentsOf: repeatElement(UInt8(ascii: " "), count: padding))

        var data = Data(capacity: 8 + headerBytes.count + offset)
        withUnsafeBytes(of: UInt64(headerBytes.count).littleEndian) { data.append(contentsOf: $0) }
        data.append(contentsOf: headerBytes)
        for (_, tensor) in integerTensors {
            let littleEndian = tensor.values.map(\.littleEndian)
            littleEndian.withUnsafeBytes { data.append(contentsOf: $0) }
        }
        for (_, tensor) in tensors {
            let littleEndian = tensor.scalars.map(\.bitPattern.littleEndian)
            littleEndian.withUnsafeBytes { data.append(contentsOf: $0) }
        }
        return data
    }

    /// Writes `encoded()` to `path` atomically: the bytes go to a new temporary file
    /// in the same directory, which is flushed to disk and then renamed over `path`,
    /// so a reader never sees a half-written model.
    ///
    /// - Throws: `InputError` with `file == path` if the directory does not exist or
    ///   cannot be written, if two tensors share a name, or if a tensor holds NaN or
    ///   infinity (such a file could not be read back).
    /// - Complexity: O(total elements).
    public func write(to path: String) throws {
        if let problem = nameProblem() { throw InputError(file: path, problem) }
        for (name, tensor) in tensors {
            if let index = tensor.scalars.firstIndex(where: { !$0.isFinite }) {
                throw InputError(file: path, "tensor '\(name)': element \(index) (index \(Self.multiIndex(index, shape: tensor.shape))) is \(tensor.scalars[index]); refusing to write non-finite weights")
            }
        }
        try AtomicFile.write(encoded(), to: path)
    }

    /// The first reason the tensor names cannot be written, if any.
    private func nameProblem() -> String? {
        var seen = Set<String>()
        for name in tensorNames {
            if name == SafeTensorsHeader.metadataKey { return "'\(name)' is reserved and cannot name a tensor" }
            if !seen.insert(name).inserted { return "two tensors are named '\(name)'" }
        }
        return nil
    }

    /// `text` as a JSON string literal.
    static func jsonString(_ text: String) -> String { JSONText.quoted(text) }
}
