import XCTest
import Foundation
import ShiftcastTestSupport
@testable import ShiftcastData

/// `DatasetStream` / `NPYMatrixReader`: reading a file a batch at a time gives exactly what
/// reading it whole gives, and the same errors with positions counted from the file's start.
final class DatasetStreamTests: XCTestCase {
    let temp = TemporaryDirectory()

    func error(_ body: () throws -> Any) -> InputError? {
        do { _ = try body(); XCTFail("expected an InputError"); return nil } catch let e as InputError { return e } catch {
            XCTFail("expected an InputError, got \(error)"); return nil
        }
    }

    func batches(_ stream: DatasetStream, _ size: Int) throws -> [Dataset] {
        var out: [Dataset] = []
        while let batch = try stream.nextBatch(maxRows: size) { out.append(batch) }
        return out
    }

    func sample(rows: Int, columns: Int, seed: UInt64) -> Dataset {
        var g = SeededGenerator(seed: seed)
        let x = Tensor.randomNormal(shape: [rows, columns], using: &g)
        return Dataset(features: x, labels: (0 ..< rows).map { _ in g.index(below: 4) }, classCount: 4)
    }

    func testTheFormatComesFromTheExtensionOrForANameWithoutOneFromTheContent() throws {
        let data = sample(rows: 5, columns: 3, seed: 4)
        let npyFeatures = temp.path + "/features", npyLabels = temp.path + "/labels"
        try NPY.write(data.features, to: npyFeatures)
        try NPY.write(labels: data.labels!, to: npyLabels)
        let fromNPY = try DatasetFiles.read(path: npyFeatures, labelsPath: npyLabels)
        XCTAssertEqual(fromNPY.features, data.features)
        XCTAssertEqual(fromNPY.labels, data.labels)
        XCTAssertEqual(fromNPY.featureNames, ["x0", "x1", "x2"])

        let csvNoExtension = temp.path + "/table"
        try "a,b,label\n1,2,0\n3,4,1\n".write(toFile: csvNoExtension, atomically: true, encoding: .utf8)
        XCTAssertEqual(try DatasetFiles.format(of: csvNoExtension), .csv)
        let fromCSV = try DatasetFiles.read(path: csvNoExtension)
        XCTAssertEqual(fromCSV.featureNames, ["a", "b"])
        XCTAssertEqual(fromCSV.labels, [0, 1])
        XCTAssertEqual(try DatasetFiles.format(of: temp.path + "/UPPER.NPY"), .npy, "by the name alone")

        let text = temp.path + "/table.txt"
        try "a,b\n1,2\n".write(toFile: text, atomically: true, encoding: .utf8)
        let unknown = error { try DatasetStream(path: text) }
        XCTAssertEqual(unknown?.file, text)
        XCTAssertEqual(unknown?.message, "expected a .csv or .npy file (or a name without an extension, read as CSV), found extension 'txt'")

        let misnamed = temp.path + "/really-npy.csv"
        try NPY.write(data.features, to: misnamed)
        let wrong = error { try DatasetStream(path: misnamed) }
        XCTAssertEqual(wrong?.line, 1)
        XCTAssertEqual(wrong?.message, "expected CSV text, found the magic bytes of a NumPy .npy file; name the file .npy")
        XCTAssertEqual(error { try DatasetFiles.format(of: self.temp.path + "/missing") }?.message, "no such file")

        let hidden = temp.path + "/.table"
        try "a,b,label\n1,2,0\n".write(toFile: hidden, atomically: true, encoding: .utf8)
        XCTAssertEqual(try DatasetFiles.read(path: hidden).featureNames, ["a", "b"], "a leading dot is not an extension")
    }

