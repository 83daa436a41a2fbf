/// A table of examples: a feature matrix, optional integer labels, column names.
///
/// `features` is `[n, d]` (row-major `Float`). `labels`, when present, holds one
/// class index in `0..<classCount` per row. `modes`, when present, says which
/// mixture component (sub-population) each row was drawn from; synthetic tasks
/// fill it and the `subpopulation` shift uses it.
///
/// `classCount` is stored rather than recomputed, so a subset that happens to
/// miss the largest class still reports the task's number of classes.
public struct Dataset: Sendable, Equatable {
    /// The most classes shiftcast works with. Readers reject a larger label: it is almost
    /// always a typo or a column that is not a class index, and a model with that many
    /// outputs would be built from it.
    public static let maximumClassCount = 100_000

    /// The feature matrix, shape `[rowCount, featureCount]`.
    public var features: Tensor
    /// One label per row in `0..<classCount`, or `nil` for unlabeled data.
    public var labels: [Int]?
    /// One name per feature column.
    public var featureNames: [String]
    /// The number of classes of the task (at least `max(labels) + 1`; 0 when unknown).
    public var classCount: Int
    /// The mixture component each row was drawn from, if known.
    public var modes: [Int]?

    /// Creates a dataset, checking that the parts agree.
    ///
    /// - Parameters:
    ///   - classCount: the task's number of classes; `nil` means `max(labels) + 1` (0 without labels).
    ///   - featureNames: `nil` names the columns `x0, x1, …`.
    /// - Precondition: `features` is rank 2, names/labels/modes have one entry per column/row,
    ///   labels lie in `0..<classCount`. (Readers validate file data and throw before this.)
    public init(features: Tensor, labels: [Int]? = nil, featureNames: [String]? = nil,
                classCount: Int? = nil, modes: [Int]? = nil) {
        precondition(features.rank == 2, "Dataset: features must be rank 2, got shape \(features.shape)")
        let n = features.shape[0], d = features.shape[1]
        let names = featureNames ?? (0 ..< d).map { "x\($0)" }
        precondition(names.count == d, "Dataset: \(d) feature columns but \(names.count) names")
        if let labels {
            precondition(labels.count == n, "Dataset: \(n) rows but \(labels.count) labels")
            precondition(labels.allSatisfy { $0 >= 0 }, "Dataset: negative label")
        }
        if let modes { precondition(modes.count == n, "Dataset: \(n) rows but \(modes.count) mode ids") }
        let inferred = (labels?.max() ?? -1) + 1
        let count = classCount ?? inferred
        precondition(count >= inferred, "Dataset: classCount \(count) but a label is \(inferred - 1)")
        self.features = features
        self.labels = labels
        self.featureNames = names
        self.classCount = count
        self.modes = modes
    }

    /// The number of rows (examples).
    public var rowCount: Int { features.shape[0] }
    /// The number of feature columns.
    public var featureCount: Int { features.shape[1] }
    /// Whether the dataset has no rows.
    public var isEmpty: Bool { rowCount == 0 }

    /// Rows per class (length `classCount`), or `nil` without labels.
    /// - Complexity: O(n).
    public var labelCounts: [Int]? {
        guard let labels else { return nil }
        var counts = [Int](repeating: 0, count: classCount)
        for y in labels { counts[y] += 1 }
        return counts
    }

    /// The class frequencies `labelCounts / n`, or `nil` without labels or rows.
    public var classPriors: [Double]? {
        guard let counts = labelCounts, rowCount > 0 else { return nil }
        return counts.map { Double($0) / Double(rowCount) }
    }

    /// The rows at `indices`, in that order (repeats allowed), with their labels and modes.
    /// - Complexity: O(`indices.count` × d).
    public func selectingRows<C: Collection>(_ indices: C) -> Dataset where C.Element == Int {
        Dataset(features: features.gatheringRows(indices),
                labels: labels.map { l in indices.map { l[$0] } },
                featureNames: featureNames, classCount: classCount,
                modes: modes.map { m in indices.map { m[$0] } })
    }

    /// Splits the rows in the order `order` (a permutation of the rows): returns the first
    /// `count` of them and keeps the rest, in that order — the two datasets
    /// `selectingRows(order.prefix(count))` and `selectingRows(order.dropFirst(count))` give,
    /// but the rows are permuted within this dataset's own storage, so memory holds the data
    /// once plus the part split off, not twice (a 10 % hold-out of a large training file).
    public mutating func splitOffRows(_ order: [Int], count: Int) -> Dataset {
        let (n, d) = (rowCount, featureCount)
        precondition(order.count == n && count >= 0 && count <= n, "splitOffRows: \(order.count) indices, \(count) rows, \(n) rows held")
        // Row i becomes old row order[i], following each cycle of the permutation with one
        // row kept aside.
        features.scalars.withUnsafeMutableBufferPointer { x in
            var placed = [Bool](repeating: false, count: n)
            var aside = [Float](repeating: 0, count: d)
            for start in 0 ..< n where !placed[start] {
                placed[start] = true
                guard order[start] != start else { continue }
                for c in 0 ..< d { aside[c] = x[start * d + c] }
                var i = start
                while order[i] != start {
                    let from = order[i]
                    for c in 0 ..< d { x[i * d + c] = x[from * d + c] }
                    placed[from] = true
                    i = from
                }
                for c in 0 ..< d { x[i * d + c] = aside[c] }
            }
        }
        labels = labels.map { l in order.map { l[$0] } }
        modes = modes.map { m in order.map { m[$0] } }
        let part = Dataset(features: Tensor(shape: [count, d], scalars: Array(features.scalars[0 ..< count * d])),
                           labels: labels.map { Array($0.prefix(count)) }, featureNames: featureNames, classCount: classCount,
                           modes: modes.map { Array($0.prefix(count)) })
        features.removeFirstRows(count)
        labels = labels.map { Array($0.dropFirst(count)) }
        modes = modes.map { Array($0.dropFirst(count)) }
        return part
    }

    /// The same rows with other feature values (shape must match).
    public func replacingFeatures(_ newFeatures: Tensor) -> Dataset {
        precondition(newFeatures.shape == features.shape,
                     "replacingFeatures: shape \(newFeatures.shape) differs from \(features.shape)")
        var copy = self
        copy.features = newFeatures
        return copy
    }

    /// The dataset without its labels (what a deployed model sees).
    public var unlabeled: Dataset {
        var copy = self
        copy.labels = nil
        return copy
    }

    /// Stacks datasets with the same columns; labels/modes are kept only if every part has them.
    public static func concatenating(_ parts: [Dataset]) -> Dataset {
        precondition(!parts.isEmpty, "Dataset.concatenating: no parts")
        let names = parts[0].featureNames
        precondition(parts.allSatisfy { $0.featureNames == names }, "Dataset.concatenating: columns differ")
        let labels: [Int]? = parts.allSatisfy { $0.labels != nil } ? parts.flatMap { $0.labels! } : nil
        let modes: [Int]? = parts.allSatisfy { $0.modes != nil } ? parts.flatMap { $0.modes! } : nil
        return Dataset(features: Tensor.concatenatingRows(parts.map(\.features)), labels: labels,
                       featureNames: names, classCount: parts.map(\.classCount).max()!, modes: modes)
    }
}
