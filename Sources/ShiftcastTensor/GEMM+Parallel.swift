import Dispatch

/// The two ways `GEMM.multiply` spreads one product over the cores.
extension GEMM {
    /// Row-parallel product with one packed B block shared by all workers
    /// (the BLIS scheme of parallelising the loop around the micro-kernel's rows).
    ///
    /// For each (column block, depth block): the workers first pack B's
    /// micro-panels together, then take row items — a few 12-row micro-panels
    /// each, packed by whoever takes them — from a dynamic queue
    /// (`DispatchQueue.concurrentPerform` hands out iterations as threads free
    /// up). Each row of A is packed once per block, and a core slowed by another
    /// process simply takes fewer items instead of holding everyone up.
    /// Used when there are at least two row micro-panels per worker.
    static func multiplySharingPackedB(m: Int, n: Int, k: Int, a: Operand, b: Operand,
                                       c: UnsafeMutablePointer<Float>, ldc: Int, accumulate: Bool, workers: Int) {
        let (mr, nr) = (microRows, microColumns)
        let kc = balancedBlock(k, limit: depthBlock, multiple: 1)
        let nc = balancedBlock(n, limit: columnBlock, multiple: nr)
        // About four items per worker, each at most one row block (mc) tall.
        let rowPanels = (m + mr - 1) / mr
        let panelsPerItem = max(1, min(rowBlock / mr, rowPanels / (4 * workers)))
        let items = (rowPanels + panelsPerItem - 1) / panelsPerItem
        let itemRows = panelsPerItem * mr

        let packedB = UnsafeMutablePointer<Float>.allocate(capacity: kc * nc)
        defer { packedB.deallocate() }
        let sharedB = SharedMutablePointer(packedB), output = SharedMutablePointer(c)

        var jc = 0
        while jc < n {
            let nb = min(nc, n - jc)
            let columnPanels = (nb + nr - 1) / nr
            var pc = 0
            while pc < k {
                let kb = min(kc, k - pc)
                let overwrite = !accumulate && pc == 0
                let blockOfB = b.offset(row: pc, column: jc)
                // Phase 1: pack B, each worker its own micro-panels (disjoint writes).
                Parallel.forEachChunk(count: columnPanels) { panels in
                    let j0 = panels.lowerBound * nr
                    packB(blockOfB.offset(row: 0, column: j0), depth: kb,
                          columns: min(nb, panels.upperBound * nr) - j0, into: sharedB.base + j0 * kb)
                }
                // Phase 2: rows of C, each item its own rows (disjoint writes); B is only read.
                let columnOffset = jc, depthOffset = pc
                DispatchQueue.concurrentPerform(iterations: items) { item in
                    let i0 = item * itemRows
                    let rows = min(itemRows, m - i0)
                    let packedA = UnsafeMutablePointer<Float>.allocate(capacity: itemRows * kb)
                    defer { packedA.deallocate() }
                    packA(a.offset(row: i0, column: depthOffset), rows: rows, depth: kb, into: packedA)
                    multiplyPacked(rows: rows, columns: nb, depth: kb, packedA: packedA, packedB: sharedB.base,
                                   c: output.base + i0 * ldc + columnOffset, ldc: ldc, overwrite: overwrite)
                }
                pc += kc
            }
            jc += nc
        }
    }

    /// Column-parallel product for short, wide C (fewer than two row micro-panels
    /// per worker): each worker multiplies its own slab of whole 32-column
    /// micro-panels with its own packing buffers, no synchronisation inside.
    static func multiplySplittingColumns(m: Int, n: Int, k: Int, a: Operand, b: Operand,
                                         c: UnsafeMutablePointer<Float>, ldc: Int, accumulate: Bool) {
        let columnPanels = (n + microColumns - 1) / microColumns
        let output = SharedMutablePointer(c)
        Parallel.forEachChunk(count: columnPanels) { panels in
            let j0 = panels.lowerBound * microColumns
            let j1 = min(n, panels.upperBound * microColumns)
            multiplyBlocked(m: m, n: j1 - j0, k: k, a: a, b: b.offset(row: 0, column: j0),
                            c: output.base + j0, ldc: ldc, accumulate: accumulate)
        }
    }
}
