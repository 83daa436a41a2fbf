import Foundation

extension SafeTensorsFile {
    /// The file's bytes: F32 tensors in the given order, metadata keys sorted, the header
    /// padded with spaces to a multiple of 8 so the data is 8-byte aligned. Deterministic.
    public func encoded() -> Data {
        var header = "{"
        var parts: [String] = []
        if !metadata.isEmpty {
            let items = metadata.keys.sorted().map { "\(jsonString($0)):\(jsonString(metadata[$0]!))" }
            parts.append("\"__metadata__\":{" + items.joined(separator: ",") + "}")
        }
        var offset = 0
        for (name, tensor) in tensors {
            let bytes = tensor.count * 4
            parts.append("\(jsonString(name)):{\"dtype\":\"F32\",\"shape\":[\(tensor.shape.map(String.init).joined(separator: ","))],\"data_offsets\":[\(offset),\(offset + bytes)]}")
            offset += bytes
        }
        header += parts.joined(separator: ",") + "}"
        var headerBytes = Array(header.utf8)
        while headerBytes.count % 8 != 0 { headerBytes.append(0x20) }
        var out = Data(capacity: 8 + headerBytes.count + offset)
        var length = UInt64(headerBytes.count).littleEndian
        withUnsafeBytes(of: &length) { out.append(contentsOf: $0) }
        out.append(contentsOf: headerBytes)
        for (_, tensor) in tensors {
            tensor.scalars.withUnsafeBufferPointer { p in
                var le = p.map { $0.bitPattern.littleEndian }
                le.withUnsafeBytes { out.append(contentsOf: $0) }
            }
        }
        return out
    }

    /// Writes the file atomically: to a temporary file in the same directory, then renamed.
    /// - Throws: `InputError` if the directory does not exist or cannot be written.
    public func write(to path: String) throws {
        try AtomicFile.write(encoded(), to: path)
    }
}

/// A JSON string literal.
func jsonString(_ s: String) -> String {
    var out = "\""
    for scalar in s.unicodeScalars {
        switch scalar {
        case "\"": out += "\\\""
        case "\\": out += "\\\\"
        case "\n": out += "\\n"
        case "\r": out += "\\r"
        case "\t": out += "\\t"
        default:
            if scalar.value < 0x20 { out += String(format: "\\u%04x", scalar.value) } else { out.unicodeScalars.append(scalar) }
        }
    }
    return out + "\""
}
