import Foundation
import Synchronization

/// A fresh directory under the system temp dir, removed when this object goes away — or, at the
/// latest, when the test process exits (XCTest keeps test-case objects alive until the run ends
/// and the process may end without releasing them, so every directory still present is removed
/// by an `atexit` handler; tests that make many may also call `remove()` in a teardown block).
public final class TemporaryDirectory: @unchecked Sendable {
    public let path: String

    /// Directories not yet removed, for the exit handler.
    private static let live = Mutex<Set<String>>([])
    private static let exitHandler: Void = { atexit { TemporaryDirectory.removeAllLive() } }()

    public init() {
        path = NSTemporaryDirectory() + "shiftcast-tests-" + UUID().uuidString
        try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        Self.exitHandler
        _ = Self.live.withLock { $0.insert(path) }
    }

    deinit { remove() }

    /// Deletes the directory and everything in it.
    public func remove() {
        try? FileManager.default.removeItem(atPath: path)
        _ = Self.live.withLock { $0.remove(path) }
    }

    private static func removeAllLive() {
        for path in live.withLock({ $0 }) { try? FileManager.default.removeItem(atPath: path) }
    }

    /// Writes `bytes` to a file named `name` and returns its path.
    public func file(_ name: String, bytes: [UInt8]) -> String {
        let p = path + "/" + name
        _ = FileManager.default.createFile(atPath: p, contents: Data(bytes))
        return p
    }

    /// Writes `text` (UTF-8) to a file named `name` and returns its path.
    public func file(_ name: String, _ text: String) -> String { file(name, bytes: Array(text.utf8)) }
}

/// The repository's Fixtures folder (found from this source file's location).
public let fixturesDirectory: String = {
    var url = URL(fileURLWithPath: #filePath)
    for _ in 0 ..< 3 { url.deleteLastPathComponent() }
    return url.appendingPathComponent("Fixtures").path
}()
