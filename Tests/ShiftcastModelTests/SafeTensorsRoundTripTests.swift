import Foundation
import XCTest
@testable import ShiftcastModel

final class SafeTensorsRoundTripTests: XCTestCase {
    typealias H = SafeTensorsTestHelpers

    static func sample() -> SafeTensorsFile {
        var generator = SeededGenerator(seed: 11)
        let weight = Tensor(shape: [5, 4], scalars: (0 ..< 20).map { _ in Float(generator.gaussian()) })
        let bias = Tensor(shape: [5], scalars: (0 ..< 5).map { _ in Float(generator.gaussian()) })
        return SafeTensorsFile(
            tensors: [("0.weight", weight), ("0.bias", bias), ("2.weight", Tensor(shape: [3, 5], scalars: (0 ..< 15).map(Float.init))),
                      ("2.bias", Tensor([-1, 0, 1])), ("scalar", Tensor(shape: [], scalars: [3.25])),
                      ("empty", Tensor(shape: [0, 7], scalars: [])),
                      ("odd", Tensor([Float.leastNonzeroMagnitude, -Float.greatestFiniteMagnitude, -0.0]))],
            integerTensors: [("steps", SafeTensorsIntegerTensor(shape: [2], values: [Int64.min, Int64.max]))],
            metadata: ["shiftcast.format_version": "1", "zeta": "last", "alpha": "ünï \"q\" \\ \n\t\u{1}"])
    }

    func testEncodedReadsBackEqual() throws {
        let original = Self.sample()
        let back = try SafeTensorsFile.read(data: original.encoded(), path: "mem")
        XCTAssertEqual(back, original)
        XCTAssertEqual(back.tensors.map(\.name), ["0.weight", "0.bias", "2.weight", "2.bias", "scalar", "empty", "odd"])
        XCTAssertEqual(back.metadata["alpha"], "ünï \"q\" \\ \n\t\u{1}")
        XCTAssertEqual(back["odd"]!.scalars[2].sign, .minus, "-0.0 keeps its sign")
        XCTAssertEqual(back.integerTensor(named: "steps")?.values, [Int64.min, Int64.max])
    }

    func testBytesAreDeterministicAndIndependentOfMetadataInsertionOrder() {
        var a = SafeTensorsFile(tensors: [("w", Tensor([1, 2]))])
        a.metadata["b"] = "2"; a.metadata["a"] = "1"; a.metadata["c"] = "3"
        var b = SafeTensorsFile(tensors: [("w", Tensor([1, 2]))])
        b.metadata["c"] = "3"; b.metadata["a"] = "1"; b.metadata["b"] = "2"
        XCTAssertEqual(a.encoded(), b.encoded())
        XCTAssertEqual(Self.sample().encoded(), Self.sample().encoded())
    }

    func testExactLayoutOfASmallFile() throws {
        let file = SafeTensorsFile(tensors: [("w", Tensor([1, -2]))], metadata: ["k": "v"])
        let data = file.encoded()
        let header = #"{"__metadata__":{"k":"v"},"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}"#
        let padded = header + String(repeating: " ", count: (8 - header.utf8.count % 8) % 8)
        XCTAssertEqual(data, H.rawFile(header: padded, data: H.f32Bytes([1, -2])))
        XCTAssertEqual(padded.utf8.count % 8, 0)
        XCTAssertEqual(Array(data.suffix(8)), [0x00, 0x00, 0x80, 0x3F, 0x00, 0x00, 0x00, 0xC0])
    }

