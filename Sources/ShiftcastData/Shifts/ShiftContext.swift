import Synchronization

/// Statistics of the source (training) data that the shift families need,
/// computed once: per-feature mean, standard deviation and range, class priors,
/// PCA, the image layout (if features are pixels), and the spurious feature's
/// per-class means (if the data has a column named `spurious`).
///
/// Adversarial families (added separately) need a model: they read
/// `inputGradient`, a closure returning ∂loss/∂x for a batch and its labels.
public struct ShiftContext: Sendable {
    /// The height and width of images whose pixels are the features (row-major).
    public struct ImageShape: Sendable, Equatable {
        public var height: Int
        public var width: Int
        public init(height: Int, width: Int) { self.height = height; self.width = width }
    }

    /// How the spurious feature encodes the label in the source.
    public struct SpuriousFeature: Sendable, Equatable {
        /// The column index.
        public var column: Int
        /// The mean of the column within each class (length `classCount`).
        public var classMeans: [Float]
    }

    public let featureCount: Int
    public let classCount: Int
    /// Per-feature source mean.
    public let mean: [Float]
    /// Per-feature source standard deviation (a zero std is replaced by 1 so scaled shifts still move the feature).
    public let standardDeviation: [Float]
    /// Per-feature source minimum and maximum.
    public let minimum: [Float]
    public let maximum: [Float]
    /// Source class frequencies (uniform when the source has no labels).
    public let classPriors: [Double]
    /// PCA of the source features, computed on first use: only the `rotation` and
    /// `off-manifold` families need it, and it costs O(n·d² + d³).
    public var principalComponents: PrincipalComponents { manifold.value.components }
    /// k: the number of leading components that explain `manifoldVarianceFraction`
    /// of the variance (at most d − 1), i.e. the dimension of the "training manifold".
    public var manifoldDimension: Int { manifold.value.dimension }
    private let manifold: LazyManifold
    /// Image layout for the `image-*` families, or `nil`.
    public var imageShape: ImageShape?
    /// The spurious feature, or `nil`.
    public var spuriousFeature: SpuriousFeature?
    /// For adversarial families: ∂loss/∂x of the model on `(features, labels)`, same shape as the features.
    public var inputGradient: (@Sendable (Tensor, [Int]) throws -> Tensor)?
    /// For transfer attacks: ∂loss/∂x of a *surrogate* model (e.g. the same architecture trained
    /// with another seed). The examples are crafted on it and evaluated on the model under test.
    public var surrogateInputGradient: (@Sendable (Tensor, [Int]) throws -> Tensor)?

    /// Computes the statistics from `source`.
    ///
    /// - Parameters:
    ///   - imageShape: the pixel layout; `nil` infers a square image when d is a perfect
    ///     square ≥ 16 and every feature lies in [0, 1] (as for the digits fixture).
    ///   - spuriousFeatureName: the column treated as spurious if present (and the source is labeled).
    ///   - manifoldVarianceFraction: the variance fraction that defines `manifoldDimension`.
    /// - Throws: `InputError` if the source has fewer than 2 rows.
    /// - Complexity: O(n·d); the PCA, O(n·d² + d³), when a family first asks for it.
    public init(source: Dataset, imageShape: ImageShape? = nil,
                spuriousFeatureName: String = SpuriousFeatureTask.spuriousFeatureName,
                manifoldVarianceFraction: Double = 0.95,
                inputGradient: (@Sendable (Tensor, [Int]) throws -> Tensor)? = nil) throws {
        let n = source.rowCount, d = source.featureCount
        guard n >= 2 else {
            throw InputError("source data: expected at least 2 rows to compute shift statistics, found \(n)")
        }
        featureCount = d
        classCount = source.classCount
        var sum = [Double](repeating: 0, count: d)
        var sumSquares = [Double](repeating: 0, count: d)
        var lo = [Float](repeating: .infinity, count: d)
        var hi = [Float](repeating: -.infinity, count: d)
        source.features.scalars.withUnsafeBufferPointer { x in
            for r in 0 ..< n {
                for c in 0 ..< d {
                    let v = x[r * d + c]
                    sum[c] += Double(v)
                    lo[c] = Swift.min(lo[c], v)
                    hi[c] = Swift.max(hi[c], v)
                }
            }
            for r in 0 ..< n {
                for c in 0 ..< d {
                    let delta = Double(x[r * d + c]) - sum[c] / Double(n)
                    sumSquares[c] += delta * delta
                }
            }
        }
        mean = sum.map { Float($0 / Double(n)) }
        standardDeviation = sumSquares.map { s in
            let std = (s / Double(n - 1)).squareRoot()
            return std > 1e-12 ? Float(std) : 1
        }
        minimum = lo
        maximum = hi
        classPriors = source.classPriors ?? [Double](repeating: 1 / Double(max(source.classCount, 1)), count: max(source.classCount, 1))
        manifold = LazyManifold(features: source.features, varianceFraction: manifoldVarianceFraction)
        if let imageShape {
            self.imageShape = imageShape
        } else {
            let side = Int(Double(d).squareRoot().rounded())
            let inUnitRange = lo.allSatisfy { $0 >= 0 } && hi.allSatisfy { $0 <= 1 }
            self.imageShape = side * side == d && d >= 16 && inUnitRange ? ImageShape(height: side, width: side) : nil
        }
        if let column = source.featureNames.firstIndex(of: spuriousFeatureName), let labels = source.labels {
            var classSum = [Double](repeating: 0, count: source.classCount)
            var classRows = [Int](repeating: 0, count: source.classCount)
            for r in 0 ..< n {
                classSum[labels[r]] += Double(source.features.scalars[r * d + column])
                classRows[labels[r]] += 1
            }
            let overall = Float(sum[column] / Double(n))
            spuriousFeature = SpuriousFeature(column: column, classMeans: (0 ..< source.classCount).map {
                classRows[$0] > 0 ? Float(classSum[$0] / Double(classRows[$0])) : overall
            })
        } else {
            spuriousFeature = nil
        }
        self.inputGradient = inputGradient
    }

    /// The top `manifoldDimension` principal directions (unit vectors of length d).
    public var manifoldBasis: [[Double]] { Array(principalComponents.components.prefix(manifoldDimension)) }
}

/// The source PCA and manifold dimension, computed once, on first use, by whichever thread
/// asks first (shift families run concurrently in the benchmark).
private final class LazyManifold: Sendable {
    let features: Tensor
    let varianceFraction: Double
    private let computed = Mutex<(components: PrincipalComponents, dimension: Int)?>(nil)

    init(features: Tensor, varianceFraction: Double) {
        self.features = features
        self.varianceFraction = varianceFraction
    }

    var value: (components: PrincipalComponents, dimension: Int) {
        computed.withLock { cached in
            if let cached { return cached }
            let pca = PrincipalComponents(of: features)
            let d = features.columnCount
            let result = (components: pca, dimension: Swift.max(1, Swift.min(pca.componentCount(explaining: varianceFraction), d - 1)))
            cached = result
            return result
        }
    }
}
