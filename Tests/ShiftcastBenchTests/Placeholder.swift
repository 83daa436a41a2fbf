import XCTest
@testable import ShiftcastBench

final class ShiftcastBenchPlaceholderTests: XCTestCase {
    func testModuleLoads() { XCTAssertTrue(true) }
}
