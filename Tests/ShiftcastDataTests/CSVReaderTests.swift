import XCTest
import ShiftcastTestSupport
@testable import ShiftcastData

final class CSVReaderTests: XCTestCase {
    let temp = TemporaryDirectory()

    /// Reads `text` and returns the thrown InputError (fails the test if nothing is thrown).
    func readError(_ text: String, options: CSVReadOptions = CSVReadOptions(), file: StaticString = #filePath, line: UInt = #line) -> InputError? {
        readError(bytes: Array(text.utf8), options: options, file: file, line: line)
    }

    func readError(bytes: [UInt8], options: CSVReadOptions = CSVReadOptions(), file: StaticString = #filePath, line: UInt = #line) -> InputError? {
        let path = temp.file("bad.csv", bytes: bytes)
        do {
            let data = try CSV.read(path: path, options: options)
            XCTFail("expected an InputError, read \(data.summary)", file: file, line: line)
            return nil
        } catch let error as InputError {
            XCTAssertEqual(error.file, path, file: file, line: line)
            return error
        } catch {
            XCTFail("expected an InputError, got \(error)", file: file, line: line)
            return nil
        }
    }

    func testReadsFeaturesAndLabels() throws {
        let path = temp.file("a.csv", "a,b,label\n1,2.5,0\n-3e2,0.125,2\n")
        let data = try CSV.read(path: path)
        XCTAssertEqual(data.featureNames, ["a", "b"])
        XCTAssertEqual(data.features, Tensor(rows: [[1, 2.5], [-300, 0.125]]))
        XCTAssertEqual(data.labels, [0, 2])
        XCTAssertEqual(data.classCount, 3)
        XCTAssertEqual(data.labelCounts, [1, 0, 1])
    }

    func testLabelColumnAnywhereAndCustomName() throws {
        let path = temp.file("a.csv", "y,a,b\n1,1,2\n0,3,4\n")
        let data = try CSV.read(path: path, labelColumn: "y")
        XCTAssertEqual(data.featureNames, ["a", "b"])
        XCTAssertEqual(data.labels, [1, 0])
        XCTAssertEqual(data.features, Tensor(rows: [[1, 2], [3, 4]]))
    }

    func testNoLabelColumnGivesUnlabeledData() throws {
        let path = temp.file("a.csv", "a,b\n1,2\n")
        let data = try CSV.read(path: path)
        XCTAssertNil(data.labels)
        XCTAssertEqual(data.classCount, 0)
        let all = try CSV.read(path: temp.file("b.csv", "a,label\n1,2\n"), labelColumn: nil)
        XCTAssertEqual(all.featureNames, ["a", "label"])
        XCTAssertEqual(all.features, Tensor(rows: [[1, 2]]))
    }

    func testCRLFQuotedHeaderBOMAndTrailingBlankLines() throws {
        let bytes: [UInt8] = [0xEF, 0xBB, 0xBF] + Array("\"pixel, 1\",\"say \"\"hi\"\"\",label\r\n0.5,\"1\",3\r\n\r\n1,2,0\r\n\r\n".utf8)
        let data = try CSV.read(path: temp.file("crlf.csv", bytes: bytes))
        XCTAssertEqual(data.featureNames, ["pixel, 1", "say \"hi\""])
        XCTAssertEqual(data.features, Tensor(rows: [[0.5, 1], [1, 2]]))
        XCTAssertEqual(data.labels, [3, 0])
    }

    func testLastLineWithoutNewline() throws {
        let data = try CSV.read(path: temp.file("a.csv", "a,label\n1,0\n2,1"))
        XCTAssertEqual(data.labels, [0, 1])
    }

    func testIntegralDecimalLabelsAccepted() throws {
        let data = try CSV.read(path: temp.file("a.csv", "a,label\n1,2.0\n2,1.000e+00\n"))
        XCTAssertEqual(data.labels, [2, 1])
    }

    func testParsedValuesEqualStrtof() throws {
        let cells = ["0.1", "3.4028235e38", "1e-45", "123456789", "0.30000000000000004", "-0.0", "16777217", "1.17549435e-38", "7.038531e-26", ".5", "5.", "+2"]
        let path = temp.file("n.csv", "v\n" + cells.joined(separator: "\n") + "\n")
        let data = try CSV.read(path: path)
        for (i, cell) in cells.enumerated() {
            XCTAssertEqual(data.features.scalars[i].bitPattern, strtof(cell, nil).bitPattern, "cell \(cell)")
        }
    }

    func testTenThousandColumns() throws {
        let d = 10_000
        let header = (0 ..< d).map { "c\($0)" }.joined(separator: ",") + ",label\n"
        let row1 = (0 ..< d).map { String(Float($0) / 8) }.joined(separator: ",") + ",1\n"
        let row2 = (0 ..< d).map { String(-$0) }.joined(separator: ",") + ",0\n"
        let data = try CSV.read(path: temp.file("wide.csv", header + row1 + row2))
        XCTAssertEqual(data.features.shape, [2, d])
        XCTAssertEqual(data.features[0, 9_999], 9_999.0 / 8)
        XCTAssertEqual(data.features[1, 4_321], -4_321)
        XCTAssertEqual(data.labels, [1, 0])
    }

