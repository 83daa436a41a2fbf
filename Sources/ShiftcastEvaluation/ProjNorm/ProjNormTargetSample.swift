import ShiftcastModel

/// The pseudo-labeled target rows ProjNorm's fine-tune trains on, collected a batch at a time.
///
/// The fine-tune takes `iterations × batchSize` rows (`capacity`) from epoch-wise random
/// permutations of its data. A target with at most `capacity` rows is kept whole, in order.
/// A larger one would only ever have a uniformly random `capacity`-subset of its rows used,
/// so only such a subset is kept: reservoir sampling (Vitter, "Random Sampling with a
/// Reservoir", ACM TOMS 11(1), 1985, Algorithm R) — row `i ≥ capacity` replaces slot
/// `j ~ U{0…i}` when `j < capacity`. Memory is `capacity` rows however long the target is,
/// and the sample depends only on the seed and the row order, not on how rows were batched.
/// The fine-tune reads it in a canonical order (`canonicalRows`), so a target of at most
/// `capacity` rows gives the same ProjNorm in any row order.
public struct ProjNormTargetSample: Sendable, TargetRowCollector, RowSelectable {
    /// The most rows kept.
    public let capacity: Int
    /// Feature values of the kept rows, row-major.
    private var features: [Float] = []
    /// θ̂'s pseudo-label of each kept row.
    public private(set) var pseudoLabels: [Int] = []
    /// Rows offered so far.
    public private(set) var rowsSeen = 0
    private let columnCount: Int
    private var generator: SeededGenerator

    /// An empty sample for rows of `columnCount` features, sized for `configuration`'s fine-tune.
    public init(columnCount: Int, configuration: ProjNormConfiguration) {
        // The trainer's batch is max(1, min(batchSize, n)) rows, so at most max(1, batchSize).
        let (product, overflow) = max(1, configuration.iterations).multipliedReportingOverflow(by: max(1, configuration.batchSize))
        capacity = overflow ? Int.max : product
        self.columnCount = columnCount
        generator = SeededGenerator.derived(seed: configuration.seed, stream: 0x5052_4F4A)  // "PROJ"
    }

    /// The sample of the target rows `rows` alone. When the whole target was kept, kept row i is
    /// target row i; when it was reservoir-sampled, the kept rows are a uniform sample of the target
    /// and stand in for its rows (`rows[j] mod kept`).
    public func selectingRows(_ rows: [Int], ofTargetRows n: Int) -> any Sendable {
        var copy = self
        let kept = pseudoLabels.count, d = columnCount
        guard kept > 0 else { return copy }
        let picks = kept == n ? rows : rows.map { $0 % kept }
        copy.features = []
        copy.features.reserveCapacity(picks.count * d)
        for i in picks { copy.features.append(contentsOf: features[i * d ..< (i + 1) * d]) }
        copy.pseudoLabels = picks.map { pseudoLabels[$0] }
        copy.rowsSeen = picks.count
        return copy
    }

    /// Offers the rows of `batch` `[rows, columnCount]`, with their pseudo-labels, to the sample.
    public mutating func add(_ batch: Tensor, pseudoLabels labels: [Int]) {
        precondition(batch.rank == 2 && batch.columnCount == columnCount && labels.count == batch.rowCount,
                     "ProjNormTargetSample.add: batch \(batch.shape) with \(labels.count) labels, expected [*, \(columnCount)]")
        let d = columnCount
        batch.scalars.withUnsafeBufferPointer { x in
            for r in 0 ..< batch.rowCount {
                let row = x[r * d ..< (r + 1) * d]
                if rowsSeen < capacity {
                    features.append(contentsOf: row)
                    pseudoLabels.append(labels[r])
                } else {
                    let j = generator.index(below: rowsSeen + 1)
                    if j < capacity {
                        features.replaceSubrange(j * d ..< (j + 1) * d, with: row)
                        pseudoLabels[j] = labels[r]
                    }
                }
                rowsSeen += 1
            }
        }
    }

    public mutating func add(_ batch: Tensor, predictedClasses: [Int]) { add(batch, pseudoLabels: predictedClasses) }

    public var collected: any Sendable { self }

    /// The kept rows `[min(rowsSeen, capacity), columnCount]`, in the order they were kept.
    public var rows: Tensor { Tensor(shape: [pseudoLabels.count, columnCount], scalars: features) }

    /// The kept rows and their pseudo-labels in a canonical order — rows sorted by their values
    /// (bit patterns, lexicographically) — so that the fine-tune does not depend on the order of
    /// the target's rows when the whole target fits in the sample.
    public var canonicalRows: (rows: Tensor, pseudoLabels: [Int]) {
        let d = columnCount, n = pseudoLabels.count
        let order = features.withUnsafeBufferPointer { x in
            (0 ..< n).sorted { a, b in
                for j in 0 ..< d {
                    let u = x[a * d + j].bitPattern, v = x[b * d + j].bitPattern
                    if u != v { return u < v }
                }
                return pseudoLabels[a] < pseudoLabels[b]
            }
        }
        var sorted = [Float]()
        sorted.reserveCapacity(n * d)
        for i in order { sorted.append(contentsOf: features[i * d ..< (i + 1) * d]) }
        return (Tensor(shape: [n, d], scalars: sorted), order.map { pseudoLabels[$0] })
    }
}
