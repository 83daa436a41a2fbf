import Foundation
import XCTest
@testable import ShiftcastModel

/// Files written by Python's `safetensors` (with torch and numpy), see
/// Fixtures/safetensors/make_fixture.py; expected values in expected.json.
final class SafeTensorsFixtureTests: XCTestCase {
    typealias H = SafeTensorsTestHelpers

    struct ExpectedTensor { var shape: [Int]; var values: [Double] }

    func expected(_ section: String) throws -> [String: Any] {
        let data = try Data(contentsOf: H.fixtureDirectory.appendingPathComponent("expected.json"))
        let root = try XCTUnwrap(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        return try XCTUnwrap(root[section] as? [String: Any])
    }

    func expectedTensors(_ section: [String: Any]) throws -> [String: ExpectedTensor] {
        let tensors = try XCTUnwrap(section["tensors"] as? [String: [String: Any]])
        return try tensors.mapValues {
            ExpectedTensor(shape: try XCTUnwrap($0["shape"] as? [Int]), values: try XCTUnwrap($0["values"] as? [Double]))
        }
    }

    func matrix(_ value: Any?) throws -> [[Double]] { try XCTUnwrap(value as? [[Double]]) }

    /// y = relu(x W0ᵀ + b0) W2ᵀ + b2 in Double, from the Float weights read from the file.
    func logits(_ file: SafeTensorsFile, inputs: [[Double]], hidden: (([Double]) -> [Double])? = nil,
                names: (String, String) = ("0", "2")) throws -> [[Double]] {
        func dense(_ x: [Double], _ prefix: String) throws -> [Double] {
            let w = try XCTUnwrap(file["\(prefix).weight"]), b = try XCTUnwrap(file["\(prefix).bias"])
            return (0 ..< w.rowCount).map { o in
                (0 ..< w.columnCount).reduce(Double(b.scalars[o])) { $0 + Double(w[o, $1]) * x[$1] }
            }
        }
        return try inputs.map { x in
            var h = try dense(x, names.0)
            if let hidden { h = hidden(h) }
            return try dense(h.map { max($0, 0) }, names.1)
        }
    }

    func testSequentialFromTorchAndNumpyReadExactly() throws {
        let section = try expected("sequential")
        let tensors = try expectedTensors(section)
        let metadata = try XCTUnwrap(section["metadata"] as? [String: String])
        for name in ["sequential_torch.safetensors", "sequential_numpy.safetensors"] {
            let file = try SafeTensorsFile.read(from: H.fixturePath(name))
            XCTAssertEqual(file.metadata, metadata, name)
            XCTAssertEqual(file.tensors.map(\.name), ["0.bias", "0.weight", "2.bias", "2.weight"],
                           "\(name): python's safetensors stores tensors sorted by name")
            XCTAssertTrue(file.integerTensors.isEmpty)
            for (tensorName, want) in tensors {
                let got = try XCTUnwrap(file[tensorName], "\(name): \(tensorName)")
                XCTAssertEqual(got.shape, want.shape, "\(name): \(tensorName)")
                XCTAssertEqual(got.scalars, want.values.map(Float.init), "\(name): \(tensorName)")
            }
            XCTAssertEqual(file["0.weight"]?.shape, [5, 4], "PyTorch Linear weight is [out, in]")
        }
    }

    func testSequentialLogitsMatchTorchAndNumpy() throws {
        let section = try expected("sequential")
        let inputs = try matrix(section["inputs"])
        let file = try SafeTensorsFile.read(from: H.fixturePath("sequential_torch.safetensors"))
        let ours = try logits(file, inputs: inputs)
        let numpy = try matrix(section["logits_float64_numpy"])
        let torch = try matrix(section["logits_float32_torch"])
        XCTAssertEqual(ours.count, 4)
        for (r, row) in ours.enumerated() {
            XCTAssertEqual(row.count, 3)
            for c in 0 ..< 3 {
                XCTAssertEqual(row[c], numpy[r][c], accuracy: 1e-12, "row \(r) class \(c)")
                XCTAssertEqual(row[c], torch[r][c], accuracy: 1e-5, "row \(r) class \(c)")
            }
        }
    }

    func testBatchNormStateDictKeepsTheInt64Buffer() throws {
        let section = try expected("batchnorm")
        let file = try SafeTensorsFile.read(from: H.fixturePath("batchnorm_torch.safetensors"))
        XCTAssertEqual(file.integerTensors.map(\.name), ["1.num_batches_tracked"])
        XCTAssertEqual(file.integerTensor(named: "1.num_batches_tracked"), SafeTensorsIntegerTensor(shape: [], values: [1]))
        for (name, want) in try expectedTensors(section) where name != "1.num_batches_tracked" {
            XCTAssertEqual(file[name]?.shape, want.shape, name)
            XCTAssertEqual(file[name]?.scalars, want.values.map(Float.init), name)
        }
        // Eval-mode BatchNorm: (h − mean) / sqrt(var + 1e-5) · γ + β.
        let mean = try XCTUnwrap(file["1.running_mean"]).scalars, variance = try XCTUnwrap(file["1.running_var"]).scalars
        let gamma = try XCTUnwrap(file["1.weight"]).scalars, beta = try XCTUnwrap(file["1.bias"]).scalars
        let normalise: ([Double]) -> [Double] = { h in
            h.indices.map { i in
                (h[i] - Double(mean[i])) / (Double(variance[i]) + 1e-5).squareRoot() * Double(gamma[i]) + Double(beta[i])
            }
        }
        let ours = try logits(file, inputs: try matrix(section["inputs"]), hidden: normalise, names: ("0", "3"))
        let torch = try matrix(section["logits_float32_torch"])
        for r in ours.indices { for c in 0 ..< 3 { XCTAssertEqual(ours[r][c], torch[r][c], accuracy: 1e-4) } }
    }

    func testEveryDTypeFromTorch() throws {
        let tensors = try expectedTensors(try expected("dtypes"))
        let file = try SafeTensorsFile.read(from: H.fixturePath("dtypes.safetensors"))
        XCTAssertEqual(Set(file.tensors.map(\.name)), ["f64", "f32", "f16", "bf16"])
        XCTAssertEqual(Set(file.integerTensors.map(\.name)), ["i64", "i32", "i16", "i8", "u8", "bool"])
        for name in ["f64", "f32", "f16", "bf16"] {
            let want = try XCTUnwrap(tensors[name])
            let got = try XCTUnwrap(file[name])
            XCTAssertEqual(got.shape, want.shape, name)
            XCTAssertEqual(got.scalars, want.values.map(Float.init), name)
            XCTAssertEqual(got.scalars.last?.sign, .minus, "\(name): -0.0 keeps its sign")
        }
        XCTAssertEqual(file["f16"]?.scalars[3], 0.333251953125)
        XCTAssertEqual(file["bf16"]?.scalars[4], 65536)
        for name in ["i64", "i32", "i16", "i8", "u8", "bool"] {
            let want = try XCTUnwrap(tensors[name])
            let got = try XCTUnwrap(file.integerTensor(named: name))
            XCTAssertEqual(got.shape, want.shape, name)
            XCTAssertEqual(got.values, want.values.map { Int64($0) }, name)
        }
        XCTAssertEqual(file.integerTensor(named: "i8")?.values, [0, 1, -7, 100])
        XCTAssertEqual(file.integerTensor(named: "u8")?.values, [0, 1, 200, 255])
        XCTAssertEqual(file.integerTensor(named: "bool")?.values, [1, 0, 1])
    }
}

/// The Swift-written fixture that `make_fixture.py --verify` checks with Python's safetensors.
final class SafeTensorsWriterFixtureTests: XCTestCase {
    /// Keep in sync with `swift_written_expected()` in make_fixture.py.
    static func swiftWritten() -> SafeTensorsFile {
        SafeTensorsFile(
            tensors: [
                ("0.weight", Tensor(shape: [5, 4], scalars: (0 ..< 20).map { Float($0 - 10) / 8 })),
                ("0.bias", Tensor((0 ..< 5).map { 0.5 * Float($0) })),
                ("2.weight", Tensor(shape: [3, 5], scalars: (0 ..< 15).map { Float($0) / 16 - 0.25 })),
                ("2.bias", Tensor([-1, 0, 1])),
                ("scalar", Tensor(shape: [], scalars: [3.25])),
                ("empty", Tensor(shape: [0], scalars: [])),
            ],
            integerTensors: [("num_batches_tracked", SafeTensorsIntegerTensor(shape: [], values: [7]))],
            metadata: [
                "shiftcast.format_version": "1",
                "shiftcast.architecture": #"{"inputs":4,"hidden":[5],"classes":3,"activation":"relu"}"#,
                "shiftcast.classes": #"["a","b","c"]"#,
                "note": "ünïcode \"quoted\" \\ and a\nnewline",
            ])
    }

    /// Fails if the committed file differs from what this build writes; run with
    /// SHIFTCAST_UPDATE_FIXTURES=1 to rewrite it, then `python3 make_fixture.py --verify`.
    func testSwiftWrittenFixtureIsCurrent() throws {
        let path = SafeTensorsTestHelpers.fixturePath("written_by_swift.safetensors")
        let file = Self.swiftWritten()
        if ProcessInfo.processInfo.environment["SHIFTCAST_UPDATE_FIXTURES"] == "1" {
            try file.write(to: path)
        }
        let committed = try Data(contentsOf: URL(fileURLWithPath: path))
        XCTAssertEqual(committed, file.encoded(),
                       "written_by_swift.safetensors is stale: rerun with SHIFTCAST_UPDATE_FIXTURES=1 and verify with make_fixture.py --verify")
        XCTAssertEqual(try SafeTensorsFile.read(from: path), file)
    }
}
