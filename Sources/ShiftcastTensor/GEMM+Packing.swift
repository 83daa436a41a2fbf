/// Packing: copying a block of `op(A)` or `op(B)` into the contiguous,
/// zero-padded micro-panel order the micro-kernel reads.
///
/// The transposes are honoured here, while copying, so no transposed copy of
/// an operand is ever made. Zero padding lets the micro-kernel always run its
/// full tile loop (12×32 or 6×16); edge tiles only differ in what they write back to C.
extension GEMM {
    /// One operand as stored: `op(X)(row, column)` is `base[row·ld + column]`,
    /// or `base[column·ld + row]` when `transposed`.
    @usableFromInline struct Operand: @unchecked Sendable {
        let base: UnsafePointer<Float>
        let ld: Int
        let transposed: Bool

        /// The operand starting at `op(X)(row, column)`.
        func offset(row: Int, column: Int) -> Operand {
            Operand(base: base + (transposed ? column * ld + row : row * ld + column), ld: ld, transposed: transposed)
        }
    }

    /// Where the micro-kernel reads one micro-panel of A (mr rows × depth steps):
    /// element (i, p) at `base + i·rowStride + p·stepStride`.
    struct PanelOfA {
        let base: UnsafePointer<Float>
        let rowStride: Int
        let stepStride: Int
    }

    /// A block of `op(A)` (rows × depth) as the micro-kernels read it: packed micro-panels,
    /// or the operand in place.
    ///
    /// Reading A in place skips packing it: the micro-kernel broadcasts single elements of
    /// A, which costs the same from twelve strided rows in L1 as from a packed panel. So a
    /// product split into column slabs no longer packs all of A once per slab, and the
    /// slabs can be small enough to balance the cores. Only a last, partial micro-panel is
    /// packed (zero-padded into `edgeScratch`), because the rows beyond it do not exist —
    /// and every micro-panel of a transposed op(A) (e.g. Wᵀ in the input gradient Wᵀ·∂Zᵀ):
    /// its rows are columns of the stored matrix, so read in place each step of the
    /// micro-kernel would load a new cache line for 6 or 12 floats, and with a power-of-two
    /// `ld` (512 floats = 2 KiB) a panel's lines all fall into two sets of the 8-way L1 and
    /// evict each other. Packed, the panel is mr·depth contiguous floats (Docs/Performance.md).
    /// A panel of at most `transposedInPlaceDepth` (16) steps stays in place: the output
    /// layer's Wᵀ (depth = classes) is re-packed by every column slab, and packing cost more
    /// than it saved (512×128×10 Aᵀ: 38 → 17 GFLOPS).
    struct BlockOfA {
        let base: UnsafePointer<Float>
        let rowStride: Int
        let stepStride: Int
        /// Distance from row 0 to the start of the panel at row `ir` (a multiple of mr), per row.
        let panelRowStride: Int
        /// In place only: the operand, and room for one packed mr × depth panel.
        let operand: Operand?
        let edgeScratch: UnsafeMutablePointer<Float>?

        /// Packed micro-panels of `depth` steps (`packA`).
        static func packed(_ panels: UnsafePointer<Float>, depth: Int, tile: MicroTile) -> BlockOfA {
            BlockOfA(base: panels, rowStride: 1, stepStride: tile.rows, panelRowStride: depth, operand: nil, edgeScratch: nil)
        }

        /// `op(A)` read where it is stored (a transposed one deeper than `transposedInPlaceDepth`
        /// packed panel by panel, see above);
        /// `edgeScratch` holds at least mr × depth floats.
        static func inPlace(_ a: Operand, edgeScratch: UnsafeMutablePointer<Float>) -> BlockOfA {
            a.transposed
                ? BlockOfA(base: a.base, rowStride: 1, stepStride: a.ld, panelRowStride: 1, operand: a, edgeScratch: edgeScratch)
                : BlockOfA(base: a.base, rowStride: a.ld, stepStride: 1, panelRowStride: a.ld, operand: a, edgeScratch: edgeScratch)
        }

