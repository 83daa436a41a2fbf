extension SymmetricEigen {
    /// The accumulation of tred2's Householder transforms into Vᵀ. JAMA's step i (0 ≤ i < n − 1):
    /// row i's diagonal moves to column n − 1 and becomes 1; with h = d[i+1] ≠ 0 and the pivot
    /// p = v[i+1, 0…i] (the Householder vector), every row j ≤ i gets g = Σₖ p[k]·v[j, k]
    /// (k = 0…i, left to right) and v[j, k] −= g·(p[k]/h); then the pivot row is zeroed.
    ///
    /// Row j changes only in its own steps and pivots are read before any step changes them,
    /// so with the pivots and the h's copied first, blocks of rows go through all their steps
    /// independently, each held in cache (one step at a time swept all of Vᵀ's leading block
    /// through memory), the blocks shared by the cores. In a block, eight rows are interleaved
    /// column by column (a panel), one row per `SIMD8<Double>` lane: each lane's dot product
    /// is its own chain, summed left to right as in JAMA, eight rows per instruction.
    static func accumulateTransform(_ v: UnsafeMutablePointer<Double>, _ d: UnsafeMutablePointer<Double>, _ n: Int) {
        typealias V = SIMD8<Double>
        // Step i's pivot at pivots[i(i+1)/2 ..< (i+1)(i+2)/2], its h at h[i].
        let pivots = UnsafeMutablePointer<Double>.allocate(capacity: n * (n - 1) / 2)
        let h = UnsafeMutablePointer<Double>.allocate(capacity: n - 1)
        defer { pivots.deallocate(); h.deallocate() }
        for i in 0 ..< n - 1 {
            h[i] = d[i + 1]
            (pivots + i * (i + 1) / 2).update(from: v + (i + 1) * n, count: i + 1)
        }
        // Rows per block: a multiple of 8, about 2¹⁶ doubles (512 KiB) in all.
        let blockRows = max(8, min(256, (1 << 16) / n) / 8 * 8)
        let blocks = (n + blockRows - 1) / blockRows
        let (vs, ps, hs) = (SharedMutablePointer(v), SharedPointer(UnsafePointer(pivots)), SharedPointer(UnsafePointer(h)))
        let run: @Sendable (Int) -> Void = { block in
            let first = block * blockRows, end = min(n, first + blockRows)
            let panels = (end - first + 7) / 8
            // Panel q, column k, lane l = row first + 8q + l, element k (zero-padded past row n − 1).
            let t = UnsafeMutablePointer<V>.allocate(capacity: panels * n)
            let scaled = UnsafeMutablePointer<Double>.allocate(capacity: n)
            let g = UnsafeMutablePointer<V>.allocate(capacity: panels)
            defer { t.deallocate(); scaled.deallocate(); g.deallocate() }
            let v = vs.base
            for q in 0 ..< panels {
                for k in 0 ..< n {
                    var x = V()
                    for l in 0 ..< 8 where first + 8 * q + l < end { x[l] = v[(first + 8 * q + l) * n + k] }
                    t[q * n + k] = x
                }
            }
            for i in max(0, first - 1) ..< n - 1 {
                if i >= first && i < end {
                    let q = (i - first) / 8, l = (i - first) % 8
                    t[q * n + (n - 1)][l] = t[q * n + i][l]
                    t[q * n + i][l] = 1
                }
                let length = i + 1
                // Target rows first ..< min(end, i + 1): whole panels, then one partial one.
                let targets = min(end, length) - first
                if hs.base[i] != 0 && targets > 0 {
                    let pivot = ps.base + i * (i + 1) / 2
                    divide(pivot, by: hs.base[i], into: scaled, count: length)
                    let used = (targets + 7) / 8
                    var q = 0
                    while q < used {
                        // Up to four panels' chains side by side.
                        let group = min(4, used - q)
                        let p0 = t + q * n
                        if group == 4 {
                            let p1 = p0 + n, p2 = p1 + n, p3 = p2 + n
                            var g0 = V(), g1 = V(), g2 = V(), g3 = V()
                            for k in 0 ..< length {
                                let a = V(repeating: pivot[k])
                                g0 += a * p0[k]; g1 += a * p1[k]; g2 += a * p2[k]; g3 += a * p3[k]
                            }
                            g[q] = g0; g[q + 1] = g1; g[q + 2] = g2; g[q + 3] = g3
                        } else {
                            for r in 0 ..< group {
                                let p = p0 + r * n
                                var gr = V()
                                for k in 0 ..< length { gr += V(repeating: pivot[k]) * p[k] }
                                g[q + r] = gr
                            }
                        }
                        q += group
                    }
                    for q in 0 ..< used {
                        let p = t + q * n, gq = g[q]
                        let valid = targets - 8 * q
                        if valid >= 8 {
                            for k in 0 ..< length { p[k] = p[k] - gq * V(repeating: scaled[k]) }
                        } else {
                            // Rows past i are not targets. (Their entries 0…i would be zeroed
                            // before they are read — row r at step r − 1 — but they are left
                            // as JAMA leaves them rather than rely on that.)
                            let mask = V.MaskStorage(0, 1, 2, 3, 4, 5, 6, 7) .< V.MaskStorage(repeating: Int64(valid))
                            for k in 0 ..< length { p[k].replace(with: p[k] - gq * V(repeating: scaled[k]), where: mask) }
                        }
                    }
                }
                if i + 1 >= first && i + 1 < end {
                    let q = (i + 1 - first) / 8, l = (i + 1 - first) % 8
                    for k in 0 ... i { t[q * n + k][l] = 0 }
                }
            }
            for q in 0 ..< panels {
                for l in 0 ..< 8 where first + 8 * q + l < end {
                    let row = v + (first + 8 * q + l) * n
                    for k in 0 ..< n { row[k] = t[q * n + k][l] }
                }
            }
        }
        if blocks == 1 { run(0) } else { Parallel.forEach(count: blocks, run) }
    }

    /// `out[k] = x[k] / a`, k < count.
    @inline(__always)
    static func divide(_ x: UnsafePointer<Double>, by a: Double, into out: UnsafeMutablePointer<Double>, count: Int) {
        var k = 0
        let av = SIMD8<Double>(repeating: a)
        while k + 8 <= count {
            let xv = UnsafeRawPointer(x + k).loadUnaligned(as: SIMD8<Double>.self)
            UnsafeMutableRawPointer(out + k).storeBytes(of: xv / av, as: SIMD8<Double>.self)
            k += 8
        }
        while k < count { out[k] = x[k] / a; k += 1 }
    }
}
