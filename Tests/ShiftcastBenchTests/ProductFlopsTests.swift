import XCTest
import ShiftcastModel
@testable import ShiftcastBench

/// The FLOP counts behind `perf train`'s and `perf projnorm`'s GFLOPS, counted by hand.
final class ProductFlopsTests: XCTestCase {
    func testForwardAndTrainingCounts() {
        // 3-4-2: forward 2·(3·4 + 4·2) = 40; ∂W the same; ∂X only for the 4→2 layer: 16.
        let small = MLPArchitecture(inputs: 3, hidden: [4], classes: 2)
        XCTAssertEqual(ProductFlops.forwardPerSample(small), 40)
        XCTAssertEqual(ProductFlops.trainingPerSample(small), 96)
        // The issue's MLP (computed with Python: 2·(784·512 + 512·512 + 512·10) = 1,337,344).
        let issue = MLPArchitecture(inputs: 784, hidden: [512, 512], classes: 10)
        XCTAssertEqual(ProductFlops.forwardPerSample(issue), 1_337_344)
        XCTAssertEqual(ProductFlops.trainingPerSample(issue), 3_209_216)
    }

    /// `perf projnorm` counts the rows the fine-tunes really see: each epoch ends short.
    func testProjNormSamplesSeen() {
        XCTAssertEqual(ProjNormBenchmark.samplesSeen(rows: 10_000, batch: 128, iterations: 500), 63_328)
        XCTAssertEqual(ProjNormBenchmark.samplesSeen(rows: 256, batch: 128, iterations: 5), 640)
        XCTAssertEqual(ProjNormBenchmark.samplesSeen(rows: 100, batch: 128, iterations: 3), 300)
        XCTAssertEqual(ProjNormBenchmark.samplesSeen(rows: 300, batch: 128, iterations: 2), 256)
    }

    func testALinearModelHasNoInputGradientProduct() {
        // One dense layer 5→3: forward 30 and ∂W 30; its input gradient is never computed.
        let linear = MLPArchitecture(inputs: 5, hidden: [], classes: 3)
        XCTAssertEqual(ProductFlops.trainingPerSample(linear), 60)
    }
}
