import Dispatch

/// The three ways `GEMM.multiply` spreads one product over the cores.
extension GEMM {
    /// Row-parallel product with one packed B block shared by all workers
    /// (the BLIS scheme of parallelising the loop around the micro-kernel's rows).
    ///
    /// For each (column block, depth block): the workers first pack B's
    /// micro-panels together, then take row items — a few row micro-panels
    /// each, packed by whoever takes them — from a dynamic queue
    /// (`Parallel.forEach` hands out items as threads free
    /// up). Each row of A is packed once per block, and a core slowed by another
    /// process simply takes fewer items instead of holding everyone up.
    /// Each block costs two dispatches, so this is used only when a block holds
    /// at least `sharingBlockVolume` multiply-adds and C has at least two row
    /// micro-panels per worker.
    static func multiplySharingPackedB(m: Int, n: Int, k: Int, a: Operand, b: Operand,
                                       c: UnsafeMutablePointer<Float>, ldc: Int, accumulate: Bool, workers: Int,
                                       tile: MicroTile = .native) {
        let (mr, nr) = (tile.rows, tile.columns)
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
                          columns: min(nb, panels.upperBound * nr) - j0, tile: tile, into: sharedB.base + j0 * kb)
                }
                // Phase 2: rows of C, each item its own rows (disjoint writes); B is only read.
                let columnOffset = jc, depthOffset = pc
                Parallel.forEach(count: items) { item in
                    let i0 = item * itemRows
                    let rows = min(itemRows, m - i0)
                    let packedA = UnsafeMutablePointer<Float>.allocate(capacity: itemRows * kb)
                    defer { packedA.deallocate() }
                    packA(a.offset(row: i0, column: depthOffset), rows: rows, depth: kb, tile: tile, into: packedA)
                    multiplyPacked(rows: rows, columns: nb, depth: kb, a: .packed(packedA, depth: kb, tile: tile),
                                   packedB: sharedB.base,
                                   c: output.base + i0 * ldc + columnOffset, ldc: ldc, overwrite: overwrite, tile: tile)
                }
                pc += kc
            }
            jc += nc
        }
    }

    /// Row-parallel product against one packed copy of the whole op(B), for a large A and a
    /// small op(B) — the forward and input-gradient products of training in the layout
    /// `Hᵀ = W·Xᵀ` (A = W, 512×784; op(B) = Xᵀ, 784×128).
    ///
    /// Column slabs would each read all of A in place, and an A larger than L2 would come
    /// from L3 once per slab; row slabs would each pack all of B. Here the workers first
    /// pack op(B) together, every (depth block, column micro-panel) once, then take row items
    /// — `slabsPerWorker` per worker, claimed from both ends (`WorkerPool`) — each reading
    /// its rows of A in place, once. Two dispatches per product. Requires k > 0, like the
    /// other schemes (`GEMM.multiply` handles k = 0).
    static func multiplyPackingWholeB(m: Int, n: Int, k: Int, a: Operand, b: Operand,
                                      c: UnsafeMutablePointer<Float>, ldc: Int, accumulate: Bool,
                                      tile: MicroTile = .native, epilogue: Epilogue? = nil) {
        let (mr, nr) = (tile.rows, tile.columns)
        let kc = balancedBlock(k, limit: depthBlock, multiple: 1)
        let columnPanels = (n + nr - 1) / nr
        let paddedColumns = columnPanels * nr
        let depthBlocks = (k + kc - 1) / kc
        // Depth block `pc` (its first step) starts at `pc · paddedColumns`; inside it, column
        // micro-panel `j` at `j · kb · nr`: the layout `multiplyPacked` reads.
        let packedB = UnsafeMutablePointer<Float>.allocate(capacity: k * paddedColumns)
        defer { packedB.deallocate() }
        let sharedB = SharedMutablePointer(packedB), output = SharedMutablePointer(c)
        // Phase 1: pack B, each (depth block, column panel) by one worker (disjoint writes).
        Parallel.forEachChunk(count: depthBlocks * columnPanels) { items in
            for item in items {
                let pc = item / columnPanels * kc, j0 = item % columnPanels * nr
                let kb = min(kc, k - pc)
                packB(b.offset(row: pc, column: j0), depth: kb, columns: min(nr, n - j0), tile: tile,
                      into: sharedB.base + pc * paddedColumns + j0 * kb)
            }
        }
        // Phase 2: row items, each its own rows of C (disjoint writes); B is only read.
        let rowPanels = (m + mr - 1) / mr
        Parallel.forEachChunk(count: rowPanels, chunksPerWorker: slabsPerWorker) { panels in
            let i0 = panels.lowerBound * mr
            let rows = min(m, panels.upperBound * mr) - i0
            let edgeOfA = UnsafeMutablePointer<Float>.allocate(capacity: mr * kc)
            defer { edgeOfA.deallocate() }
            var pc = 0
            while pc < k {
                let kb = min(kc, k - pc)
                multiplyPacked(rows: rows, columns: n, depth: kb,
                               a: .inPlace(a.offset(row: i0, column: pc), edgeScratch: edgeOfA),
                               packedB: sharedB.base + pc * paddedColumns,
                               c: output.base + i0 * ldc, ldc: ldc, overwrite: !accumulate && pc == 0, tile: tile)
                pc += kc
            }
            epilogue?(i0 ..< i0 + rows, 0 ..< n)
        }
    }

    /// Slab-parallel product: the workers multiply slabs of C — groups of whole column
    /// micro-panels when C has at least two per worker, groups of row micro-panels
    /// otherwise — each with its own packing buffers. One dispatch and no
    /// synchronisation inside, which is what keeps products of a millisecond or less fast
    /// when other processes compete for the cores.
    ///
    /// Column slabs share nothing (A is read in place, each slab packs its own columns of
    /// B), so there are `slabsPerWorker` of them per worker, claimed from both ends
    /// (`WorkerPool`): a core slowed by another guest takes fewer. Row slabs would each pack
    /// all of B, so there is one per worker.
    static func multiplySplittingSlabs(m: Int, n: Int, k: Int, a: Operand, b: Operand,
                                       c: UnsafeMutablePointer<Float>, ldc: Int, accumulate: Bool,
                                       tile: MicroTile = .native, epilogue: Epilogue? = nil) {
        let (mr, nr) = (tile.rows, tile.columns)
        let rowPanels = (m + mr - 1) / mr
        let columnPanels = (n + nr - 1) / nr
        let output = SharedMutablePointer(c)
        if columnPanels >= 2 * Parallel.workerCount || columnPanels >= rowPanels {
            Parallel.forEachChunk(count: columnPanels, chunksPerWorker: slabsPerWorker) { panels in
                let j0 = panels.lowerBound * nr
                let j1 = min(n, panels.upperBound * nr)
                multiplyBlocked(m: m, n: j1 - j0, k: k, a: a, b: b.offset(row: 0, column: j0),
                                c: output.base + j0, ldc: ldc, accumulate: accumulate, tile: tile)
                epilogue?(0 ..< m, j0 ..< j1)
            }
        } else {
            Parallel.forEachChunk(count: rowPanels) { panels in
                let i0 = panels.lowerBound * mr
                let i1 = min(m, panels.upperBound * mr)
                multiplyBlocked(m: i1 - i0, n: n, k: k, a: a.offset(row: i0, column: 0), b: b,
                                c: output.base + i0 * ldc, ldc: ldc, accumulate: accumulate, tile: tile)
                epilogue?(i0 ..< i1, 0 ..< n)
            }
        }
    }
}
