import XCTest
@testable import ShiftcastEstimators

final class ShiftcastEstimatorsPlaceholderTests: XCTestCase {
    func testModuleLoads() { XCTAssertTrue(true) }
}
