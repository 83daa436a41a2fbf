#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads a file as lines of bytes, a block at a time, without copying each line.
///
/// A line ends at `\n`; a `\r` before it (Windows CRLF) is dropped. The last
/// line needs no terminator. Memory is one block plus the longest line.
final class LineSource {
    let path: String
    private var fd: Int32
    private(set) var buffer: [UInt8]
    private var lineStart = 0
    private var filled = 0
    private var atEnd = false
    /// 1-based number of the line returned by the last `nextLine()`.
    private(set) var lineNumber = 0

    static let blockSize = 1 << 22

    init(path: String) throws {
        self.path = path
        try RegularFile.requireExisting(path)
        fd = open(path, O_RDONLY)
        guard fd >= 0 else {
            throw InputError(file: path, "cannot open: \(String(cString: strerror(errno)))")
        }
        buffer = [UInt8](repeating: 0, count: LineSource.blockSize)
    }

    /// Lines of `bytes` already in memory (no file is opened; `path` only names it in errors).
    init(bytes: [UInt8], path: String) {
        self.path = path
        fd = -1
        buffer = bytes
        filled = bytes.count
        atEnd = true
    }

    deinit { if fd >= 0 { close(fd) } }

    /// The byte range (in `buffer`) of the next line without its terminator,
    /// or `nil` at end of file. The range is valid until the next call.
    func nextLine() throws -> Range<Int>? {
        while true {
            let newline: Int? = buffer.withUnsafeBufferPointer { p -> Int? in
                guard filled > lineStart else { return nil }
                guard let hit = memchr(p.baseAddress! + lineStart, Int32(UInt8(ascii: "\n")), filled - lineStart) else { return nil }
                return hit.assumingMemoryBound(to: UInt8.self) - UnsafeMutablePointer(mutating: p.baseAddress!)
            }
            if let newline {
                let range = lineStart ..< trimmingCarriageReturn(lineStart, newline)
                lineStart = newline + 1
                lineNumber += 1
                return range
            }
            if atEnd {
                guard filled > lineStart else { return nil }
                let range = lineStart ..< trimmingCarriageReturn(lineStart, filled)
                lineStart = filled
                lineNumber += 1
                return range
            }
            try refill()
        }
    }

    private func trimmingCarriageReturn(_ start: Int, _ end: Int) -> Int {
        end > start && buffer[end - 1] == UInt8(ascii: "\r") ? end - 1 : end
    }

    /// Moves the unfinished line to the front, grows the buffer if the line fills it, reads more.
    private func refill() throws {
        if lineStart > 0 {
            let pending = filled - lineStart
            if pending > 0 {
                buffer.withUnsafeMutableBufferPointer { p in
                    _ = memmove(p.baseAddress!, p.baseAddress! + lineStart, pending)
                }
            }
            filled = pending
            lineStart = 0
        }
        if filled == buffer.count {
            buffer.append(contentsOf: [UInt8](repeating: 0, count: buffer.count))
        }
        let count = buffer.withUnsafeMutableBufferPointer { p in
            read(fd, p.baseAddress! + filled, p.count - filled)
        }
        if count < 0 {
            if errno == EINTR { return }
            throw InputError(file: path, "cannot read: \(String(cString: strerror(errno)))")
        }
        if count == 0 { atEnd = true } else { filled += count }
    }
}
