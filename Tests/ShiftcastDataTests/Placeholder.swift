import XCTest
@testable import ShiftcastData

final class ShiftcastDataPlaceholderTests: XCTestCase {
    func testModuleLoads() { XCTAssertTrue(true) }
}
