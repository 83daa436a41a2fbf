import Foundation
import XCTest
import ShiftcastTestSupport
@testable import ShiftcastData

/// Reading speed of the CSV reader on a ~100 MB file; prints rows/s and MB/s.
/// Skipped unless SHIFTCAST_MEASURE=1 (it writes 200 MB of temporary files).
/// Run (see Docs/Data.md):
///     SHIFTCAST_MEASURE=1 swift test -c release --filter CSVThroughputMeasurement
final class CSVThroughputMeasurement: XCTestCase {
    func testReadHundredMegabytes() throws {
        guard ProcessInfo.processInfo.environment["SHIFTCAST_MEASURE"] == "1" else {
            throw XCTSkip("set SHIFTCAST_MEASURE=1 to measure CSV reading speed")
        }
        let temp = TemporaryDirectory()
        var generator = SeededGenerator(seed: 1)
        // Short decimals (like the digits fixture) and full-precision floats (like numpy/pandas output).
        for (name, digits) in [("6-decimal", 6), ("repr", -1)] {
            let d = 64
            let rowsPerChunk = 10_000
            let path = temp.path + "/\(name).csv"
            var bytes = Array(((0 ..< d).map { "x\($0)" } + ["label"]).joined(separator: ",").utf8) + [10]
            var rows = 0
            while bytes.count < 100_000_000 {
                for _ in 0 ..< rowsPerChunk {
                    for _ in 0 ..< d {
                        let v = generator.gaussian()
                        let text = digits > 0 ? String(Double(Int((v * 1e6).rounded())) / 1e6) : String(Float(v))
                        bytes.append(contentsOf: text.utf8)
                        bytes.append(44)  // the label column follows the last feature
                    }
                    bytes.append(contentsOf: String(generator.index(below: 10)).utf8)
                    bytes.append(10)
                }
                rows += rowsPerChunk
            }
            try AtomicFile.write(bytes: bytes, to: path)
            let megabytes = Double(bytes.count) / 1e6
            bytes = []
            let start = DispatchTime.now().uptimeNanoseconds
            let data = try CSV.read(path: path)
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            XCTAssertEqual(data.rowCount, rows)
            let streamStart = DispatchTime.now().uptimeNanoseconds
            let reader = try CSVReader(path: path)
            var streamed = 0
            while let batch = try reader.nextBatch(maxRows: 4096) { streamed += batch.rowCount }
            let streamSeconds = Double(DispatchTime.now().uptimeNanoseconds - streamStart) / 1e9
            XCTAssertEqual(streamed, rows)
            print(String(format: "CSV %@: %.1f MB, %d rows x %d features: whole file %.2f s = %.0f rows/s, %.0f MB/s; streaming (4096-row batches) %.2f s = %.0f MB/s",
                         name, megabytes, rows, d, seconds, Double(rows) / seconds, megabytes / seconds, streamSeconds, megabytes / streamSeconds))
        }
    }
}