    /// `.npy` readers use the file's size and offsets: a FIFO is refused by name before it is
    /// opened, and `.npy` bytes piped into a CSV path say what to do instead.
    func testNPYDataMustBeARegularFile() throws {
        let fifoNPY = temp.path + "/piped.npy"
        XCTAssertEqual(mkfifo(fifoNPY, 0o600), 0)
        for open in [{ _ = try DatasetStream(path: fifoNPY) }, { _ = try NPY.readLabels(path: fifoNPY) }] {
            let refused = error { try open() }
            XCTAssertEqual(refused?.file, fifoNPY)
            XCTAssertTrue(refused?.message.hasPrefix("expected a regular file (.npy data is read by its size and offsets") ?? false, "\(String(describing: refused))")
            XCTAssertTrue(refused?.message.hasSuffix("found a FIFO (named pipe)") ?? false)
        }
        let pipe = temp.path + "/pipe"
        XCTAssertEqual(mkfifo(pipe, 0o600), 0)
        let npyPath = temp.path + "/m.npy"
        try NPY.write(sample(rows: 3, columns: 2, seed: 9).features, to: npyPath)
        let bytes = try Data(contentsOf: URL(fileURLWithPath: npyPath))
        let writer = Thread { FileHandle(forWritingAtPath: pipe)?.write(bytes) }
        writer.start()
        let piped = error { try DatasetStream(path: pipe) }
        XCTAssertEqual(piped?.message, "expected CSV text, found the magic bytes of a NumPy .npy file; save it to a regular file first (.npy data cannot be read from a pipe)")
    }

    func testNPYBatchesConcatenateToTheWholeMatrix() throws {
        let data = sample(rows: 103, columns: 6, seed: 1)
        let path = temp.path + "/x.npy"
        try NPY.write(data.features, to: path)
        for size in [1, 7, 103, 500] {
            let stream = try DatasetStream(path: path)
            XCTAssertEqual(stream.declaredRowCount, 103)
            let parts = try batches(stream, size)
            XCTAssertEqual(parts.count, (103 + size - 1) / size, "batch size \(size)")
            XCTAssertTrue(parts.allSatisfy { $0.rowCount <= size })
            XCTAssertEqual(Tensor.concatenatingRows(parts.map(\.features)), data.features, "batch size \(size)")
            XCTAssertEqual(stream.rowsRead, 103)
            XCTAssertNil(try stream.nextBatch(maxRows: size), "stays exhausted")
        }
        XCTAssertEqual(try DatasetFiles.read(path: path).features, try NPY.readMatrix(path: path))
    }

    func testCSVBatchesWithLabelsFromTheColumnOrAFile() throws {
        let data = sample(rows: 50, columns: 3, seed: 2)
        let csv = temp.path + "/d.csv"
        try CSV.write(data, to: csv)
        let parts = try batches(DatasetStream(path: csv, options: CSVReadOptions(requireLabels: true)), 16)
        XCTAssertEqual(parts.map(\.rowCount), [16, 16, 16, 2])
        XCTAssertEqual(parts.flatMap { $0.labels! }, data.labels)
        XCTAssertEqual(Tensor.concatenatingRows(parts.map(\.features)), try CSV.read(path: csv).features)

        let npy = temp.path + "/d.npy", labels = temp.path + "/y.npy"
        try NPY.write(data.features, to: npy)
        try NPY.write(labels: data.labels!, to: labels)
        let fromFile = try batches(DatasetStream(path: npy, labelsPath: labels, options: CSVReadOptions(requireLabels: true)), 16)
        XCTAssertEqual(fromFile.flatMap { $0.labels! }, data.labels)
    }

    func testLabelCountMismatchNamesTheTrueRowCount() throws {
        let data = sample(rows: 40, columns: 2, seed: 3)
        let csv = temp.path + "/unlabeled.csv"
        try CSV.write(data.unlabeled, to: csv)
        let few = temp.path + "/few.npy", many = temp.path + "/many.npy"
        try NPY.write(labels: Array(data.labels!.prefix(25)), to: few)
        try NPY.write(labels: data.labels! + [0, 1], to: many)
        // Too few labels is found mid-stream, too many at the end; both name all 40 rows.
        for (labels, found) in [(few, 25), (many, 42)] {
            let e = error { try self.batches(DatasetStream(path: csv, labelsPath: labels), 8) }
            XCTAssertEqual(e?.message, "expected 40 labels (one per row of \(csv)), found \(found)")
            XCTAssertEqual(e?.file, labels)
        }
        let npy = temp.path + "/x.npy"
        try NPY.write(data.features, to: npy)
        XCTAssertEqual(error { try DatasetStream(path: npy, labelsPath: few) }?.message,
                       "expected 40 labels (one per row of \(npy)), found 25", "an .npy file's length is known when it opens")
    }

