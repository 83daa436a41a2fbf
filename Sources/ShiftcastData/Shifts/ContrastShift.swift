/// Reduced contrast around the source mean: x_j ← μ_j + c_s (x_j − μ_j).
public struct ContrastShift: Shift {
    public let name = "contrast"
    public let summary = "shrink every feature toward its source mean by a factor c"
    public let kind = ShiftKind.covariate
    /// c for severities 1…5 (smaller is more severe).
    public static let factors: [Float] = [0.8, 0.65, 0.5, 0.35, 0.2]
    public init() {}

    public func parameterDescription(severity: Int) -> String { "c = \(Self.factors[severity - 1])" }

    public func apply(to data: Dataset, severity: Int, context: ShiftContext, using generator: inout SeededGenerator) throws -> Dataset {
        let c = Self.factors[try severityIndex(severity)]
        try requireSourceColumns(data, context)
        return data.editingRows { _, x in
            for j in 0 ..< x.count { x[j] = context.mean[j] + c * (x[j] - context.mean[j]) }
        }
    }
}
