import XCTest
@testable import ShiftcastCLI

final class ShiftcastCLIPlaceholderTests: XCTestCase {
    func testModuleLoads() { XCTAssertTrue(true) }
}