    func testAfterTheTooFewLabelsErrorTheStreamIsFinished() throws {
        let data = sample(rows: 40, columns: 2, seed: 3)
        let csv = temp.path + "/unlabeled.csv", few = temp.path + "/few.npy"
        try CSV.write(data.unlabeled, to: csv)
        try NPY.write(labels: Array(data.labels!.prefix(25)), to: few)
        let stream = try DatasetStream(path: csv, labelsPath: few)
        XCTAssertEqual(try stream.nextBatch(maxRows: 16)?.rowCount, 16)
        XCTAssertEqual(error { try stream.nextBatch(maxRows: 16) as Any }?.message,
                       "expected 40 labels (one per row of \(csv)), found 25")
        XCTAssertNil(try stream.nextBatch(maxRows: 16), "no second, misleading error after the first")
    }

    /// `DatasetFiles.read` checks the whole feature file before the labels file (the stream,
    /// which reads the labels file when it opens, reports the labels file first).
    func testWholeFileReadReportsFeatureErrorsBeforeLabelErrors() throws {
        var features = sample(rows: 30, columns: 4, seed: 4).features
        features[22, 3] = .nan
        let npy = temp.path + "/nan.npy", labels = temp.path + "/bad-labels.npy"
        try NPY.write(features, to: npy)
        try NPY.write(labels: [Int](repeating: 7, count: 30), to: labels)
        let options = CSVReadOptions(classCount: 3)
        let whole = error { try DatasetFiles.read(path: npy, labelsPath: labels, options: options) as Any }
        XCTAssertEqual(whole?.file, npy)
        XCTAssertEqual(whole?.message, "row 22, column 3 (0-based): expected a finite number, found NaN")
        let streamed = error { try DatasetStream(path: npy, labelsPath: labels, options: options) as Any }
        XCTAssertEqual(streamed?.file, labels)
        XCTAssertEqual(streamed?.message, "label 1: expected class indices below 3, found 7")
    }

    /// Without a class count, a label of `Dataset.maximumClassCount` or more is refused in a
    /// labels file and in a CSV label column (a typo would otherwise build a model with that
    /// many outputs).
    func testLabelsAboveTheClassLimitAreRefused() throws {
        let features = temp.path + "/f.npy", labels = temp.path + "/big-labels.npy"
        try NPY.write(sample(rows: 3, columns: 2, seed: 5).features, to: features)
        try NPY.write(labels: [0, 99_999, 100_000], to: labels)
        let e = error { try DatasetFiles.read(path: features, labelsPath: labels) as Any }
        XCTAssertEqual(e?.file, labels)
        XCTAssertEqual(e?.message, "label 3: expected class indices below 100000 (shiftcast's limit on classes; labels are 0-based class indices), found 100000")
        let csv = temp.path + "/big.csv"
        try Data("a,label\n1,0\n2,10000000\n".utf8).write(to: URL(fileURLWithPath: csv))
        let c = error { try CSV.read(path: csv) as Any }
        XCTAssertEqual(c?.line, 3)
        XCTAssertEqual(c?.column, 2)
        XCTAssertEqual(c?.message, "label column 'label': expected class indices below 100000 (shiftcast's limit on classes; labels are 0-based class indices), found 10000000")
        XCTAssertEqual(try DatasetFiles.read(path: features, labelsPath: labels, options: CSVReadOptions(classCount: 100_001)).classCount, 100_001)
    }

