/// The register-blocked micro-kernel for 32 vector registers of 16 floats
/// (AVX-512): one 12×32 tile of C from packed micro-panels of A and B.
///
/// `tile += Σ_p a[p] ⊗ b[p]`, a rank-1 update per step `p`: twelve broadcast
/// values of A times two 16-wide vectors of B, into 24 `SIMD16<Float>`
/// accumulators. With AVX-512 that is 24 zmm accumulators + 2 B vectors + 1
/// broadcast, 27 of the 32 vector registers, and every `addProduct` is one
/// `vfmadd231ps`. (Goto & van de Geijn, "Anatomy of High-Performance Matrix
/// Multiplication", ACM TOMS 34(3), 2008; the 12×32 shape mirrors BLIS's
/// Skylake-X SGEMM kernel, with rows and columns swapped for row-major C.)
extension GEMM {
    /// Computes one tile: `C[0..<rows, 0..<columns] (=|+=) Apanel · Bpanel`.
    ///
    /// - Parameters:
    ///   - depth: the shared dimension of the packed panels (kc).
    ///   - a: A's 12 rows × `depth` steps: element (i, p) at `a.base + i·a.rowStride + p·a.stepStride`
    ///     (a packed panel, or A read in place; `PanelOfA`).
    ///   - b: packed B micro-panel, `depth × 32`, step `p` at `b + 32·p` (zero-padded columns).
    ///   - c: top-left element of the tile in C, row stride `ldc`.
    ///   - rows, columns: the valid part of the tile (≤ 12, ≤ 32); the rest is not written.
    ///   - overwrite: store the product instead of adding it to C.
    @inline(__always)
    static func microKernel12x32(depth: Int, a: PanelOfA, b: UnsafePointer<Float>,
                                 c: UnsafeMutablePointer<Float>, ldc: Int,
                                 rows: Int, columns: Int, overwrite: Bool) {
        typealias V = SIMD16<Float>
        var c00 = V(), c01 = V(), c10 = V(), c11 = V(), c20 = V(), c21 = V()
        var c30 = V(), c31 = V(), c40 = V(), c41 = V(), c50 = V(), c51 = V()
        var c60 = V(), c61 = V(), c70 = V(), c71 = V(), c80 = V(), c81 = V()
        var c90 = V(), c91 = V(), cA0 = V(), cA1 = V(), cB0 = V(), cB1 = V()
        var pb = UnsafeRawPointer(b)
        // The same rank-1 update in two loops, so that each addresses A with no extra
        // arithmetic per step: adjacent rows at constant offsets, `stepStride` apart (a packed
        // panel, or a transposed A of at most `transposedInPlaceDepth` steps read in place —
        // `GEMM.BlockOfA` packs deeper ones), or 12 row pointers sharing one step index (a
        // row-major A read in place). A nested helper function would have
        // made Swift box the accumulators it captures.
        if a.rowStride == 1 {
            var pa = a.base
            let ss = a.stepStride
            for _ in 0 ..< depth {
                let b0 = pb.loadUnaligned(as: V.self)
                let b1 = pb.loadUnaligned(fromByteOffset: 64, as: V.self)
                var x = V(repeating: pa[0]); c00.addProduct(x, b0); c01.addProduct(x, b1)
                x = V(repeating: pa[1]); c10.addProduct(x, b0); c11.addProduct(x, b1)
                x = V(repeating: pa[2]); c20.addProduct(x, b0); c21.addProduct(x, b1)
                x = V(repeating: pa[3]); c30.addProduct(x, b0); c31.addProduct(x, b1)
                x = V(repeating: pa[4]); c40.addProduct(x, b0); c41.addProduct(x, b1)
                x = V(repeating: pa[5]); c50.addProduct(x, b0); c51.addProduct(x, b1)
                x = V(repeating: pa[6]); c60.addProduct(x, b0); c61.addProduct(x, b1)
                x = V(repeating: pa[7]); c70.addProduct(x, b0); c71.addProduct(x, b1)
                x = V(repeating: pa[8]); c80.addProduct(x, b0); c81.addProduct(x, b1)
                x = V(repeating: pa[9]); c90.addProduct(x, b0); c91.addProduct(x, b1)
                x = V(repeating: pa[10]); cA0.addProduct(x, b0); cA1.addProduct(x, b1)
                x = V(repeating: pa[11]); cB0.addProduct(x, b0); cB1.addProduct(x, b1)
                pa += ss
                pb += 128
            }
        } else {
            precondition(a.stepStride == 1, "microKernel: A must have unit row or unit step stride")
            let r0 = a.base
            let r1 = r0 + a.rowStride, r2 = r0 + 2 * a.rowStride, r3 = r0 + 3 * a.rowStride
            let r4 = r0 + 4 * a.rowStride, r5 = r0 + 5 * a.rowStride, r6 = r0 + 6 * a.rowStride
            let r7 = r0 + 7 * a.rowStride, r8 = r0 + 8 * a.rowStride, r9 = r0 + 9 * a.rowStride
            let r10 = r0 + 10 * a.rowStride, r11 = r0 + 11 * a.rowStride
            for p in 0 ..< depth {
                let b0 = pb.loadUnaligned(as: V.self)
                let b1 = pb.loadUnaligned(fromByteOffset: 64, as: V.self)
                var x = V(repeating: r0[p]); c00.addProduct(x, b0); c01.addProduct(x, b1)
                x = V(repeating: r1[p]); c10.addProduct(x, b0); c11.addProduct(x, b1)
                x = V(repeating: r2[p]); c20.addProduct(x, b0); c21.addProduct(x, b1)
                x = V(repeating: r3[p]); c30.addProduct(x, b0); c31.addProduct(x, b1)
                x = V(repeating: r4[p]); c40.addProduct(x, b0); c41.addProduct(x, b1)
                x = V(repeating: r5[p]); c50.addProduct(x, b0); c51.addProduct(x, b1)
                x = V(repeating: r6[p]); c60.addProduct(x, b0); c61.addProduct(x, b1)
                x = V(repeating: r7[p]); c70.addProduct(x, b0); c71.addProduct(x, b1)
                x = V(repeating: r8[p]); c80.addProduct(x, b0); c81.addProduct(x, b1)
                x = V(repeating: r9[p]); c90.addProduct(x, b0); c91.addProduct(x, b1)
                x = V(repeating: r10[p]); cA0.addProduct(x, b0); cA1.addProduct(x, b1)
                x = V(repeating: r11[p]); cB0.addProduct(x, b0); cB1.addProduct(x, b1)
                pb += 128
            }
        }
        if rows == 12 && columns == 32 {
            @inline(__always) func put(_ v0: V, _ v1: V, _ row: Int) {
                let p = UnsafeMutableRawPointer(c + row * ldc)
                if overwrite {
                    p.storeBytes(of: v0, as: V.self)
                    p.storeBytes(of: v1, toByteOffset: 64, as: V.self)
                } else {
                    p.storeBytes(of: p.loadUnaligned(as: V.self) + v0, as: V.self)
                    p.storeBytes(of: p.loadUnaligned(fromByteOffset: 64, as: V.self) + v1, toByteOffset: 64, as: V.self)
                }
            }
            put(c00, c01, 0); put(c10, c11, 1); put(c20, c21, 2); put(c30, c31, 3)
            put(c40, c41, 4); put(c50, c51, 5); put(c60, c61, 6); put(c70, c71, 7)
            put(c80, c81, 8); put(c90, c91, 9); put(cA0, cA1, 10); put(cB0, cB1, 11)
            return
        }
        // Edge tile: spill the accumulators, then write only the valid part.
        withUnsafeTemporaryAllocation(of: V.self, capacity: 24) { tile in
            let raw = UnsafeMutableRawPointer(tile.baseAddress!)
            raw.storeBytes(of: c00, toByteOffset: 0, as: V.self); raw.storeBytes(of: c01, toByteOffset: 64, as: V.self)
            raw.storeBytes(of: c10, toByteOffset: 128, as: V.self); raw.storeBytes(of: c11, toByteOffset: 192, as: V.self)
            raw.storeBytes(of: c20, toByteOffset: 256, as: V.self); raw.storeBytes(of: c21, toByteOffset: 320, as: V.self)
            raw.storeBytes(of: c30, toByteOffset: 384, as: V.self); raw.storeBytes(of: c31, toByteOffset: 448, as: V.self)
            raw.storeBytes(of: c40, toByteOffset: 512, as: V.self); raw.storeBytes(of: c41, toByteOffset: 576, as: V.self)
            raw.storeBytes(of: c50, toByteOffset: 640, as: V.self); raw.storeBytes(of: c51, toByteOffset: 704, as: V.self)
            raw.storeBytes(of: c60, toByteOffset: 768, as: V.self); raw.storeBytes(of: c61, toByteOffset: 832, as: V.self)
            raw.storeBytes(of: c70, toByteOffset: 896, as: V.self); raw.storeBytes(of: c71, toByteOffset: 960, as: V.self)
            raw.storeBytes(of: c80, toByteOffset: 1024, as: V.self); raw.storeBytes(of: c81, toByteOffset: 1088, as: V.self)
            raw.storeBytes(of: c90, toByteOffset: 1152, as: V.self); raw.storeBytes(of: c91, toByteOffset: 1216, as: V.self)
            raw.storeBytes(of: cA0, toByteOffset: 1280, as: V.self); raw.storeBytes(of: cA1, toByteOffset: 1344, as: V.self)
            raw.storeBytes(of: cB0, toByteOffset: 1408, as: V.self); raw.storeBytes(of: cB1, toByteOffset: 1472, as: V.self)
            writeEdgeTile(UnsafeRawPointer(raw).assumingMemoryBound(to: Float.self), tileColumns: 32,
                          rows: rows, columns: columns, c: c, ldc: ldc, overwrite: overwrite)
        }
    }
}
