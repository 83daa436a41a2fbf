/// K Gaussian classes lying near a random r-dimensional subspace of R^D.
///
/// With an orthonormal basis `B` (D × r) drawn at random,
///
///     y ~ Uniform{0, …, K−1}
///     x = B (m_y + L_y z) + σ_off ε,   z ~ N(0, I_r),  ε ~ N(0, I_D)
///
/// where the class means `m_y ~ N(0, separation² I_r)` and the within-class
/// factors `L_y` (r × r, entries N(0, withinClassScale² / r)) are drawn once.
/// So the data has r directions of real variance plus isotropic noise of
/// standard deviation `offManifoldStd`: "off the training manifold" means
/// "far from span(B)".
public struct GaussianMixtureTask: SyntheticTask {
    public let name = "gaussian-mixture"
    public let classCount: Int
    public let featureCount: Int
    /// r, the dimension of the subspace the classes live in.
    public let subspaceDimension: Int
    /// σ_off, the standard deviation of the isotropic noise outside the subspace.
    public let offManifoldStd: Double
    /// The orthonormal basis of the subspace: `subspaceDimension` vectors of length D.
    public let basis: [[Double]]
    /// Class means in subspace coordinates (K vectors of length r).
    public let classMeans: [[Double]]
    /// Within-class factors `L_y`, row-major r × r each.
    public let classFactors: [[Double]]

    /// Draws a task.
    /// - Parameters:
    ///   - separation: the standard deviation of the class means (in units of the within-class scale).
    ///   - withinClassScale: the overall scale of the within-class spread in the subspace.
    /// - Precondition: `classCount ≥ 2`, `1 ≤ subspaceDimension ≤ featureCount`.
    public init(classCount: Int = 4, featureCount: Int = 20, subspaceDimension: Int = 5,
                separation: Double = 2, withinClassScale: Double = 1, offManifoldStd: Double = 0.05,
                using generator: inout SeededGenerator) {
        precondition(classCount >= 2, "GaussianMixtureTask: needs at least 2 classes")
        precondition(subspaceDimension >= 1 && subspaceDimension <= featureCount,
                     "GaussianMixtureTask: subspace dimension \(subspaceDimension) must be in 1...\(featureCount)")
        self.classCount = classCount
        self.featureCount = featureCount
        self.subspaceDimension = subspaceDimension
        self.offManifoldStd = offManifoldStd
        let r = subspaceDimension
        basis = VectorMath.randomOrthonormal(count: r, dimension: featureCount, using: &generator)
        classMeans = (0 ..< classCount).map { _ in (0 ..< r).map { _ in separation * withinClassScale * generator.gaussian() } }
        let factorScale = withinClassScale / Double(r).squareRoot()
        classFactors = (0 ..< classCount).map { _ in (0 ..< r * r).map { _ in factorScale * generator.gaussian() } }
    }

    /// The basis as a `[D, r]` tensor (columns span the class subspace).
    public var basisMatrix: Tensor {
        let r = subspaceDimension, d = featureCount
        var s = [Float](repeating: 0, count: d * r)
        for k in 0 ..< r { for i in 0 ..< d { s[i * r + k] = Float(basis[k][i]) } }
        return Tensor(shape: [d, r], scalars: s)
    }

    public func sample(count: Int, using generator: inout SeededGenerator) -> Dataset {
        let d = featureCount, r = subspaceDimension
        var values = [Float](repeating: 0, count: count * d)
        var labels = [Int](repeating: 0, count: count)
        var coordinates = [Double](repeating: 0, count: r)
        var z = [Double](repeating: 0, count: r)
        for row in 0 ..< count {
            let y = generator.index(below: classCount)
            labels[row] = y
            for k in 0 ..< r { z[k] = generator.gaussian() }
            let factor = classFactors[y]
            for a in 0 ..< r {
                var s = classMeans[y][a]
                for b in 0 ..< r { s += factor[a * r + b] * z[b] }
                coordinates[a] = s
            }
            for i in 0 ..< d {
                var x = offManifoldStd * generator.gaussian()
                for k in 0 ..< r { x += basis[k][i] * coordinates[k] }
                values[row * d + i] = Float(x)
            }
        }
        return Dataset(features: Tensor(shape: [count, d], scalars: values), labels: labels,
                       featureNames: defaultFeatureNames, classCount: classCount)
    }
}
