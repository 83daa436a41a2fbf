import ShiftcastModel

/// The pseudo-labeled target rows ProjNorm's fine-tune trains on, collected a batch at a time.
///
/// The fine-tune takes `iterations × batchSize` rows (`capacity`) from epoch-wise random
/// permutations of its data, so only a uniform `capacity`-row sample of a larger target is
/// kept (`TargetRowReservoir`); a target of at most `capacity` rows is kept whole.
/// The fine-tune reads it in a canonical order (`canonicalRows`), so a target of at most
/// `capacity` rows gives the same ProjNorm in any row order.
public struct ProjNormTargetSample: Sendable, TargetRowCollector, RowSelectable {
    /// The kept rows and their pseudo-labels (the model's predicted classes).
    private var reservoir: TargetRowReservoir
    /// The most rows kept.
    public var capacity: Int { reservoir.capacity }
    /// θ̂'s pseudo-label of each kept row.
    public var pseudoLabels: [Int] { reservoir.predictedClasses }
    /// Rows offered so far.
    public var rowsSeen: Int { reservoir.rowsSeen }

    /// An empty sample for rows of `columnCount` features, sized for `configuration`'s fine-tune.
    public init(columnCount: Int, configuration: ProjNormConfiguration) {
        // The trainer's batch is max(1, min(batchSize, n)) rows, so at most max(1, batchSize).
        let (product, overflow) = max(1, configuration.iterations).multipliedReportingOverflow(by: max(1, configuration.batchSize))
        reservoir = TargetRowReservoir(columnCount: columnCount, capacity: overflow ? Int.max : product,
                                       generator: SeededGenerator.derived(seed: configuration.seed, stream: 0x5052_4F4A))  // "PROJ"
    }

    /// The sample of the target rows `rows` alone (`TargetRowReservoir.selectingRows`).
    public func selectingRows(_ rows: [Int], ofTargetRows n: Int) -> any Sendable {
        var copy = self
        copy.reservoir = reservoir.selectingRows(rows, ofTargetRows: n)
        return copy
    }

    /// Offers the rows of `batch` `[rows, columnCount]`, with their pseudo-labels, to the sample.
    public mutating func add(_ batch: Tensor, pseudoLabels labels: [Int]) { reservoir.add(batch, predictedClasses: labels) }

    public mutating func add(_ batch: Tensor, predictedClasses: [Int]) { add(batch, pseudoLabels: predictedClasses) }

    public var collected: any Sendable { self }

    /// The kept rows `[min(rowsSeen, capacity), columnCount]`, in the order they were kept.
    public var rows: Tensor { reservoir.rows }

    /// The kept rows and their pseudo-labels in a canonical order — rows sorted by their values
    /// (bit patterns, lexicographically) — so that the fine-tune does not depend on the order of
    /// the target's rows when the whole target fits in the sample.
    public var canonicalRows: (rows: Tensor, pseudoLabels: [Int]) {
        let d = reservoir.columnCount, n = pseudoLabels.count, features = reservoir.features, labels = pseudoLabels
        let order = features.withUnsafeBufferPointer { x in
            (0 ..< n).sorted { a, b in
                for j in 0 ..< d {
                    let u = x[a * d + j].bitPattern, v = x[b * d + j].bitPattern
                    if u != v { return u < v }
                }
                return labels[a] < labels[b]
            }
        }
        var sorted = [Float]()
        sorted.reserveCapacity(n * d)
        for i in order { sorted.append(contentsOf: features[i * d ..< (i + 1) * d]) }
        return (Tensor(shape: [n, d], scalars: sorted), order.map { labels[$0] })
    }
}
