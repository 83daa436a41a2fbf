import XCTest
import ShiftcastTestSupport
@testable import ShiftcastData

/// Keeps the committed libFuzzer corpus (Fixtures/fuzz/corpus) exercised by `swift test`:
/// every seed and every `regression-*` input must read or throw `InputError`, the same way
/// from memory as from the file. Plus one test per fuzzing finding (Docs/Reliability.md).
final class FuzzCorpusTests: XCTestCase {
    let corpus = fixturesDirectory + "/fuzz/corpus/"

    func corpusFiles(_ target: String) throws -> [String] {
        let names = try FileManager.default.contentsOfDirectory(atPath: corpus + target).sorted()
        XCTAssertGreaterThanOrEqual(names.count, 10, "the \(target) seed corpus is missing")
        return names.map { corpus + target + "/" + $0 }
    }

    /// The value, or the InputError thrown; any other error fails the test.
    func outcome<T: Equatable>(_ body: () throws -> T, file: StaticString = #filePath, line: UInt = #line) -> Result<T, InputError>? {
        do { return .success(try body()) } catch let error as InputError { return .failure(error) } catch {
            XCTFail("expected a value or an InputError, got \(error)", file: file, line: line)
            return nil
        }
    }

    func testEveryCSVCorpusFileReadsOrThrowsInputErrorAlikeFromMemoryAndFile() throws {
        var parsed = 0
        for path in try corpusFiles("csv") {
            let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: path)))
            for options in [CSVReadOptions(), CSVReadOptions(labelColumn: nil),
                            CSVReadOptions(requireLabels: true, allowEmpty: true, classCount: 3)] {
                let fromMemory = outcome { try CSV.read(bytes: bytes, path: path, options: options) }
                let fromFile = outcome { try CSV.read(path: path, options: options) }
                XCTAssertEqual(fromMemory, fromFile, path)
                if case .success = fromMemory { parsed += 1 }
                let streamed = outcome { () -> [Dataset] in
                    let reader = try CSVReader(bytes: bytes, path: path, options: options)
                    var batches: [Dataset] = []
                    while let batch = try reader.nextBatch(maxRows: 1) { batches.append(batch) }
                    return batches
                }
                if case .success(let whole) = fromMemory, case .success(let batches)? = streamed, whole.rowCount > 0 {
                    XCTAssertEqual(Dataset.concatenating(batches), whole, path)
                }
            }
        }
        XCTAssertGreaterThan(parsed, 10, "the valid seeds must parse")
    }

    func testEveryNPYCorpusFileReadsOrThrowsInputErrorAlikeFromMemoryAndFile() throws {
        var parsed = 0
        for path in try corpusFiles("npy") {
            let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: path)))
            let matrix = outcome { try NPY.readMatrix(bytes: bytes, path: path) }
            XCTAssertEqual(matrix, outcome { try NPY.readMatrix(path: path) }, path)
            let blocks = outcome { () -> Tensor in
                let reader = try NPYMatrixReader(path: path)
                var parts: [Tensor] = []
                while let rows = try reader.nextRows(maxRows: 2) { parts.append(rows) }
                return parts.isEmpty ? Tensor(zeros: [0, reader.columnCount]) : Tensor.concatenatingRows(parts)
            }
            XCTAssertEqual(blocks, matrix, "block reader: \(path)")
            let labels = outcome { try NPY.readLabels(bytes: bytes, path: path) }
            XCTAssertEqual(labels, outcome { try NPY.readLabels(path: path) }, path)
            let vector = outcome { try NPY.readVector(bytes: bytes, path: path) }
            XCTAssertEqual(vector, outcome { try NPY.readVector(path: path) }, path)
            if case .success? = matrix { parsed += 1 }
            if case .success? = labels { parsed += 1 }
            if case .success? = vector { parsed += 1 }
        }
        XCTAssertGreaterThanOrEqual(parsed, 8, "the valid seeds must parse")
    }

    // MARK: - Regressions found by fuzzing

    /// FuzzNPY: a shape whose element count overflows Int trapped in `shape.reduce(1, *)`.
    /// Input: Fixtures/fuzz/corpus/npy/regression-shape-product-overflow.npy.
    func testShapeWhoseSizeOverflowsIsAnInputError() throws {
        let header = NPYHeader.encode(descr: "<f8", shape: [Int.max, 4])
        for bytes in [header, header + [UInt8](repeating: 0, count: 64)] {
            XCTAssertThrowsError(try NPY.readMatrix(bytes: bytes, path: "big.npy")) { error in
                XCTAssertEqual(error as? InputError, InputError(file: "big.npy",
                    "data: expected a shape whose size fits in memory, found shape (9223372036854775807, 4)"))
            }
        }
        let labels = NPYHeader.encode(descr: "<i8", shape: [1 << 61])
        XCTAssertThrowsError(try NPY.readLabels(bytes: labels)) { error in
            XCTAssertEqual((error as? InputError)?.message,
                           "data: expected a shape whose size fits in memory, found shape (2305843009213693952,)")
        }
        // A large shape that does fit in Int is still a plain "too few bytes" error.
        let short = NPYHeader.encode(descr: "<f4", shape: [1 << 20, 1 << 20])
        XCTAssertThrowsError(try NPY.readMatrix(bytes: short)) { error in
            XCTAssertEqual((error as? InputError)?.message, "data: expected 4398046511104 bytes for shape (1048576, 1048576), found 0")
        }
    }

    /// FuzzNPY (block reader): a 10-byte file claiming format 2.0 made `NPYHeader.headerEnd` read
    /// the 4-byte header length past the end of the preamble (a `where` clause guarded only
    /// version 3). Input: Fixtures/fuzz/corpus/npy/regression-v2-preamble-10-bytes.npy.
    func testShortVersionTwoPreambleIsAnInputError() throws {
        let path = corpus + "npy/regression-v2-preamble-10-bytes.npy"
        XCTAssertNil(NPYHeader.headerEnd([0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59, 2, 0xF1, 0x4E, 0x55]))
        XCTAssertThrowsError(try NPYMatrixReader(path: path)) { error in
            XCTAssertEqual((error as? InputError)?.message, "expected a 4-byte header length, found the end of the file")
        }
    }

    /// FuzzNPY (block reader): shape (429496729609, 0) — billions of rows of no bytes — passed
    /// every size check, and reading it in blocks looped ~10⁸ times (the harness ran out of
    /// memory collecting empty blocks). A feature matrix needs a column, so both readers now
    /// reject it. Input: Fixtures/fuzz/corpus/npy/regression-zero-columns-huge-rows.npy.
    func testMatrixWithoutColumnsIsAnInputError() throws {
        let path = corpus + "npy/regression-zero-columns-huge-rows.npy"
        let expected = "expected at least one column, found shape (429496729609, 0)"
        XCTAssertThrowsError(try NPYMatrixReader(path: path)) { XCTAssertEqual(($0 as? InputError)?.message, expected) }
        XCTAssertThrowsError(try NPY.readMatrix(path: path)) { XCTAssertEqual(($0 as? InputError)?.message, expected) }
        XCTAssertThrowsError(try NPY.readMatrix(bytes: NPYHeader.encode(descr: "<f4", shape: [3, 0])))
    }

    /// FuzzCSV round trip: a first feature name starting with U+FEFF was written unquoted,
    /// and reading the file back took it for a byte-order mark and dropped it. Names with
    /// a leading tab or a space followed by a combining mark also lost their white space.
    /// Input: Fixtures/fuzz/corpus/csv/regression-bom-in-feature-name.csv.
    func testFeatureNamesThatLookLikeBOMOrWhiteSpaceSurviveWriteAndRead() throws {
        let names = ["\u{FEFF}4028", "\tz", " \u{301}y", "w\t", "plain"]
        let dataset = Dataset(features: Tensor(rows: [[1, 2, 3, 4, 5]]), labels: [2], featureNames: names)
        let text = CSV.encode(dataset)
        XCTAssertEqual(String(decoding: text, as: UTF8.self),
                       "\"\u{FEFF}4028\",\"\tz\",\" \u{301}y\",\"w\t\",plain,label\n1,2,3,4,5,2\n")
        XCTAssertEqual(try CSV.read(bytes: text), dataset)
        let input = try Data(contentsOf: URL(fileURLWithPath: corpus + "csv/regression-bom-in-feature-name.csv"))
        let original = try CSV.read(bytes: Array(input), options: CSVReadOptions(allowEmpty: true))
        XCTAssertEqual(original.featureNames, ["\u{FEFF}4028++50000\u{FEFF}0l!00"])
        XCTAssertEqual(try CSV.read(bytes: CSV.encode(original), options: CSVReadOptions(allowEmpty: true)).featureNames,
                       original.featureNames)
    }

    /// FuzzCSV round trip: the writer doubled quotes with `replacingOccurrences`, which
    /// compares Characters and so missed a quote joined by a combining mark (`"` + U+0312);
    /// the written header then did not read back.
    /// Input: Fixtures/fuzz/corpus/csv/regression-quote-before-combining-mark.csv.
    func testQuoteFollowedByCombiningMarkInANameSurvivesWriteAndRead() throws {
        let name = "said \"hi\"\u{312}5"
        XCTAssertEqual(CSV.quotedIfNeeded(name), "\"said \"\"hi\"\"\u{312}5\"")
        let dataset = Dataset(features: Tensor(rows: [[1, 2]]), featureNames: [name, "b"])
        XCTAssertEqual(try CSV.read(bytes: CSV.encode(dataset)), dataset)
        let input = try Data(contentsOf: URL(fileURLWithPath: corpus + "csv/regression-quote-before-combining-mark.csv"))
        let original = try CSV.read(bytes: Array(input))
        XCTAssertEqual(original.featureNames.count, 2)
        XCTAssertEqual(try CSV.read(bytes: CSV.encode(original)), original)
    }
}
