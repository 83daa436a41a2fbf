import Foundation

/// Reading and writing NumPy `.npy` files (format 1.0/2.0/3.0, little-endian, C order).
///
/// - 2-D float32/float64 arrays become a feature `Tensor` (float64 is rounded to
///   float32; a value outside float32's range is rejected as infinite);
/// - 1-D integer arrays (int8…int64, uint8…uint64) become labels `[Int]`;
/// - 1-D float arrays become vectors `[Float]`.
/// Features must be finite: NaN or ±∞ is an `InputError` naming row and column.
/// Writers produce `'<f4'` (2-D or 1-D) and `'<i8'` (1-D) in format 1.0 and
/// replace the file atomically.
public enum NPY {
    /// Reads a 2-D float array `[rows, features]`.
    /// - Throws: `InputError` for a bad magic/header, an unsupported dtype, Fortran order,
    ///   a shape that is not 2-D, truncated data, or a non-finite value.
    /// - Complexity: O(file size).
    public static func readMatrix(path: String) throws -> Tensor {
        try withFile(path) { try matrix($0, $1, path: path) }
    }

    /// Reads a 2-D float array from the bytes of a `.npy` file already in memory
    /// (`path` only names it in errors).
    public static func readMatrix(bytes: [UInt8], path: String = "<memory>") throws -> Tensor {
        try withBytes(bytes, path) { try matrix($0, $1, path: path) }
    }

    static func matrix(_ bytes: UnsafeRawBufferPointer, _ header: NPYHeader, path: String) throws -> Tensor {
        try checkMatrix(header, path: path)
        let values = try floats(bytes, header, path: path)
        return Tensor(shape: header.shape, scalars: values)
    }

    /// Checks that `header` describes a 2-D float feature matrix.
    static func checkMatrix(_ header: NPYHeader, path: String) throws {
        guard !header.dtype.isInteger else {
            throw InputError(file: path, "expected a float feature matrix ('<f4' or '<f8'), found an integer array; labels belong in a separate file")
        }
        guard header.shape.count == 2 else {
            throw InputError(file: path, "expected a 2-D array (rows, features), found shape \(shapeText(header.shape))")
        }
        guard header.shape[1] > 0 else {
            throw InputError(file: path, "expected at least one column, found shape \(shapeText(header.shape))")
        }
    }

    /// Reads a model's outputs: a 2-D float array `[rows, classes]`, or a 1-D array `[rows]`
    /// (one score per row, e.g. a binary classifier's positive class), returned as `[rows, 1]`.
    public static func readOutputs(path: String) throws -> Tensor {
        try withFile(path) { bytes, header in
            if header.shape.count == 1, !header.dtype.isInteger {
                let values = try floats(bytes, header, path: path)
                return Tensor(shape: [values.count, 1], scalars: values)
            }
            return try matrix(bytes, header, path: path)
        }
    }

    /// Reads a 1-D float array.
    public static func readVector(path: String) throws -> [Float] {
        try withFile(path) { try vector($0, $1, path: path) }
    }

    /// Reads a 1-D float array from `.npy` bytes in memory.
    public static func readVector(bytes: [UInt8], path: String = "<memory>") throws -> [Float] {
        try withBytes(bytes, path) { try vector($0, $1, path: path) }
    }

    static func vector(_ bytes: UnsafeRawBufferPointer, _ header: NPYHeader, path: String) throws -> [Float] {
        guard header.shape.count == 1 else {
            throw InputError(file: path, "expected a 1-D array, found shape \(shapeText(header.shape))")
        }
        if header.dtype.isInteger { return try integers(bytes, header, path: path).map(Float.init) }
        return try floats(bytes, header, path: path)
    }

    /// Reads a 1-D integer array of class indices (each must be ≥ 0).
    public static func readLabels(path: String) throws -> [Int] {
        try withFile(path) { try labels($0, $1, path: path) }
    }

