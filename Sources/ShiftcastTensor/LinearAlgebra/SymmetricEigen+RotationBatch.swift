extension SymmetricEigen {
    /// The plane rotations of several QL sweeps, applied to Vᵀ (`size` × `size`, row-major)
    /// together: a sweep ending at row m holds rotations t = 0, 1, … acting on rows
    /// i = m − 1 − t and i + 1, `(row[i+1], row[i]) ← (s·row[i] + c·row[i+1], c·row[i] − s·row[i+1])`.
    ///
    /// Applying them sweep by sweep streamed all of Vᵀ (75 MB at 3,072 features) through memory
    /// once per sweep; a batch is applied to 64 columns at a time, every sweep in order, so
    /// that those columns stay in the core's cache — the columns split across the cores.
    final class RotationBatch {
        let size: Int
        /// (c, s) pairs, sweep after sweep.
        private let rotations: UnsafeMutablePointer<Double>
        private let capacity: Int
        private var count = 0
        /// (last row m, rotations) of each sweep in the batch.
        private var sweeps: [(lastRow: Int, count: Int)] = []

        init(size: Int) {
            self.size = size
            // About 32 full sweeps, at least 2¹⁶ rotations (1 MiB).
            capacity = max(1 << 16, 32 * size)
            rotations = .allocate(capacity: 2 * capacity)
        }

        func deallocate() { rotations.deallocate() }

        func hasRoom(for rotations: Int) -> Bool { count + rotations <= capacity }

        func beginSweep(lastRow: Int) { sweeps.append((lastRow, 0)) }

        func append(_ c: Double, _ s: Double) {
            rotations[2 * count] = c
            rotations[2 * count + 1] = s
            count += 1
            sweeps[sweeps.count - 1].count += 1
        }

        /// Applies every rotation in the batch to `v`, then empties the batch.
        func apply(to v: UnsafeMutablePointer<Double>) {
            guard count > 0 else { return }
            let n = size, sweeps = self.sweeps
            let (vs, rs) = (SharedMutablePointer(v), SharedPointer(UnsafePointer(rotations)))
            let blockWidth = 64
            let blocks = (n + blockWidth - 1) / blockWidth
            Parallel.forEachChunk(count: blocks, minimumChunk: max(1, (1 << 15) / max(1, blockWidth * count)),
                                  chunksPerWorker: 4) { chunk in
                for block in chunk {
                    let k0 = block * blockWidth, k1 = Swift.min(n, k0 + blockWidth)
                    var r = rs.base
                    for sweep in sweeps {
                        if k1 - k0 == blockWidth {
                            RotationBatch.sweep64(vs.base + k0, rowStride: n, lastRow: sweep.lastRow, rotations: r, count: sweep.count)
                        } else {
                            for t in 0 ..< sweep.count {
                                let i = sweep.lastRow - 1 - t
                                RotationBatch.rotate(lower: vs.base + i * n, upper: vs.base + (i + 1) * n,
                                                     c: r[2 * t], s: r[2 * t + 1], from: k0, to: k1)
                            }
                        }
                        r += 2 * sweep.count
                    }
                }
            }
            count = 0
            self.sweeps.removeAll(keepingCapacity: true)
        }

        /// One sweep on 64 columns (`column` points at the first, rows `rowStride` apart). Row
        /// i + 1 is final once rotation t has run, and row i goes on into rotation t + 1, so it
        /// stays in registers (h0…h7): one load and one store per row instead of two of each.
        /// Each rotation waits for the previous one's result, so eight independent vectors
        /// (not four: 12.0 s → 9.9 s on 3,072 features) keep the multiply and add units busy.
        @inline(__always)
        static func sweep64(_ column: UnsafeMutablePointer<Double>, rowStride n: Int, lastRow: Int,
                            rotations r: UnsafePointer<Double>, count: Int) {
            typealias V = SIMD8<Double>
            var row = UnsafeMutableRawPointer(column + lastRow * n)
            var h0 = row.loadUnaligned(as: V.self), h1 = row.loadUnaligned(fromByteOffset: 64, as: V.self)
            var h2 = row.loadUnaligned(fromByteOffset: 128, as: V.self), h3 = row.loadUnaligned(fromByteOffset: 192, as: V.self)
            var h4 = row.loadUnaligned(fromByteOffset: 256, as: V.self), h5 = row.loadUnaligned(fromByteOffset: 320, as: V.self)
            var h6 = row.loadUnaligned(fromByteOffset: 384, as: V.self), h7 = row.loadUnaligned(fromByteOffset: 448, as: V.self)
            let step = n * MemoryLayout<Double>.stride
            for t in 0 ..< count {
                let c = V(repeating: r[2 * t]), s = V(repeating: r[2 * t + 1])
                let lower = row - step
                let x0 = lower.loadUnaligned(as: V.self), x1 = lower.loadUnaligned(fromByteOffset: 64, as: V.self)
                let x2 = lower.loadUnaligned(fromByteOffset: 128, as: V.self), x3 = lower.loadUnaligned(fromByteOffset: 192, as: V.self)
                let x4 = lower.loadUnaligned(fromByteOffset: 256, as: V.self), x5 = lower.loadUnaligned(fromByteOffset: 320, as: V.self)
                let x6 = lower.loadUnaligned(fromByteOffset: 384, as: V.self), x7 = lower.loadUnaligned(fromByteOffset: 448, as: V.self)
                row.storeBytes(of: s * x0 + c * h0, as: V.self)
                row.storeBytes(of: s * x1 + c * h1, toByteOffset: 64, as: V.self)
                row.storeBytes(of: s * x2 + c * h2, toByteOffset: 128, as: V.self)
                row.storeBytes(of: s * x3 + c * h3, toByteOffset: 192, as: V.self)
                row.storeBytes(of: s * x4 + c * h4, toByteOffset: 256, as: V.self)
                row.storeBytes(of: s * x5 + c * h5, toByteOffset: 320, as: V.self)
                row.storeBytes(of: s * x6 + c * h6, toByteOffset: 384, as: V.self)
                row.storeBytes(of: s * x7 + c * h7, toByteOffset: 448, as: V.self)
                h0 = c * x0 - s * h0; h1 = c * x1 - s * h1; h2 = c * x2 - s * h2; h3 = c * x3 - s * h3
                h4 = c * x4 - s * h4; h5 = c * x5 - s * h5; h6 = c * x6 - s * h6; h7 = c * x7 - s * h7
                row = lower
            }
            row.storeBytes(of: h0, as: V.self)
            row.storeBytes(of: h1, toByteOffset: 64, as: V.self)
            row.storeBytes(of: h2, toByteOffset: 128, as: V.self)
            row.storeBytes(of: h3, toByteOffset: 192, as: V.self)
            row.storeBytes(of: h4, toByteOffset: 256, as: V.self)
            row.storeBytes(of: h5, toByteOffset: 320, as: V.self)
            row.storeBytes(of: h6, toByteOffset: 384, as: V.self)
            row.storeBytes(of: h7, toByteOffset: 448, as: V.self)
        }

        @inline(__always)
        static func rotate(lower: UnsafeMutablePointer<Double>, upper: UnsafeMutablePointer<Double>,
                           c: Double, s: Double, from k0: Int, to k1: Int) {
            var k = k0
            let cv = SIMD8<Double>(repeating: c), sv = SIMD8<Double>(repeating: s)
            while k + 8 <= k1 {
                let h = UnsafeRawPointer(upper + k).loadUnaligned(as: SIMD8<Double>.self)
                let x = UnsafeRawPointer(lower + k).loadUnaligned(as: SIMD8<Double>.self)
                UnsafeMutableRawPointer(upper + k).storeBytes(of: sv * x + cv * h, as: SIMD8<Double>.self)
                UnsafeMutableRawPointer(lower + k).storeBytes(of: cv * x - sv * h, as: SIMD8<Double>.self)
                k += 8
            }
            while k < k1 {
                let h = upper[k]
                upper[k] = s * lower[k] + c * h
                lower[k] = c * lower[k] - s * h
                k += 1
            }
        }
    }
}
