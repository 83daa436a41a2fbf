import XCTest
@testable import ShiftcastData

final class SyntheticTaskTests: XCTestCase {
    func testGaussianMixtureLiesNearItsSubspace() {
        var generator = SeededGenerator(seed: 1)
        let task = GaussianMixtureTask(classCount: 3, featureCount: 12, subspaceDimension: 3, offManifoldStd: 0.05, using: &generator)
        let data = task.sample(count: 2000, using: &generator)
        XCTAssertEqual(data.features.shape, [2000, 12])
        XCTAssertEqual(data.classCount, 3)
        XCTAssertTrue(data.labelCounts!.allSatisfy { $0 > 550 })
        // Residual outside span(B) has variance σ_off² per dimension: (12 − 3) × 0.0025 per row.
        var residual = 0.0
        for r in 0 ..< data.rowCount {
            let x = data.features.row(r).map(Double.init)
            let off = VectorMath.orthogonalized(x, against: task.basis)
            residual += VectorMath.dot(off, off)
        }
        XCTAssertEqual(residual / Double(data.rowCount), 9 * 0.0025, accuracy: 0.003)
        XCTAssertEqual(task.basisMatrix.shape, [12, 3])
        // PCA finds the subspace.
        let pca = PrincipalComponents(of: data.features)
        XCTAssertEqual(pca.componentCount(explaining: 0.95), 3)
    }

    func testSameSeedSameSample() {
        var g1 = SeededGenerator(seed: 9), g2 = SeededGenerator(seed: 9)
        let t1 = InterleavedModesTask(using: &g1), t2 = InterleavedModesTask(using: &g2)
        XCTAssertEqual(t1.sample(count: 50, using: &g1), t2.sample(count: 50, using: &g2))
    }

    func testInterleavedModesDefeatALinearRule() {
        var generator = SeededGenerator(seed: 2)
        let task = InterleavedModesTask(classCount: 2, modesPerClass: 2, featureCount: 6, using: &generator)
        let data = task.sample(count: 4000, using: &generator)
        XCTAssertEqual(data.modes!.count, 4000)
        for (mode, label) in zip(data.modes!, data.labels!) { XCTAssertEqual(task.modeClass(mode), label) }
        XCTAssertEqual(Set(data.modes!), [0, 1, 2, 3])
        // XOR: the class means coincide (at the ring centre), so the best linear
        // direction, the difference of class means, carries no signal.
        var means = [[Double]](repeating: [Double](repeating: 0, count: 6), count: 2)
        for r in 0 ..< data.rowCount { for j in 0 ..< 6 { means[data.labels![r]][j] += Double(data.features[r, j]) } }
        let counts = data.labelCounts!
        let gap = (0 ..< 6).map { means[0][$0] / Double(counts[0]) - means[1][$0] / Double(counts[1]) }
        XCTAssertLessThan(VectorMath.norm(gap), 0.2, "class means should nearly coincide, radius is 3")
        // …while modes are well separated: nearest-centre-of-mode classification is near perfect.
        var correct = 0
        for r in 0 ..< data.rowCount {
            let x = data.features.row(r).map(Double.init)
            let a = VectorMath.dot(x, task.plane[0]), b = VectorMath.dot(x, task.plane[1])
            let nearest = (0 ..< 4).min { t1, t2 in
                let d1 = pow(task.centers[t1][0] - a, 2) + pow(task.centers[t1][1] - b, 2)
                let d2 = pow(task.centers[t2][0] - a, 2) + pow(task.centers[t2][1] - b, 2)
                return d1 < d2
            }!
            if task.modeClass(nearest) == data.labels![r] { correct += 1 }
        }
        XCTAssertGreaterThan(Double(correct) / 4000, 0.93)
    }

    func testSpuriousFeatureAgreesWithLabel() {
        var generator = SeededGenerator(seed: 3)
        let task = SpuriousFeatureTask(classCount: 2, agreement: 0.95, using: &generator)
        let data = task.sample(count: 4000, using: &generator)
        XCTAssertEqual(data.featureNames.last, "spurious")
        XCTAssertEqual(task.spuriousFeatureIndex, data.featureCount - 1)
        var agree = 0
        for r in 0 ..< data.rowCount {
            let predicted = data.features[r, task.spuriousFeatureIndex] > 0.5 ? 1 : 0
            if predicted == data.labels![r] { agree += 1 }
        }
        // 95% agree by construction, plus half of the 5% random codes.
        XCTAssertEqual(Double(agree) / 4000, 0.975, accuracy: 0.01)
    }
}

private func pow(_ x: Double, _ n: Int) -> Double { (0 ..< n).reduce(1) { r, _ in r * x } }
