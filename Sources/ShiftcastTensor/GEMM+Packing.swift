/// Packing: copying a block of `op(A)` or `op(B)` into the contiguous,
/// zero-padded micro-panel order the micro-kernel reads.
///
/// The transposes are honoured here, while copying, so no transposed copy of
/// an operand is ever made. Zero padding lets the micro-kernel always run its
/// full 12×32 loop; edge tiles only differ in what they write back to C.
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

    /// Packs `op(A)[0..<rows, 0..<depth]` into `⌈rows/12⌉` micro-panels, each
    /// `depth × 12` (step `p` holds the 12 rows' values at column `p`), zero-padding
    /// missing rows.
    ///
    /// - Complexity: O(⌈rows/12⌉·12·depth).
    static func packA(_ a: Operand, rows: Int, depth: Int, into out: UnsafeMutablePointer<Float>) {
        let mr = microRows
        var dst = out
        var r0 = 0
        while r0 < rows {
            let valid = min(mr, rows - r0)
            if a.transposed {
                // op(A)(r, p) = base[p·ld + r]: each step is a contiguous run of rows.
                var src = a.base + r0
                for _ in 0 ..< depth {
                    for r in 0 ..< valid { dst[r] = src[r] }
                    for r in valid ..< mr { dst[r] = 0 }
                    src += a.ld
                    dst += mr
                }
            } else {
                // op(A)(r, p) = base[r·ld + p]: read each row contiguously, write strided.
                for r in 0 ..< mr {
                    if r < valid {
                        let src = a.base + (r0 + r) * a.ld
                        for p in 0 ..< depth { dst[p * mr + r] = src[p] }
                    } else {
                        for p in 0 ..< depth { dst[p * mr + r] = 0 }
                    }
                }
                dst += depth * mr
            }
            r0 += mr
        }
    }

    /// Packs `op(B)[0..<depth, 0..<columns]` into `⌈columns/32⌉` micro-panels,
    /// each `depth × 32` (step `p` holds row `p` of 32 columns), zero-padding
    /// missing columns.
    ///
    /// - Complexity: O(depth·⌈columns/32⌉·32).
    static func packB(_ b: Operand, depth: Int, columns: Int, into out: UnsafeMutablePointer<Float>) {
        let nr = microColumns
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
                        d.storeBytes(of: s.loadUnaligned(as: V.self), as: V.self)
                        d.storeBytes(of: s.loadUnaligned(fromByteOffset: 64, as: V.self), toByteOffset: 64, as: V.self)
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
                // op(B)(p, j) = base[j·ld + p]: 16×16 blocks are read along the stored
                // rows and written along the packed rows; the block stays in L1.
                packTransposedPanel(b.base + j0 * b.ld, ld: b.ld, depth: depth, valid: valid, into: dst)
                dst += depth * nr
            }
            j0 += nr
        }
    }

    /// One B micro-panel from transposed storage: `out[p·32 + j] = src[j·ld + p]`
    /// for `j < valid`, zero for `valid ≤ j < 32`.
    private static func packTransposedPanel(_ src: UnsafePointer<Float>, ld: Int, depth: Int, valid: Int,
                                            into out: UnsafeMutablePointer<Float>) {
        let nr = microColumns
        var p0 = 0
        if valid == nr {
            // Whole 16×16 blocks through registers.
            while p0 + 16 <= depth {
                transpose16x16(src + p0, ld: ld, into: out + p0 * nr, ldOut: nr)
                transpose16x16(src + 16 * ld + p0, ld: ld, into: out + p0 * nr + 16, ldOut: nr)
                p0 += 16
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

    /// `out[q·ldOut + r] = src[r·ld + q]` for a 16×16 block, in registers.
    ///
    /// Four perfect-shuffle rounds: row `2i` (`2i+1`) of a round interleaves the
    /// low (high) halves of rows `i` and `i+8` of the previous round; after
    /// log₂16 = 4 rounds the rows are the columns. Each interleave is one
    /// `vpermt2ps` with AVX-512.
    @inline(__always)
    static func transpose16x16(_ src: UnsafePointer<Float>, ld: Int,
                               into out: UnsafeMutablePointer<Float>, ldOut: Int) {
        typealias V = SIMD16<Float>
        @inline(__always) func low(_ a: V, _ b: V) -> V {
            V(a[0], b[0], a[1], b[1], a[2], b[2], a[3], b[3], a[4], b[4], a[5], b[5], a[6], b[6], a[7], b[7])
        }
        @inline(__always) func high(_ a: V, _ b: V) -> V {
            V(a[8], b[8], a[9], b[9], a[10], b[10], a[11], b[11], a[12], b[12], a[13], b[13], a[14], b[14], a[15], b[15])
        }
        withUnsafeTemporaryAllocation(of: V.self, capacity: 32) { buffer in
            var from = buffer.baseAddress!, to = from + 16
            for r in 0 ..< 16 { from[r] = UnsafeRawPointer(src + r * ld).loadUnaligned(as: V.self) }
            for _ in 0 ..< 4 {
                for i in 0 ..< 8 {
                    to[2 * i] = low(from[i], from[i + 8])
                    to[2 * i + 1] = high(from[i], from[i + 8])
                }
                swap(&from, &to)
            }
            for q in 0 ..< 16 { UnsafeMutableRawPointer(out + q * ldOut).storeBytes(of: from[q], as: V.self) }
        }
    }
}
