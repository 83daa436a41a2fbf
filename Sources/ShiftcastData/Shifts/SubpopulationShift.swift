/// Sub-population shift: within every class, one mode (sub-population) becomes rare.
///
/// Modes come from `Dataset.modes` when the data has them (synthetic tasks);
/// otherwise each class is split into 2 clusters by seeded k-means on the data
/// being shifted. In each class with at least 2 modes, one mode (chosen at
/// random) keeps relative weight w_s and the others weight 1; the class's rows
/// are then resampled with replacement with those weights. Class counts are
/// kept exactly, so p(y) is unchanged and only the within-class mixture moves
/// (Santurkar, Tsipras & Madry, "BREEDS", ICLR 2021, shift sub-populations the same way).
public struct SubpopulationShift: Shift {
    public let name = "subpopulation"
    public let summary = "make one mode of every class rare (relative weight w), keeping class counts"
    public let kind = ShiftKind.subpopulation
    public var needsLabels: Bool { true }
    /// w for severities 1…5 (0 removes the mode).
    public static let weights: [Double] = [0.5, 0.3, 0.15, 0.05, 0]
    /// Clusters per class when the data has no mode ids.
    public static let clustersPerClass = 2
    public init() {}

    public func parameterDescription(severity: Int) -> String { "w = \(Self.weights[severity - 1])" }

    public func apply(to data: Dataset, severity: Int, context: ShiftContext, using generator: inout SeededGenerator) throws -> Dataset {
        let w = Self.weights[try severityIndex(severity)]
        let labels = try requireLabels(data)
        var rowsOfClass = [[Int]](repeating: [], count: data.classCount)
        for (row, y) in labels.enumerated() { rowsOfClass[y].append(row) }
        var picks = [Int]()
        picks.reserveCapacity(data.rowCount)
        for rows in rowsOfClass where !rows.isEmpty {
            let modes: [Int] = data.modes.map { m in rows.map { m[$0] } }
                ?? KMeans.cluster(data.features, rows: rows, k: Self.clustersPerClass, using: &generator)
            let distinct = Array(Set(modes)).sorted()
            var weights = [Double](repeating: 1, count: rows.count)
            if distinct.count >= 2 {
                let rare = distinct[generator.index(below: distinct.count)]
                for i in 0 ..< rows.count where modes[i] == rare { weights[i] = w }
            }
            var cumulative = [Double](repeating: 0, count: rows.count)
            var running = 0.0
            for i in 0 ..< rows.count { running += weights[i]; cumulative[i] = running }
            for _ in 0 ..< rows.count {
                let u = generator.uniform() * running
                var lo = 0, hi = rows.count - 1
                while lo < hi { let mid = (lo + hi) / 2; if cumulative[mid] > u { hi = mid } else { lo = mid + 1 } }
                picks.append(rows[lo])
            }
        }
        // Restore a random row order so classes are not grouped.
        generator.shuffle(&picks)
        return data.selectingRows(picks)
    }
}
