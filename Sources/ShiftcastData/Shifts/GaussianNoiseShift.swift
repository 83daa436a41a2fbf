/// Additive Gaussian noise scaled per feature: x_j ← x_j + c_s · std_j · ε,  ε ~ N(0, 1)
/// (the tabular analogue of Hendrycks & Dietterich's "gaussian_noise", ICLR 2019).
public struct GaussianNoiseShift: Shift {
    public let name = "gaussian-noise"
    public let summary = "add Gaussian noise with standard deviation c × each feature's source std"
    public let kind = ShiftKind.covariate
    /// c for severities 1…5.
    public static let scales: [Float] = [0.1, 0.2, 0.35, 0.5, 0.75]
    public init() {}

    public func parameterDescription(severity: Int) -> String { "c = \(Self.scales[severity - 1])" }

    public func apply(to data: Dataset, severity: Int, context: ShiftContext, using generator: inout SeededGenerator) throws -> Dataset {
        let c = Self.scales[try severityIndex(severity)]
        try requireSourceColumns(data, context)
        return data.editingRows { _, x in
            for j in 0 ..< x.count { x[j] += c * context.standardDeviation[j] * Float(generator.gaussian()) }
        }
    }
}
