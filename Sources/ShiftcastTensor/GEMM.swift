/// Single-precision general matrix multiply on raw row-major buffers:
/// `C = op(A)·op(B)` or, with `accumulate`, `C += op(A)·op(B)`.
///
/// `op(A)` is m×k, `op(B)` is k×n, `C` is m×n. `lda`, `ldb`, `ldc` are the row
/// strides (in elements) of the buffers as stored, i.e. before `op`.
///
/// The kernel is a GotoBLAS/BLIS-style blocked GEMM (Goto & van de Geijn,
/// "Anatomy of High-Performance Matrix Multiplication", ACM TOMS 34(3), 2008;
/// Van Zee & van de Geijn, "BLIS", ACM TOMS 41(3), 2015):
///
///     for each column block of nc columns
///       for each depth block of kc                   pack op(B) kc×nc  → stays in L2
///         for each mr-row micro-panel of A           mr×kc, in place   → stays in L1
///           for each nr-column micro-panel of B      mr×nr register tile
///
/// Unlike BLIS, A is not packed: the micro-kernel broadcasts its elements one at a
/// time, which costs the same from mr strided rows as from a packed panel, and a
/// product split into column slabs then packs nothing twice (`GEMM.BlockOfA`; only a
/// last, partial micro-panel is packed, zero-padded). The scheme that shares packed B
/// blocks between workers still packs A per item.
///
/// The register tile mr×nr is 12×32 with AVX-512 and 6×16 with AVX2
/// (`GEMM+MicroTile.swift`). Blocking (see `Docs/Performance.md`): kc ≤ 256 so
/// an A micro-panel (at most 12·256·4 B = 12 KiB of A's elements) sits in the 32 KiB L1;
/// kc·nc ≤ 256·512 floats (512 KiB) so the packed B block fits in half of a
/// 1 MiB L2; in the shared-B scheme, which packs A, mc ≤ 144 bounds a row item. Block sizes are balanced
/// (e.g. k = 784 gives four depth blocks of 196, not 256+256+256+16).
///
/// Products of more than `parallelProblemVolume` multiply-adds use every core
/// (`GEMM+Parallel.swift`): for large products the workers share each packed B
/// block and take row items dynamically; a large A with a small op(B) is split into
/// row items against one packed copy of all of op(B); otherwise each worker multiplies
/// its own slabs of C's columns (or rows). Problems under `smallProblemVolume`
/// multiply-adds skip packing.
public enum GEMM {
    /// Largest depth block (kc).
    static let depthBlock = 256
    /// Largest column block (nc), a multiple of every tile's columns.
    static let columnBlock = 512
    /// Largest row item (mc) of the shared-B scheme, a multiple of every tile's rows.
    static let rowBlock = 144
    /// Below this many multiply-adds (m·n·k) a plain loop beats packing.
    static let smallProblemVolume = 4096
    /// Below this many multiply-adds one core does the whole product. With `WorkerPool`'s
    /// threads spinning between the products of a training step, 64×64×64 (2¹⁸) ran as
    /// fast on one thread as on two and 128×64×64 (2¹⁹) 1.4× faster on two; the output
    /// layer's products of 784-512-512-10 training (128·10·512 ≈ 2¹⁹·³) 1.5–3× faster on two.
    static let parallelProblemVolume = 1 << 19
    /// Least multiply-adds per (column block, depth block) for the workers to share
    /// packed B blocks (two dispatches per block, see `GEMM+Parallel.swift`);
    /// smaller products give each worker its own slab of C instead.
    static let sharingBlockVolume = 1 << 26
    /// Column slabs per worker in the slab-parallel product (`GEMM+Parallel.swift`).
    static let slabsPerWorker = 4
    /// Most elements of A (m·k) that column slabs, each reading all of A in place, re-read
    /// from L2 (512 KiB, half of a 1 MiB L2). A larger A with a small op(B) (at most
    /// `wholeBLimit` elements, e.g. W·Xᵀ for a 512×784 W and a batch of 128) is split
    /// into row items against one packed copy of the whole op(B) instead.
    static let rereadableA = 1 << 17
    /// Most elements of packed op(B) (k × n rounded up to whole column panels) for the
    /// row-item scheme (512 KiB).
    static let wholeBLimit = 1 << 17
    /// Deepest block in which a transposed A is read in place rather than packed: that many
    /// steps are that many cache lines, which two L1 sets hold (`GEMM.BlockOfA`).
    static let transposedInPlaceDepth = 16

