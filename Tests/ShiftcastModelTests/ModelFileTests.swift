import XCTest
import Foundation
@testable import ShiftcastModel

final class ModelFileTests: XCTestCase {
    static var fixtures: String {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0 ..< 3 { url.deleteLastPathComponent() }
        return url.path + "/Fixtures/modelfile"
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

    /// The committed Fixtures/modelfile/swift_written.safetensors (checked by the Python side,
    /// `make_fixture.py --verify`) is exactly what this code writes today. With
    /// SHIFTCAST_WRITE_FIXTURES=1 the file is rewritten instead (then compare with git diff).
    func testWriteTheInteropFile() throws {
        var model = MLP(MLPArchitecture(inputs: 4, hidden: [5], classes: 3), initSeed: 1)
        var params = model.parameters
        params[0] = Tensor(shape: [5, 4], scalars: (0 ..< 20).map { Float($0) / 10 - 1 })
        model.parameters = params
        let file = ModelFile(model: model, classNames: ["zero", "one", "two"], initialization: .seed(1))
        let path = Self.fixtures + "/swift_written.safetensors"
        if ProcessInfo.processInfo.environment["SHIFTCAST_WRITE_FIXTURES"] == "1" {
            try file.write(to: path)
            throw XCTSkip("rewrote \(path); compare it with the committed version (git diff)")
        }
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: path)), file.safeTensors.encoded())
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
