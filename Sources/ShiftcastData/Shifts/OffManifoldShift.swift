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
        let (n, d) = (data.rowCount, data.featureCount)
        let basis = context.manifoldBasis
        let distance = epsilon * context.principalComponents.totalVariance.squareRoot()
        let flatBasis = basis.flatMap { $0 }
        var scalars = data.features.scalars
        // Rows a chunk at a time: the chunk's Gaussian vectors are drawn in row order, as one
        // row after another would draw them, then projected on the cores, eight rows side by
        // side (`Self.project`: each row's dot products still summed left to right). A row
        // whose projection vanishes redraws in the row-by-row scheme; then the chunk is
        // redone that way from the generator's state before it — the same numbers either way.
        let chunkRows = 256
        var start = 0
        while start < n {
            let rows = min(chunkRows, n - start)
            let before = generator
            var g = [Double](repeating: 0, count: rows * d)
            for i in 0 ..< rows * d { g[i] = generator.gaussian() }
            Self.project(&g, rows: rows, dimension: d, basis: flatBasis, count: basis.count)
            var scales = [Double](repeating: 0, count: rows)
            var redraw = false
            g.withUnsafeBufferPointer { g in
                for r in 0 ..< rows {
                    var s = 0.0
                    for j in 0 ..< d { s += g[r * d + j] * g[r * d + j] }
                    let length = s.squareRoot()
                    if length < 1e-9 { redraw = true; return }
                    scales[r] = distance / length
                }
            }
            if redraw {
                generator = before
                for r in start ..< start + rows { Self.shiftRow(&scalars, r, d, basis, distance, &generator) }
            } else {
                for r in 0 ..< rows {
                    for j in 0 ..< d { scalars[(start + r) * d + j] += Float(scales[r] * g[r * d + j]) }
                }
            }
            start += rows
        }
        return data.replacingFeatures(Tensor(shape: data.features.shape, scalars: scalars))
    }

    /// One row, drawing again while its projection vanishes.
    static func shiftRow(_ x: inout [Float], _ r: Int, _ d: Int, _ basis: [[Double]], _ distance: Double,
                         _ generator: inout SeededGenerator) {
        var direction: [Double]
        repeat {
            let g = (0 ..< d).map { _ in generator.gaussian() }
            direction = VectorMath.orthogonalized(g, against: basis)
        } while VectorMath.norm(direction) < 1e-9
        let scale = distance / VectorMath.norm(direction)
        for j in 0 ..< d { x[r * d + j] += Float(scale * direction[j]) }
    }

    /// `VectorMath.orthogonalized` (modified Gram–Schmidt against `count` orthonormal rows of
    /// `basis`, twice) of each of the `rows` rows of `g`, in place: the same operations in the
    /// same order per row, rows split across the cores and eight at a time per basis vector.
    static func project(_ g: inout [Double], rows: Int, dimension d: Int, basis: [Double], count k: Int) {
        guard k > 0 else { return }
        g.withUnsafeMutableBufferPointer { g in
            basis.withUnsafeBufferPointer { b in
                let (gs, bs) = (SharedMutablePointer(g.baseAddress!), SharedPointer(b.baseAddress!))
                Parallel.forEachChunk(count: (rows + 7) / 8, chunksPerWorker: 4) { groups in
                    // Eight rows interleaved element by element, one per SIMD8 lane: each lane's
                    // dot product is its own left-to-right chain, eight rows per instruction.
                    let panel = UnsafeMutablePointer<SIMD8<Double>>.allocate(capacity: d)
                    defer { panel.deallocate() }
                    for group in groups {
                        // A last group of fewer rows leaves its other lanes at zero, unread.
                        let r0 = gs.base + group * 8 * d, lanes = min(8, rows - group * 8)
                        for i in 0 ..< d {
                            var x = SIMD8<Double>()
                            for l in 0 ..< lanes { x[l] = r0[l * d + i] }
                            panel[i] = x
                        }
                        for _ in 0 ..< 2 {
                            for v in 0 ..< k {
                                let bv = bs.base + v * d
                                var c = SIMD8<Double>()
                                for i in 0 ..< d { c += panel[i] * SIMD8(repeating: bv[i]) }
                                for i in 0 ..< d { panel[i] = panel[i] - c * SIMD8(repeating: bv[i]) }
                            }
                        }
                        for i in 0 ..< d {
                            let x = panel[i]
                            for l in 0 ..< lanes { r0[l * d + i] = x[l] }
                        }
                    }
                }
            }
        }
    }
}
