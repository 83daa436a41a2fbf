import Foundation
import ShiftcastTensor

extension SafeTensorsFile {
    /// The largest header shiftcast accepts, as in the reference implementation (100 MB).
    public static let maximumHeaderLength = 100_000_000

    /// Reads and validates the safetensors file at `path`.
    ///
    /// Floating-point tensors become `Float` tensors (F64 is rounded to the
    /// nearest `Float`; F16 and BF16 convert exactly); integer and boolean
    /// tensors go to `integerTensors`.
    ///
    /// - Throws: `InputError` with `file == path` if the file cannot be read, is not a
    ///   valid safetensors file, or holds a NaN, an infinity or an F64 value outside
    ///   the `Float` range.
    /// - Complexity: O(file size).
    public static func read(from path: String) throws -> SafeTensorsFile {
        try RegularFile.requireExisting(path, expected: "a safetensors file", allowStreams: false)
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path), options: .mappedIfSafe)
        } catch {
            throw InputError(file: path, "cannot read the file: \(error.localizedDescription)")
        }
        return try read(data: data, path: path)
    }

    /// Reads and validates a safetensors file held in memory; `path` names it in errors.
    ///
    /// Everything in the header is validated before any tensor is allocated, so a
    /// damaged or hostile header can neither crash the reader nor make it allocate
    /// more memory than `data` itself holds.
    /// - Throws: `InputError` with `file == path`; see `read(from:)`.
    /// - Complexity: O(`data.count`).
    public static func read(data: Data, path: String) throws -> SafeTensorsFile {
        let fileByteCount = data.count
        guard fileByteCount >= 8 else {
            throw InputError(file: path, "file is \(fileByteCount) bytes, too short for a safetensors file (an 8-byte header length, then the header)")
        }
        let headerLength = data.withUnsafeBytes { UInt64(littleEndian: $0.loadUnaligned(as: UInt64.self)) }
        let bytesAfterLength = fileByteCount - 8
        guard headerLength <= UInt64(bytesAfterLength) else {
            throw InputError(file: path, "header length is \(headerLength) bytes, but only \(bytesAfterLength) bytes follow the 8-byte length (truncated, or not a safetensors file)")
        }
        guard headerLength <= UInt64(maximumHeaderLength) else {
            throw InputError(file: path, "header length is \(headerLength) bytes, more than the \(maximumHeaderLength)-byte limit")
        }
        let headerEnd = 8 + Int(headerLength)
        let start = data.startIndex
        let header = try SafeTensorsHeader.parse(json: data.subdata(in: start + 8 ..< start + headerEnd),
                                                 dataByteCount: fileByteCount - headerEnd, path: path)

        var file = SafeTensorsFile(metadata: header.metadata)
        try data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
            let region = UnsafeRawBufferPointer(rebasing: raw[headerEnd...])
            for entry in header.entries {
                let bytes = UnsafeRawBufferPointer(rebasing: region[entry.byteRange])
                if entry.dtype.isFloatingPoint {
                    file.tensors.append((entry.name, try decodeFloatingPoint(entry, bytes, path: path)))
                } else {
                    file.integerTensors.append((entry.name, try decodeInteger(entry, bytes, path: path)))
                }
            }
        }
        return file
    }

    private static func decodeFloatingPoint(_ entry: SafeTensorsHeader.Entry, _ bytes: UnsafeRawBufferPointer,
                                            path: String) throws -> Tensor {
        let count = bytes.count / entry.dtype.byteCount
        var scalars = [Float](repeating: 0, count: count)
        var firstBad: (index: Int, value: Double)?
        scalars.withUnsafeMutableBufferPointer { out in
            if entry.dtype == .f32 {
                for i in 0 ..< count {
                    out[i] = Float(bitPattern: UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self)))
                }
                if let i = out.firstIndex(where: { !$0.isFinite }) { firstBad = (i, Double(out[i])) }
            } else {
                let size = entry.dtype.byteCount
                for i in 0 ..< count {
                    let value = entry.dtype.floatingPointElement(bytes, at: size * i)
                    out[i] = Float(value)
                    if firstBad == nil, !out[i].isFinite { firstBad = (i, value) }
                }
            }
        }
        if let (index, value) = firstBad {
            let position = "element \(index) (index \(multiIndex(index, shape: entry.shape)))"
            if value.isFinite {
                throw InputError(file: path, "tensor '\(entry.name)': \(position) is \(value), outside the Float32 range")
            }
            throw InputError(file: path, "tensor '\(entry.name)': \(position) is \(value); expected finite weights")
        }
        return Tensor(shape: entry.shape, scalars: scalars)
    }

    private static func decodeInteger(_ entry: SafeTensorsHeader.Entry, _ bytes: UnsafeRawBufferPointer,
                                      path: String) throws -> SafeTensorsIntegerTensor {
        let size = entry.dtype.byteCount
        let count = bytes.count / size
        var values = [Int64](repeating: 0, count: count)
        for i in 0 ..< count {
            guard let value = entry.dtype.integerElement(bytes, at: size * i) else {
                throw InputError(file: path, "tensor '\(entry.name)': element \(i) (index \(multiIndex(i, shape: entry.shape))) of U64 does not fit in Int64")
            }
            values[i] = value
        }
        return SafeTensorsIntegerTensor(shape: entry.shape, values: values)
    }

    /// The row-major multi-index of flat position `flat` in `shape`, e.g. `[1, 3]`.
    static func multiIndex(_ flat: Int, shape: [Int]) -> [Int] {
        var rest = flat
        var index = [Int](repeating: 0, count: shape.count)
        for axis in shape.indices.reversed() where shape[axis] > 0 {
            index[axis] = rest % shape[axis]
            rest /= shape[axis]
        }
        return index
    }
}
