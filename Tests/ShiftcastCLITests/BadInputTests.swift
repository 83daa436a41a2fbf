import XCTest
import Foundation
import ShiftcastTestSupport
import ShiftcastData
import ShiftcastModel

/// Bad input, end to end: each case runs the built binary and checks a non-zero exit code,
/// one clear message (`path:line:column: error: …`, or `Error: …` when no file is involved) naming the file and what was expected/found, and that no output
/// file was created.
final class BadInputTests: XCTestCase {
    let temp = TemporaryDirectory()
    override func tearDown() { temp.remove() }

    struct Case {
        var name: String
        var arguments: [String]
        /// Substrings the single error line must contain.
        var expected: [String]
        var status: Int32 = 1
    }

    func file(_ name: String, _ text: String) -> String { temp.file(name, text) }
    func bytes(_ name: String, _ b: [UInt8]) -> String { temp.file(name, bytes: b) }

    /// A .npy file with an arbitrary header dictionary and payload.
    func npy(_ name: String, header: String, payload: [UInt8]) -> String {
        var h = header
        while (10 + h.count + 1) % 64 != 0 { h += " " }
        h += "\n"
        var b: [UInt8] = [0x93] + Array("NUMPY".utf8) + [1, 0, UInt8(h.count & 0xFF), UInt8(h.count >> 8)]
        b += Array(h.utf8) + payload
        return bytes(name, b)
    }

    func safetensors(_ name: String, header: String, data: [UInt8]) -> String {
        var b = withUnsafeBytes(of: UInt64(header.utf8.count).littleEndian) { Array($0) }
        b += Array(header.utf8) + data
        return bytes(name, b)
    }

