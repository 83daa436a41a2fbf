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
        var c00 = V(), c01 = V(), c10 = V(), c11 = V(), c20 = V(), c21 = V()
        var c30 = V(), c31 = V(), c40 = V(), c41 = V(), c50 = V(), c51 = V()
        var pb = UnsafeRawPointer(b)
        // Two loops over A's layouts, as in `microKernel12x32` (which says why).
        if a.rowStride == 1 {
            var pa = a.base
            let ss = a.stepStride
            for _ in 0 ..< depth {
                let b0 = pb.loadUnaligned(as: V.self)
                let b1 = pb.loadUnaligned(fromByteOffset: 32, as: V.self)
                var x = V(repeating: pa[0]); c00.addProduct(x, b0); c01.addProduct(x, b1)
                x = V(repeating: pa[1]); c10.addProduct(x, b0); c11.addProduct(x, b1)
                x = V(repeating: pa[2]); c20.addProduct(x, b0); c21.addProduct(x, b1)
                x = V(repeating: pa[3]); c30.addProduct(x, b0); c31.addProduct(x, b1)
                x = V(repeating: pa[4]); c40.addProduct(x, b0); c41.addProduct(x, b1)
                x = V(repeating: pa[5]); c50.addProduct(x, b0); c51.addProduct(x, b1)
                pa += ss
                pb += 64
            }
        } else {
            precondition(a.stepStride == 1, "microKernel: A must have unit row or unit step stride")
            let r0 = a.base
            let r1 = r0 + a.rowStride, r2 = r0 + 2 * a.rowStride, r3 = r0 + 3 * a.rowStride
            let r4 = r0 + 4 * a.rowStride, r5 = r0 + 5 * a.rowStride
            for p in 0 ..< depth {
                let b0 = pb.loadUnaligned(as: V.self)
                let b1 = pb.loadUnaligned(fromByteOffset: 32, as: V.self)
                var x = V(repeating: r0[p]); c00.addProduct(x, b0); c01.addProduct(x, b1)
                x = V(repeating: r1[p]); c10.addProduct(x, b0); c11.addProduct(x, b1)
                x = V(repeating: r2[p]); c20.addProduct(x, b0); c21.addProduct(x, b1)
                x = V(repeating: r3[p]); c30.addProduct(x, b0); c31.addProduct(x, b1)
                x = V(repeating: r4[p]); c40.addProduct(x, b0); c41.addProduct(x, b1)
                x = V(repeating: r5[p]); c50.addProduct(x, b0); c51.addProduct(x, b1)
                pb += 64
            }
        }
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