        /// The micro-panel of rows `ir ..< ir + validRows` (`ir` a multiple of mr).
        @inline(__always)
        func panel(row ir: Int, validRows: Int, depth: Int, tile: MicroTile) -> PanelOfA {
            if let operand, let edgeScratch, validRows < tile.rows || operand.transposed && depth > transposedInPlaceDepth {
                packA(operand.offset(row: ir, column: 0), rows: validRows, depth: depth, tile: tile, into: edgeScratch)
                return PanelOfA(base: edgeScratch, rowStride: 1, stepStride: tile.rows)
            }
            return PanelOfA(base: base + ir * panelRowStride, rowStride: rowStride, stepStride: stepStride)
        }
    }

    /// Packs `op(A)[0..<rows, 0..<depth]` into `⌈rows/mr⌉` micro-panels, each
    /// `depth × mr` (step `p` holds the mr rows' values at column `p`; mr =
    /// `tile.rows`), zero-padding missing rows.
    ///
    /// - Complexity: O(⌈rows/mr⌉·mr·depth).
    static func packA(_ a: Operand, rows: Int, depth: Int, tile: MicroTile, into out: UnsafeMutablePointer<Float>) {
        let mr = tile.rows
        var dst = out
        var r0 = 0
        while r0 < rows {
            let valid = min(mr, rows - r0)
            if a.transposed {
                // op(A)(r, p) = base[p·ld + r]: each step is a contiguous run of rows.
                var src = a.base + r0
                if valid == mr {
                    for _ in 0 ..< depth {
                        copyStep(from: src, to: dst, count: mr)
                        src += a.ld
                        dst += mr
                    }
                } else {
                    for _ in 0 ..< depth {
                        for r in 0 ..< valid { dst[r] = src[r] }
                        for r in valid ..< mr { dst[r] = 0 }
                        src += a.ld
                        dst += mr
                    }
                }
            } else {
                // op(A)(r, p) = base[r·ld + p]: blocks of mr rows × 16 (or 8) steps
                // transposed in registers, then the remaining steps element by element.
                var p0 = 0
                if mr > 8 {
                    while p0 + 16 <= depth {
                        transposed16x16(a.base + r0 * a.ld + p0, ld: a.ld, rows: valid) { q, column in
                            let d = UnsafeMutableRawPointer(dst + (p0 + q) * mr)
                            d.storeBytes(of: column.lowHalf, as: SIMD8<Float>.self)
                            d.storeBytes(of: column.highHalf.lowHalf, toByteOffset: 32, as: SIMD4<Float>.self)
                        }
                        p0 += 16
                    }
                } else {
                    while p0 + 8 <= depth {
                        transposed8x8(a.base + r0 * a.ld + p0, ld: a.ld, rows: valid) { q, column in
                            let d = UnsafeMutableRawPointer(dst + (p0 + q) * mr)
                            d.storeBytes(of: column.lowHalf, as: SIMD4<Float>.self)
                            d.storeBytes(of: column.highHalf.lowHalf, toByteOffset: 16, as: SIMD2<Float>.self)
                        }
                        p0 += 8
                    }
                }
                for r in 0 ..< mr {
                    if r < valid {
                        let src = a.base + (r0 + r) * a.ld
                        for p in p0 ..< depth { dst[p * mr + r] = src[p] }
                    } else {
                        for p in p0 ..< depth { dst[p * mr + r] = 0 }
                    }
                }
                dst += depth * mr
            }
            r0 += mr
        }
    }

