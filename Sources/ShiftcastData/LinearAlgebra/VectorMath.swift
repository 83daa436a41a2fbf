/// Small dense-vector helpers in `Double` for the statistics behind the shifts.
enum VectorMath {
    static func dot(_ a: [Double], _ b: [Double]) -> Double {
        var s = 0.0
        for i in 0 ..< a.count { s += a[i] * b[i] }
        return s
    }

    static func norm(_ a: [Double]) -> Double { dot(a, a).squareRoot() }

    /// `a` scaled to unit length (unchanged if it is zero).
    static func normalized(_ a: [Double]) -> [Double] {
        let n = norm(a)
        return n > 0 ? a.map { $0 / n } : a
    }

    /// `a` minus its projections on the orthonormal `basis` vectors (modified Gram–Schmidt, applied twice).
    static func orthogonalized(_ a: [Double], against basis: [[Double]]) -> [Double] {
        var r = a
        for _ in 0 ..< 2 {
            for b in basis {
                let c = dot(r, b)
                for i in 0 ..< r.count { r[i] -= c * b[i] }
            }
        }
        return r
    }

    /// `count` orthonormal vectors in R^`dimension`, uniformly random (Gaussian vectors + Gram–Schmidt).
    /// - Precondition: `count <= dimension`.
    static func randomOrthonormal(count: Int, dimension: Int, within span: [[Double]]? = nil,
                                  using generator: inout SeededGenerator) -> [[Double]] {
        precondition(count <= (span?.count ?? dimension), "randomOrthonormal: \(count) vectors do not fit")
        var basis: [[Double]] = []
        while basis.count < count {
            var candidate: [Double]
            if let span {
                candidate = [Double](repeating: 0, count: dimension)
                for s in span {
                    let c = generator.gaussian()
                    for i in 0 ..< dimension { candidate[i] += c * s[i] }
                }
            } else {
                candidate = (0 ..< dimension).map { _ in generator.gaussian() }
            }
            let r = orthogonalized(candidate, against: basis)
            let n = norm(r)
            if n > 1e-8 * max(norm(candidate), 1e-300) { basis.append(r.map { $0 / n }) }
        }
        return basis
    }
}