    func testEveryBadInputFailsCleanly() throws {
        try requireBinary()
        // A small valid model and data to pair the bad files with.
        let modelPath = temp.path + "/model.safetensors"
        try ModelFile(model: MLP(MLPArchitecture(inputs: 2, hidden: [4], classes: 3), initSeed: 1), initialization: .seed(1)).write(to: modelPath)
        let good = file("good.csv", "a,b,label\n0.1,0.2,0\n0.3,0.1,1\n0.5,0.9,2\n0.7,0.4,1\n")
        let out = temp.path + "/out.csv", outModel = temp.path + "/out.safetensors"
        func predict(_ target: String, source: String? = nil) -> [String] {
            ["predict", "--model", modelPath, "--source", source ?? good, "--target", target, "--estimators", "ac,atc-mc"]
        }
        func npyProbs(_ name: String, rows: [[Float]]) throws -> String {
            let p = temp.path + "/" + name
            try NPY.write(Tensor(rows: rows), to: p)
            return p
        }
        let labels = temp.path + "/labels.npy"
        try NPY.write(labels: [0, 1, 1], to: labels)
        let goodProbs = try npyProbs("good_probs.npy", rows: [[0.7, 0.3], [0.2, 0.8], [0.4, 0.6]])
        let fifo = temp.path + "/fifo.csv"
        XCTAssertEqual(mkfifo(fifo, 0o600), 0)
        // A valid file whose weights are all 3e38: its logits overflow on any input.
        let hugeModel = temp.path + "/huge.safetensors"
        var huge = MLP(MLPArchitecture(inputs: 2, hidden: [4], classes: 3), initSeed: 1)
        huge.parameters = huge.parameters.map { Tensor(shape: $0.shape, scalars: [Float](repeating: 3e38, count: $0.count)) }
        try ModelFile(model: huge, initialization: .seed(1)).write(to: hugeModel)
        // Weights of 1: ordinary rows are fine, a row of 3e38 overflows the first layer.
        let onesModel = temp.path + "/ones.safetensors"
        huge.parameters = huge.parameters.map { Tensor(shape: $0.shape, scalars: [Float](repeating: 1, count: $0.count)) }
        try ModelFile(model: huge, initialization: .seed(1)).write(to: onesModel)
        let badRecipe = temp.path + "/recipe.safetensors"
        try ModelFile(model: MLP(MLPArchitecture(inputs: 2, hidden: [4], classes: 3), initSeed: 1), initialization: .seed(1),
                      info: ["epochs": "-1", "batch_size": "8"]).write(to: badRecipe)
        let wideModel = temp.path + "/wide.safetensors"
        try ModelFile(model: MLP(MLPArchitecture(inputs: 3, hidden: [4], classes: 3), initSeed: 1), initialization: .seed(1)).write(to: wideModel)
        let featuresNPY = temp.path + "/features.npy", labels7 = temp.path + "/labels7.npy"
        try NPY.write(Tensor(rows: [[0.1, 0.2], [0.3, 0.4], [0.5, 0.6]]), to: featuresNPY)
        try NPY.write(labels: [0, 7, 1], to: labels7)
        let wide = "a" + (1 ..< 10_000).map { ",c\($0)" }.joined() + ",label\n" + (0 ..< 10_000).map { _ in "0.5" }.joined(separator: ",") + ",1\n"
        let cases: [Case] = [
            // CSV
            Case(name: "ragged row", arguments: predict(file("ragged.csv", "a,b\n1,2\n3\n")), expected: ["ragged.csv:3", "expected 2"]),
            Case(name: "non-numeric cell", arguments: predict(file("text.csv", "a,b\n1,abc\n")), expected: ["text.csv:2:2", "abc"]),
            Case(name: "empty file", arguments: predict(file("empty.csv", "")), expected: ["empty.csv", "expected a header row of column names, found an empty file"]),
            Case(name: "header only", arguments: predict(file("header.csv", "a,b\n")), expected: ["header.csv:2", "expected at least one data row after the header, found none"]),
            Case(name: "duplicate column", arguments: predict(file("dup.csv", "a,a\n1,2\n")), expected: ["dup.csv:1:2", "duplicate column name 'a'"]),
            Case(name: "duplicate label column", arguments: predict(good, source: file("duplabel.csv", "a,label,label\n1,0,0\n")), expected: ["duplabel.csv:1:3", "duplicate column name 'label'"]),
            Case(name: "missing label column", arguments: predict(good, source: file("nolabel.csv", "a,b\n1,2\n2,1\n")), expected: ["nolabel.csv:1", "expected a label column named 'label'"]),
            Case(name: "NaN value", arguments: predict(file("nan.csv", "a,b\n1,nan\n")), expected: ["nan.csv:2:2", "NaN"]),
            Case(name: "Inf value", arguments: predict(file("inf.csv", "a,b\n1,inf\n")), expected: ["inf.csv:2:2", "expected a finite number"]),
            Case(name: "non-integer label", arguments: predict(good, source: file("float_label.csv", "a,b,label\n1,2,0.5\n")), expected: ["float_label.csv:2:3", "0.5"]),
            Case(name: "label out of range", arguments: predict(good, source: file("big_label.csv", "a,b,label\n1,2,0\n1,2,7\n")), expected: ["big_label.csv", "label 7 at data row 2 is outside the model's classes 0..<3"]),
            Case(name: "non-UTF-8 bytes", arguments: predict(bytes("latin1.csv", Array("a,b\n1,".utf8) + [0xE9, 0x0A])), expected: ["latin1.csv:2:2", "not UTF-8 (0xE9)"]),
            Case(name: "10,000 columns vs a 2-input model", arguments: predict(file("wide.csv", wide)), expected: ["wide.csv", "expected 2 feature columns", "found 10000"]),
            Case(name: "wrong column count for the model", arguments: predict(file("three.csv", "a,b,c\n1,2,3\n")), expected: ["three.csv", "expected 2 feature columns", "found 3"]),
            // NPY
            Case(name: "npy wrong magic", arguments: ["predict", "--source-probs", bytes("magic.npy", Array("NOTNUMPY......".utf8)), "--source-labels", labels, "--target-probs", goodProbs], expected: ["magic.npy", "expected the NumPy .npy magic bytes"]),
            Case(name: "npy unsupported dtype", arguments: ["predict", "--source-probs", npy("c16.npy", header: "{'descr': '<c16', 'fortran_order': False, 'shape': (1, 1), }", payload: Array(repeating: 0, count: 16)), "--source-labels", labels, "--target-probs", goodProbs], expected: ["c16.npy", "unsupported dtype '<c16'"]),
            Case(name: "npy Fortran order", arguments: ["predict", "--source-probs", npy("fortran.npy", header: "{'descr': '<f4', 'fortran_order': True, 'shape': (1, 2), }", payload: Array(repeating: 0, count: 8)), "--source-labels", labels, "--target-probs", goodProbs], expected: ["fortran.npy", "expected C (row-major) order, found fortran_order: True"]),
            Case(name: "npy 3-D", arguments: ["predict", "--source-probs", npy("cube.npy", header: "{'descr': '<f4', 'fortran_order': False, 'shape': (1, 1, 2), }", payload: Array(repeating: 0, count: 8)), "--source-labels", labels, "--target-probs", goodProbs], expected: ["cube.npy", "expected a 2-D array", "found shape (1, 1, 2)"]),
            Case(name: "npy header longer than file", arguments: ["predict", "--source-probs", bytes("hdr.npy", [0x93] + Array("NUMPY".utf8) + [1, 0, 0xFF, 0x7F] + Array("{'descr'".utf8)), "--source-labels", labels, "--target-probs", goodProbs], expected: ["hdr.npy", "expected 32767 header bytes, found only 8"]),
            Case(name: "npy data shorter than shape", arguments: ["predict", "--source-probs", npy("short.npy", header: "{'descr': '<f4', 'fortran_order': False, 'shape': (3, 2), }", payload: Array(repeating: 0, count: 8)), "--source-labels", labels, "--target-probs", goodProbs], expected: ["short.npy", "expected 24 bytes for shape (3, 2), found 8"]),
            // safetensors
            Case(name: "safetensors truncated", arguments: ["inspect", "--model", bytes("trunc.safetensors", [1, 2, 3])], expected: ["trunc.safetensors", "too short for a safetensors file"]),
            Case(name: "safetensors header beyond file", arguments: ["inspect", "--model", bytes("beyond.safetensors", [200, 0, 0, 0, 0, 0, 0, 0, 0x7B, 0x7D])], expected: ["beyond.safetensors", "but only 2 bytes follow"]),
            Case(name: "safetensors invalid JSON", arguments: ["inspect", "--model", safetensors("json.safetensors", header: "{oops", data: [])], expected: ["json.safetensors", "not valid UTF-8 JSON"]),
            Case(name: "safetensors overlapping offsets", arguments: ["inspect", "--model", safetensors("overlap.safetensors", header: #"{"0.weight":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"0.bias":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}"#, data: Array(repeating: 0, count: 12))], expected: ["overlap.safetensors", "overlap tensor"]),
            Case(name: "safetensors out-of-range offsets", arguments: ["inspect", "--model", safetensors("range.safetensors", header: #"{"0.weight":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}}"#, data: Array(repeating: 0, count: 4))], expected: ["range.safetensors", "reach beyond the 4-byte data region"]),
            Case(name: "safetensors shapes do not form a network", arguments: ["inspect", "--model", safetensors("arch.safetensors", header: #"{"0.weight":{"dtype":"F32","shape":[2,2],"data_offsets":[0,16]},"0.bias":{"dtype":"F32","shape":[3],"data_offsets":[16,28]}}"#, data: Array(repeating: 0, count: 28))], expected: ["arch.safetensors", "tensor '0.bias': expected shape [2] (the rows of '0.weight', shape [2, 2]), found [3]"]),
            Case(name: "safetensors header claiming gigabytes", arguments: ["inspect", "--model", bytes("giga.safetensors", [0, 0, 0, 0, 2, 0, 0, 0] + Array("{}".utf8))], expected: ["giga.safetensors", "header length is 8589934592 bytes"]),
            // Probabilities
            Case(name: "rows do not sum to 1", arguments: ["predict", "--source-probs", try npyProbs("sum.npy", rows: [[0.5, 0.7], [0.2, 0.8], [0.4, 0.6]]), "--source-labels", labels, "--target-probs", goodProbs], expected: ["sum.npy:1", "sum to 1"]),
            Case(name: "negative probability", arguments: ["predict", "--source-probs", goodProbs, "--source-labels", labels, "--target-probs", try npyProbs("neg.npy", rows: [[1.2, -0.2]])], expected: ["neg.npy:1:2", "≥ 0"]),
            Case(name: "K mismatch source/target", arguments: ["predict", "--source-probs", goodProbs, "--source-labels", labels, "--target-probs", try npyProbs("k3.npy", rows: [[0.2, 0.3, 0.5]])], expected: ["k3.npy", "expected 2 columns", "found 3"]),
            Case(name: "K mismatch model/data labels", arguments: ["predict", "--source-probs", goodProbs, "--source-labels", try { let p = temp.path + "/l5.npy"; try NPY.write(labels: [0, 5, 1], to: p); return p }(), "--target-probs", goodProbs], expected: ["l5.npy:2", "0..<2", "found 5"]),
            Case(name: "empty target set", arguments: predict(file("notarget.csv", "a,b\n")), expected: ["notarget.csv:2", "expected at least one data row"]),
            Case(name: "source with a single class", arguments: predict(good, source: file("oneclass.csv", "a,b,label\n1,2,1\n2,1,1\n")), expected: ["oneclass.csv", "expected at least 2 classes among the labels"]),
            // CLI
            Case(name: "output in a missing directory", arguments: ["shift", "--kind", "gaussian-noise", "--severity", "1", "--data", good, "--out", temp.path + "/missing/out.csv"], expected: ["missing/out.csv", "does not exist"]),
            Case(name: "output path is a directory", arguments: ["shift", "--kind", "gaussian-noise", "--severity", "1", "--data", good, "--out", temp.path], expected: [temp.path, "expected a regular file or a new file name, found a directory"]),
            Case(name: "output path is a FIFO", arguments: ["shift", "--kind", "contrast", "--severity", "1", "--data", good, "--out", fifo], expected: ["fifo", "found a FIFO (named pipe)"]),
            Case(name: "target is a FIFO (read twice)", arguments: predict(fifo), expected: ["fifo", "expected a regular file (the target is read twice", "found a FIFO (named pipe)"]),
            Case(name: "input is a device", arguments: ["inspect", "--model", "/dev/null"], expected: ["/dev/null", "expected a safetensors file, found a character device"]),
            Case(name: "shift to a .npy name", arguments: ["shift", "--kind", "contrast", "--severity", "1", "--data", good, "--out", temp.path + "/out.npy"], expected: ["'--out': shift writes CSV"], status: 64),
            Case(name: "CR-only line endings", arguments: predict(file("cr.csv", "a,b\r1,2\r")), expected: ["cr.csv:1:", "found a carriage return alone"]),
            Case(name: "target rows that overflow the model", arguments: ["predict", "--model", onesModel, "--source", good, "--target", file("huge.csv", "a,b\n1,1\n3e38,3e38\n"), "--estimators", "ac"], expected: ["huge.csv: error: target data row 2", "the outputs (logits) of the model (\(onesModel)) overflow", "largest |feature| is 3e+38"]),
            Case(name: "weights that overflow", arguments: ["predict", "--model", hugeModel, "--source", good, "--target", good, "--estimators", "ac"], expected: ["\(good): error: source (validation) data row 1", "(logits) of the model (\(hugeModel)) overflow", "the model's largest |weight| is 3e+38"]),
            Case(name: "recipe in the model file out of range", arguments: ["predict", "--model", badRecipe, "--source", good, "--target", good, "--train", good, "--estimators", "gde"], expected: ["recipe.safetensors", "metadata 'shiftcast.info.epochs': expected an integer in 1...1000000, found '-1'"]),
            Case(name: "surrogate with other inputs", arguments: ["shift", "--kind", "transfer-pgd-linf", "--severity", "1", "--data", good, "--model", modelPath, "--surrogate", wideModel, "--out", out], expected: ["good.csv", "expected 3 feature columns (the inputs of the surrogate"]),
            Case(name: "label in a labels file out of the model's range", arguments: ["predict", "--model", modelPath, "--source", featuresNPY, "--source-labels", labels7, "--target", good, "--estimators", "ac"], expected: ["labels7.npy", "label 7 at data row 2 is outside the model's classes 0..<3"]),
            Case(name: "training label typo", arguments: ["train", "--data", file("typo.csv", "a,b,label\n1,2,0\n1,2,10000000\n"), "--out", outModel], expected: ["typo.csv:3:3", "expected class indices below 100000", "found 10000000"]),
            Case(name: "hidden layer too wide", arguments: ["train", "--data", good, "--hidden", "100000000", "--out", outModel], expected: ["'--hidden' expects widths in 1...100000, found 100000000"], status: 64),
            Case(name: "model too large", arguments: ["train", "--data", good, "--hidden", "100000,100000", "--out", outModel], expected: ["good.csv", "2-100000-100000-3 MLP would have", "expected at most 268435456"]),
            Case(name: "validation columns differ", arguments: ["train", "--data", good, "--validation", file("swapped.csv", "b,a,label\n1,2,0\n"), "--out", outModel], expected: ["swapped.csv:1:", "expected feature column 1 to be 'a'", "found 'b'"]),
            Case(name: "validation label outside the training classes", arguments: ["train", "--data", good, "--validation", file("val7.csv", "a,b,label\n1,2,7\n"), "--out", outModel], expected: ["val7.csv", "label 7 at data row 1 is outside the classes 0..<3"]),
            Case(name: "malformed shard", arguments: ["bench", "--shard", "0/0", "--out", temp.path + "/bench"], expected: ["'--shard': expected I/N with 1 ≤ I ≤ N, found 0/0"], status: 64),
            Case(name: ".npy training data without labels", arguments: ["predict", "--model", modelPath, "--source", good, "--target", good, "--train", featuresNPY, "--estimators", "gde"], expected: ["features.npy", "an .npy file holds features only; give its labels with --train-labels y.npy"]),
            Case(name: ".npy validation data without labels", arguments: ["train", "--data", good, "--validation", featuresNPY, "--out", outModel], expected: ["features.npy", "give its labels with --validation-labels y.npy"]),
            Case(name: "--train-labels without --train", arguments: predict(good) + ["--train-labels", labels], expected: ["'--train-labels' gives the labels of '--train', which is missing"], status: 64),
            Case(name: "a model-form option with predictions", arguments: ["predict", "--source-probs", goodProbs, "--source-labels", labels, "--target-probs", goodProbs, "--train", good], expected: ["'--train' applies only to the model form ('--model')"], status: 64),
            Case(name: "--logits with a model", arguments: predict(good) + ["--logits"], expected: ["'--logits' applies only to '--source-probs'/'--target-probs' arrays"], status: 64),
            Case(name: "a model for a shift that uses none", arguments: ["shift", "--kind", "contrast", "--severity", "1", "--data", good, "--model", modelPath, "--out", out], expected: ["'--model' applies only to the adversarial kinds; shift 'contrast' does not use a model"], status: 64),
            Case(name: "a direct attack without a model", arguments: ["shift", "--kind", "fgsm-linf", "--severity", "1", "--data", good, "--out", out], expected: ["Shift 'fgsm-linf' attacks a model: give '--model <model.safetensors>'", "use a transfer attack crafted on a '--surrogate'"], status: 64),
            Case(name: "a transfer attack without a surrogate", arguments: ["shift", "--kind", "transfer-pgd-linf", "--severity", "1", "--data", good, "--out", out], expected: ["Shift 'transfer-pgd-linf' crafts examples on another model: give '--surrogate <model.safetensors>'"], status: 64),
            Case(name: "a surrogate for a direct attack", arguments: ["shift", "--kind", "fgsm-linf", "--severity", "1", "--data", good, "--model", modelPath, "--surrogate", modelPath, "--out", out], expected: ["'--surrogate' applies only to the transfer attacks"], status: 64),
            Case(name: "an activation the model file contradicts", arguments: predict(good) + ["--activation", "tanh"], expected: ["model.safetensors: error: the file records activation 'relu', found a request for 'tanh'"]),
            Case(name: "--init for a model that records θ0", arguments: predict(good) + ["--init", "fresh"], expected: ["model.safetensors: error: the file records θ0 (init seed 1), found '--init fresh'"]),
            Case(name: "training labels of one class", arguments: ["train", "--data", file("oneclass.csv", "a,b,label\n1,2,0\n3,4,0\n"), "--out", outModel], expected: ["oneclass.csv", "expected at least 2 classes among the training labels, found only class 0"]),
            Case(name: "a label above --classes", arguments: ["train", "--data", good, "--classes", "2", "--out", outModel], expected: ["good.csv", "label 2 at data row 3 is outside --classes 2"]),
            Case(name: "a reference with other columns", arguments: ["shift", "--kind", "contrast", "--severity", "1", "--data", good, "--reference", file("swappedref.csv", "b,a,label\n1,2,0\n"), "--out", out], expected: ["swappedref.csv:1:", "expected feature column 1 to be 'a' (as in"]),
            Case(name: "a label column and a labels file", arguments: ["predict", "--model", modelPath, "--source", good, "--source-labels", labels, "--target", good, "--estimators", "ac"], expected: ["good.csv", "expected labels from one place, found both a 'label' column here and the labels file"]),
            Case(name: "compare with an unlabeled .npy target", arguments: ["compare", "--model", modelPath, "--source", good, "--target", featuresNPY, "--estimators", "ac"], expected: ["features.npy", "give its labels with --target-labels y.npy"]),
            Case(name: "study merge of a directory that is not a study's", arguments: ["study", "merge", temp.path, "--out", temp.path + "/merged"], expected: ["\(temp.path): error: expected a study output directory with a units/ folder, found none"]),
            Case(name: "study into a regular file", arguments: ["study", "--quick", "--out", good], expected: ["good.csv: error: cannot create the directory: expected a directory (or a new name), found a regular file"]),
            Case(name: "bench into a regular file", arguments: ["bench", "--quick", "--out", good], expected: ["good.csv: error: cannot create the directory: expected a directory (or a new name), found a regular file"]),
            Case(name: "a model file named .csv", arguments: ["train", "--data", good, "--out", out], expected: ["'--out': train writes a safetensors model file, found the file name", "name it .safetensors"], status: 64),
            Case(name: "a plot named .png", arguments: ["compare", "--model", modelPath, "--source", good, "--target", good, "--estimators", "ac", "--plot", temp.path + "/p.png"], expected: ["'--plot': the plot is an SVG drawing", "name it .svg"], status: 64),
            Case(name: "'all' in a list", arguments: ["predict", "--model", modelPath, "--source", good, "--target", good, "--estimators", "all,ac"], expected: ["'--estimators': 'all' stands alone"], status: 64),
            Case(name: "an estimator family's name", arguments: ["predict", "--model", modelPath, "--source", good, "--target", good, "--estimators", "atc"], expected: ["Did you mean 'atc-mc' or 'atc-ne'?"], status: 64),
            Case(name: "shift --list with a shift's options", arguments: ["shift", "--list", "--kind", "contrast"], expected: ["'--list' lists the shift kinds and takes no other options, found '--kind'"], status: 64),
            Case(name: "--version with an argument", arguments: ["--version", "extra"], expected: ["'--version' takes no arguments, found 'extra'"], status: 64),
            Case(name: "Linear layers not at 0, 2, 4", arguments: ["inspect", "--model", safetensors("noact.safetensors", header: #"{"0.weight":{"dtype":"F32","shape":[2,2],"data_offsets":[0,16]},"0.bias":{"dtype":"F32","shape":[2],"data_offsets":[16,24]},"1.weight":{"dtype":"F32","shape":[3,2],"data_offsets":[24,48]},"1.bias":{"dtype":"F32","shape":[3],"data_offsets":[48,60]}}"#, data: Array(repeating: 0, count: 60))], expected: ["noact.safetensors", "tensor '1.weight': expected the Linear layers of nn.Sequential(Linear, activation, Linear, …) at indices 0, 2, 4, …, found index 1 where 2 was expected"]),
            Case(name: "integer weights", arguments: ["inspect", "--model", safetensors("int.safetensors", header: #"{"0.weight":{"dtype":"I64","shape":[2,2],"data_offsets":[0,32]},"0.bias":{"dtype":"F32","shape":[2],"data_offsets":[32,40]}}"#, data: Array(repeating: 0, count: 40))], expected: ["int.safetensors", "tensor '0.weight': expected floating-point values (F32, F64, F16 or BF16), found an integer tensor"]),
            Case(name: "--logits given probabilities", arguments: ["predict", "--source-probs", goodProbs, "--source-labels", labels, "--target-probs", goodProbs, "--logits"], expected: ["good_probs.npy", "with --logits, expected logits, found probabilities", "drop --logits"]),
            Case(name: "source features without target features", arguments: ["predict", "--source-probs", goodProbs, "--source-labels", labels, "--target-probs", goodProbs, "--source-features", goodProbs], expected: ["'--source-features' needs '--target-features'"], status: 64),
            Case(name: "features with another row count", arguments: ["predict", "--source-probs", goodProbs, "--source-labels", labels, "--target-probs", goodProbs, "--source-features", goodProbs, "--target-features", try npyProbs("h2.npy", rows: [[1, 2], [3, 4]])], expected: ["h2.npy", "expected 3 rows of features (one per row of", "found 2"]),
            Case(name: "features with another width", arguments: ["predict", "--source-probs", goodProbs, "--source-labels", labels, "--target-probs", goodProbs, "--source-features", goodProbs, "--target-features", try npyProbs("h3.npy", rows: [[1, 2, 3], [3, 4, 5], [0, 0, 0]])], expected: ["h3.npy", "expected 2 feature columns as in", "found 3"]),
            Case(name: "non-finite features", arguments: ["predict", "--source-probs", goodProbs, "--source-labels", labels, "--target-probs", goodProbs, "--source-features", try npyProbs("hnan.npy", rows: [[1, 2], [.nan, 4], [0, 0]]), "--target-features", goodProbs], expected: ["hnan.npy", "row 1, column 0 (0-based): expected a finite number, found NaN"]),
            Case(name: "probabilities and logits together", arguments: ["predict", "--source-probs", goodProbs, "--source-labels", labels, "--target-logits", goodProbs], expected: ["as probabilities ('--source-probs'/'--target-probs') or as logits"], status: 64),
            Case(name: "--source-logits given probabilities", arguments: ["predict", "--source-logits", goodProbs, "--source-labels", labels, "--target-logits", goodProbs], expected: ["good_probs.npy", "with --source-logits/--target-logits, expected logits, found probabilities"]),
            Case(name: "features with a model", arguments: predict(good) + ["--source-features", goodProbs, "--target-features", goodProbs], expected: ["'--source-features' applies only to the predictions form"], status: 64),
            Case(name: "unknown subcommand", arguments: ["frobnicate"], expected: ["Unknown subcommand 'frobnicate'"], status: 64),
            Case(name: "missing required option", arguments: ["shift", "--kind", "gaussian-noise", "--severity", "1", "--data", good], expected: ["Missing expected argument '--out'"], status: 64),
        ]
        for c in cases {
            let r = try BinaryRunner.run(c.arguments)
            XCTAssertEqual(r.status, c.status, "\(c.name): \(r.stderr)")
            XCTAssertTrue(r.stderr.hasPrefix("Error: ") || r.stderr.contains(": error: "), "\(c.name): \(r.stderr)")
            let firstLine = r.stderr.split(separator: "\n").first.map(String.init) ?? ""
            for s in c.expected { XCTAssertTrue(firstLine.contains(s), "\(c.name): expected '\(s)' in: \(firstLine)") }
            if c.status == 1 { XCTAssertEqual(r.stderr.split(separator: "\n").count, 1, "\(c.name): one line, got \(r.stderr)") }
            XCTAssertEqual(r.stdout, "", c.name)
            XCTAssertFalse(FileManager.default.fileExists(atPath: out), c.name)
            XCTAssertFalse(FileManager.default.fileExists(atPath: outModel), c.name)
        }
        // Leftover temporary files from atomic writes: none.
        XCTAssertTrue(try FileManager.default.contentsOfDirectory(atPath: temp.path).allSatisfy { !$0.contains(".tmp-") })
    }

    func testWindowsLineEndingsAndCloseProbabilitiesWork() throws {
        try requireBinary()
        let modelPath = temp.path + "/model.safetensors"
        try ModelFile(model: MLP(MLPArchitecture(inputs: 2, hidden: [4], classes: 2), initSeed: 1), initialization: .seed(1)).write(to: modelPath)
        let crlf = temp.file("crlf.csv", "a,b,label\r\n0.1,0.2,0\r\n0.3,0.1,1\r\n0.5,0.9,0\r\n")
        let r = try BinaryRunner.run(["predict", "--model", modelPath, "--source", crlf, "--target", crlf, "--estimators", "ac,doc", "--format", "json"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let close = temp.path + "/close.npy", labels = temp.path + "/y.npy"
        try NPY.write(Tensor(rows: [[0.5, 0.5005], [0.2, 0.8]]), to: close)
        try NPY.write(labels: [0, 1], to: labels)
        let p = try BinaryRunner.run(["predict", "--source-probs", close, "--source-labels", labels, "--target-probs", close, "--estimators", "ac"])
        XCTAssertEqual(p.status, 0, p.stderr)
        XCTAssertTrue(p.stderr.contains("warning: ") && p.stderr.contains("renormalised"), p.stderr)
    }
}