    /// Copies one step of `count` (12, 6 or any other) contiguous floats.
    @inline(__always)
    private static func copyStep(from src: UnsafePointer<Float>, to dst: UnsafeMutablePointer<Float>, count: Int) {
        let s = UnsafeRawPointer(src), d = UnsafeMutableRawPointer(dst)
        switch count {
        case 12:
            d.storeBytes(of: s.loadUnaligned(as: SIMD8<Float>.self), as: SIMD8<Float>.self)
            d.storeBytes(of: s.loadUnaligned(fromByteOffset: 32, as: SIMD4<Float>.self),
                         toByteOffset: 32, as: SIMD4<Float>.self)
        case 6:
            d.storeBytes(of: s.loadUnaligned(as: SIMD4<Float>.self), as: SIMD4<Float>.self)
            d.storeBytes(of: s.loadUnaligned(fromByteOffset: 16, as: SIMD2<Float>.self),
                         toByteOffset: 16, as: SIMD2<Float>.self)
        default:
            dst.update(from: src, count: count)
        }
    }

    /// Packs `op(B)[0..<depth, 0..<columns]` into `⌈columns/nr⌉` micro-panels,
    /// each `depth × nr` (step `p` holds row `p` of nr columns; nr =
    /// `tile.columns`, 32 or 16), zero-padding missing columns.
    ///
    /// - Complexity: O(depth·⌈columns/nr⌉·nr).
    static func packB(_ b: Operand, depth: Int, columns: Int, tile: MicroTile, into out: UnsafeMutablePointer<Float>) {
        let nr = tile.columns
        typealias V = SIMD16<Float>
        var dst = out
        var j0 = 0
        while j0 < columns {
            let valid = min(nr, columns - j0)
            if !b.transposed {
                // op(B)(p, j) = base[p·ld + j]: each step is a contiguous run of columns.
                var src = b.base + j0
                if valid == nr {
                    for _ in 0 ..< depth {
                        let s = UnsafeRawPointer(src), d = UnsafeMutableRawPointer(dst)
                        var offset = 0
                        while offset < nr * 4 {
                            d.storeBytes(of: s.loadUnaligned(fromByteOffset: offset, as: V.self), toByteOffset: offset, as: V.self)
                            offset += 64
                        }
                        src += b.ld
                        dst += nr
                    }
                } else {
                    for _ in 0 ..< depth {
                        for j in 0 ..< valid { dst[j] = src[j] }
                        for j in valid ..< nr { dst[j] = 0 }
                        src += b.ld
                        dst += nr
                    }
                }
            } else {
                // op(B)(p, j) = base[j·ld + p]: square blocks are read along the stored
                // rows and written along the packed rows; the block stays in L1.
                packTransposedPanel(b.base + j0 * b.ld, ld: b.ld, depth: depth, valid: valid, columns: nr, into: dst)
                dst += depth * nr
            }
            j0 += nr
        }
    }

    /// One B micro-panel from transposed storage: `out[p·nr + j] = src[j·ld + p]`
    /// for `j < valid`, zero for `valid ≤ j < nr` (nr = `columns`, 32 or 16).
    private static func packTransposedPanel(_ src: UnsafePointer<Float>, ld: Int, depth: Int, valid: Int,
                                            columns nr: Int, into out: UnsafeMutablePointer<Float>) {
        var p0 = 0
        if valid == nr && nr == 32 {
            // Whole 16×16 blocks through registers (AVX-512: one zmm a row).
            while p0 + 16 <= depth {
                transposed16x16(src + p0, ld: ld, rows: 16) { q, column in
                    UnsafeMutableRawPointer(out + (p0 + q) * nr).storeBytes(of: column, as: SIMD16<Float>.self)
                }
                transposed16x16(src + 16 * ld + p0, ld: ld, rows: 16) { q, column in
                    UnsafeMutableRawPointer(out + (p0 + q) * nr + 16).storeBytes(of: column, as: SIMD16<Float>.self)
                }
                p0 += 16
            }
        } else if valid == nr && nr == 16 {
            // Whole 8×8 blocks through registers (AVX2: one ymm a row).
            while p0 + 8 <= depth {
                transposed8x8(src + p0, ld: ld, rows: 8) { q, column in
                    UnsafeMutableRawPointer(out + (p0 + q) * nr).storeBytes(of: column, as: SIMD8<Float>.self)
                }
                transposed8x8(src + 8 * ld + p0, ld: ld, rows: 8) { q, column in
                    UnsafeMutableRawPointer(out + (p0 + q) * nr + 8).storeBytes(of: column, as: SIMD8<Float>.self)
                }
                p0 += 8
            }
        }
        for j in 0 ..< nr {
            let d = out + j
            if j < valid {
                let s = src + j * ld
                for p in p0 ..< depth { d[p * nr] = s[p] }
            } else {
                for p in p0 ..< depth { d[p * nr] = 0 }
            }
        }
    }

