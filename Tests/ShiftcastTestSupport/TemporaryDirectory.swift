import Foundation

/// A fresh directory under the system temp dir, removed when this object goes away.
/// (XCTest keeps test-case objects alive until the run ends, so tests that make many should
/// call `remove()` in a teardown block.)
public final class TemporaryDirectory: @unchecked Sendable {
    public let path: String

    public init() {
        path = NSTemporaryDirectory() + "shiftcast-tests-" + UUID().uuidString
        try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit { remove() }

    /// Deletes the directory and everything in it.
    public func remove() { try? FileManager.default.removeItem(atPath: path) }

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
