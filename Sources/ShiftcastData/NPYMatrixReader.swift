#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import ShiftcastTensor

/// Reads a 2-D float `.npy` matrix a block of rows at a time, so memory is one batch however
/// large the file is.
///
/// The header is read and checked when the reader is opened (same checks and messages as
/// `NPY.readMatrix`: magic, version, dtype, C order, 2-D shape, data as long as the shape
/// says); each `nextRows(maxRows:)` then reads the next rows with `pread` and rejects NaN/±∞
/// naming the row and column.
public final class NPYMatrixReader {
    /// The file being read.
    public let path: String
    /// Rows in the file (from its header).
    public let rowCount: Int
    /// Columns (features) per row.
    public let columnCount: Int
    /// Rows returned so far.
    public private(set) var rowsRead = 0

    private let header: NPYHeader
    private let fd: Int32

    /// Opens `path` and reads its header.
    /// - Throws: `InputError` for a missing file, a directory, or any header problem.
    public init(path: String) throws {
        self.path = path
        try NPY.requireRegularFile(path)
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else {
            throw InputError(file: path, "cannot read: \(errno == ENOENT ? "no such file" : String(cString: strerror(errno)))")
        }
        var info = stat()
        guard fstat(fd, &info) == 0, (info.st_mode & S_IFMT) != S_IFDIR else {
            close(fd)
            throw InputError(file: path, "expected a file, found a directory")
        }
        let fileSize = Int(info.st_size)
        do {
            // The preamble says how long the header is; read exactly that much (never more than the file).
            let preamble = try NPYMatrixReader.read(fd, offset: 0, count: min(fileSize, 12), path: path)
            var prefix = preamble
            if let end = NPYHeader.headerEnd(preamble), end > preamble.count {
                prefix = try NPYMatrixReader.read(fd, offset: 0, count: min(fileSize, end), path: path)
            }
            let header = try prefix.withUnsafeBytes { try NPYHeader.parse($0, path: path) }
            // The order of the checks is NPY.readMatrix's, so both report the same first problem.
            _ = try NPY.dataByteCount(header, fileSize: fileSize, path: path)
            try NPY.checkMatrix(header, path: path)
            self.header = header
            rowCount = header.shape[0]
            columnCount = header.shape[1]
        } catch {
            close(fd)
            throw error
        }
        self.fd = fd
    }

    deinit { close(fd) }

    /// The next block of up to `maxRows` rows `[rows, columnCount]`, or `nil` after the last row.
    /// - Throws: `InputError` for a read failure or a non-finite value (row and column 0-based,
    ///   counted from the start of the file).
    public func nextRows(maxRows: Int) throws -> Tensor? {
        precondition(maxRows > 0, "nextRows(maxRows:) needs maxRows > 0")
        guard rowsRead < rowCount else { return nil }
        let rows = min(maxRows, rowCount - rowsRead)
        let rowBytes = columnCount * header.dtype.byteCount
        let bytes = try NPYMatrixReader.read(fd, offset: header.dataOffset + rowsRead * rowBytes, count: rows * rowBytes, path: path)
        let values = try bytes.withUnsafeBytes {
            try NPY.floats($0, header, path: path, firstElement: rowsRead * columnCount)
        }
        rowsRead += rows
        return Tensor(shape: [rows, columnCount], scalars: values)
    }

    /// Exactly `count` bytes at `offset` (the caller has checked the file is that long).
    static func read(_ fd: Int32, offset: Int, count: Int, path: String) throws -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        var done = 0
        while done < count {
            let n = bytes.withUnsafeMutableBytes { pread(fd, $0.baseAddress! + done, count - done, off_t(offset + done)) }
            if n < 0 {
                if errno == EINTR { continue }
                throw InputError(file: path, "cannot read: \(String(cString: strerror(errno)))")
            }
            if n == 0 {
                throw InputError(file: path, "data: expected \(count) bytes at offset \(offset), found the end of the file (was it truncated while being read?)")
            }
            done += n
        }
        return bytes
    }
}
