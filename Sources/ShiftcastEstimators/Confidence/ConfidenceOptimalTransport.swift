extension EstimatorID {
    /// Confidence optimal transport.
    public static let confidenceOptimalTransport = EstimatorID("cot")
}

/// COT — confidence optimal transport (Lu, Qin, Chen, Chen & Jiang, NeurIPS 2023).
///
/// Predicted error = the optimal-transport cost between the target softmax vectors (uniform
/// mass 1/M each) and one-hot labels drawn with the **source label proportions** π, with cost
/// `c(p, e_k) = 1 − p_k`. Predicted accuracy = 1 − cost. When the predicted-label marginal of
/// the target already equals π, every point goes to its argmax and COT equals AC.
///
/// Solved exactly as a K×M transportation problem (`TransportationSolver`), not an M×M
/// assignment. Standard error: with `c_i` the cost the optimal plan charges to target point i,
/// `SE = sd(c_i)/√M` (the plan held fixed; a delta-method approximation).
public struct ConfidenceOptimalTransport: Estimator {
    public let id = EstimatorID.confidenceOptimalTransport
    public let requirements = EstimatorRequirements(usesTemperatureScaling: true)
    public let output = EstimatorOutput.accuracy
    public let dependsOnClassPriors = true
    public let dependsOnSetSize = true
    public let summary = "confidence optimal transport to the source label prior (Lu et al., 2023)"
    public init() {}

    public func fit(_ source: SourceEvidence) throws -> any FittedEstimator {
        Fitted(classCounts: source.predictions.classCounts)
    }

    struct Fitted: FittedEstimator {
        /// Source label counts n_k (π_k = n_k / N).
        let classCounts: [Int]

        func estimate(_ targetEvidence: TargetEvidence) throws -> Estimate {
            try targetEvidence.requireClasses(classCounts.count)
            let target = targetEvidence.predictions
            let solution = TransportationSolver.solve(probabilities: target.probabilities, classCounts: classCounts)
            let cost = solution.pointCosts.reduce(0, +) / Double(target.count)
            return Estimate(estimator: .confidenceOptimalTransport, accuracy: 1 - cost,
                            standardError: Statistics.standardErrorOfMean(solution.pointCosts),
                            score: cost,
                            settings: [.init("cost", "1 - p_k"), .init("prior", "source label proportions")])
        }
    }
}

/// Exact solver for the transportation problem behind COT:
///
///     minimise Σ_ik x_ik (1 − p_ik)   s.t.  Σ_k x_ik = 1/M,  Σ_i x_ik = π_k,  x ≥ 0.
///
/// Masses are scaled to integers — each point carries N units and class k accepts M·n_k —
/// and the problem is solved as a min-cost flow by successive shortest paths: points are added
/// one at a time and routed along the cheapest path to a class with spare capacity, where a
/// path may move mass of already-placed points between classes (edge a→b costs
/// `c_jb − c_ja` for the best point j currently in a; one heap per class pair finds it).
/// Shortest paths among the K class nodes use Bellman–Ford (there are no negative cycles,
/// because the partial plan stays optimal). Exact up to floating-point rounding of the costs.
///
/// - Complexity: O(M · (K³ + K log M)) time, O(M·K) memory for the heaps; K up to ~100 is fast.
public enum TransportationSolver {
    public struct Solution: Sendable {
        /// The cost charged to each target point, `Σ_k x_ik c_ik · M` (so the mean is the total cost).
        public var pointCosts: [Double]
    }

