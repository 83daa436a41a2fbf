import Foundation

/// Where a command writes: stdout for results, stderr for messages and progress.
/// In-process tests use `Console.capturing()` and read what was written.
public final class Console: @unchecked Sendable {
    private let lock = NSLock()
    private let writeOut: @Sendable (String) -> Void
    private let writeErr: @Sendable (String) -> Void
    /// Whether stderr is a terminal (progress bars are drawn only then).
    public let stderrIsTerminal: Bool
    private var capturedOut = ""
    private var capturedErr = ""
    private let captures: Bool

    public init(stdout: @escaping @Sendable (String) -> Void, stderr: @escaping @Sendable (String) -> Void, stderrIsTerminal: Bool) {
        writeOut = stdout
        writeErr = stderr
        self.stderrIsTerminal = stderrIsTerminal
        captures = false
    }

    private init(capturing: Void) {
        writeOut = { _ in }
        writeErr = { _ in }
        stderrIsTerminal = false
        captures = true
    }

    /// The process's standard streams.
    public static func standard() -> Console {
        Console(stdout: { s in FileHandle.standardOutput.write(Data(s.utf8)) },
                stderr: { s in FileHandle.standardError.write(Data(s.utf8)) },
                stderrIsTerminal: isatty(2) == 1 && ProcessInfo.processInfo.environment["CI"] == nil)
    }

    /// A console that keeps everything written, for tests.
    public static func capturing() -> Console { Console(capturing: ()) }

    public func out(_ text: String) {
        lock.lock(); defer { lock.unlock() }
        if captures { capturedOut += text } else { writeOut(text) }
    }

    public func err(_ text: String) {
        lock.lock(); defer { lock.unlock() }
        if captures { capturedErr += text } else { writeErr(text) }
    }

    public var standardOutput: String { lock.lock(); defer { lock.unlock() }; return capturedOut }
    public var standardError: String { lock.lock(); defer { lock.unlock() }; return capturedErr }
}