    /// `C = op(A)·op(B)`, or `C += op(A)·op(B)` when `accumulate`.
    ///
    /// Pointers may be nil only when the matching extent is zero. When `k == 0`,
    /// C is zeroed (or left as is with `accumulate`). C must not overlap A or B.
    ///
    /// - Complexity: O(m·n·k) time; O(kc·nc + mr·kc) scratch per worker thread
    ///   (O(kc·nc + mc·kc) in the shared-B scheme, which packs A; in the whole-B scheme one
    ///   shared packed op(B) of at most `wholeBLimit` floats and O(mr·kc) per worker).
    public static func multiply(m: Int, n: Int, k: Int,
                                a: UnsafePointer<Float>?, lda: Int, transposeA: Bool,
                                b: UnsafePointer<Float>?, ldb: Int, transposeB: Bool,
                                c: UnsafeMutablePointer<Float>?, ldc: Int, accumulate: Bool,
                                epilogue: Epilogue? = nil) {
        multiply(m: m, n: n, k: k, a: a, lda: lda, transposeA: transposeA, b: b, ldb: ldb, transposeB: transposeB,
                 c: c, ldc: ldc, accumulate: accumulate, tile: .native, epilogue: epilogue)
    }

    /// `multiply` with a given register tile (the tests run both).
    static func multiply(m: Int, n: Int, k: Int,
                         a: UnsafePointer<Float>?, lda: Int, transposeA: Bool,
                         b: UnsafePointer<Float>?, ldb: Int, transposeB: Bool,
                         c: UnsafeMutablePointer<Float>?, ldc: Int, accumulate: Bool, tile: MicroTile,
                         epilogue: Epilogue? = nil) {
        guard m > 0, n > 0, let c else { return }
        guard k > 0, let a, let b else {
            if !accumulate {
                for i in 0 ..< m { (c + i * ldc).update(repeating: 0, count: n) }
            }
            epilogue?(0 ..< m, 0 ..< n)
            return
        }
        let opA = Operand(base: a, ld: lda, transposed: transposeA)
        let opB = Operand(base: b, ld: ldb, transposed: transposeB)
        let volume = m * n * k
        if volume <= smallProblemVolume {
            multiplySmall(m: m, n: n, k: k, a: opA, b: opB, c: c, ldc: ldc, accumulate: accumulate)
            epilogue?(0 ..< m, 0 ..< n)
            return
        }
        if n < tile.columns && paddedVolume(rows: n, columns: m, tile: tile) < paddedVolume(rows: m, columns: n, tile: tile) {
            multiplyTransposingNarrowC(m: m, n: n, k: k, a: opA, b: opB, c: c, ldc: ldc, accumulate: accumulate, tile: tile)
            epilogue?(0 ..< m, 0 ..< n)
            return
        }
        multiplyPackedByShape(m: m, n: n, k: k, a: opA, b: opB, c: c, ldc: ldc, accumulate: accumulate, tile: tile,
                              epilogue: epilogue)
    }

    /// The packed product, on one core or several depending on its size.
    static func multiplyPackedByShape(m: Int, n: Int, k: Int, a: Operand, b: Operand,
                                      c: UnsafeMutablePointer<Float>, ldc: Int, accumulate: Bool, tile: MicroTile,
                                      epilogue: Epilogue? = nil) {
        let (opA, opB, volume) = (a, b, m * n * k)
        let rowPanels = (m + tile.rows - 1) / tile.rows
        let columnPanels = (n + tile.columns - 1) / tile.columns
        let workers = volume < parallelProblemVolume ? 1 : Parallel.workerCount
        if workers == 1 || max(rowPanels, columnPanels) < 2 {
            multiplyBlocked(m: m, n: n, k: k, a: opA, b: opB, c: c, ldc: ldc, accumulate: accumulate, tile: tile)
            epilogue?(0 ..< m, 0 ..< n)
        } else if rowPanels >= 2 * workers && m * min(n, columnBlock) * min(k, depthBlock) >= sharingBlockVolume {
            multiplySharingPackedB(m: m, n: n, k: k, a: opA, b: opB, c: c, ldc: ldc,
                                   accumulate: accumulate, workers: workers, tile: tile)
            // Rows are final only after the last block; hand them out afterwards.
            if let epilogue { Parallel.forEachChunk(count: m) { rows in epilogue(rows, 0 ..< n) } }
        } else if rowPanels >= 2 * workers && m * k > rereadableA && k * columnPanels * tile.columns <= wholeBLimit {
            multiplyPackingWholeB(m: m, n: n, k: k, a: opA, b: opB, c: c, ldc: ldc, accumulate: accumulate, tile: tile,
                                  epilogue: epilogue)
        } else {
            multiplySplittingSlabs(m: m, n: n, k: k, a: opA, b: opB, c: c, ldc: ldc, accumulate: accumulate, tile: tile,
                                   epilogue: epilogue)
        }
    }

    /// The number of C elements the micro-kernel computes for an m×n C, padding
    /// included.
    static func paddedVolume(rows m: Int, columns n: Int, tile: MicroTile) -> Int {
        let (mr, nr) = (tile.rows, tile.columns)
        return (m + mr - 1) / mr * mr * ((n + nr - 1) / nr * nr)
    }

