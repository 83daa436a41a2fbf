import Dispatch
import Foundation
import Synchronization

/// Persistent worker threads that spin briefly between jobs, then sleep.
///
/// Why: the products of MLP training take ~0.1–1 ms. `DispatchQueue.concurrentPerform`
/// wakes its second thread too late for work that short — measured here, only 41 of 200
/// two-iteration calls actually ran on two threads — so training used about one core.
/// OpenBLAS keeps its threads spinning between calls; this pool does the same for up to
/// `spinDuration` after each job, then blocks on a semaphore (no CPU burned while idle).
///
/// `run(count:_:)` hands out indices `0..<count` dynamically to the caller and the workers
/// and returns when all are done. A call made while the pool is busy — from inside a job,
/// or from a second thread — runs serially on its caller, so nesting cannot deadlock.
final class WorkerPool: @unchecked Sendable {
    static let shared = WorkerPool(extraThreads: Parallel.workerCount - 1)

    /// How long an idle worker spins before sleeping.
    static let spinDuration: UInt64 = 200_000 // nanoseconds

    private final class Worker: @unchecked Sendable {
        let sleeping = Atomic<Int>(0)
        let wake = DispatchSemaphore(value: 0)
    }

    private let workers: [Worker]
    private let generation = Atomic<Int>(0)
    private let busy = Atomic<Bool>(false)
    private let nextIndex = Atomic<Int>(0)
    private let jobCount = Atomic<Int>(0)
    private let remaining = Atomic<Int>(0)
    /// The current job; written before `generation` is bumped (release) and read by workers
    /// only after they observe the bump (acquire) and claim a valid index.
    nonisolated(unsafe) private var job: (@Sendable (Int) -> Void)?

    init(extraThreads: Int) {
        workers = (0 ..< max(0, extraThreads)).map { _ in Worker() }
        for worker in workers {
            let thread = Thread { [unowned self] in self.loop(worker) }
            thread.stackSize = 1 << 20
            thread.start()
        }
    }

    /// Runs `body(i)` for every `i` in `0..<count`, on the caller and the workers.
    func run(count: Int, _ body: @escaping @Sendable (Int) -> Void) {
        guard count > 1, !workers.isEmpty,
              busy.compareExchange(expected: false, desired: true, ordering: .acquiring).exchanged else {
            for i in 0 ..< count { body(i) }
            return
        }
        job = body
        jobCount.store(count, ordering: .relaxed)
        remaining.store(count, ordering: .relaxed)
        nextIndex.store(0, ordering: .releasing)
        generation.add(1, ordering: .sequentiallyConsistent)
        for worker in workers where worker.sleeping.exchange(0, ordering: .sequentiallyConsistent) == 1 {
            worker.wake.signal()
        }
        drain()
        while remaining.load(ordering: .acquiring) > 0 { }
        job = nil
        busy.store(false, ordering: .releasing)
    }

    /// Claims and runs indices of the current job until none are left.
    private func drain() {
        while true {
            let i = nextIndex.add(1, ordering: .acquiringAndReleasing).oldValue
            guard i < jobCount.load(ordering: .acquiring) else { return }
            job!(i)
            remaining.subtract(1, ordering: .releasing)
        }
    }

    private func loop(_ worker: Worker) {
        var seen = generation.load(ordering: .acquiring)
        while true {
            var start: UInt64 = 0
            var spins = 0
            while generation.load(ordering: .acquiring) == seen {
                spins += 1
                if spins & 1023 == 0 {
                    let now = DispatchTime.now().uptimeNanoseconds
                    if start == 0 { start = now } else if now - start > Self.spinDuration {
                        worker.sleeping.store(1, ordering: .sequentiallyConsistent)
                        if generation.load(ordering: .sequentiallyConsistent) == seen {
                            worker.wake.wait()
                        } else {
                            worker.sleeping.store(0, ordering: .sequentiallyConsistent)
                        }
                        start = 0
                    }
                }
            }
            seen = generation.load(ordering: .acquiring)
            drain()
        }
    }
}