    func testStreamingBatches() throws {
        var text = "a,b,label\n"
        for i in 0 ..< 10 { text += "\(i),\(i * 2),\(i % 3)\n" }
        let reader = try CSVReader(path: temp.file("s.csv", text), options: CSVReadOptions(classCount: 3))
        var sizes: [Int] = []
        var firstColumn: [Float] = []
        while let batch = try reader.nextBatch(maxRows: 4) {
            sizes.append(batch.rowCount)
            XCTAssertEqual(batch.classCount, 3)
            firstColumn += (0 ..< batch.rowCount).map { batch.features[$0, 0] }
        }
        XCTAssertEqual(sizes, [4, 4, 2])
        XCTAssertEqual(firstColumn, (0 ..< 10).map(Float.init))
        XCTAssertNil(try reader.nextBatch(maxRows: 4))
        XCTAssertEqual(reader.rowsRead, 10)
    }

    func testLongLinesAcrossReadBlocks() throws {
        // Rows that straddle the 4 MiB read block boundary.
        let d = 3_000
        let header = (0 ..< d).map { "c\($0)" }.joined(separator: ",") + "\n"
        let row = (0 ..< d).map { _ in "0.123456" }.joined(separator: ",") + "\n"
        let rows = (LineSource.blockSize / row.utf8.count) + 5
        let data = try CSV.read(path: temp.file("long.csv", header + String(repeating: row, count: rows)))
        XCTAssertEqual(data.features.shape, [rows, d])
        XCTAssertTrue(data.features.scalars.allSatisfy { $0 == Float(0.123456) })
    }

    // MARK: - Errors

    func testRaggedRow() {
        let error = readError("a,b,label\n1,2,0\n3,4\n")
        XCTAssertEqual(error?.line, 3)
        XCTAssertEqual(error?.column, 3)
        XCTAssertTrue(error?.message.contains("expected 3 fields as in the header, found 2") ?? false, "\(String(describing: error))")
        let tooMany = readError("a,b\n1,2,3\n")
        XCTAssertEqual(tooMany?.line, 2)
        XCTAssertTrue(tooMany?.message.contains("expected 2 fields as in the header, found 3") ?? false)
    }

    func testNonNumericCell() {
        let error = readError("a,b,label\n1,2,0\n3,abc,1\n")
        XCTAssertEqual(error?.line, 3)
        XCTAssertEqual(error?.column, 2)
        XCTAssertEqual(error?.message, "column 'b': expected a number, found \"abc\"")
        XCTAssertTrue(error!.description.hasSuffix("bad.csv:3:2: error: column 'b': expected a number, found \"abc\""))
        let empty = readError("a,b\n1,\n")
        XCTAssertEqual(empty?.message, "column 'b': expected a number, found an empty field")
        XCTAssertEqual(readError("a\n1.2.3\n")?.message, "column 'a': expected a number, found \"1.2.3\"")
    }

    func testEmptyFileAndHeaderOnly() throws {
        XCTAssertEqual(readError("")?.message, "expected a header row of column names, found an empty file")
        XCTAssertEqual(readError("\n\n")?.message, "expected a header row of column names, found an empty file")
        let headerOnly = readError("a,b,label\n")
        XCTAssertEqual(headerOnly?.message, "expected at least one data row after the header, found none")
        XCTAssertEqual(headerOnly?.line, 2)
        // Asked for explicitly, a header-only file is an empty dataset.
        let empty = try CSV.read(path: temp.file("h.csv", "a,b,label\n"), allowEmpty: true)
        XCTAssertEqual(empty.features.shape, [0, 2])
        XCTAssertEqual(empty.labels, [])
    }

    func testDuplicateColumnNames() {
        let error = readError("a,b,a\n1,2,3\n")
        XCTAssertEqual(error?.line, 1)
        XCTAssertEqual(error?.column, 3)
        XCTAssertEqual(error?.message, "duplicate column name 'a' (also column 1); expected unique names")
        XCTAssertEqual(readError("label,x,label\n1,2,3\n")?.column, 3)
    }

    func testMissingRequiredLabelColumn() {
        let error = readError("a,b\n1,2\n", options: CSVReadOptions(requireLabels: true))
        XCTAssertEqual(error?.line, 1)
        XCTAssertEqual(error?.message, "expected a label column named 'label', found columns 'a', 'b'")
        let custom = readError("a,label\n1,2\n", options: CSVReadOptions(labelColumn: "target", requireLabels: true))
        XCTAssertEqual(custom?.message, "expected a label column named 'target', found columns 'a', 'label'")
    }

    func testNaNAndInfinityRejected() {
        let nan = readError("a,b\n1,2\n3,NaN\n")
        XCTAssertEqual(nan?.line, 3)
        XCTAssertEqual(nan?.column, 2)
        XCTAssertEqual(nan?.message, "column 'b': expected a finite number, found NaN \"NaN\"")
        let inf = readError("a,b\n-inf,2\n")
        XCTAssertEqual(inf?.line, 2)
        XCTAssertEqual(inf?.column, 1)
        XCTAssertTrue(inf?.message.contains("expected a finite number, found an infinite value") ?? false)
        XCTAssertTrue(readError("a\n1e39\n")?.message.contains("infinite") ?? false, "overflows Float32")
    }

