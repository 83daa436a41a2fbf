/// The rectified linear unit and its pullback, as plain loops over the storage
/// (vectorised by the compiler; `Array.map` appends element by element and was
/// 2 % of a training step in the profile). Large tensors are split into contiguous
/// chunks, one per core (`Parallel.forEachChunk`), so the GEMM worker does not idle
/// through them; every element is computed as in a serial loop.
extension Tensor {
    /// Elementwise passes use several cores only when each gets at least this many elements.
    static let elementwiseChunk = 1 << 15

    /// `x > 0 ? x : 0` for every element (NaN gives 0).
    public func rectified() -> Tensor {
        let count = self.count
        let out = [Float](unsafeUninitializedCapacity: count) { o, initialized in
            scalars.withUnsafeBufferPointer { s in
                guard count > 0 else { return }
                let (src, dst) = (SharedPointer(s.baseAddress!), SharedMutablePointer(o.baseAddress!))
                Parallel.forEachChunk(count: count, minimumChunk: Tensor.elementwiseChunk) { range in
                    for i in range { let x = src.base[i]; dst.base[i] = x > 0 ? x : 0 }
                }
            }
            initialized = count
        }
        return Tensor(shape: shape, scalars: out)
    }

    /// `self[i]` where `gate[i] > 0`, else 0: the ReLU pullback, with `gate` the ReLU's
    /// output (positive exactly where its input was).
    public func passingWherePositive(_ gate: Tensor) -> Tensor {
        precondition(shape == gate.shape, "passingWherePositive: shapes \(shape) and \(gate.shape) differ")
        let count = self.count
        let out = [Float](unsafeUninitializedCapacity: count) { o, initialized in
            scalars.withUnsafeBufferPointer { d in
                gate.scalars.withUnsafeBufferPointer { g in
                    guard count > 0 else { return }
                    let (pd, pg, dst) = (SharedPointer(d.baseAddress!), SharedPointer(g.baseAddress!),
                                         SharedMutablePointer(o.baseAddress!))
                    Parallel.forEachChunk(count: count, minimumChunk: Tensor.elementwiseChunk) { range in
                        for i in range { dst.base[i] = pg.base[i] > 0 ? pd.base[i] : 0 }
                    }
                }
            }
            initialized = count
        }
        return Tensor(shape: shape, scalars: out)
    }
}
