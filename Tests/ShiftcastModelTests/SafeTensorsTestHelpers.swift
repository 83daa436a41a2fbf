import Foundation
import XCTest
@testable import ShiftcastModel

/// Helpers shared by the SafeTensors*Tests files.
enum SafeTensorsTestHelpers {
    /// `Fixtures/safetensors` of this package, found from this source file's path.
    static var fixtureDirectory: URL {
        var directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        while directory.path != "/" {
            if FileManager.default.fileExists(atPath: directory.appendingPathComponent("Package.swift").path) {
                return directory.appendingPathComponent("Fixtures/safetensors")
            }
            directory = directory.deletingLastPathComponent()
        }
        fatalError("no Package.swift above \(#filePath)")
    }

    static func fixturePath(_ name: String) -> String {
        fixtureDirectory.appendingPathComponent(name).path
    }

    /// A safetensors file from a header text and data bytes; `declaredHeaderLength`
    /// overrides the length prefix (to fake damaged files).
    static func rawFile(header: String, data: [UInt8] = [], declaredHeaderLength: UInt64? = nil) -> Data {
        let headerBytes = Array(header.utf8)
        var file = Data()
        withUnsafeBytes(of: (declaredHeaderLength ?? UInt64(headerBytes.count)).littleEndian) { file.append(contentsOf: $0) }
        file.append(contentsOf: headerBytes)
        file.append(contentsOf: data)
        return file
    }

    /// Little-endian bytes of `values` as F32.
    static func f32Bytes(_ values: [Float]) -> [UInt8] {
        values.flatMap { value in withUnsafeBytes(of: value.bitPattern.littleEndian) { Array($0) } }
    }

    /// A fresh empty directory under the system temporary directory (removed by the caller).
    static func temporaryDirectory(_ label: String) throws -> URL {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("shiftcast-\(label)-\(ProcessInfo.processInfo.processIdentifier)")
        try? FileManager.default.removeItem(at: url)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// Asserts that reading `data` throws an `InputError` in `path` whose message contains every fragment.
    static func assertRejects(_ data: Data, path: String = "model.safetensors", _ fragments: String...,
                              file: StaticString = #filePath, line: UInt = #line) {
        do {
            let result = try SafeTensorsFile.read(data: data, path: path)
            XCTFail("expected an error containing \(fragments), read \(result.tensorNames)", file: file, line: line)
        } catch let error as InputError {
            XCTAssertEqual(error.file, path, file: file, line: line)
            for fragment in fragments {
                XCTAssertTrue(error.message.contains(fragment),
                              "message \"\(error.message)\" lacks \"\(fragment)\"", file: file, line: line)
            }
        } catch {
            XCTFail("expected InputError, got \(error)", file: file, line: line)
        }
    }
}
