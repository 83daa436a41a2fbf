import ShiftcastModel

/// A uniform sample of at most `capacity` target rows (with the model's predicted class of each),
/// collected a batch at a time — what an estimator that works on the target's inputs keeps.
///
/// A target with at most `capacity` rows is kept whole, in order. A larger one is
/// reservoir-sampled (Vitter, "Random Sampling with a Reservoir", ACM TOMS 11(1), 1985,
/// Algorithm R): row `i ≥ capacity` replaces slot `j ~ U{0…i}` when `j < capacity`. Memory is
/// `capacity` rows however long the target is, and the sample depends only on the generator
/// and the row order, not on how rows were batched.
public struct TargetRowReservoir: Sendable {
    /// The most rows kept.
    public let capacity: Int
    public let columnCount: Int
    /// Feature values of the kept rows, row-major.
    public private(set) var features: [Float] = []
    /// The model's predicted class of each kept row.
    public private(set) var predictedClasses: [Int] = []
    /// Rows offered so far.
    public private(set) var rowsSeen = 0
    private var generator: SeededGenerator

    public init(columnCount: Int, capacity: Int, generator: SeededGenerator) {
        self.columnCount = columnCount
        self.capacity = capacity
        self.generator = generator
    }

    /// Offers the rows of `batch` `[rows, columnCount]`, with their predicted classes.
    public mutating func add(_ batch: Tensor, predictedClasses labels: [Int]) {
        precondition(batch.rank == 2 && batch.columnCount == columnCount && labels.count == batch.rowCount,
                     "TargetRowReservoir.add: batch \(batch.shape) with \(labels.count) labels, expected [*, \(columnCount)]")
        let d = columnCount
        batch.scalars.withUnsafeBufferPointer { x in
            for r in 0 ..< batch.rowCount {
                let row = x[r * d ..< (r + 1) * d]
                if rowsSeen < capacity {
                    features.append(contentsOf: row)
                    predictedClasses.append(labels[r])
                } else {
                    let j = generator.index(below: rowsSeen + 1)
                    if j < capacity {
                        features.replaceSubrange(j * d ..< (j + 1) * d, with: row)
                        predictedClasses[j] = labels[r]
                    }
                }
                rowsSeen += 1
            }
        }
    }

    /// The sample of the target rows `rows` alone (indices into the `n` target rows it was
    /// collected from, repeats allowed). When the whole target was kept, kept row i is target
    /// row i; when it was reservoir-sampled, the kept rows are a uniform sample of the target and
    /// stand in for its rows (`rows[j] mod kept`).
    public func selectingRows(_ rows: [Int], ofTargetRows n: Int) -> TargetRowReservoir {
        var copy = self
        let kept = predictedClasses.count, d = columnCount
        guard kept > 0 else { return copy }
        let picks = kept == n ? rows : rows.map { $0 % kept }
        copy.features = []
        copy.features.reserveCapacity(picks.count * d)
        for i in picks { copy.features.append(contentsOf: features[i * d ..< (i + 1) * d]) }
        copy.predictedClasses = picks.map { predictedClasses[$0] }
        copy.rowsSeen = picks.count
        return copy
    }

    /// The kept rows `[min(rowsSeen, capacity), columnCount]`, in the order they were kept.
    public var rows: Tensor { Tensor(shape: [predictedClasses.count, columnCount], scalars: features) }
}
