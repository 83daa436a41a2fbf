#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// What a path names, for the messages of readers and writers: input and output paths must
/// be regular files. A directory, FIFO or device cannot be read twice (`predict` reads the
/// target twice) or replaced atomically.
public enum RegularFile {
    /// Checks that `path` exists and is a regular file (after following links).
    /// - Parameter expected: what the reader wants, e.g. "a safetensors file".
    /// - Throws: `InputError` naming `path`: "no such file", or what was found instead.
    public static func requireExisting(_ path: String, expected: String = "a file") throws {
        var info = stat()
        guard stat(path, &info) == 0 else {
            throw InputError(file: path, errno == ENOENT ? "no such file" : "cannot read: \(String(cString: strerror(errno)))")
        }
        if let found = kindOfSpecialFile(info.st_mode) {
            throw InputError(file: path, "expected \(expected), found \(found)")
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
