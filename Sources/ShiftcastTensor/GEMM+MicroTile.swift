/// The shape of the micro-kernel's register tile, chosen for the vector
/// registers the build targets.
///
/// The tile is as large as the register file allows, because every step of
/// the depth loop loads one row of packed B and `rows` values of packed A for
/// `rows × columns` multiply-adds (Goto & van de Geijn, ACM TOMS 34(3), 2008):
///
/// | tile | accumulators | registers used | built for |
/// | --- | --- | --- | --- |
/// | 12×32 | 24 `SIMD16<Float>` | 27 of 32 zmm | AVX-512 (`-target-cpu skylake-avx512`) |
/// | 6×16 | 12 `SIMD8<Float>` | 15 of 16 ymm | AVX2 + FMA (`-target-cpu haswell`) and any other target |
///
/// The 12×32 kernel built for AVX2 would need 48 ymm accumulators and spill
/// them on every step (it ran at 55 GFLOPS against OpenBLAS's 185 on a Zen 3
/// machine). Both tiles are always compiled, so the tests check both on any
/// machine; `native` is the one `GEMM.multiply` uses.
extension GEMM {
    @usableFromInline struct MicroTile: Sendable, Equatable, CustomStringConvertible {
        /// Rows of the register tile (broadcast operand, from packed A).
        let rows: Int
        /// Columns of the register tile (vector operand, from packed B).
        let columns: Int

        /// 24 zmm accumulators (`GEMM+MicroKernel12x32.swift`).
        static let wide = MicroTile(rows: 12, columns: 32)
        /// 12 ymm accumulators (`GEMM+MicroKernel6x16.swift`).
        static let narrow = MicroTile(rows: 6, columns: 16)
        /// Both tiles, for tests.
        static let all = [wide, narrow]

        /// The tile for the instruction set this module was compiled for
        /// (`SHIFTCAST_KERNEL_AVX512` is defined by `Package.swift`).
        static var native: MicroTile {
            #if SHIFTCAST_KERNEL_AVX512
            return .wide
            #else
            return .narrow
            #endif
        }

        @usableFromInline var description: String { "\(rows)×\(columns)" }
    }
}

extension GEMM {
    /// Writes the valid `rows × columns` corner of a spilled register tile (row stride
    /// `tileColumns`) into C, storing or adding: the edge-tile write-back of both micro-kernels.
    @inline(__always)
    static func writeEdgeTile(_ tile: UnsafePointer<Float>, tileColumns: Int, rows: Int, columns: Int,
                              c: UnsafeMutablePointer<Float>, ldc: Int, overwrite: Bool) {
        for r in 0 ..< rows {
            let src = tile + r * tileColumns
            let dst = c + r * ldc
            if overwrite {
                for j in 0 ..< columns { dst[j] = src[j] }
            } else {
                for j in 0 ..< columns { dst[j] += src[j] }
            }
        }
    }

    /// The register tile `multiply` uses in this build, "12×32" (AVX-512) or "6×16".
    public static var registerTile: String { MicroTile.native.description }
}
