#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// What a path names, for the messages of readers and writers. Outputs must be regular files
/// (replaced atomically); inputs read once may also be streams — a FIFO such as `<(zcat x.csv)`
/// or `/dev/stdin` — but an input read twice (`predict`'s target) must be a regular file.
public enum RegularFile {
    /// Checks that `path` exists and can be read as a file (after following links).
    /// - Parameters:
    ///   - expected: what the reader wants, e.g. "a safetensors file".
    ///   - allowStreams: accept a FIFO or character device (read once, front to back).
    /// - Throws: `InputError` naming `path`: "no such file", or what was found instead.
    public static func requireExisting(_ path: String, expected: String = "a file", allowStreams: Bool = true) throws {
        var info = stat()
        guard stat(path, &info) == 0 else {
            throw InputError(file: path, errno == ENOENT ? "no such file" : "cannot read: \(String(cString: strerror(errno)))")
        }
        if allowStreams && isStream(mode: info.st_mode) { return }
        if let found = kindOfSpecialFile(info.st_mode) {
            throw InputError(file: path, "expected \(expected), found \(found)")
        }
    }

    /// Whether `path` names a FIFO or a character device (after following links): a stream,
    /// readable once, front to back.
    public static func isStream(_ path: String) -> Bool { streamKind(path) != nil }

    /// "a FIFO (named pipe)" or "a character device" when `path` names one; else `nil`.
    public static func streamKind(_ path: String) -> String? {
        var info = stat()
        guard stat(path, &info) == 0, isStream(mode: info.st_mode) else { return nil }
        return kindOfSpecialFile(info.st_mode)
    }

    /// A FIFO or a character device.
    static func isStream(mode: mode_t) -> Bool {
        let type = mode & S_IFMT
        return type == S_IFIFO || type == S_IFCHR
    }

    /// Creates the directory `path` and any missing parents (`mkdir -p`).
    /// - Throws: `InputError` naming the first component that exists but is not a directory
    ///   (what it is instead), or that cannot be created (the system's reason).
    public static func makeDirectory(_ path: String) throws {
        var prefix = path.hasPrefix("/") ? "/" : ""
        for component in path.split(separator: "/", omittingEmptySubsequences: true) {
            prefix += component
            if mkdir(prefix, 0o755) != 0 && errno != EEXIST {
                throw InputError(file: prefix, "cannot create the directory: \(String(cString: strerror(errno)))")
            }
            var info = stat()
            if stat(prefix, &info) == 0, info.st_mode & S_IFMT != S_IFDIR {
                let found = kindOfSpecialFile(info.st_mode) ?? "a regular file"
                throw InputError(file: prefix, "cannot create the directory\(prefix == path ? "" : " \(path)"): expected a directory (or a new name), found \(found)")
            }
            prefix += "/"
        }
    }

    /// "a directory", "a FIFO (named pipe)", …; `nil` for a regular file.
    static func kindOfSpecialFile(_ mode: mode_t) -> String? {
        switch mode & S_IFMT {
        case S_IFREG: return nil
        case S_IFDIR: return "a directory"
        case S_IFIFO: return "a FIFO (named pipe)"
        case S_IFCHR: return "a character device"
        case S_IFBLK: return "a block device"
        case S_IFSOCK: return "a socket"
        default: return "a special file"
        }
    }
}
