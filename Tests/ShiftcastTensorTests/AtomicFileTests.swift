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

    func testBareFileNameUsesCurrentDirectory() {
        XCTAssertEqual(AtomicFile.directoryName(of: "a.csv"), ".")
        XCTAssertEqual(AtomicFile.directoryName(of: "/a.csv"), "/")
        XCTAssertEqual(AtomicFile.directoryName(of: "x/y/a.csv"), "x/y")
    }
}