    func testIntegerTensorsComeFirstSoEveryOffsetIsAligned() throws {
        let data = Self.sample().encoded()
        let headerLength = Int(data.withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) })
        XCTAssertEqual((8 + headerLength) % 8, 0, "data region starts 8-byte aligned")
        let json = try JSONSerialization.jsonObject(with: data.subdata(in: 8 ..< 8 + headerLength)) as! [String: Any]
        let steps = json["steps"] as! [String: Any]
        XCTAssertEqual(steps["dtype"] as? String, "I64")
        XCTAssertEqual(steps["data_offsets"] as? [Int], [0, 16])
        for (name, value) in json where name != "__metadata__" {
            let begin = ((value as! [String: Any])["data_offsets"] as! [Int])[0]
            XCTAssertEqual(begin % 4, 0, "\(name) starts at \(begin)")
        }
    }

    func testEmptyFile() throws {
        let empty = SafeTensorsFile()
        XCTAssertEqual(empty.encoded(), H.rawFile(header: "{}      "))
        XCTAssertEqual(try SafeTensorsFile.read(data: empty.encoded(), path: "e"), empty)
    }

    func testWriteToDiskThenReadAndOverwrite() throws {
        let directory = try H.temporaryDirectory("roundtrip")
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("model.safetensors").path
        try Self.sample().write(to: path)
        XCTAssertEqual(try SafeTensorsFile.read(from: path), Self.sample())

        let smaller = SafeTensorsFile(tensors: [("only", Tensor([42]))])
        try smaller.write(to: path)
        XCTAssertEqual(try SafeTensorsFile.read(from: path), smaller)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: directory.path), ["model.safetensors"],
                       "no temporary file is left behind")
    }

    func testWriteIntoAMissingDirectoryNamesIt() {
        let path = "/nonexistent-shiftcast-dir/sub/model.safetensors"
        XCTAssertThrowsError(try Self.sample().write(to: path)) { error in
            XCTAssertEqual(error as? InputError,
                           InputError(file: path, "cannot write: directory '/nonexistent-shiftcast-dir/sub' does not exist"))
        }
    }

    func testWriteRefusesNonFiniteWeightsAndDuplicateNames() throws {
        let directory = try H.temporaryDirectory("refuse")
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("bad.safetensors").path
        let nan = SafeTensorsFile(tensors: [("fine", Tensor([1])), ("w", Tensor(shape: [2, 2], scalars: [0, 1, .nan, 2]))])
        XCTAssertThrowsError(try nan.write(to: path)) { error in
            XCTAssertEqual((error as? InputError)?.message,
                           "tensor 'w': element 2 (index [1, 0]) is nan; refusing to write non-finite weights")
        }
        let duplicate = SafeTensorsFile(tensors: [("w", Tensor([1]))],
                                        integerTensors: [("w", SafeTensorsIntegerTensor(shape: [], values: [1]))])
        XCTAssertThrowsError(try duplicate.write(to: path)) { error in
            XCTAssertEqual((error as? InputError)?.message, "two tensors are named 'w'")
        }
        let reserved = SafeTensorsFile(tensors: [("__metadata__", Tensor([1]))])
        XCTAssertThrowsError(try reserved.write(to: path))
        XCTAssertFalse(FileManager.default.fileExists(atPath: path))
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: directory.path), [])
    }

    func testReadingMissingFileOrDirectory() throws {
        XCTAssertThrowsError(try SafeTensorsFile.read(from: "/nonexistent/model.safetensors")) { error in
            XCTAssertEqual(error as? InputError, InputError(file: "/nonexistent/model.safetensors", "no such file"))
        }
        XCTAssertThrowsError(try SafeTensorsFile.read(from: "/tmp")) { error in
            XCTAssertEqual((error as? InputError)?.message, "expected a safetensors file, found a directory")
        }
    }

    func testHalfPrecisionConversionIsExact() {
        let f = SafeTensorsDType.floatFromHalf
        XCTAssertEqual(f(0x3C00), 1)
        XCTAssertEqual(f(0xC000), -2)
        XCTAssertEqual(f(0x7BFF), 65504)
        XCTAssertEqual(f(0x0400), 0x1p-14)
        XCTAssertEqual(f(0x0001), 0x1p-24)
        XCTAssertEqual(f(0x03FF), 1023 * 0x1p-24)
        XCTAssertEqual(f(0x8000).sign, .minus)
        XCTAssertEqual(f(0x7C00), .infinity)
        XCTAssertTrue(f(0x7E00).isNaN)
        XCTAssertEqual(f(0x3555), 0.333251953125)
    }
}
