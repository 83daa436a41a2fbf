/// Gradient-boosted regression trees for least squares (Friedman, "Greedy function
/// approximation: a gradient boosting machine", Ann. Statist. 2001): `F₀ = mean y`, then each
/// round fits a tree of depth `depth` to the residuals `y − F` and adds it scaled by `shrinkage`.
/// A tree splits a node on the feature and threshold (a midpoint between sorted values) that most
/// lower the squared error, keeping at least `minimumLeaf` rows on each side. Trees ignore inputs
/// that do not help and are unchanged by monotone transforms of an input, so raw scores and
/// accuracies need no scaling. Deterministic: ties go to the lowest feature, then the lowest threshold.
struct BoostedTrees: Sendable {
    /// A node: a leaf's value, or a split sending `x[feature] <= threshold` to `left`.
    enum Node: Sendable {
        case leaf(Double)
        case split(feature: Int, threshold: Double, left: Int, right: Int)
    }

    let base: Double
    let shrinkage: Double
    /// Each tree's nodes, the root first.
    let trees: [[Node]]
    /// Per feature, the drop in squared error of every split on it, summed over the trees
    /// (Friedman 2001, §8.1: the feature's relevance).
    let importance: [Double]

    init(x: [[Double]], y: [Double], rounds: Int = 100, depth: Int = 2, shrinkage: Double = 0.1, minimumLeaf: Int = 3) {
        precondition(x.count == y.count && !y.isEmpty, "BoostedTrees: \(x.count) rows, \(y.count) targets")
        base = y.reduce(0, +) / Double(y.count)
        self.shrinkage = shrinkage
        var fitted = [Double](repeating: base, count: y.count)
        var trees: [[Node]] = []
        let features = x[0].count, n = y.count
        // Column-major copy of x, and each feature's row order, sorted once.
        var columns = [Double](repeating: 0, count: features * n)
        for i in 0 ..< n { for j in 0 ..< features { columns[j * n + i] = x[i][j] } }
        let order = (0 ..< features).map { j in x.indices.sorted { (x[$0][j], $0) < (x[$1][j], $1) } }
        var member = [Bool](repeating: false, count: n)
        var importance = [Double](repeating: 0, count: features)
        for _ in 0 ..< rounds {
            let residual = zip(y, fitted).map { $0 - $1 }
            var nodes: [Node] = []
            // `rows` ascending; sums run in that order, so the fit does not depend on hashing.
            func grow(_ rows: [Int], _ level: Int) -> Int {
                let index = nodes.count
                let total = rows.reduce(0.0) { $0 + residual[$1] }
                nodes.append(.leaf(total / Double(rows.count)))
                guard level < depth, rows.count >= 2 * minimumLeaf else { return index }
                for r in rows { member[r] = true }
                var best: (gain: Double, feature: Int, threshold: Double)? = nil
                for j in 0 ..< features {
                    // The node's rows in this feature's order; a split between each two neighbours.
                    var leftSum = 0.0, leftCount = 0, previous = -1
                    let column = j * n
                    for row in order[j] where member[row] {
                        if previous >= 0 {
                            let rightCount = rows.count - leftCount
                            let (a, b) = (columns[column + previous], columns[column + row])
                            if leftCount >= minimumLeaf, rightCount >= minimumLeaf, a < b {
                                // The drop in squared error of splitting: Σ²/n on each side minus Σ²/n of the node.
                                let rightSum = total - leftSum
                                let gain = leftSum * leftSum / Double(leftCount) + rightSum * rightSum / Double(rightCount)
                                    - total * total / Double(rows.count)
                                // The midpoint, unless it rounds onto b (adjacent doubles): then a itself.
                                let middle = (a + b) / 2
                                if gain > (best?.gain ?? 1e-12) { best = (gain, j, middle < b ? middle : a) }
                            }
                        }
                        leftSum += residual[row]
                        leftCount += 1
                        previous = row
                    }
                }
                for r in rows { member[r] = false }
                guard let best else { return index }
                importance[best.feature] += best.gain
                let left = rows.filter { x[$0][best.feature] <= best.threshold }, right = rows.filter { x[$0][best.feature] > best.threshold }
                let l = grow(left, level + 1), r = grow(right, level + 1)
                nodes[index] = .split(feature: best.feature, threshold: best.threshold, left: l, right: r)
                return index
            }
            _ = grow(Array(y.indices), 0)
            for i in y.indices { fitted[i] += shrinkage * Self.value(nodes, x[i]) }
            trees.append(nodes)
        }
        self.trees = trees
        self.importance = importance
    }

    func predict(_ x: [Double]) -> Double { trees.reduce(base) { $0 + shrinkage * Self.value($1, x) } }

    static func value(_ nodes: [Node], _ x: [Double]) -> Double {
        var i = 0
        while true {
            switch nodes[i] {
            case let .leaf(v): return v
            case let .split(feature, threshold, left, right): i = x[feature] <= threshold ? left : right
            }
        }
    }
}