    /// Transposes the block `src[r·ld + q]` (`r < rows ≤ 16`, `q < 16`; missing
    /// rows read as zero) in registers and hands column `q` to `body(q, column)`.
    ///
    /// Four perfect-shuffle rounds: row `2i` (`2i+1`) of a round interleaves the
    /// low (high) halves of rows `i` and `i+8` of the previous round; after
    /// log₂16 = 4 rounds the rows are the columns. Each interleave is one
    /// `vpermt2ps` with AVX-512.
    @inline(__always)
    static func transposed16x16(_ src: UnsafePointer<Float>, ld: Int, rows: Int,
                                _ body: (Int, SIMD16<Float>) -> Void) {
        typealias V = SIMD16<Float>
        @inline(__always) func low(_ a: V, _ b: V) -> V {
            V(a[0], b[0], a[1], b[1], a[2], b[2], a[3], b[3], a[4], b[4], a[5], b[5], a[6], b[6], a[7], b[7])
        }
        @inline(__always) func high(_ a: V, _ b: V) -> V {
            V(a[8], b[8], a[9], b[9], a[10], b[10], a[11], b[11], a[12], b[12], a[13], b[13], a[14], b[14], a[15], b[15])
        }
        // Sixteen locals rather than an array, so that all rows stay in zmm registers.
        var r0 = 0 < rows ? UnsafeRawPointer(src + 0 * ld).loadUnaligned(as: V.self) : V()
        var r1 = 1 < rows ? UnsafeRawPointer(src + 1 * ld).loadUnaligned(as: V.self) : V()
        var r2 = 2 < rows ? UnsafeRawPointer(src + 2 * ld).loadUnaligned(as: V.self) : V()
        var r3 = 3 < rows ? UnsafeRawPointer(src + 3 * ld).loadUnaligned(as: V.self) : V()
        var r4 = 4 < rows ? UnsafeRawPointer(src + 4 * ld).loadUnaligned(as: V.self) : V()
        var r5 = 5 < rows ? UnsafeRawPointer(src + 5 * ld).loadUnaligned(as: V.self) : V()
        var r6 = 6 < rows ? UnsafeRawPointer(src + 6 * ld).loadUnaligned(as: V.self) : V()
        var r7 = 7 < rows ? UnsafeRawPointer(src + 7 * ld).loadUnaligned(as: V.self) : V()
        var r8 = 8 < rows ? UnsafeRawPointer(src + 8 * ld).loadUnaligned(as: V.self) : V()
        var r9 = 9 < rows ? UnsafeRawPointer(src + 9 * ld).loadUnaligned(as: V.self) : V()
        var r10 = 10 < rows ? UnsafeRawPointer(src + 10 * ld).loadUnaligned(as: V.self) : V()
        var r11 = 11 < rows ? UnsafeRawPointer(src + 11 * ld).loadUnaligned(as: V.self) : V()
        var r12 = 12 < rows ? UnsafeRawPointer(src + 12 * ld).loadUnaligned(as: V.self) : V()
        var r13 = 13 < rows ? UnsafeRawPointer(src + 13 * ld).loadUnaligned(as: V.self) : V()
        var r14 = 14 < rows ? UnsafeRawPointer(src + 14 * ld).loadUnaligned(as: V.self) : V()
        var r15 = 15 < rows ? UnsafeRawPointer(src + 15 * ld).loadUnaligned(as: V.self) : V()
        for _ in 0 ..< 4 {
            let n0 = low(r0, r8), n1 = high(r0, r8); let n2 = low(r1, r9), n3 = high(r1, r9)
            let n4 = low(r2, r10), n5 = high(r2, r10); let n6 = low(r3, r11), n7 = high(r3, r11)
            let n8 = low(r4, r12), n9 = high(r4, r12); let n10 = low(r5, r13), n11 = high(r5, r13)
            let n12 = low(r6, r14), n13 = high(r6, r14); let n14 = low(r7, r15), n15 = high(r7, r15)
            r0 = n0; r1 = n1; r2 = n2; r3 = n3; r4 = n4; r5 = n5; r6 = n6; r7 = n7
            r8 = n8; r9 = n9; r10 = n10; r11 = n11; r12 = n12; r13 = n13; r14 = n14; r15 = n15
        }
        body(0, r0); body(1, r1); body(2, r2); body(3, r3)
        body(4, r4); body(5, r5); body(6, r6); body(7, r7)
        body(8, r8); body(9, r9); body(10, r10); body(11, r11)
        body(12, r12); body(13, r13); body(14, r14); body(15, r15)
    }

