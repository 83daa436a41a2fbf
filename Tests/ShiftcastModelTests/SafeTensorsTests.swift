import XCTest
import Foundation
@testable import ShiftcastModel

final class SafeTensorsTests: XCTestCase {
    static var fixtures: String {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0 ..< 3 { url.deleteLastPathComponent() }
        return url.path + "/Fixtures/safetensors"
    }

    func temporaryPath(_ name: String) -> String {
        let dir = NSTemporaryDirectory() + "shiftcast-model-tests-\(UUID().uuidString)"
        try! FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(atPath: dir) }
        return dir + "/" + name
    }

    func sampleModelFile() -> ModelFile {
        let model = MLP(MLPArchitecture(inputs: 4, hidden: [5], classes: 3), initSeed: 3)
        return ModelFile(model: model, classNames: ["a", "b", "c"], featureNames: ["w", "x", "y", "z"], initialization: .seed(3))
    }

    func testRoundTripIsExactAndDeterministic() throws {
        let file = sampleModelFile()
        let path = temporaryPath("m.safetensors")
        try file.write(to: path)
        XCTAssertEqual(try ModelFile.read(from: path), file)
        XCTAssertEqual(file.safeTensors.encoded(), file.safeTensors.encoded())
        let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        let headerLength = bytes.prefix(8).enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
        XCTAssertEqual(headerLength % 8, 0, "data must start 8-byte aligned")
        // θ0 stored as weights survives too.
        var explicit = file
        explicit.initialization = .weights(MLP(file.model.architecture, initSeed: 99))
        try explicit.write(to: path)
        XCTAssertEqual(try ModelFile.read(from: path).initialModel, MLP(file.model.architecture, initSeed: 99))
    }

    func testReadsPyTorchSequentialStateDicts() throws {
        let expected = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: Self.fixtures + "/expected.json"))) as! [String: [[Double]]]
        let x = Tensor(rows: expected["inputs"]!.map { $0.map(Float.init) })
        let relu = try ModelFile.read(from: Self.fixtures + "/torch_sequential.safetensors")
        XCTAssertEqual(relu.model.architecture, MLPArchitecture(inputs: 4, hidden: [5], classes: 3, activation: .relu))
        XCTAssertEqual(relu.initialization, .unknown)
        let tanh = try ModelFile.read(from: Self.fixtures + "/torch_tanh_f64.safetensors", activation: .tanh)
        for (model, key) in [(relu.model, "relu_logits"), (tanh.model, "tanh_logits")] {
            let logits = model.logits(x)
            for (a, b) in zip(logits.scalars, expected[key]!.joined()) { XCTAssertEqual(Double(a), b, accuracy: 1e-5, key) }
        }
    }

    /// Writes Fixtures/safetensors/swift_written.safetensors for the Python check
    /// (`make_fixture.py --verify`) when SHIFTCAST_WRITE_FIXTURES=1; otherwise checks that the
    /// committed file is exactly what this code writes today.
    func testWriteTheInteropFile() throws {
        var model = MLP(MLPArchitecture(inputs: 4, hidden: [5], classes: 3), initSeed: 1)
        var params = model.parameters
        params[0] = Tensor(shape: [5, 4], scalars: (0 ..< 20).map { Float($0) / 10 - 1 })
        model.parameters = params
        let file = ModelFile(model: model, classNames: ["zero", "one", "two"], initialization: .seed(1))
        let path = Self.fixtures + "/swift_written.safetensors"
        if ProcessInfo.processInfo.environment["SHIFTCAST_WRITE_FIXTURES"] == "1" { try file.write(to: path) }
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: path)), file.safeTensors.encoded())
    }

    func header(_ json: String, data: [UInt8] = []) -> Data {
        var bytes = withUnsafeBytes(of: UInt64(json.utf8.count).littleEndian) { Array($0) }
        bytes += Array(json.utf8) + data
        return Data(bytes)
    }

    func testBadFilesGiveClearErrors() {
        let valid = sampleModelFile().safeTensors.encoded()
        let cases: [(String, Data, String)] = [
            ("truncated length", Data([1, 2, 3]), "expected at least 8 bytes"),
            ("truncated data", valid.prefix(valid.count - 10), "run past the end of the data"),
            ("header beyond file", Data([100, 0, 0, 0, 0, 0, 0, 0]) + Data(repeating: 0x20, count: 4), "runs past the end of the file"),
            ("gigabyte header", Data([0, 0, 0, 0, 1, 0, 0, 0]) + Data(repeating: 0, count: 16), "exceeds the 100000000-byte limit"),
            ("invalid json", header("{not json"), "not a valid JSON object"),
            ("unknown dtype", header(#"{"a":{"dtype":"Q8","shape":[1],"data_offsets":[0,1]}}"#, data: [0]), "tensor 'a': unsupported dtype 'Q8'"),
            ("shape/offset mismatch", header(#"{"a":{"dtype":"F32","shape":[2,3],"data_offsets":[0,20]}}"#, data: Array(repeating: 0, count: 20)),
             "tensor 'a': shape [2, 3] of F32 needs 24 bytes, data_offsets [0, 20] give 20"),
            ("overlap", header(#"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}"#,
                               data: Array(repeating: 0, count: 12)), "overlap the previous tensor"),
            ("out of range", header(#"{"a":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}}"#, data: Array(repeating: 0, count: 8)),
             "run past the end of the data"),
            ("huge shape", header(#"{"a":{"dtype":"F32","shape":[100000000000,100000000000],"data_offsets":[0,8]}}"#, data: Array(repeating: 0, count: 8)),
             "too large"),
            ("nan weight", header(#"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}"#, data: [0, 0, 0xC0, 0x7F]), "expected finite values"),
        ]
        for (label, data, message) in cases {
            XCTAssertThrowsError(try SafeTensorsFile.read(data: data, path: "m.safetensors"), label) { error in
                XCTAssertTrue("\(error)".hasPrefix("m.safetensors: error: "), "\(label): \(error)")
                XCTAssertTrue("\(error)".contains(message), "\(label): \(error)")
            }
        }
    }

    func testShapesThatDoNotFormANetworkAreRejected() throws {
        let bad = SafeTensorsFile(tensors: [("0.weight", Tensor(zeros: [5, 4])), ("0.bias", Tensor(zeros: [5])),
                                            ("2.weight", Tensor(zeros: [3, 6])), ("2.bias", Tensor(zeros: [3]))])
        let path = temporaryPath("bad.safetensors")
        try bad.write(to: path)
        XCTAssertThrowsError(try ModelFile.read(from: path)) {
            XCTAssertTrue("\($0)".contains("tensor '2.weight': expected 5 inputs (the previous layer's outputs), found shape [3, 6]"), "\($0)")
        }
        XCTAssertThrowsError(try SafeTensorsFile(tensors: []).write(to: "/no/such/dir/m.safetensors")) {
            XCTAssertTrue("\($0)".contains("does not exist"), "\($0)")
        }
    }
}