    /// Reads a 1-D integer array of class indices from `.npy` bytes in memory.
    public static func readLabels(bytes: [UInt8], path: String = "<memory>") throws -> [Int] {
        try withBytes(bytes, path) { try labels($0, $1, path: path) }
    }

    static func labels(_ bytes: UnsafeRawBufferPointer, _ header: NPYHeader, path: String) throws -> [Int] {
        guard header.dtype.isInteger else {
            throw InputError(file: path, "expected an integer label array (e.g. '<i8'), found a float array")
        }
        guard header.shape.count == 1 else {
            throw InputError(file: path, "expected a 1-D label array, found shape \(shapeText(header.shape))")
        }
        let labels = try integers(bytes, header, path: path)
        if let index = labels.firstIndex(where: { $0 < 0 }) {
            throw InputError(file: path, "element \(index): expected a non-negative class index, found \(labels[index])")
        }
        return labels
    }

    /// Writes a rank-2 (or rank-1) tensor as `'<f4'`.
    public static func write(_ tensor: Tensor, to path: String) throws {
        var out = NPYHeader.encode(descr: "<f4", shape: tensor.shape)
        out.reserveCapacity(out.count + tensor.count * 4)
        for value in tensor.scalars {
            let bits = value.bitPattern.littleEndian
            withUnsafeBytes(of: bits) { out.append(contentsOf: $0) }
        }
        try AtomicFile.write(bytes: out, to: path)
    }

    /// Writes labels as a 1-D `'<i8'` array.
    public static func write(labels: [Int], to path: String) throws {
        var out = NPYHeader.encode(descr: "<i8", shape: [labels.count])
        out.reserveCapacity(out.count + labels.count * 8)
        for label in labels {
            withUnsafeBytes(of: Int64(label).littleEndian) { out.append(contentsOf: $0) }
        }
        try AtomicFile.write(bytes: out, to: path)
    }

    /// Writes a vector as a 1-D `'<f4'` array.
    public static func write(vector: [Float], to path: String) throws {
        try write(Tensor(vector), to: path)
    }

    // MARK: - Internals

    /// Checks that `path` exists and is not a stream: `.npy` readers use the file's size and
    /// read at offsets.
    static func requireRegularFile(_ path: String) throws {
        try RegularFile.requireExisting(path)
        if let kind = RegularFile.streamKind(path) {
            throw InputError(file: path, "expected a regular file (.npy data is read by its size and offsets, not from a pipe; save it to a file first), found \(kind)")
        }
    }