    /// Transposes the block `src[r·ld + q]` (`r < rows ≤ 8`, `q < 8`; missing rows
    /// read as zero) in registers and hands column `q` to `body(q, column)`.
    ///
    /// The 8-wide form of `transposed16x16`: three perfect-shuffle rounds, row
    /// `2i` (`2i+1`) of a round interleaving the low (high) halves of rows `i`
    /// and `i+4` of the previous round.
    @inline(__always)
    static func transposed8x8(_ src: UnsafePointer<Float>, ld: Int, rows: Int,
                              _ body: (Int, SIMD8<Float>) -> Void) {
        typealias V = SIMD8<Float>
        @inline(__always) func low(_ a: V, _ b: V) -> V { V(a[0], b[0], a[1], b[1], a[2], b[2], a[3], b[3]) }
        @inline(__always) func high(_ a: V, _ b: V) -> V { V(a[4], b[4], a[5], b[5], a[6], b[6], a[7], b[7]) }
        var r0 = 0 < rows ? UnsafeRawPointer(src + 0 * ld).loadUnaligned(as: V.self) : V()
        var r1 = 1 < rows ? UnsafeRawPointer(src + 1 * ld).loadUnaligned(as: V.self) : V()
        var r2 = 2 < rows ? UnsafeRawPointer(src + 2 * ld).loadUnaligned(as: V.self) : V()
        var r3 = 3 < rows ? UnsafeRawPointer(src + 3 * ld).loadUnaligned(as: V.self) : V()
        var r4 = 4 < rows ? UnsafeRawPointer(src + 4 * ld).loadUnaligned(as: V.self) : V()
        var r5 = 5 < rows ? UnsafeRawPointer(src + 5 * ld).loadUnaligned(as: V.self) : V()
        var r6 = 6 < rows ? UnsafeRawPointer(src + 6 * ld).loadUnaligned(as: V.self) : V()
        var r7 = 7 < rows ? UnsafeRawPointer(src + 7 * ld).loadUnaligned(as: V.self) : V()
        for _ in 0 ..< 3 {
            let n0 = low(r0, r4), n1 = high(r0, r4), n2 = low(r1, r5), n3 = high(r1, r5)
            let n4 = low(r2, r6), n5 = high(r2, r6), n6 = low(r3, r7), n7 = high(r3, r7)
            r0 = n0; r1 = n1; r2 = n2; r3 = n3; r4 = n4; r5 = n5; r6 = n6; r7 = n7
        }
        body(0, r0); body(1, r1); body(2, r2); body(3, r3)
        body(4, r4); body(5, r5); body(6, r6); body(7, r7)
    }
}
