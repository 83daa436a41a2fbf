import XCTest
import Foundation
import ShiftcastTestSupport

/// The built binary, for the tests that run it: skipped with a message when it was not built
/// on a developer's machine, and a failure under CI (`CI=true`), where a missing binary must
/// never pass as a skipped test.
func requireBinary() throws {
    guard BinaryRunner.executable == nil else { return }
    if ProcessInfo.processInfo.environment["CI"] == "true" {
        XCTFail("the shiftcast binary was not built (expected .build/debug/shiftcast beside the tests)")
        throw CocoaError(.fileNoSuchFile)
    }
    throw XCTSkip("the shiftcast binary was not built")
}

/// Runs the built binary with `args` (skipped, or failed under CI, when it was not built).
func shiftcast(_ args: [String]) throws -> BinaryRunner.Result {
    try requireBinary()
    return try BinaryRunner.run(args)
}
