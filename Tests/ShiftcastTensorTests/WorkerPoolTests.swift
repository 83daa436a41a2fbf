import Synchronization
import XCTest
@testable import ShiftcastTensor

/// `count` atomic counters that any thread may bump.
private final class HitCounters: @unchecked Sendable {
    let count: Int
    private let slots: UnsafeMutablePointer<Atomic<Int>>
    init(_ count: Int) {
        self.count = count
        slots = .allocate(capacity: Swift.max(1, count))
        for i in 0 ..< count { (slots + i).initialize(to: Atomic(0)) }
    }
    deinit { slots.deinitialize(count: count); slots.deallocate() }
    func hit(_ i: Int) { slots[i].add(1, ordering: .relaxed) }
    /// Indices not hit exactly once.
    var wrong: [Int] { (0 ..< count).filter { slots[$0].load(ordering: .relaxed) != 1 } }
}

final class WorkerPoolTests: XCTestCase {
    /// Every index runs exactly once, for counts around the one-word claim limit
    /// (`WorkerPool.maximumItems`, above which `run` groups the indices).
    func testRunCallsEveryIndexExactlyOnce() {
        for count in [0, 1, 2, 3, 7, 64, 1000, WorkerPool.maximumItems, WorkerPool.maximumItems + 1, 200_003] {
            let hits = HitCounters(count)
            WorkerPool.shared.run(count: count) { i in hits.hit(i) }
            let wrong = hits.wrong
            XCTAssertEqual(wrong.count, 0, "count=\(count): indices run ≠ once, e.g. \(wrong.prefix(5))")
        }
    }

    /// Chunks cover `0..<count` without gaps or overlaps for every chunks-per-worker setting,
    /// and a call from inside a job (nesting) runs serially instead of deadlocking.
    func testChunksCoverTheRangeAndNestingWorks() {
        for count in [1, 5, 100, 10_007] {
            for perWorker in [1, 2, 4, 8] {
                let hits = HitCounters(count)
                Parallel.forEachChunk(count: count, chunksPerWorker: perWorker) { range in
                    // A nested call: runs on this thread.
                    Parallel.forEachChunk(count: range.count, chunksPerWorker: 2) { inner in
                        for i in inner { hits.hit(range.lowerBound + i) }
                    }
                }
                XCTAssertEqual(hits.wrong, [], "count=\(count) perWorker=\(perWorker)")
            }
        }
    }

    /// Many short jobs in a row (the pattern of a training step): none is lost or repeated.
    func testManyShortJobsInARow() {
        let total = Atomic<Int>(0)
        for job in 0 ..< 5000 {
            let count = 2 + job % 7
            WorkerPool.shared.run(count: count) { i in total.add(i + 1, ordering: .relaxed) }
        }
        let want = (0 ..< 5000).reduce(0) { sum, job in let c = 2 + job % 7; return sum + c * (c + 1) / 2 }
        XCTAssertEqual(total.load(ordering: .relaxed), want)
    }
}
