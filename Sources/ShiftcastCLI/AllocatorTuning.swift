#if canImport(Glibc)
import Glibc
#endif

/// Keeps glibc's allocator from returning tensor buffers to the kernel between training
/// steps.
///
/// Every training step allocates and frees the same buffers (activations, a 1.6 MB weight
/// gradient for a 784→512 layer, …). With glibc's defaults a buffer above the mmap threshold
/// is `mmap`ped and `munmap`ped each time, and the free top of the heap is trimmed, so every
/// step page-faults its buffers in again: 8.5 % of the CPU samples of `shiftcast perf train`
/// were in the kernel's page-fault path (Docs/Performance.md). Raising the mmap threshold to
/// 32 MiB (glibc's maximum) and the trim threshold to 64 MiB keeps them in the heap, reused
/// from step to step; the kernel's share fell to 0.3 %.
///
/// Process-wide, so it is set by the executable only, never by the libraries. A user who sets
/// `GLIBC_TUNABLES` with malloc settings keeps them.
public enum AllocatorTuning {
    /// Largest allocation served from the heap (larger ones are mmapped).
    public static let mmapThreshold = 32 << 20
    /// Free memory at the top of the heap kept for reuse instead of being returned.
    public static let trimThreshold = 64 << 20

    /// Applies the thresholds unless `environment` already tunes malloc. Returns whether it did.
    @discardableResult
    public static func apply(environment: [String: String]) -> Bool {
        if let tunables = environment["GLIBC_TUNABLES"], tunables.contains("glibc.malloc.") { return false }
        #if canImport(Glibc)
        // `mallopt` is declared in <malloc.h>, which the Glibc module does not export: look it
        // up in the C library. Parameter numbers from <malloc.h>.
        typealias Mallopt = @convention(c) (Int32, Int32) -> Int32
        let M_TRIM_THRESHOLD: Int32 = -1, M_MMAP_THRESHOLD: Int32 = -3
        guard let symbol = dlsym(nil, "mallopt") else { return false }
        let mallopt = unsafeBitCast(symbol, to: Mallopt.self)
        return mallopt(M_MMAP_THRESHOLD, Int32(mmapThreshold)) == 1
            && mallopt(M_TRIM_THRESHOLD, Int32(trimThreshold)) == 1
        #else
        return false
        #endif
    }
}
