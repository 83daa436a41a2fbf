/// Lloyd's k-means with k-means++ seeding (Arthur & Vassilvitskii, SODA 2007), seeded.
public enum KMeans {
    /// Cluster ids (0..<k) for the given rows of a `[n, d]` matrix.
    /// - Complexity: O(iterations · n · k · d).
    public static func cluster(_ features: Tensor, rows: [Int], k: Int, iterations: Int = 25,
                        using generator: inout SeededGenerator) -> [Int] {
        let d = features.columnCount
        let n = rows.count
        guard n > k, k > 1 else { return (0 ..< n).map { Swift.min($0, Swift.max(k - 1, 0)) } }
        let x = features.scalars
        func distance(_ row: Int, _ center: [Double]) -> Double {
            var s = 0.0
            for j in 0 ..< d { let t = Double(x[row * d + j]) - center[j]; s += t * t }
            return s
        }
        var centers = [(0 ..< d).map { Double(x[rows[generator.index(below: n)] * d + $0]) }]
        var nearest = rows.map { distance($0, centers[0]) }
        while centers.count < k {
            let total = nearest.reduce(0, +)
            var pick = 0
            if total > 0 {
                var u = generator.uniform() * total
                while pick < n - 1 && u >= nearest[pick] { u -= nearest[pick]; pick += 1 }
            } else {
                pick = generator.index(below: n)
            }
            let center = (0 ..< d).map { Double(x[rows[pick] * d + $0]) }
            centers.append(center)
            for i in 0 ..< n { nearest[i] = Swift.min(nearest[i], distance(rows[i], center)) }
        }
        var assignment = [Int](repeating: 0, count: n)
        for _ in 0 ..< iterations {
            var changed = false
            for i in 0 ..< n {
                var best = 0, bestDistance = Double.infinity
                for c in 0 ..< k {
                    let dist = distance(rows[i], centers[c])
                    if dist < bestDistance { bestDistance = dist; best = c }
                }
                if assignment[i] != best { assignment[i] = best; changed = true }
            }
            var sums = [[Double]](repeating: [Double](repeating: 0, count: d), count: k)
            var counts = [Int](repeating: 0, count: k)
            for i in 0 ..< n {
                counts[assignment[i]] += 1
                for j in 0 ..< d { sums[assignment[i]][j] += Double(x[rows[i] * d + j]) }
            }
            for c in 0 ..< k where counts[c] > 0 { centers[c] = sums[c].map { $0 / Double(counts[c]) } }
            if !changed { break }
        }
        return assignment
    }
}
