import XCTest
import ShiftcastTestSupport
@testable import ShiftcastData

final class NPYTests: XCTestCase {
    let temp = TemporaryDirectory()
    let npy = fixturesDirectory + "/npy/"

    /// The closed-form matrix of Fixtures/npy/make_npy.py: m[i, j] = (i * columns + j) / 4.
    func expectedMatrix(_ rows: Int, _ columns: Int) -> Tensor {
        Tensor(shape: [rows, columns], scalars: (0 ..< rows * columns).map { Float($0) / 4 })
    }

    func error(_ body: () throws -> Any) -> InputError? {
        do { _ = try body(); XCTFail("expected an InputError"); return nil } catch let e as InputError { return e } catch {
            XCTFail("expected an InputError, got \(error)"); return nil
        }
    }

    func testReadsNumpyFilesOfEveryVersionAndDtype() throws {
        XCTAssertEqual(try NPY.readMatrix(path: npy + "f4_2d.npy"), expectedMatrix(3, 4))
        XCTAssertEqual(try NPY.readMatrix(path: npy + "f4_2d_v2.npy"), expectedMatrix(3, 4))
        XCTAssertEqual(try NPY.readMatrix(path: npy + "f4_2d_v3.npy"), expectedMatrix(3, 4))
        XCTAssertEqual(try NPY.readMatrix(path: npy + "f8_2d.npy"), expectedMatrix(5, 2))
        XCTAssertEqual(try NPY.readVector(path: npy + "f4_1d.npy"), [0, 0.25, 0.5, 0.75, 1])
        XCTAssertEqual(try NPY.readVector(path: npy + "f8_1d.npy"), [0, 0.25, 0.5, 0.75, 1])
        for code in ["i1", "i2", "i4", "i8", "u1", "u2", "u4", "u8"] {
            XCTAssertEqual(try NPY.readLabels(path: npy + "labels_\(code).npy"), [0, 1, 2, 9, 3, 7], code)
        }
    }

    func testWriteReadRoundTrip() throws {
        var generator = SeededGenerator(seed: 3)
        let matrix = Tensor.randomNormal(shape: [17, 5], using: &generator)
        let path = temp.path + "/m.npy"
        try NPY.write(matrix, to: path)
        XCTAssertEqual(try NPY.readMatrix(path: path), matrix)
        let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        XCTAssertEqual((bytes.count - 17 * 5 * 4) % 64, 0, "data starts at a multiple of 64")
        XCTAssertEqual(String(decoding: bytes[10 ..< 70], as: UTF8.self).prefix(60),
                       "{'descr': '<f4', 'fortran_order': False, 'shape': (17, 5), }")
        try NPY.write(labels: [4, 0, 2], to: temp.path + "/l.npy")
        XCTAssertEqual(try NPY.readLabels(path: temp.path + "/l.npy"), [4, 0, 2])
        try NPY.write(vector: [1.5, -2], to: temp.path + "/v.npy")
        XCTAssertEqual(try NPY.readVector(path: temp.path + "/v.npy"), [1.5, -2])
    }

    func testUnsupportedLayoutsAreClearErrors() {
        XCTAssertEqual(error { try NPY.readMatrix(path: self.npy + "fortran.npy") }?.message,
                       "expected C (row-major) order, found fortran_order: True; save with numpy.ascontiguousarray(a)")
        XCTAssertEqual(error { try NPY.readMatrix(path: self.npy + "three_d.npy") }?.message,
                       "expected a 2-D array (rows, features), found shape (2, 3, 4)")
        XCTAssertTrue(error { try NPY.readMatrix(path: self.npy + "big_endian.npy") }?.message.contains("'>f4': big-endian") ?? false)
        let complex = error { try NPY.readMatrix(path: self.npy + "complex.npy") }
        XCTAssertTrue(complex?.message.hasPrefix("unsupported dtype '<c8' (complex64)") ?? false, "\(String(describing: complex))")
        let nan = error { try NPY.readMatrix(path: self.npy + "nan.npy") }
        XCTAssertEqual(nan?.message, "row 1, column 2 (0-based): expected a finite number, found NaN")
        XCTAssertEqual(nan?.file, npy + "nan.npy")
        XCTAssertEqual(error { try NPY.readLabels(path: self.npy + "neg_labels.npy") }?.message,
                       "element 2: expected a non-negative class index, found -1")
        XCTAssertEqual(error { try NPY.readLabels(path: self.npy + "f4_1d.npy") }?.message,
                       "expected an integer label array (e.g. '<i8'), found a float array")
    }

    func testDamagedFiles() throws {
        let good = Array(try Data(contentsOf: URL(fileURLWithPath: npy + "f4_2d.npy")))
        let badMagic = temp.file("magic.npy", bytes: [0x50, 0x4B, 0x03, 0x04] + good.dropFirst(4))
        XCTAssertTrue(error { try NPY.readMatrix(path: badMagic) }?.message.hasPrefix("expected the NumPy .npy magic bytes") ?? false)
        XCTAssertTrue(error { try NPY.readMatrix(path: self.temp.file("empty.npy", bytes: [])) }?.message.contains("found an empty file") ?? false)
        // Header length claims more bytes than the file has.
        var longHeader = good
        longHeader[8] = 0xFF; longHeader[9] = 0xFF
        let header = error { try NPY.readMatrix(path: self.temp.file("header.npy", bytes: longHeader)) }
        XCTAssertTrue(header?.message.hasPrefix("header: expected 65535 header bytes, found only") ?? false, "\(String(describing: header))")
        // Data shorter than the shape.
        let truncated = error { try NPY.readMatrix(path: self.temp.file("short.npy", bytes: Array(good.dropLast(5)))) }
        XCTAssertEqual(truncated?.message, "data: expected 48 bytes for shape (3, 4), found 43")
        // Unknown version.
        var version = good
        version[6] = 9
        XCTAssertEqual(error { try NPY.readMatrix(path: self.temp.file("v9.npy", bytes: version)) }?.message,
                       "expected .npy format version 1.0, 2.0 or 3.0, found 9.0")
    }
}