    func testBadLabels() {
        for bad in ["-1", "2.5", "cat", ""] {
            let error = readError("a,label\n1,0\n2,\(bad)\n")
            XCTAssertEqual(error?.line, 3, bad)
            XCTAssertEqual(error?.column, 2, bad)
            XCTAssertTrue(error?.message.hasPrefix("label column 'label': expected a non-negative integer class index, found") ?? false, bad)
        }
        let tooLarge = readError("a,label\n1,5\n", options: CSVReadOptions(classCount: 3))
        XCTAssertEqual(tooLarge?.message, "label column 'label': expected class indices below 3, found 5")
        XCTAssertEqual(tooLarge?.line, 2)
        XCTAssertEqual(tooLarge?.column, 2)
    }

    func testNonUTF8Bytes() {
        let inHeader = readError(bytes: Array("a,".utf8) + [0xFF, 0xFE] + Array("\n1,2\n".utf8))
        XCTAssertEqual(inHeader?.line, 1)
        XCTAssertEqual(inHeader?.column, 2)
        XCTAssertEqual(inHeader?.message, "expected UTF-8 text in the header, found bytes 0xFF 0xFE")
        let inCell = readError(bytes: Array("a,b\n1,".utf8) + [0xC3, 0x28] + Array("\n".utf8))
        XCTAssertEqual(inCell?.line, 2)
        XCTAssertEqual(inCell?.column, 2)
        XCTAssertEqual(inCell?.message, "column 'b': expected a number, found bytes that are not UTF-8 (0xC3 0x28)")
    }

    func testMissingFile() {
        XCTAssertThrowsError(try CSV.read(path: temp.path + "/nope.csv")) { error in
            XCTAssertEqual((error as? InputError)?.message, "no such file", "\(error)")
        }
        // A character device is read as a stream (here: empty); a directory is refused.
        XCTAssertThrowsError(try CSV.read(path: "/dev/null")) { error in
            XCTAssertEqual((error as? InputError)?.message, "expected a header row of column names, found an empty file", "\(error)")
        }
        XCTAssertThrowsError(try CSV.read(path: temp.path)) { error in
            XCTAssertEqual((error as? InputError)?.message, "expected a file, found a directory", "\(error)")
        }
    }

    /// CR-only (classic Mac OS) line endings are named, instead of one huge header row.
    func testCarriageReturnOnlyLineEndings() throws {
        let path = temp.path + "/cr.csv"
        try Data("a,b,label\r1,2,0\r3,4,1\r".utf8).write(to: URL(fileURLWithPath: path))
        XCTAssertThrowsError(try CSV.read(path: path)) { error in
            let e = error as? InputError
            XCTAssertEqual(e?.line, 1)
            XCTAssertTrue(e?.message.hasPrefix("expected lines ending in LF or CRLF, found a carriage return alone") ?? false, "\(error)")
        }
    }

    // MARK: - Writing

    func testWriteReadRoundTrip() throws {
        var generator = SeededGenerator(seed: 7)
        let features = Tensor.randomNormal(shape: [50, 7], standardDeviation: 3, using: &generator)
        let labels = (0 ..< 50).map { $0 % 4 }
        let names = ["a", "b b", "c,d", "e\"", "f", "g", "h"]
        let original = Dataset(features: features, labels: labels, featureNames: names, classCount: 5)
        let path = temp.path + "/round.csv"
        try CSV.write(original, to: path)
        let back = try CSV.read(path: path, classCount: 5)
        XCTAssertEqual(back, original)
        let unlabeled = original.unlabeled
        try CSV.write(unlabeled, to: path)
        XCTAssertEqual(try CSV.read(path: path, labelColumn: nil).features, features)
    }

    /// `CSV.write` streams the text in chunks of whole rows; the file equals `CSV.encode`'s
    /// text whatever the chunk size.
    func testChunkedEncodingEqualsTheWholeText() throws {
        var g = SeededGenerator(seed: 5)
        let data = Dataset(features: Tensor.randomNormal(shape: [50, 3], using: &g), labels: (0 ..< 50).map { $0 % 4 })
        let whole = CSV.encode(data)
        for size in [1, 7, 100, 1 << 22] {
            var pieces: [[UInt8]] = []
            try CSV.encode(data, labelColumn: "label", chunkBytes: size) { pieces.append($0) }
            XCTAssertEqual(pieces.flatMap { $0 }, whole, "chunk size \(size)")
            XCTAssertTrue(pieces.dropLast().allSatisfy { $0.last == 10 }, "pieces end at row ends")
        }
        let path = temp.path + "/chunked.csv"
        try CSV.write(data, to: path)
        XCTAssertEqual(Array(try Data(contentsOf: URL(fileURLWithPath: path))), whole)
    }
}
