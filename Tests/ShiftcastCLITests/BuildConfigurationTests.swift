import XCTest
@testable import ShiftcastCLI

/// What the executable sets up about its build and process: the build line of `perf`
/// tables and glibc's allocator thresholds.
final class BuildConfigurationTests: XCTestCase {
    /// `perf` tables name what the kernels were built for, so that figures from different
    /// machines can be told apart (the JSON keeps the fields the issue fixed).
    func testPerfBuildDescriptionNamesFlagsAndTile() {
        let line = PerfCommand.buildDescription
        XCTAssertTrue(line.hasPrefix("build: kernels for "), line)
        XCTAssertTrue(line.hasSuffix("GEMM register tile 12×32") || line.hasSuffix("GEMM register tile 6×16"), line)
        for flag in CPUCheck.requiredFlags { XCTAssertTrue(line.contains(flag), line) }
        // The 12×32 tile needs AVX-512's 32 registers; every other build uses 6×16.
        XCTAssertEqual(line.hasSuffix("12×32"), CPUCheck.requiredFlags.contains("avx512f"), line)
    }

    /// The executable raises glibc's mmap and trim thresholds, unless the user tunes malloc
    /// through GLIBC_TUNABLES.
    func testAllocatorTuningRespectsGlibcTunables() {
        XCTAssertFalse(AllocatorTuning.apply(environment: ["GLIBC_TUNABLES": "glibc.malloc.trim_threshold=0"]))
        #if os(Linux)
        XCTAssertTrue(AllocatorTuning.apply(environment: [:]))
        XCTAssertTrue(AllocatorTuning.apply(environment: ["GLIBC_TUNABLES": "glibc.cpu.hwcaps=-AVX512F"]))
        #endif
        XCTAssertLessThanOrEqual(AllocatorTuning.mmapThreshold, 32 << 20) // glibc refuses more on 64-bit
    }
}
