import Foundation

extension SafeTensorsFile {
    /// Reads and validates the file at `path`.
    /// - Throws: `InputError` naming the file and the tensor for every malformed input.
    public static func read(from path: String) throws -> SafeTensorsFile {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path), options: .mappedIfSafe)
        } catch {
            throw InputError(file: path, "cannot read the file: \(FileManager.default.fileExists(atPath: path) ? "permission or I/O error" : "no such file")")
        }
        return try read(data: data, path: path)
    }

    /// Parses safetensors bytes; `path` is used in error messages.
    public static func read(data: Data, path: String) throws -> SafeTensorsFile {
        func fail(_ message: String) -> InputError { InputError(file: path, message) }
        guard data.count >= 8 else {
            throw fail("expected at least 8 bytes (the header length), found \(data.count): truncated or not a safetensors file")
        }
        let length = data.prefix(8).enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) }
        guard length <= UInt64(maximumHeaderLength) else {
            throw fail("header length \(length) bytes exceeds the \(maximumHeaderLength)-byte limit: not a safetensors file, or corrupt")
        }
        let headerLength = Int(length)
        guard headerLength <= data.count - 8 else {
            throw fail("header length \(headerLength) bytes runs past the end of the file (\(data.count - 8) bytes after the length): truncated file")
        }
        let headerBytes = data.subdata(in: data.startIndex + 8 ..< data.startIndex + 8 + headerLength)
        guard let object = try? JSONSerialization.jsonObject(with: headerBytes),
              let header = object as? [String: Any] else {
            throw fail("header is not a valid JSON object")
        }
        let dataStart = 8 + headerLength
        let dataLength = data.count - dataStart
        var metadata: [String: String] = [:]
        if let raw = header["__metadata__"] {
            guard let dict = raw as? [String: Any] else { throw fail("__metadata__ must be an object of strings") }
            for (k, v) in dict {
                guard let s = v as? String else { throw fail("__metadata__ value for '\(k)' must be a string, found \(type(of: v))") }
                metadata[k] = s
            }
        }
        struct Entry { var name: String; var dtype: String; var shape: [Int]; var begin: Int; var end: Int }
        var entries: [Entry] = []
        for (name, raw) in header where name != "__metadata__" {
            func bad(_ m: String) -> InputError { fail("tensor '\(name)': \(m)") }
            guard let info = raw as? [String: Any] else { throw bad("expected an object with dtype, shape, data_offsets") }
            guard let dtype = info["dtype"] as? String else { throw bad("missing or non-string 'dtype'") }
            guard let elementSize = elementSizes[dtype] else {
                throw bad("unsupported dtype '\(dtype)' (supported: F32, F64, F16, BF16; integer tensors are skipped)")
            }
            guard let shapeRaw = info["shape"] as? [Any], let shape = try? shapeRaw.map({ v -> Int in
                guard let n = v as? NSNumber, let i = Int(exactly: n.doubleValue), i >= 0 else { throw fail("") }
                return i
            }) else { throw bad("'shape' must be an array of non-negative integers") }
            guard let offsets = info["data_offsets"] as? [Any], offsets.count == 2,
                  let b = (offsets[0] as? NSNumber).flatMap({ Int(exactly: $0.doubleValue) }),
                  let e = (offsets[1] as? NSNumber).flatMap({ Int(exactly: $0.doubleValue) }), b >= 0, e >= b else {
                throw bad("'data_offsets' must be [begin, end] with 0 ≤ begin ≤ end")
            }
            var elements = 1
            for extent in shape {
                let (product, overflow) = elements.multipliedReportingOverflow(by: extent)
                guard !overflow, product <= Int(Int32.max) * 16 else { throw bad("shape \(shape) is too large") }
                elements = product
            }
            let (bytes, overflow) = elements.multipliedReportingOverflow(by: elementSize)
            guard !overflow, bytes == e - b else {
                throw bad("shape \(shape) of \(dtype) needs \(overflow ? "too many" : "\(bytes)") bytes, data_offsets [\(b), \(e)] give \(e - b)")
            }
            guard e <= dataLength else {
                throw bad("data_offsets [\(b), \(e)] run past the end of the data (\(dataLength) bytes): truncated file")
            }
            entries.append(Entry(name: name, dtype: dtype, shape: shape, begin: b, end: e))
        }
        entries.sort { ($0.begin, $0.end, $0.name) < ($1.begin, $1.end, $1.name) }
        var position = 0
        for entry in entries {
            guard entry.begin >= position else {
                throw fail("tensor '\(entry.name)': data_offsets [\(entry.begin), \(entry.end)] overlap the previous tensor (which ends at \(position))")
            }
            guard entry.begin == position else {
                throw fail("tensor '\(entry.name)': data starts at \(entry.begin) but the previous tensor ends at \(position): the data region has a gap")
            }
            position = entry.end
        }
        guard position == dataLength else {
            throw fail("the tensors cover \(position) of the \(dataLength) data bytes: trailing bytes after the last tensor")
        }
        var file = SafeTensorsFile(tensors: [], metadata: metadata)
        try data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
            let base = raw.baseAddress! + dataStart
            for entry in entries {
                guard floatTypes.contains(entry.dtype) else { file.skipped.append("\(entry.name) (\(entry.dtype))"); continue }
                let count = entry.shape.reduce(1, *)
                var values = [Float](repeating: 0, count: count)
                let p = base + entry.begin
                for i in 0 ..< count {
                    switch entry.dtype {
                    case "F32": values[i] = Float(bitPattern: UInt32(littleEndian: p.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self)))
                    case "F64": values[i] = Float(Double(bitPattern: UInt64(littleEndian: p.loadUnaligned(fromByteOffset: 8 * i, as: UInt64.self))))
                    case "F16": values[i] = Float(Float16(bitPattern: UInt16(littleEndian: p.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self))))
                    default: values[i] = Float(bitPattern: UInt32(UInt16(littleEndian: p.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self))) << 16)
                    }
                }
                if let bad = values.firstIndex(where: { !$0.isFinite }) {
                    throw fail("tensor '\(entry.name)': expected finite values, found \(values[bad]) at element \(bad)")
                }
                file.tensors.append((entry.name, Tensor(shape: entry.shape, scalars: values)))
            }
        }
        return file
    }
}
