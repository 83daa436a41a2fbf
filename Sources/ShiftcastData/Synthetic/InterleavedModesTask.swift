/// Classes made of several Gaussian blobs that interleave around a ring, so no
/// linear classifier can separate them (an XOR-like task).
///
/// `classCount × modesPerClass` blob centres sit evenly on a circle of radius
/// `radius` in a random 2-plane of R^D; blob t (t = 0, 1, …) belongs to class
/// `t mod K`, so neighbours always differ in class and each class's modes are
/// spread around the whole ring. With K = 2, M = 2 this is exactly XOR.
///
///     t ~ Uniform{0, …, K·M − 1},  y = t mod K
///     x = P (c_t + s·u) + σ_off ε,   u ~ N(0, I_2),  ε ~ N(0, I_D)
///
/// where `P` (D × 2) is the plane's orthonormal basis and `s = blobSpread ×`
/// (distance between neighbouring centres). `Dataset.modes` holds t.
public struct InterleavedModesTask: SyntheticTask {
    public let name = "interleaved-modes"
    public let classCount: Int
    public let featureCount: Int
    /// M, the number of blobs per class.
    public let modesPerClass: Int
    /// The ring's 2-plane (2 orthonormal vectors of length D).
    public let plane: [[Double]]
    /// Blob centres in plane coordinates (K·M points).
    public let centers: [[Double]]
    /// Within-blob standard deviation in the plane.
    public let blobStd: Double
    /// σ_off, isotropic noise in all D dimensions.
    public let offManifoldStd: Double

    /// The class of blob `mode`.
    public func modeClass(_ mode: Int) -> Int { mode % classCount }

    /// - Precondition: `classCount ≥ 2`, `modesPerClass ≥ 2`, `featureCount ≥ 2`.
    public init(classCount: Int = 2, modesPerClass: Int = 2, featureCount: Int = 10, radius: Double = 3,
                blobSpread: Double = 0.25, offManifoldStd: Double = 0.1, using generator: inout SeededGenerator) {
        precondition(classCount >= 2 && modesPerClass >= 1 && featureCount >= 2,
                     "InterleavedModesTask: needs ≥ 2 classes, ≥ 1 mode per class, ≥ 2 features")
        self.classCount = classCount
        self.featureCount = featureCount
        self.modesPerClass = modesPerClass
        self.offManifoldStd = offManifoldStd
        plane = VectorMath.randomOrthonormal(count: 2, dimension: featureCount, using: &generator)
        let total = classCount * modesPerClass
        let phase = generator.uniform(0, 2 * Double.pi)
        centers = (0 ..< total).map { t in
            let angle = phase + 2 * Double.pi * Double(t) / Double(total)
            return [radius * cosine(angle), radius * sine(angle)]
        }
        blobStd = blobSpread * 2 * radius * sine(Double.pi / Double(total))
    }

    public func sample(count: Int, using generator: inout SeededGenerator) -> Dataset {
        let d = featureCount
        let total = classCount * modesPerClass
        var values = [Float](repeating: 0, count: count * d)
        var labels = [Int](repeating: 0, count: count)
        var modes = [Int](repeating: 0, count: count)
        for row in 0 ..< count {
            let t = generator.index(below: total)
            modes[row] = t
            labels[row] = modeClass(t)
            let a = centers[t][0] + blobStd * generator.gaussian()
            let b = centers[t][1] + blobStd * generator.gaussian()
            for i in 0 ..< d {
                values[row * d + i] = Float(plane[0][i] * a + plane[1][i] * b + offManifoldStd * generator.gaussian())
            }
        }
        return Dataset(features: Tensor(shape: [count, d], scalars: values), labels: labels,
                       featureNames: defaultFeatureNames, classCount: classCount, modes: modes)
    }
}
