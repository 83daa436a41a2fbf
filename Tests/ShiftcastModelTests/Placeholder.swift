import XCTest
@testable import ShiftcastModel

final class ShiftcastModelPlaceholderTests: XCTestCase {
    func testModuleLoads() { XCTAssertTrue(true) }
}