    static func withFile<T>(_ path: String, _ body: (UnsafeRawBufferPointer, NPYHeader) throws -> T) throws -> T {
        try requireRegularFile(path)
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path), options: .mappedIfSafe)
        } catch {
            let reason = (error as NSError).localizedFailureReason ?? (error as NSError).localizedDescription
            throw InputError(file: path, "cannot read: \(FileManager.default.fileExists(atPath: path) ? reason : "no such file")")
        }
        return try data.withUnsafeBytes { try withContents($0, path, body) }
    }

    static func withBytes<T>(_ bytes: [UInt8], _ path: String, _ body: (UnsafeRawBufferPointer, NPYHeader) throws -> T) throws -> T {
        try bytes.withUnsafeBytes { try withContents($0, path, body) }
    }

    /// Parses the header of the whole file `raw` and hands `body` exactly the data bytes.
    static func withContents<T>(_ raw: UnsafeRawBufferPointer, _ path: String, _ body: (UnsafeRawBufferPointer, NPYHeader) throws -> T) throws -> T {
        let header = try NPYHeader.parse(raw, path: path)
        let needed = try dataByteCount(header, fileSize: raw.count, path: path)
        return try body(UnsafeRawBufferPointer(rebasing: raw[header.dataOffset ..< header.dataOffset + needed]), header)
    }

    /// The number of data bytes `header` promises, checked against a file of `fileSize` bytes:
    /// C order, a shape whose byte size does not overflow, and data that is all there.
    static func dataByteCount(_ header: NPYHeader, fileSize: Int, path: String) throws -> Int {
        if header.fortranOrder && header.shape.count > 1 {
            throw InputError(file: path, "expected C (row-major) order, found fortran_order: True; save with numpy.ascontiguousarray(a)")
        }
        // The shape comes from the file: multiply with overflow checks, or a huge shape traps.
        var needed = header.dtype.byteCount
        for extent in header.shape {
            let (product, overflow) = needed.multipliedReportingOverflow(by: extent)
            if overflow {
                throw InputError(file: path, "data: expected a shape whose size fits in memory, found shape \(shapeText(header.shape))")
            }
            needed = product
        }
        let available = fileSize - header.dataOffset
        if available < needed {
            throw InputError(file: path, "data: expected \(needed) bytes for shape \(shapeText(header.shape)), found \(available)")
        }
        return needed
    }

    /// Converts the float elements in `bytes` (all of them, or those of a block of rows starting
    /// at element `firstElement` of the array) to `Float`, rejecting NaN and ±∞ with their position.
    static func floats(_ bytes: UnsafeRawBufferPointer, _ header: NPYHeader, path: String, firstElement: Int = 0) throws -> [Float] {
        let count = bytes.count / header.dtype.byteCount
        var out = [Float](repeating: 0, count: count)
        switch header.dtype {
        case .float32:
            for i in 0 ..< count { out[i] = Float(bitPattern: UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: i * 4, as: UInt32.self))) }
        case .float64:
            for i in 0 ..< count { out[i] = Float(Double(bitPattern: UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: i * 8, as: UInt64.self)))) }
        default:
            preconditionFailure("floats(_:) called for an integer dtype")
        }
        if let local = out.firstIndex(where: { !$0.isFinite }) {
            let bad = firstElement + local
            let columns = header.shape.count == 2 ? header.shape[1] : 1
            let what = out[local].isNaN ? "NaN" : "an infinite value (or one too large for float32)"
            let place = header.shape.count == 2 ? "row \(bad / columns), column \(bad % columns) (0-based)" : "element \(bad)"
            throw InputError(file: path, "\(place): expected a finite number, found \(what)")
        }
        return out
    }

    static func integers(_ bytes: UnsafeRawBufferPointer, _ header: NPYHeader, path: String) throws -> [Int] {
        let count = header.shape.reduce(1, *)
        var out = [Int](repeating: 0, count: count)
        for i in 0 ..< count {
            switch header.dtype {
            case .signed(1): out[i] = Int(bytes.load(fromByteOffset: i, as: Int8.self))
            case .signed(2): out[i] = Int(Int16(littleEndian: bytes.loadUnaligned(fromByteOffset: i * 2, as: Int16.self)))
            case .signed(4): out[i] = Int(Int32(littleEndian: bytes.loadUnaligned(fromByteOffset: i * 4, as: Int32.self)))
            case .signed(_): out[i] = Int(Int64(littleEndian: bytes.loadUnaligned(fromByteOffset: i * 8, as: Int64.self)))
            case .unsigned(1): out[i] = Int(bytes.load(fromByteOffset: i, as: UInt8.self))
            case .unsigned(2): out[i] = Int(UInt16(littleEndian: bytes.loadUnaligned(fromByteOffset: i * 2, as: UInt16.self)))
            case .unsigned(4): out[i] = Int(UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: i * 4, as: UInt32.self)))
            case .unsigned(_):
                let v = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: i * 8, as: UInt64.self))
                guard v <= UInt64(Int.max) else { throw InputError(file: path, "element \(i): expected a class index, found \(v)") }
                out[i] = Int(v)
            default: preconditionFailure("integers(_:) called for a float dtype")
            }
        }
        return out
    }

    static func shapeText(_ shape: [Int]) -> String {
        shape.count == 1 ? "(\(shape[0]),)" : "(" + shape.map(String.init).joined(separator: ", ") + ")"
    }
}
