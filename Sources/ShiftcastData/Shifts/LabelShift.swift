/// Label (prior) shift: new class priors q ~ Dirichlet(α), class-conditionals unchanged.
///
/// α_k = c_s · K · π_k, with π the source priors, so E[q] = π and smaller c_s
/// gives more extreme priors (Lipton, Wang & Smola, "Detecting and correcting for
/// label shift with black box predictors", ICML 2018, use the same protocol).
/// Each output row draws a class from q, then a row of that class uniformly
/// with replacement from the input, so p(x | y) is the input's. Classes absent
/// from the input get prior 0 (q is renormalised over the present ones).
/// The output has as many rows as the input.
public struct LabelShift: Shift {
    public let name = "label-shift"
    public let summary = "resample rows to class priors drawn from Dirichlet(c·K·source priors); p(x|y) unchanged"
    public let kind = ShiftKind.label
    public var needsLabels: Bool { true }
    /// c (Dirichlet concentration per class, relative to K·π) for severities 1…5.
    public static let concentrations: [Double] = [10, 3, 1, 0.5, 0.2]
    public init() {}

    public func parameterDescription(severity: Int) -> String { "α = \(Self.concentrations[severity - 1]) · K · π" }

    /// The priors that `apply` would use (exposed for tests and reports).
    public func targetPriors(severity: Int, context: ShiftContext, present: [Bool],
                             using generator: inout SeededGenerator) throws -> [Double] {
        let c = Self.concentrations[try severityIndex(severity)]
        let k = present.count
        let source = (0 ..< k).map { $0 < context.classPriors.count ? context.classPriors[$0] : 0 }
        let alpha = source.map { c * Double(k) * Swift.max($0, 1e-3) }
        var q = generator.dirichlet(alpha)
        for i in 0 ..< k where !present[i] { q[i] = 0 }
        let total = q.reduce(0, +)
        return total > 0 ? q.map { $0 / total } : present.map { $0 ? 1 : 0 }.map { Double($0) / Double(present.filter { $0 }.count) }
    }

    public func apply(to data: Dataset, severity: Int, context: ShiftContext, using generator: inout SeededGenerator) throws -> Dataset {
        _ = try severityIndex(severity)
        let labels = try requireLabels(data)
        let k = Swift.max(data.classCount, context.classCount)
        var rowsOfClass = [[Int]](repeating: [], count: k)
        for (row, y) in labels.enumerated() { rowsOfClass[y].append(row) }
        let q = try targetPriors(severity: severity, context: context, present: rowsOfClass.map { !$0.isEmpty }, using: &generator)
        var cumulative = [Double](repeating: 0, count: k)
        var running = 0.0
        for i in 0 ..< k { running += q[i]; cumulative[i] = running }
        var picks: [Int] = []
        picks.reserveCapacity(data.rowCount)
        for _ in 0 ..< data.rowCount {
            let u = generator.uniform() * running
            var y = cumulative.firstIndex(where: { u < $0 }) ?? (k - 1)
            while rowsOfClass[y].isEmpty { y = (y + k - 1) % k }
            picks.append(rowsOfClass[y][generator.index(below: rowsOfClass[y].count)])
        }
        return data.selectingRows(picks)
    }
}
