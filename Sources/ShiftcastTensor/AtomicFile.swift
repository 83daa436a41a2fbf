import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Writing a file so that readers see either the old file or the complete new one.
///
/// The bytes go to a temporary file in the destination's directory (same file
/// system, so the final `rename(2)` is atomic), are flushed with `fsync(2)`,
/// and the temporary file is then renamed over the destination. A crash or a
/// full disk leaves the old file untouched and no partial output.
public enum AtomicFile {
    /// Writes `data` to `path` atomically.
    ///
    /// - Throws: `InputError` naming `path` when the directory does not exist, is
    ///   not writable, or a write/flush/rename fails (with the system's reason).
    /// - Complexity: O(`data.count`).
    public static func write(_ data: Data, to path: String) throws {
        try data.withUnsafeBytes { raw in
            try write(UnsafeRawBufferPointer(raw), to: path)
        }
    }

    /// Writes `bytes` to `path` atomically (see `write(_:to:)`).
    public static func write(bytes: [UInt8], to path: String) throws {
        try bytes.withUnsafeBytes { try write($0, to: path) }
    }

    /// Checks, before any work, that `path` can be written: its directory exists, and the
    /// path is new or (after following links) a regular file. A directory, FIFO, device or
    /// socket is refused — the final rename would replace it (a device node, as root) or fail
    /// only at the end. A symbolic link to a regular file is written through: the file it
    /// points to is replaced and the link stays (`--out /dev/stdout > file.csv` writes file.csv).
    /// - Throws: `InputError` naming `path` and what is there.
    public static func checkDestination(_ path: String) throws {
        guard !path.isEmpty else { throw InputError("output path: expected a file name, found an empty string") }
        var info = stat()
        if stat(path, &info) == 0, let found = RegularFile.kindOfSpecialFile(info.st_mode) {
            throw InputError(file: path, "cannot write: expected a regular file or a new file name, found \(found)")
        }
        let directory = directoryName(of: try resolvedDestination(path))
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory) else {
            throw InputError(file: path, "cannot write: directory '\(directory)' does not exist")
        }
        guard isDirectory.boolValue else {
            throw InputError(file: path, "cannot write: '\(directory)' is not a directory")
        }
    }

    /// The file a write to `path` replaces: `path`, or for a symbolic link the file it points to.
    /// - Throws: `InputError` for a link whose target does not exist.
    static func resolvedDestination(_ path: String) throws -> String {
        var info = stat()
        guard lstat(path, &info) == 0, info.st_mode & S_IFMT == S_IFLNK else { return path }
        guard let resolved = realpath(path, nil) else {
            throw InputError(file: path, "cannot write: expected a symbolic link to a file, found a link whose target does not exist")
        }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    static func write(_ buffer: UnsafeRawBufferPointer, to path: String) throws {
        try write(to: path) { sink in try sink(buffer) }
    }

    /// Writes to `path` atomically what `produce` hands its sink, chunk after chunk, so a large
    /// output never has to be whole in memory (see `write(_:to:)`). Nothing replaces `path`
    /// unless `produce` returns normally.
    public static func write(to path: String,
                             producing produce: (_ sink: (UnsafeRawBufferPointer) throws -> Void) throws -> Void) throws {
        try checkDestination(path)
        let destination = try resolvedDestination(path)
        let directory = directoryName(of: destination)
        let fileName = destination.split(separator: "/", omittingEmptySubsequences: false).last.map(String.init) ?? "output"
        var template = Array("\(directory)/.\(fileName).tmp-XXXXXX".utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else { throw InputError(file: path, "cannot write in '\(directory)': \(systemError())") }
        let tempPath = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        var succeeded = false
        defer {
            if !succeeded { unlink(tempPath) }
        }
        do {
            try produce { buffer in
                var offset = 0
                while offset < buffer.count {
                    let written = systemWrite(fd, buffer.baseAddress! + offset, buffer.count - offset)
                    if written < 0 {
                        if errno == EINTR { continue }
                        throw InputError(file: path, "cannot write: \(systemError())")
                    }
                    offset += written
                }
            }
        } catch {
            close(fd)
            throw error
        }
        // Same permissions a plain open(2) with 0644 would give (mkstemp uses 0600).
        let mask = umask(0); umask(mask)
        fchmod(fd, 0o666 & ~mask)
        if fsync(fd) != 0 {
            let reason = systemError()
            close(fd)
            throw InputError(file: path, "cannot flush to disk: \(reason)")
        }
        close(fd)
        guard rename(tempPath, destination) == 0 else {
            throw InputError(file: path, "cannot replace file: \(systemError())")
        }
        succeeded = true
        // Make the rename itself durable.
        let dirFD = open(directory, O_RDONLY)
        if dirFD >= 0 { fsync(dirFD); close(dirFD) }
    }

    /// The directory part of `path` (`"."` for a bare file name).
    static func directoryName(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        let dir = String(path[..<slash])
        return dir.isEmpty ? "/" : dir
    }

    static func systemError() -> String { String(cString: strerror(errno)) }
}

#if canImport(Glibc)
private let systemWrite = Glibc.write
#elseif canImport(Musl)
private let systemWrite = Musl.write
#elseif canImport(Darwin)
private let systemWrite = Darwin.write
#endif
