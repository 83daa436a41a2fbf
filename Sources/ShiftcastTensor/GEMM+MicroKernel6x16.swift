/// The register-blocked micro-kernel for 16 vector registers of 8 floats
/// (AVX2): one 6×16 tile of C from packed micro-panels of A and B.
///
/// `tile += Σ_p a[p] ⊗ b[p]`: six broadcast values of A times two 8-wide
/// vectors of B, into 12 `SIMD8<Float>` accumulators — 12 ymm accumulators +
/// 2 B vectors + 1 broadcast = 15 of the 16 ymm registers, every `addProduct`
/// one `vfmadd231ps`. (The 6×16 shape is BLIS's Haswell SGEMM kernel, 16×6,
/// with rows and columns swapped for row-major C; Van Zee & van de Geijn,
/// "BLIS", ACM TOMS 41(3), 2015.)
extension GEMM {
    /// Computes one tile: `C[0..<rows, 0..<columns] (=|+=) Apanel · Bpanel`.
    ///
    /// - Parameters:
    ///   - depth: the shared dimension of the packed panels (kc).
    ///   - a: A's 6 rows × `depth` steps: element (i, p) at `a.base + i·a.rowStride + p·a.stepStride`
    ///     (a packed panel, or A read in place; `PanelOfA`).
    ///   - b: packed B micro-panel, `depth × 16`, step `p` at `b + 16·p` (zero-padded columns).
    ///   - c: top-left element of the tile in C, row stride `ldc`.
    ///   - rows, columns: the valid part of the tile (≤ 6, ≤ 16); the rest is not written.
    ///   - overwrite: store the product instead of adding it to C.
    @inline(__always)
    static func microKernel6x16(depth: Int, a: PanelOfA, b: UnsafePointer<Float>,
                                c: UnsafeMutablePointer<Float>, ldc: Int,
                                rows: Int, columns: Int, overwrite: Bool) {
        typealias V = SIMD8<Float>
        var t = Accumulators6x16()
        var pb = UnsafeRawPointer(b)
        // Two loops over A's layouts, as in `microKernel12x32` (which says why), each taking
        // two steps per iteration: the loop's own instructions (counter, pointers, branch) then
        // cost 4 per 24 FMAs instead of 3–4 per 12 (on Zen 3 the training products were mostly
        // faster, training not slower: Docs/Performance.md). Each accumulator still gets its
        // products in step order, so the result is bit-identical.
        if a.rowStride == 1 {
            var pa = a.base
            let ss = a.stepStride
            var left = depth
            while left >= 2 {
                t.add(pa, stride: 1, pb)
                t.add(pa + ss, stride: 1, pb + 64)
                pa += 2 * ss
                pb += 128
                left -= 2
            }
            if left == 1 { t.add(pa, stride: 1, pb) }
        } else {
            precondition(a.stepStride == 1, "microKernel: A must have unit row or unit step stride")
            let rs = a.rowStride
            var pa = a.base
            var left = depth
            while left >= 2 {
                t.add(pa, stride: rs, pb)
                t.add(pa + 1, stride: rs, pb + 64)
                pa += 2
                pb += 128
                left -= 2
            }
            if left == 1 { t.add(pa, stride: rs, pb) }
        }
        let (c00, c01, c10, c11, c20, c21) = (t.c00, t.c01, t.c10, t.c11, t.c20, t.c21)
        let (c30, c31, c40, c41, c50, c51) = (t.c30, t.c31, t.c40, t.c41, t.c50, t.c51)
        if rows == 6 && columns == 16 {
            @inline(__always) func put(_ v0: V, _ v1: V, _ row: Int) {
                let p = UnsafeMutableRawPointer(c + row * ldc)
                if overwrite {
                    p.storeBytes(of: v0, as: V.self)
                    p.storeBytes(of: v1, toByteOffset: 32, as: V.self)
                } else {
                    p.storeBytes(of: p.loadUnaligned(as: V.self) + v0, as: V.self)
                    p.storeBytes(of: p.loadUnaligned(fromByteOffset: 32, as: V.self) + v1, toByteOffset: 32, as: V.self)
                }
            }
            put(c00, c01, 0); put(c10, c11, 1); put(c20, c21, 2)
            put(c30, c31, 3); put(c40, c41, 4); put(c50, c51, 5)
            return
        }
        // Edge tile: spill the accumulators, then write only the valid part.
        withUnsafeTemporaryAllocation(of: V.self, capacity: 12) { tile in
            let raw = UnsafeMutableRawPointer(tile.baseAddress!)
            raw.storeBytes(of: c00, toByteOffset: 0, as: V.self); raw.storeBytes(of: c01, toByteOffset: 32, as: V.self)
            raw.storeBytes(of: c10, toByteOffset: 64, as: V.self); raw.storeBytes(of: c11, toByteOffset: 96, as: V.self)
            raw.storeBytes(of: c20, toByteOffset: 128, as: V.self); raw.storeBytes(of: c21, toByteOffset: 160, as: V.self)
            raw.storeBytes(of: c30, toByteOffset: 192, as: V.self); raw.storeBytes(of: c31, toByteOffset: 224, as: V.self)
            raw.storeBytes(of: c40, toByteOffset: 256, as: V.self); raw.storeBytes(of: c41, toByteOffset: 288, as: V.self)
            raw.storeBytes(of: c50, toByteOffset: 320, as: V.self); raw.storeBytes(of: c51, toByteOffset: 352, as: V.self)
            writeEdgeTile(UnsafeRawPointer(raw).assumingMemoryBound(to: Float.self), tileColumns: 16,
                          rows: rows, columns: columns, c: c, ldc: ldc, overwrite: overwrite)
        }
    }
}

/// The 12 accumulators of the 6×16 tile. A struct whose methods are always inlined stays in
/// registers (checked in the assembly); a closure capturing the accumulators would box them.
struct Accumulators6x16 {
    typealias V = SIMD8<Float>
    var c00 = V(), c01 = V(), c10 = V(), c11 = V(), c20 = V(), c21 = V()
    var c30 = V(), c31 = V(), c40 = V(), c41 = V(), c50 = V(), c51 = V()

    /// One step: `tile += a ⊗ b` for A's six values at `a[i·stride]` and B's 16 at `b`.
    @inline(__always)
    mutating func add(_ a: UnsafePointer<Float>, stride: Int, _ b: UnsafeRawPointer) {
        let b0 = b.loadUnaligned(as: V.self)
        let b1 = b.loadUnaligned(fromByteOffset: 32, as: V.self)
        var x = V(repeating: a[0]); c00.addProduct(x, b0); c01.addProduct(x, b1)
        x = V(repeating: a[stride]); c10.addProduct(x, b0); c11.addProduct(x, b1)
        x = V(repeating: a[2 * stride]); c20.addProduct(x, b0); c21.addProduct(x, b1)
        x = V(repeating: a[3 * stride]); c30.addProduct(x, b0); c31.addProduct(x, b1)
        x = V(repeating: a[4 * stride]); c40.addProduct(x, b0); c41.addProduct(x, b1)
        x = V(repeating: a[5 * stride]); c50.addProduct(x, b0); c51.addProduct(x, b1)
    }
}
