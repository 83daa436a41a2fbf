import XCTest
import ShiftcastTestSupport
@testable import ShiftcastData

final class DigitsFixtureTests: XCTestCase {
    func testDigitsFixtureLoads() throws {
        let digits = try Fixtures.loadDigits()
        XCTAssertEqual(digits.train.rowCount + digits.validation.rowCount + digits.test.rowCount, 1_797)
        XCTAssertEqual([digits.train.rowCount, digits.validation.rowCount, digits.test.rowCount], [1_078, 359, 360])
        for split in [digits.train, digits.validation, digits.test] {
            XCTAssertEqual(split.classCount, 10)
            XCTAssertEqual(split.featureCount, 64)
            XCTAssertEqual(split.featureNames.first, "p0")
            XCTAssertEqual(split.labelCounts!.filter { $0 > 0 }.count, 10)
            XCTAssertGreaterThanOrEqual(split.features.min(), 0)
            XCTAssertLessThanOrEqual(split.features.max(), 1)
        }
        XCTAssertEqual(digits.train.summary.description.prefix(40), "1078 rows, 64 features, 10 classes, labe")
    }

    func testLocatorWalksUpFromTheCurrentDirectory() {
        let nested = fixturesDirectory + "/digits"
        let found = Fixtures.locate("digits", containing: "train.csv", currentDirectory: nested)
        XCTAssertNotNil(found)
        XCTAssertNil(Fixtures.locate("digits", containing: "no-such-file.csv", currentDirectory: "/"))
    }
}
