/// Rotation by angle θ_s about the source mean, within a random 2-plane.
///
/// The plane is spanned by two random orthonormal vectors drawn inside the span
/// of the source's top principal components (at least 2 of them), so the
/// rotation moves directions that actually carry the data's variance. With
/// p = (x − μ)·a, q = (x − μ)·b:
///
///     x ← x + (p cos θ − q sin θ − p) a + (p sin θ + q cos θ − q) b
public struct RotationShift: Shift {
    public let name = "rotation"
    public let summary = "rotate the data about its source mean by angle θ in a random plane of its principal subspace"
    public let kind = ShiftKind.covariate
    /// θ in degrees for severities 1…5.
    public static let degrees: [Double] = [10, 20, 35, 50, 70]
    public init() {}

    public func parameterDescription(severity: Int) -> String { "θ = \(Int(Self.degrees[severity - 1]))°" }

    public func apply(to data: Dataset, severity: Int, context: ShiftContext, using generator: inout SeededGenerator) throws -> Dataset {
        let theta = Self.degrees[try severityIndex(severity)] * Double.pi / 180
        try requireSourceColumns(data, context)
        let d = data.featureCount
        guard d >= 2 else { throw InputError("shift 'rotation': expected at least 2 features, found \(d)") }
        let spanCount = Swift.min(d, Swift.max(2, context.manifoldDimension))
        let span = Array(context.principalComponents.components.prefix(spanCount))
        let plane = VectorMath.randomOrthonormal(count: 2, dimension: d, within: span, using: &generator)
        let a = plane[0].map(Float.init), b = plane[1].map(Float.init)
        let (c, s) = (Float(cosine(theta)), Float(sine(theta)))
        return data.editingRows { _, x in
            var p: Float = 0, q: Float = 0
            for j in 0 ..< d {
                let centered = x[j] - context.mean[j]
                p += centered * a[j]; q += centered * b[j]
            }
            let da = p * c - q * s - p, db = p * s + q * c - q
            for j in 0 ..< d { x[j] += da * a[j] + db * b[j] }
        }
    }
}
