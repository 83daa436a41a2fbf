import ShiftcastModel

extension Tensor {
    /// The index of the first of each run of equal rows (equal bit patterns, and equal
    /// `labels[r]` when labels are given), in row order: the rows left when exact repeats are
    /// dropped. A set resampled with replacement is as large as its distinct rows.
    func distinctRowIndices(labels: [Int]? = nil) -> [Int] {
        let d = columnCount
        var seen = Set<[UInt32]>(), keep: [Int] = []
        scalars.withUnsafeBufferPointer { x in
            for r in 0 ..< rowCount {
                var key = x[r * d ..< (r + 1) * d].map(\.bitPattern)
                if let labels { key.append(UInt32(truncatingIfNeeded: labels[r])) }
                if seen.insert(key).inserted { keep.append(r) }
            }
        }
        return keep
    }
}
