/// Reductions. Sums accumulate in `Double` so that large tensors do not lose
/// precision (a `Float` running sum of 10⁶ values drifts by ~1e-4 relative).
extension Tensor {
    /// The sum of all elements, accumulated in `Double` (four `SIMD8<Double>`
    /// accumulators fed by 32 floats per step).
    ///
    /// - Complexity: O(count).
    public func sum() -> Double {
        scalars.withUnsafeBufferPointer { p in
            guard let base = p.baseAddress else { return 0 }
            let n = p.count
            var acc0 = SIMD8<Double>(), acc1 = SIMD8<Double>(), acc2 = SIMD8<Double>(), acc3 = SIMD8<Double>()
            var i = 0
            while i + 32 <= n {
                let raw = UnsafeRawPointer(base + i)
                let v0 = raw.loadUnaligned(as: SIMD16<Float>.self)
                let v1 = raw.loadUnaligned(fromByteOffset: 64, as: SIMD16<Float>.self)
                acc0 += SIMD8<Double>(v0.lowHalf)
                acc1 += SIMD8<Double>(v0.highHalf)
                acc2 += SIMD8<Double>(v1.lowHalf)
                acc3 += SIMD8<Double>(v1.highHalf)
                i += 32
            }
            var total = ((acc0 + acc1) + (acc2 + acc3)).sum()
            while i < n { total += Double(base[i]); i += 1 }
            return total
        }
    }

    /// The mean of all elements (NaN for an empty tensor).
    public func mean() -> Double { count == 0 ? .nan : sum() / Double(count) }

    /// The largest element (−∞ for an empty tensor).
    public func max() -> Float { scalars.max() ?? -.infinity }

    /// The smallest element (+∞ for an empty tensor).
    public func min() -> Float { scalars.min() ?? .infinity }

    /// Column sums of a rank-2 tensor, shape `[columns]` (the bias gradient).
    public func sumOverRows() -> Tensor {
        let (m, n) = (rowCount, columnCount)
        // Each column summed top to bottom in Double, through raw pointers so the loop vectorises.
        let out = [Float](unsafeUninitializedCapacity: n) { sums, initialized in
            withUnsafeTemporaryAllocation(of: Double.self, capacity: n) { acc in
                acc.initialize(repeating: 0)
                scalars.withUnsafeBufferPointer { p in
                    for i in 0 ..< m {
                        let row = p.baseAddress! + i * n
                        for j in 0 ..< n { acc[j] += Double(row[j]) }
                    }
                }
                for j in 0 ..< n { sums[j] = Float(acc[j]) }
            }
            initialized = n
        }
        return Tensor(shape: [n], scalars: out)
    }

    /// Row sums of a rank-2 tensor, shape `[rows]`: each row summed left to right in Double.
    ///
    /// Eight rows at a time, one lane each, so the additions of different rows overlap (a
    /// single running sum waits out the latency of every addition); each row's sum is the
    /// same sequence of additions as a plain loop. Groups of eight rows are split across the
    /// cores once each core gets `elementwiseChunk` elements (the bias gradient of a 512-unit
    /// layer at batch 128 is two such chunks), so the GEMM worker does not idle through it.
    public func sumOverColumns() -> Tensor {
        let (m, n) = (rowCount, columnCount)
        let out = [Float](unsafeUninitializedCapacity: m) { sums, initialized in
            scalars.withUnsafeBufferPointer { p in
                guard m > 0 else { return }
                guard n > 0 else { sums.initialize(repeating: 0); return }
                let (src, dst) = (SharedPointer(p.baseAddress!), SharedMutablePointer(sums.baseAddress!))
                let groups = (m + 7) / 8
                Parallel.forEachChunk(count: groups, minimumChunk: Swift.max(1, Tensor.elementwiseChunk / (8 * n))) { chunk in
                    for group in chunk {
                        let i = group * 8
                        if i + 8 <= m {
                            let r = src.base + i * n
                            var acc = SIMD8<Double>()
                            for j in 0 ..< n {
                                acc += SIMD8<Double>(Double(r[j]), Double(r[n + j]), Double(r[2 * n + j]), Double(r[3 * n + j]),
                                                     Double(r[4 * n + j]), Double(r[5 * n + j]), Double(r[6 * n + j]), Double(r[7 * n + j]))
                            }
                            for lane in 0 ..< 8 { dst.base[i + lane] = Float(acc[lane]) }
                        } else {
                            for row in i ..< m {
                                var acc: Double = 0
                                let r = src.base + row * n
                                for j in 0 ..< n { acc += Double(r[j]) }
                                dst.base[row] = Float(acc)
                            }
                        }
                    }
                }
            }
            initialized = m
        }
        return Tensor(shape: [m], scalars: out)
    }

    /// The largest element of each row of a rank-2 tensor.
    public func rowMaxima() -> [Float] {
        let (m, n) = (rowCount, columnCount)
        precondition(n > 0, "rowMaxima: tensor \(shape) has no columns")
        return scalars.withUnsafeBufferPointer { p in
            (0 ..< m).map { i in
                let row = p.baseAddress! + i * n
                var best = row[0]
                for j in 1 ..< n where row[j] > best { best = row[j] }
                return best
            }
        }
    }

    /// The index of the largest element of each row (the first one on ties).
    /// NaN never wins over a number.
    public func argmaxRows() -> [Int] {
        let (m, n) = (rowCount, columnCount)
        precondition(n > 0, "argmaxRows: tensor \(shape) has no columns")
        return scalars.withUnsafeBufferPointer { p in
            (0 ..< m).map { i in
                let row = p.baseAddress! + i * n
                var best = 0
                var bestValue = row[0]
                for j in 1 ..< n where row[j] > bestValue || (bestValue.isNaN && !row[j].isNaN) {
                    best = j; bestValue = row[j]
                }
                return best
            }
        }
    }

    /// The Euclidean (Frobenius) norm of all elements, accumulated in Double.
    public func l2Norm() -> Double {
        scalars.withUnsafeBufferPointer { p in
            var acc: Double = 0
            for x in p { acc += Double(x) * Double(x) }
            return acc.squareRoot()
        }
    }
}
