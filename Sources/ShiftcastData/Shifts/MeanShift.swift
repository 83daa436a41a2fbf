/// Covariate translation: every row moves by δ_s standard deviations along one
/// random direction u (a unit vector in standardised feature space, drawn per call):
/// x_j ← x_j + δ_s · u_j · std_j.
public struct MeanShift: Shift {
    public let name = "mean-shift"
    public let summary = "translate all rows by δ source standard deviations along a random direction"
    public let kind = ShiftKind.covariate
    /// δ for severities 1…5.
    public static let distances: [Double] = [0.25, 0.5, 1.0, 1.5, 2.0]
    public init() {}

    public func parameterDescription(severity: Int) -> String { "δ = \(Self.distances[severity - 1]) std" }

    public func apply(to data: Dataset, severity: Int, context: ShiftContext, using generator: inout SeededGenerator) throws -> Dataset {
        let delta = Self.distances[try severityIndex(severity)]
        try requireSourceColumns(data, context)
        let u = VectorMath.randomOrthonormal(count: 1, dimension: data.featureCount, using: &generator)[0]
        let offset = (0 ..< data.featureCount).map { Float(delta * u[$0]) * context.standardDeviation[$0] }
        return data.editingRows { _, x in
            for j in 0 ..< x.count { x[j] += offset[j] }
        }
    }
}
