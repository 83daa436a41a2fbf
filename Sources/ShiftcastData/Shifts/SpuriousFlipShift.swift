/// Breaks a spurious correlation: for a fraction f_s of rows, the spurious
/// feature is moved from its class's source mean to the next class's:
///
///     x_s ← x_s − m_y + m_{(y+1) mod K}
///
/// where m_k is the source mean of the spurious column in class k. The noise
/// around the mean is kept, so the feature still looks like a clean code — of
/// the wrong class (for K = 2 the relation is reversed). Needs a column named
/// `spurious` in the source (see `SpuriousFeatureTask`) and labeled data.
public struct SpuriousFlipShift: Shift {
    public let name = "spurious-flip"
    public let summary = "move the spurious feature of a fraction f of rows to the next class's code"
    public let kind = ShiftKind.spurious
    public var needsLabels: Bool { true }
    /// f for severities 1…5.
    public static let fractions: [Double] = [0.1, 0.25, 0.5, 0.75, 1.0]
    public init() {}

    public func parameterDescription(severity: Int) -> String { "f = \(Self.fractions[severity - 1])" }

    public func apply(to data: Dataset, severity: Int, context: ShiftContext, using generator: inout SeededGenerator) throws -> Dataset {
        let f = Self.fractions[try severityIndex(severity)]
        try requireSourceColumns(data, context)
        let labels = try requireLabels(data)
        guard let spurious = context.spuriousFeature else {
            throw InputError("shift 'spurious-flip': expected a feature named '\(SpuriousFeatureTask.spuriousFeatureName)' in labeled source data, found none")
        }
        let k = spurious.classMeans.count
        return data.editingRows { row, x in
            guard generator.uniform() < f else { return }
            let y = labels[row]
            guard y < k else { return }
            x[spurious.column] += spurious.classMeans[(y + 1) % k] - spurious.classMeans[y]
        }
    }
}
