import Dispatch

/// Splitting work across the machine's cores.
public enum Parallel {
    /// The number of worker threads used by `forEachChunk` (the active processor count).
    public static let workerCount: Int = max(1, System.activeProcessorCount)

    /// Calls `body` on disjoint, contiguous chunks that together cover `0..<count`,
    /// concurrently when the work is large enough.
    ///
    /// The caller takes chunks from the front and the workers from the back
    /// (`WorkerPool`), so with `chunksPerWorker > 1` a core that runs slower for a while
    /// takes fewer chunks, while at equal speeds each core still gets the same contiguous
    /// part of `0..<count` on every call.
    ///
    /// - Parameters:
    ///   - count: the number of work items.
    ///   - minimumChunk: chunks are at least this many items, so small jobs stay on one thread.
    ///   - chunksPerWorker: at most this many chunks per worker thread.
    ///   - body: called once per chunk; it must only write state that belongs to its chunk.
    public static func forEachChunk(count: Int, minimumChunk: Int = 1, chunksPerWorker: Int = 1,
                                    _ body: @Sendable (Range<Int>) -> Void) {
        guard count > 0 else { return }
        let most = workerCount == 1 ? 1 : workerCount * max(1, chunksPerWorker)
        let chunks = min(most, max(1, count / max(1, minimumChunk)))
        if chunks == 1 { body(0 ..< count); return }
        withoutActuallyEscaping(body) { body in
            let box = UncheckedSendable(body)
            WorkerPool.shared.run(count: chunks) { c in
                let lo = c * count / chunks
                let hi = (c + 1) * count / chunks
                if lo < hi { box.value(lo ..< hi) }
            }
        }
    }

    /// Runs `body(i)` for `i` in `0..<count` on the pool's threads, indices handed out
    /// dynamically (for work items of uneven cost).
    public static func forEach(count: Int, _ body: @Sendable (Int) -> Void) {
        withoutActuallyEscaping(body) { body in
            let box = UncheckedSendable(body)
            WorkerPool.shared.run(count: count) { box.value($0) }
        }
    }
}

/// A non-escaping closure carried into the pool, which returns only after every call is done.
struct UncheckedSendable<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}

/// A raw mutable pointer that may cross into concurrently running closures.
///
/// Swift 6 treats the closures run by `Parallel` (on `WorkerPool`'s threads) as `@Sendable`,
/// and raw pointers are not `Sendable`. This wrapper is the one place where
/// that check is waived. **Disjointness rule:** concurrent closures may only
/// write elements that no other closure reads or writes during the same call
/// (for example, each writes its own rows of an output matrix).
public struct SharedMutablePointer<Element>: @unchecked Sendable {
    public let base: UnsafeMutablePointer<Element>
    @inlinable public init(_ base: UnsafeMutablePointer<Element>) { self.base = base }
}

/// A raw read-only pointer that may cross into concurrently running closures.
/// Reads are safe as long as nobody writes the memory during the call.
public struct SharedPointer<Element>: @unchecked Sendable {
    public let base: UnsafePointer<Element>
    @inlinable public init(_ base: UnsafePointer<Element>) { self.base = base }
}

/// Processor count without Foundation.
enum System {
    static var activeProcessorCount: Int {
        #if os(Linux)
        return Int(sysconfValue())
        #else
        return 1
        #endif
    }
}

#if canImport(Glibc)
import Glibc
private func sysconfValue() -> Int { max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))) }
#elseif canImport(Musl)
import Musl
private func sysconfValue() -> Int { max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))) }
#else
private func sysconfValue() -> Int { 1 }
#endif
