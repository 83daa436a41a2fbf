import XCTest
import ShiftcastTestSupport
@testable import ShiftcastTensor

final class AtomicFileTests: XCTestCase {
    let temp = TemporaryDirectory()

    func testWritesAndReplacesWithoutLeavingTemporaryFiles() throws {
        let path = temp.path + "/out.txt"
        try AtomicFile.write(Data("first".utf8), to: path)
        try AtomicFile.write(Data("second".utf8), to: path)
        XCTAssertEqual(try String(contentsOfFile: path, encoding: .utf8), "second")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: temp.path), ["out.txt"])
    }

    func testMissingDirectoryIsAClearError() {
        let path = temp.path + "/no/such/dir/out.csv"
        XCTAssertThrowsError(try AtomicFile.write(Data("x".utf8), to: path)) { error in
            let inputError = error as? InputError
            XCTAssertEqual(inputError?.file, path)
            XCTAssertEqual(inputError?.message, "cannot write: directory '\(temp.path)/no/such/dir' does not exist")
        }
    }

    /// A streamed write: the chunks in order; a producer that throws leaves the old file and
    /// no temporary file.
    func testStreamedWriteIsAtomicToo() throws {
        let path = temp.path + "/streamed.txt"
        try AtomicFile.write(Data("old".utf8), to: path)
        struct Stop: Error {}
        XCTAssertThrowsError(try AtomicFile.write(to: path) { sink in
            try Array("half".utf8).withUnsafeBytes { try sink($0) }
            throw Stop()
        })
        XCTAssertEqual(try String(contentsOfFile: path, encoding: .utf8), "old")
        try AtomicFile.write(to: path) { sink in
            for piece in ["a,", "b\n", "", "c"] { try Array(piece.utf8).withUnsafeBytes { try sink($0) } }
        }
        XCTAssertEqual(try String(contentsOfFile: path, encoding: .utf8), "a,b\nc")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: temp.path), ["streamed.txt"])
    }

    func testBareFileNameUsesCurrentDirectory() {
        XCTAssertEqual(AtomicFile.directoryName(of: "a.csv"), ".")
        XCTAssertEqual(AtomicFile.directoryName(of: "/a.csv"), "/")
        XCTAssertEqual(AtomicFile.directoryName(of: "x/y/a.csv"), "x/y")
    }
}
