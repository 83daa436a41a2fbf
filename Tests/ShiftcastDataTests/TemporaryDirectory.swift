import Foundation

/// A fresh directory under the system temp dir, removed when the test object goes away.
final class TemporaryDirectory {
    let path: String

    init() {
        path = NSTemporaryDirectory() + "shiftcast-data-tests-" + UUID().uuidString
        try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    /// Writes `bytes` to a file named `name` and returns its path.
    func file(_ name: String, bytes: [UInt8]) -> String {
        let p = path + "/" + name
        _ = FileManager.default.createFile(atPath: p, contents: Data(bytes))
        return p
    }

    /// Writes `text` (UTF-8) to a file named `name` and returns its path.
    func file(_ name: String, _ text: String) -> String { file(name, bytes: Array(text.utf8)) }
}

/// The repository's Fixtures folder (found from this source file's location).
let fixturesDirectory: String = {
    var url = URL(fileURLWithPath: #filePath)
    for _ in 0 ..< 3 { url.deleteLastPathComponent() }
    return url.appendingPathComponent("Fixtures").path
}()
