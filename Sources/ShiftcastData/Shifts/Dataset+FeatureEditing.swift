extension Dataset {
    /// A copy whose features are edited in place by `body(row, values)`, one row at a time,
    /// where `values` is that row's mutable feature buffer.
    func editingRows(_ body: (Int, UnsafeMutableBufferPointer<Float>) throws -> Void) rethrows -> Dataset {
        var scalars = features.scalars
        let d = featureCount
        try scalars.withUnsafeMutableBufferPointer { x in
            for r in 0 ..< rowCount {
                try body(r, UnsafeMutableBufferPointer(rebasing: x[r * d ..< (r + 1) * d]))
            }
        }
        return replacingFeatures(Tensor(shape: features.shape, scalars: scalars))
    }
}
