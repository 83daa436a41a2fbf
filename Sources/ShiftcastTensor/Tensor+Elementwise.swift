/// Elementwise arithmetic and broadcasting.
///
/// Binary operators require equal shapes. Broadcasting is explicit and limited
/// to what layers need: a rank-2 matrix combined with a row vector (shape `[n]`
/// or `[1, n]`, applied to every row) or a column vector (`[m, 1]`).
extension Tensor {
    /// Applies `transform` to every element.
    @inlinable public func map(_ transform: (Float) -> Float) -> Tensor {
        // Into uninitialised storage with a plain loop: `Array.map` appends one element at a
        // time (a capacity check per element), which kept the loop from vectorising.
        let count = self.count
        let out = [Float](unsafeUninitializedCapacity: count) { o, initialized in
            scalars.withUnsafeBufferPointer { s in
                for i in 0 ..< count { o[i] = transform(s[i]) }
            }
            initialized = count
        }
        return Tensor(shape: shape, scalars: out)
    }

    /// Combines two equally shaped tensors element by element.
    @inlinable public func zip(_ other: Tensor, _ combine: (Float, Float) -> Float) -> Tensor {
        precondition(shape == other.shape, "zip: shapes \(shape) and \(other.shape) differ")
        var out = scalars
        out.withUnsafeMutableBufferPointer { o in
            other.scalars.withUnsafeBufferPointer { b in
                for i in 0 ..< o.count { o[i] = combine(o[i], b[i]) }
            }
        }
        return Tensor(shape: shape, scalars: out)
    }

    public static func + (a: Tensor, b: Tensor) -> Tensor { a.zip(b, +) }
    public static func - (a: Tensor, b: Tensor) -> Tensor { a.zip(b, -) }
    /// Elementwise (Hadamard) product.
    public static func * (a: Tensor, b: Tensor) -> Tensor { a.zip(b, *) }
    public static func + (a: Tensor, s: Float) -> Tensor { a.map { $0 + s } }
    public static func - (a: Tensor, s: Float) -> Tensor { a.map { $0 - s } }
    public static func * (a: Tensor, s: Float) -> Tensor { a.map { $0 * s } }
    public static func * (s: Float, a: Tensor) -> Tensor { a.map { $0 * s } }
    public static func / (a: Tensor, s: Float) -> Tensor { a.map { $0 / s } }
    public static prefix func - (a: Tensor) -> Tensor { a.map { -$0 } }

    /// `self += alpha * x`, elementwise (BLAS axpy).
    public mutating func addScaled(_ x: Tensor, by alpha: Float) {
        precondition(shape == x.shape, "addScaled: shapes \(shape) and \(x.shape) differ")
        scalars.withUnsafeMutableBufferPointer { y in
            x.scalars.withUnsafeBufferPointer { xs in
                for i in 0 ..< y.count { y[i] += alpha * xs[i] }
            }
        }
    }

    /// Adds a row vector (`[n]` or `[1, n]`) to every row of a rank-2 tensor (bias add).
    public func addingRowVector(_ v: Tensor) -> Tensor {
        var out = self
        out.addRowVector(v)
        return out
    }

    /// Adds the row vector `v` (shape `[n]` or `[1, n]`) to every row, in place (no copy when
    /// the storage is not shared): a dense layer's bias.
    public mutating func addRowVector(_ v: Tensor) {
        let (m, n) = (rowCount, columnCount)
        precondition(v.count == n && (v.shape == [n] || v.shape == [1, n]),
                     "addingRowVector: matrix \(shape) needs a row vector of \(n), got \(v.shape)")
        v.scalars.withUnsafeBufferPointer { b in
            scalars.withUnsafeMutableBufferPointer { o in
                for i in 0 ..< m {
                    let row = o.baseAddress! + i * n
                    for j in 0 ..< n { row[j] += b[j] }
                }
            }
        }
    }

    /// Broadcasting addition for rank-2 tensors: equal shapes, a row vector, or a column vector.
    public func broadcastAdding(_ other: Tensor) -> Tensor {
        if shape == other.shape { return self + other }
        if rank == 2 && (other.shape == [columnCount] || other.shape == [1, columnCount]) {
            return addingRowVector(other)
        }
        if rank == 2 && other.shape == [rowCount, 1] {
            let n = columnCount
            var out = scalars
            for i in 0 ..< rowCount {
                let b = other.scalars[i]
                for j in 0 ..< n { out[i * n + j] += b }
            }
            return Tensor(shape: shape, scalars: out)
        }
        preconditionFailure("broadcastAdding: cannot broadcast \(other.shape) to \(shape)")
    }

    /// Multiplies every row `i` of a rank-2 tensor by `factors[i]`.
    public func scalingRows(by factors: [Float]) -> Tensor {
        let (m, n) = (rowCount, columnCount)
        precondition(factors.count == m, "scalingRows: \(m) rows but \(factors.count) factors")
        var out = scalars
        for i in 0 ..< m {
            let f = factors[i]
            for j in 0 ..< n { out[i * n + j] *= f }
        }
        return Tensor(shape: shape, scalars: out)
    }

    /// Elements clamped to [`low`, `high`].
    public func clamped(to low: Float, _ high: Float) -> Tensor {
        map { Swift.min(Swift.max($0, low), high) }
    }
}
