/// The rectified linear unit and its pullback, as plain loops over the storage
/// (vectorised by the compiler; `Array.map` appends element by element and was
/// 2 % of a training step in the profile).
extension Tensor {
    /// `x > 0 ? x : 0` for every element (NaN gives 0).
    public func rectified() -> Tensor {
        let count = self.count
        let out = [Float](unsafeUninitializedCapacity: count) { o, initialized in
            scalars.withUnsafeBufferPointer { s in
                for i in 0 ..< count { let x = s[i]; o[i] = x > 0 ? x : 0 }
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
                    for i in 0 ..< count { o[i] = g[i] > 0 ? d[i] : 0 }
                }
            }
            initialized = count
        }
        return Tensor(shape: shape, scalars: out)
    }
}