    /// A narrow C (fewer columns than the tile, e.g. 10 class scores) would waste
    /// most of each register tile. So compute `Cᵀ = op(B)ᵀ·op(A)ᵀ` (n×m: its long side
    /// fills the vectors) into scratch — transposing an operand is just flipping
    /// its flag — and write its transpose into C.
    static func multiplyTransposingNarrowC(m: Int, n: Int, k: Int, a: Operand, b: Operand,
                                           c: UnsafeMutablePointer<Float>, ldc: Int, accumulate: Bool,
                                           tile: MicroTile) {
        let product = UnsafeMutablePointer<Float>.allocate(capacity: n * m)
        defer { product.deallocate() }
        multiplyPackedByShape(m: n, n: m, k: k,
                              a: Operand(base: b.base, ld: b.ld, transposed: !b.transposed),
                              b: Operand(base: a.base, ld: a.ld, transposed: !a.transposed),
                              c: product, ldc: m, accumulate: false, tile: tile)
        for i in 0 ..< m {
            let row = c + i * ldc
            if accumulate {
                for j in 0 ..< n { row[j] += product[j * m + i] }
            } else {
                for j in 0 ..< n { row[j] = product[j * m + i] }
            }
        }
    }

    /// `count` split into `⌈count/limit⌉` nearly equal blocks, each rounded up to
    /// a multiple of `multiple`: returns the block size.
    static func balancedBlock(_ count: Int, limit: Int, multiple: Int) -> Int {
        let blocks = (count + limit - 1) / limit
        let size = (count + blocks - 1) / blocks
        return (size + multiple - 1) / multiple * multiple
    }

    /// The packed, cache-blocked product on one thread.
    static func multiplyBlocked(m: Int, n: Int, k: Int, a: Operand, b: Operand,
                                c: UnsafeMutablePointer<Float>, ldc: Int, accumulate: Bool, tile: MicroTile) {
        let (mr, nr) = (tile.rows, tile.columns)
        let kc = balancedBlock(k, limit: depthBlock, multiple: 1)
        let nc = balancedBlock(n, limit: columnBlock, multiple: nr)
        let packedB = UnsafeMutablePointer<Float>.allocate(capacity: kc * nc)
        let edgeOfA = UnsafeMutablePointer<Float>.allocate(capacity: mr * kc)
        defer { packedB.deallocate(); edgeOfA.deallocate() }

        var jc = 0
        while jc < n {
            let nb = min(nc, n - jc)
            var pc = 0
            while pc < k {
                let kb = min(kc, k - pc)
                let overwrite = !accumulate && pc == 0
                packB(b.offset(row: pc, column: jc), depth: kb, columns: nb, tile: tile, into: packedB)
                // A is read in place, so all its rows go in one pass (no mc row blocks to pack).
                let blockOfA = BlockOfA.inPlace(a.offset(row: 0, column: pc), edgeScratch: edgeOfA)
                multiplyPacked(rows: m, columns: nb, depth: kb, a: blockOfA, packedB: packedB,
                               c: c + jc, ldc: ldc, overwrite: overwrite, tile: tile)
                pc += kc
            }
            jc += nc
        }
    }

    /// `C[0..<rows, 0..<columns] (=|+=) A · packedB` for blocks of `depth`: every
    /// mr-row micro-panel of A (packed or in place) against every nr-column one of B.
    @inline(__always)
    static func multiplyPacked(rows: Int, columns: Int, depth: Int,
                               a: BlockOfA, packedB: UnsafePointer<Float>,
                               c: UnsafeMutablePointer<Float>, ldc: Int, overwrite: Bool, tile: MicroTile) {
        if tile == .wide {
            forEachTile(rows: rows, columns: columns, depth: depth, a: a, packedB: packedB,
                        c: c, ldc: ldc, tile: .wide) { a, b, c, tileRows, tileColumns in
                microKernel12x32(depth: depth, a: a, b: b, c: c, ldc: ldc,
                                 rows: tileRows, columns: tileColumns, overwrite: overwrite)
            }
        } else {
            forEachTile(rows: rows, columns: columns, depth: depth, a: a, packedB: packedB,
                        c: c, ldc: ldc, tile: .narrow) { a, b, c, tileRows, tileColumns in
                microKernel6x16(depth: depth, a: a, b: b, c: c, ldc: ldc,
                                rows: tileRows, columns: tileColumns, overwrite: overwrite)
            }
        }
    }

    /// Calls `kernel(panelA, panelB, tileOfC, validRows, validColumns)` for every
    /// tile of a block, B's micro-panels innermost (the A panel stays in L1).
    @inline(__always)
    static func forEachTile(rows: Int, columns: Int, depth: Int,
                            a: BlockOfA, packedB: UnsafePointer<Float>,
                            c: UnsafeMutablePointer<Float>, ldc: Int, tile: MicroTile,
                            _ kernel: (PanelOfA, UnsafePointer<Float>, UnsafeMutablePointer<Float>, Int, Int) -> Void) {
        let (mr, nr) = (tile.rows, tile.columns)
        var ir = 0
        while ir < rows {
            let tileRows = min(mr, rows - ir)
            let panelA = a.panel(row: ir, validRows: tileRows, depth: depth, tile: tile)
            let rowOfC = c + ir * ldc
            var jr = 0
            while jr < columns {
                kernel(panelA, packedB + jr * depth, rowOfC + jr, tileRows, min(nr, columns - jr))
                jr += nr
            }
            ir += mr
        }
    }
}
