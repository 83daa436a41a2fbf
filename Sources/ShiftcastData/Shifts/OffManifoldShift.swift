/// Perturbations orthogonal to the source's principal subspace.
///
/// With V_k the top-k principal directions of the source (k = the context's
/// `manifoldDimension`, explaining 95% of the variance) and R = √(total source
/// variance) (the RMS distance of a row from the mean), each row moves by
///
///     x ← x + ε_s · R · g⊥ / ‖g⊥‖,   g⊥ = (I − V_k V_kᵀ) g,  g ~ N(0, I_d)
///
/// so the shift leaves the data's high-variance directions alone and pushes
/// it off the "training manifold" by a fixed distance.
public struct OffManifoldShift: Shift {
    public let name = "off-manifold"
    public let summary = "move every row a distance ε·R orthogonally to the source's top principal components"
    public let kind = ShiftKind.covariate
    /// ε (fraction of the RMS radius R) for severities 1…5.
    public static let magnitudes: [Double] = [0.1, 0.2, 0.35, 0.5, 0.75]
    public init() {}

    public func parameterDescription(severity: Int) -> String { "ε = \(Self.magnitudes[severity - 1]) × R" }

    public func apply(to data: Dataset, severity: Int, context: ShiftContext, using generator: inout SeededGenerator) throws -> Dataset {
        let epsilon = Self.magnitudes[try severityIndex(severity)]
        try requireSourceColumns(data, context)
        let d = data.featureCount
        let basis = context.manifoldBasis
        let distance = epsilon * context.principalComponents.totalVariance.squareRoot()
        return data.editingRows { _, x in
            var direction: [Double]
            repeat {
                let g = (0 ..< d).map { _ in generator.gaussian() }
                direction = VectorMath.orthogonalized(g, against: basis)
            } while VectorMath.norm(direction) < 1e-9
            let scale = distance / VectorMath.norm(direction)
            for j in 0 ..< d { x[j] += Float(scale * direction[j]) }
        }
    }
}
