/// Salt-and-pepper noise on the source feature range: each value is replaced,
/// with probability p_s, by its feature's source minimum or maximum (equally likely).
public struct ImpulseNoiseShift: Shift {
    public let name = "impulse-noise"
    public let summary = "set a fraction p of values to their feature's source minimum or maximum (salt and pepper)"
    public let kind = ShiftKind.covariate
    /// p for severities 1…5.
    public static let fractions: [Double] = [0.01, 0.03, 0.06, 0.10, 0.15]
    public init() {}

    public func parameterDescription(severity: Int) -> String { "p = \(Self.fractions[severity - 1])" }

    public func apply(to data: Dataset, severity: Int, context: ShiftContext, using generator: inout SeededGenerator) throws -> Dataset {
        let p = Self.fractions[try severityIndex(severity)]
        try requireSourceColumns(data, context)
        return data.editingRows { _, x in
            for j in 0 ..< x.count where generator.uniform() < p {
                x[j] = generator.uniform() < 0.5 ? context.minimum[j] : context.maximum[j]
            }
        }
    }
}
