import XCTest
@testable import ShiftcastTensor
@testable import ShiftcastData

final class SymmetricEigenTests: XCTestCase {
    func testKnownTwoByTwo() {
        // [[2, 1], [1, 2]] has eigenvalues 3 and 1 with vectors (1, 1)/√2 and (1, −1)/√2.
        let eigen = SymmetricEigen(symmetric: [2, 1, 1, 2], size: 2)
        XCTAssertEqual(eigen.values[0], 3, accuracy: 1e-12)
        XCTAssertEqual(eigen.values[1], 1, accuracy: 1e-12)
        XCTAssertEqual(abs(eigen.vectors[0][0]), 0.5.squareRoot(), accuracy: 1e-12)
        XCTAssertEqual(eigen.vectors[0][0] * eigen.vectors[0][1], 0.5, accuracy: 1e-12)
    }

    func testRandomMatricesAreDecomposed() {
        var generator = SeededGenerator(seed: 11)
        for n in [1, 3, 8, 40] {
            var a = [Double](repeating: 0, count: n * n)
            for i in 0 ..< n { for j in 0 ... i {
                let x = generator.gaussian()
                a[i * n + j] = x; a[j * n + i] = x
            } }
            let eigen = SymmetricEigen(symmetric: a, size: n)
            XCTAssertEqual(eigen.values, eigen.values.sorted(by: >))
            for k in 0 ..< n {
                let v = eigen.vectors[k]
                XCTAssertEqual(VectorMath.norm(v), 1, accuracy: 1e-10)
                for i in 0 ..< n {
                    var av = 0.0
                    for j in 0 ..< n { av += a[i * n + j] * v[j] }
                    XCTAssertEqual(av, eigen.values[k] * v[i], accuracy: 1e-9, "n=\(n) k=\(k)")
                }
                for l in 0 ..< k { XCTAssertEqual(VectorMath.dot(v, eigen.vectors[l]), 0, accuracy: 1e-10) }
            }
        }
    }

    func testRepeatedAndZeroEigenvalues() {
        // diag(5, 0, 5, 0): repeated eigenvalues and a rank-deficient matrix.
        let eigen = SymmetricEigen(symmetric: [5, 0, 0, 0, 0, 0, 0, 0, 0, 0, 5, 0, 0, 0, 0, 0], size: 4)
        XCTAssertEqual(eigen.values, [5, 5, 0, 0])
    }

    func testPrincipalComponentsOfAnElongatedCloud() {
        var generator = SeededGenerator(seed: 5)
        // Variance 9 along (1, 1, 0)/√2, 1 along (1, −1, 0)/√2, 0.01 along z.
        var rows: [[Float]] = []
        for _ in 0 ..< 4000 {
            let a = 3 * generator.gaussian(), b = generator.gaussian(), c = 0.1 * generator.gaussian()
            rows.append([Float((a + b) / 2.0.squareRoot() + 1), Float((a - b) / 2.0.squareRoot() - 2), Float(c)])
        }
        let pca = PrincipalComponents(of: Tensor(rows: rows))
        XCTAssertEqual(pca.mean[0], 1, accuracy: 0.15)
        XCTAssertEqual(pca.mean[1], -2, accuracy: 0.15)
        XCTAssertEqual(pca.variances[0], 9, accuracy: 0.6)
        XCTAssertEqual(pca.variances[1], 1, accuracy: 0.1)
        XCTAssertEqual(pca.variances[2], 0.01, accuracy: 0.002)
        XCTAssertEqual(abs(pca.components[0][0]), 0.5.squareRoot(), accuracy: 0.02)
        XCTAssertEqual(abs(pca.components[2][2]), 1, accuracy: 1e-3)
        XCTAssertEqual(pca.componentCount(explaining: 0.95), 2)
    }

    /// Finite features near Float's range (1e20, whose square overflows Float, and ±3e38,
    /// whose difference does) give the covariance computed in Double, not a trap.
    func testPrincipalComponentsOfHugeFiniteFeatures() {
        // Column 0: one 1e20 among n − 1 zeros; its sample variance Σ(x − μ)²/(n − 1) in Double.
        // Column 1 (deviations ±0.5, none at the huge row, so no covariance) keeps its own
        // variance 0.125: only column 0 is scaled.
        let n = 5
        let rows: [[Float]] = [[0, 1], [0, 1.5], [1e20, 1], [0, 0.5], [0, 1]]
        let pca = PrincipalComponents(of: Tensor(rows: rows))
        let mean0 = 1e20 / Double(n)
        let expected = (Double(Float(1e20)) - mean0) * (Double(Float(1e20)) - mean0) / Double(n - 1)
            + Double(n - 1) * mean0 * mean0 / Double(n - 1)
        XCTAssertTrue(pca.variances.allSatisfy(\.isFinite))
        XCTAssertEqual(pca.variances[0] / expected, 1, accuracy: 1e-6)
        XCTAssertEqual(abs(pca.components[0][0]), 1, accuracy: 1e-6)
        XCTAssertEqual(pca.variances[1], 0.125, accuracy: 1e-9)
        XCTAssertEqual(abs(pca.components[1][1]), 1, accuracy: 1e-9)
        let extreme = PrincipalComponents(of: Tensor(rows: [[3e38], [-3e38], [3e38], [-3e38]]))
        XCTAssertEqual(extreme.variances[0] / (4 * 9e76 / 3), 1, accuracy: 1e-6) // Σ(±3e38)²/(4 − 1)
    }

    /// The decomposition of a 360 × 360 covariance of rank 119 and of a full-rank 300 × 300
    /// matrix, bit for bit: a fingerprint (FNV-1a over the bit patterns of the values, then of
    /// the vectors) recorded with the serial JAMA port of commit 1fde73b. The solver now splits
    /// its loops across cores, batches the QL rotations and runs lanes of SIMD8<Double>; each
    /// element must still see the same operations in the same order. Both sizes are large
    /// enough for the parallel paths and for several batches of rotations.
    func testLargeDecompositionsMatchTheSerialPortBitForBit() {
        func fingerprint(_ eigen: SymmetricEigen) -> UInt64 {
            var hash: UInt64 = 0xcbf2_9ce4_8422_2325
            func mix(_ x: Double) { for shift in stride(from: 0, to: 64, by: 8) { hash = (hash ^ ((x.bitPattern >> UInt64(shift)) & 0xff)) &* 0x100_0000_01b3 } }
            eigen.values.forEach(mix)
            eigen.vectors.forEach { $0.forEach(mix) }
            return hash
        }
        var generator = SeededGenerator(seed: 2026)
        let (rows, n) = (120, 360)
        let x = (0 ..< rows * n).map { _ in generator.gaussian() }
        var covariance = [Double](repeating: 0, count: n * n)
        for r in 0 ..< rows { for i in 0 ..< n { for j in 0 ... i { covariance[i * n + j] += x[r * n + i] * x[r * n + j] } } }
        for i in 0 ..< n { for j in 0 ..< i { covariance[j * n + i] = covariance[i * n + j] } }
        let lowRank = SymmetricEigen(symmetric: covariance, size: n)
        let m = 300
        var full = [Double](repeating: 0, count: m * m)
        for i in 0 ..< m { for j in 0 ... i { let a = generator.gaussian(); full[i * m + j] = a; full[j * m + i] = a } }
        let fullRank = SymmetricEigen(symmetric: full, size: m)
        XCTAssertEqual(String(fingerprint(lowRank), radix: 16), "74ffb08df5a8de1b")
        XCTAssertEqual(String(fingerprint(fullRank), radix: 16), "d796b1bb18d7ae6d")
    }
}