    public static func solve(probabilities: Tensor, classCounts: [Int]) -> Solution {
        let (m, k) = (probabilities.rowCount, probabilities.columnCount)
        precondition(classCounts.count == k && classCounts.reduce(0, +) > 0, "TransportationSolver: bad class counts")
        let n = classCounts.reduce(0, +)
        let p = probabilities.scalars
        @inline(__always) func cost(_ i: Int, _ c: Int) -> Double { 1 - Double(p[i * k + c]) }
        var spare = classCounts.map { $0 * m }          // remaining capacity per class
        // mass[i] lists (class, amount) for point i; most points sit in one class.
        var mass = [[(Int, Int)]](repeating: [], count: m)
        // heaps[a * k + b]: points in a, keyed by c_jb − c_ja (min-heap).
        var heaps = [MinHeap](repeating: MinHeap(), count: k * k)

        func amount(_ j: Int, _ a: Int) -> Int { mass[j].first { $0.0 == a }?.1 ?? 0 }
        func add(_ j: Int, _ a: Int, _ delta: Int) {
            if let idx = mass[j].firstIndex(where: { $0.0 == a }) {
                mass[j][idx].1 += delta
                if mass[j][idx].1 == 0 { mass[j].remove(at: idx) }
            } else {
                mass[j].append((a, delta))
                for b in 0 ..< k where b != a { heaps[a * k + b].push(cost(j, b) - cost(j, a), j) }
            }
        }
        /// The cheapest point to move from a to b, dropping stale heap entries.
        func bestMove(_ a: Int, _ b: Int) -> (key: Double, point: Int)? {
            while let top = heaps[a * k + b].peek {
                if amount(top.value, a) > 0 { return (top.key, top.value) }
                heaps[a * k + b].pop()
            }
            return nil
        }

        /// The classes of a cycle reached by following parents from `start`, if there is one.
        func cycle(from start: Int) -> [Int]? {
            var seen = [Bool](repeating: false, count: k)
            var c = start
            while parent[c] >= 0 {
                if seen[c] {
                    var nodes = [c], d = parent[c]
                    while d != c { nodes.append(d); d = parent[d] }
                    return nodes
                }
                seen[c] = true
                c = parent[c]
            }
            return nil
        }

        var distance = [Double](repeating: 0, count: k)
        var parent = [Int](repeating: -1, count: k)       // previous class on the path, −1 = from the new point
        var via = [Int](repeating: -1, count: k)          // the point moved along parent → class
        for i in 0 ..< m {
            var remaining = n
            while remaining > 0 {
                // Bellman–Ford from the new point i over the class graph.
                for c in 0 ..< k { distance[c] = cost(i, c); parent[c] = -1; via[c] = -1 }
                var moves = [(key: Double, point: Int)?](repeating: nil, count: k * k)
                for a in 0 ..< k { for b in 0 ..< k where a != b { moves[a * k + b] = bestMove(a, b) } }
                for _ in 0 ..< k {
                    var changed = false
                    for a in 0 ..< k {
                        for b in 0 ..< k where a != b {
                            guard let move = moves[a * k + b] else { continue }
                            let candidate = distance[a] + move.key
                            if candidate < distance[b] - 1e-12 {
                                distance[b] = candidate; parent[b] = a; via[b] = move.point; changed = true
                            }
                        }
                    }
                    if !changed { break }
                }
                // The cheapest class with spare capacity ends the path.
                var end = -1
                for c in 0 ..< k where spare[c] > 0 && (end < 0 || distance[c] < distance[end]) { end = c }
                precondition(end >= 0, "TransportationSolver: no capacity left (masses do not balance)")
                // A cycle in the parents is a negative cycle of the residual graph (rounding of tied
                // costs can leave one): cancel it — move mass around it, which lowers the cost — and
                // search again.
                if let cycle = cycle(from: end) {
                    var delta = Int.max
                    for c in cycle { delta = Swift.min(delta, amount(via[c], parent[c])) }
                    for c in cycle {
                        add(via[c], parent[c], -delta)
                        add(via[c], c, delta)
                    }
                    continue
                }
                // Bottleneck: the point's remaining mass, the end's spare, each moved point's mass.
                var delta = Swift.min(remaining, spare[end])
                var c = end
                while parent[c] >= 0 {
                    delta = Swift.min(delta, amount(via[c], parent[c]))
                    c = parent[c]
                }
                // Apply: moved points shift from parent to child; the new point enters the first class.
                c = end
                while parent[c] >= 0 {
                    add(via[c], parent[c], -delta)
                    add(via[c], c, delta)
                    c = parent[c]
                }
                add(i, c, delta)
                spare[end] -= delta
                remaining -= delta
            }
        }
        var pointCosts = [Double](repeating: 0, count: m)
        for i in 0 ..< m {
            var total = 0.0
            for (c, units) in mass[i] { total += Double(units) * cost(i, c) }
            pointCosts[i] = total / Double(n)
        }
        return Solution(pointCosts: pointCosts)
    }
}

/// A binary min-heap of (key, value) pairs.
struct MinHeap: Sendable {
    private var keys: [Double] = []
    private var values: [Int] = []

    var peek: (key: Double, value: Int)? { keys.isEmpty ? nil : (keys[0], values[0]) }

    mutating func push(_ key: Double, _ value: Int) {
        keys.append(key); values.append(value)
        var i = keys.count - 1
        while i > 0 {
            let parent = (i - 1) / 2
            guard keys[i] < keys[parent] else { break }
            keys.swapAt(i, parent); values.swapAt(i, parent)
            i = parent
        }
    }

    mutating func pop() {
        guard !keys.isEmpty else { return }
        keys[0] = keys[keys.count - 1]; values[0] = values[values.count - 1]
        keys.removeLast(); values.removeLast()
        var i = 0
        while true {
            let l = 2 * i + 1, r = l + 1
            var smallest = i
            if l < keys.count && keys[l] < keys[smallest] { smallest = l }
            if r < keys.count && keys[r] < keys[smallest] { smallest = r }
            if smallest == i { break }
            keys.swapAt(i, smallest); values.swapAt(i, smallest)
            i = smallest
        }
    }
}
