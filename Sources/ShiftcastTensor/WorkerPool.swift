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
/// `run(count:_:)` hands out indices `0..<count` dynamically and returns when all are done:
/// the caller takes them from the front (0, 1, …), the workers from the back (count − 1, …).
/// With equal speeds each side ends up with its contiguous half — the same half of a weight
/// matrix in every product and optimizer step, so it stays in that core's cache — and when
/// one core runs slower (on these shared machines another guest may share its physical
/// core) the other takes more items instead of waiting. A call made while the pool is
/// busy — from inside a job, or from a second thread — runs serially on its caller, so
/// nesting cannot deadlock.
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
    /// The current job's item count and the items claimed so far, in one word so that a
    /// claim always sees the count of the job it claims from: front claims in bits 0–15,
    /// back claims in bits 16–31, the count in bits 32–47.
    private let claims = Atomic<Int>(0)
    /// Most items one job can have (`run` groups larger counts).
    static let maximumItems = 0xFFFF
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
        if count > Self.maximumItems {
            // More items than the claim word holds: run them in maximumItems groups.
            let groups = Self.maximumItems
            run(count: groups) { g in
                for i in g * count / groups ..< (g + 1) * count / groups { body(i) }
            }
            return
        }
        guard count > 1, !workers.isEmpty,
              busy.compareExchange(expected: false, desired: true, ordering: .acquiring).exchanged else {
            for i in 0 ..< count { body(i) }
            return
        }
        job = body
        remaining.store(count, ordering: .relaxed)
        claims.store(count << 32, ordering: .releasing)
        generation.add(1, ordering: .sequentiallyConsistent)
        for worker in workers where worker.sleeping.exchange(0, ordering: .sequentiallyConsistent) == 1 {
            worker.wake.signal()
        }
        drain(fromBack: false)
        while remaining.load(ordering: .acquiring) > 0 { }
        job = nil
        busy.store(false, ordering: .releasing)
    }

    /// Claims and runs indices of the current job, from the front or the back, until none are left.
    private func drain(fromBack: Bool) {
        while let i = claim(fromBack: fromBack) {
            job!(i)
            remaining.subtract(1, ordering: .releasing)
        }
    }

    /// The next unclaimed index from one end, or nil when the two ends have met.
    private func claim(fromBack: Bool) -> Int? {
        var current = claims.load(ordering: .acquiring)
        while true {
            let front = current & 0xFFFF, back = (current >> 16) & 0xFFFF, count = current >> 32
            guard front + back < count else { return nil }
            let next = fromBack ? current + (1 << 16) : current + 1
            let (exchanged, original) = claims.compareExchange(expected: current, desired: next,
                                                               ordering: .acquiringAndReleasing)
            if exchanged { return fromBack ? count - 1 - back : front }
            current = original
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
            drain(fromBack: true)
        }
    }
}