    /// An empty `.npy` file's header can claim 2⁴⁰ columns without the file holding a byte of them.
    func testAnEmptyFileClaimingHugelyManyColumnsIsRejected() throws {
        let path = temp.path + "/wide-empty.npy"
        let dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (0, 1099511627776), }"
        var header = Array(dict.utf8)
        while (10 + header.count + 1) % 64 != 0 { header.append(0x20) }
        header.append(0x0A)
        let bytes: [UInt8] = [0x93] + Array("NUMPY".utf8) + [1, 0, UInt8(header.count & 0xFF), UInt8(header.count >> 8)] + header
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let e = error { try DatasetStream(path: path, options: CSVReadOptions(allowEmpty: true)) as Any }
        XCTAssertEqual(e?.message, "expected at most 16777216 feature columns, found shape (0, 1099511627776)")
    }

    func testNonFiniteValueInALaterBatchNamesItsRowInTheFile() throws {
        var data = sample(rows: 30, columns: 4, seed: 4).features
        data[22, 3] = .infinity
        let path = temp.path + "/inf.npy"
        try NPY.write(data, to: path)
        let stream = try DatasetStream(path: path)
        XCTAssertEqual(try stream.nextBatch(maxRows: 10)?.rowCount, 10)
        XCTAssertEqual(try stream.nextBatch(maxRows: 10)?.rowCount, 10)
        XCTAssertEqual(error { try stream.nextBatch(maxRows: 10) as Any }?.message,
                       "row 22, column 3 (0-based): expected a finite number, found an infinite value (or one too large for float32)")
    }

    /// The block reader opens only the header, yet reports every damaged file exactly as the
    /// whole-file reader does.
    func testDamagedFilesGiveTheSameMessagesAsTheWholeFileReader() throws {
        let good = Array(try Data(contentsOf: URL(fileURLWithPath: fixturesDirectory + "/npy/f4_2d.npy")))
        var longHeader = good
        longHeader[8] = 0xFF; longHeader[9] = 0xFF
        var version = good
        version[6] = 9
        var v2Huge = Array(good.prefix(8)) + [0, 0, 0, 0x7F]  // v2, header length 2³¹ − 2²⁴
        v2Huge[6] = 2
        let cases: [(String, [UInt8])] = [
            ("empty", []), ("magic", [0x50, 0x4B, 0x03, 0x04] + good.dropFirst(4)), ("preamble", Array(good.prefix(9))),
            ("header", longHeader), ("short", Array(good.dropLast(5))), ("version", version), ("v2huge", v2Huge),
        ]
        for (name, bytes) in cases {
            let path = temp.file(name + ".npy", bytes: bytes)
            let whole = error { try NPY.readMatrix(path: path) }
            let streamed = error { try NPYMatrixReader(path: path) }
            XCTAssertNotNil(whole?.message, name)
            XCTAssertEqual(streamed?.message, whole?.message, name)
            XCTAssertEqual(streamed?.file, path, name)
        }
        for name in ["fortran.npy", "three_d.npy", "labels_i8.npy"] {
            let path = fixturesDirectory + "/npy/" + name
            XCTAssertEqual(error { try NPYMatrixReader(path: path) }?.message, error { try NPY.readMatrix(path: path) }?.message, name)
        }
        XCTAssertEqual(error { try NPYMatrixReader(path: self.temp.path + "/missing.npy") }?.message, "no such file")
        XCTAssertEqual(error { try NPYMatrixReader(path: self.temp.path) }?.message, "expected a file, found a directory")
        XCTAssertEqual(error { try NPY.readMatrix(path: self.temp.path) }?.message, "expected a file, found a directory")
        XCTAssertEqual(error { try NPY.readLabels(path: self.temp.path) }?.message, "expected a file, found a directory")
    }

    /// `splitOffRows` gives what two `selectingRows` give, permuting in place; `readAll` of a
    /// CSV read in many batches equals the batches concatenated.
    func testSplitOffRowsAndReadAllMatchTheCopyingForms() throws {
        var g = SeededGenerator(seed: 12)
        let data = sample(rows: 103, columns: 5, seed: 3)
        for held in [0, 1, 10, 103] {
            let order = g.permutation(103)
            var rest = data
            let part = rest.splitOffRows(order, count: held)
            XCTAssertEqual(part.features, data.selectingRows(order.prefix(held)).features)
            XCTAssertEqual(part.labels, data.selectingRows(order.prefix(held)).labels)
            XCTAssertEqual(rest.features, data.selectingRows(order.dropFirst(held)).features)
            XCTAssertEqual(rest.labels, data.selectingRows(order.dropFirst(held)).labels)
        }
        let path = temp.path + "/many.csv"
        let wide = sample(rows: 3000, columns: 2000, seed: 4)   // 2,097 rows a batch: two batches
        try CSV.write(wide, to: path)
        let parts = try batches(try DatasetStream(path: path), 2097)
        XCTAssertEqual(parts.count, 2)
        let whole = try DatasetStream(path: path).readAll()
        XCTAssertEqual(whole.features, Dataset.concatenating(parts).features)
        XCTAssertEqual(whole.labels, Dataset.concatenating(parts).labels)
        XCTAssertEqual(whole.classCount, Dataset.concatenating(parts).classCount)
    }
}
