/// Agreement statistics between an estimator's outputs and true accuracies.
public enum Metrics {
    /// Mean absolute error `mean |p_i − t_i|` (NaN when empty).
    public static func meanAbsoluteError(_ predicted: [Double], _ truth: [Double]) -> Double {
        precondition(predicted.count == truth.count)
        guard !predicted.isEmpty else { return .nan }
        return zip(predicted, truth).reduce(0) { $0 + abs($1.0 - $1.1) } / Double(predicted.count)
    }

    /// R² of the least-squares line of `y` on `x` (= squared Pearson correlation); NaN when either
    /// is constant or fewer than 3 points.
    public static func rSquared(_ x: [Double], _ y: [Double]) -> Double {
        let r = pearson(x, y)
        return r.isNaN ? .nan : r * r
    }

    /// Pearson correlation; NaN when undefined.
    public static func pearson(_ x: [Double], _ y: [Double]) -> Double {
        precondition(x.count == y.count)
        let n = Double(x.count)
        guard x.count >= 3 else { return .nan }
        let mx = x.reduce(0, +) / n, my = y.reduce(0, +) / n
        var sxy = 0.0, sxx = 0.0, syy = 0.0
        for (a, b) in zip(x, y) { sxy += (a - mx) * (b - my); sxx += (a - mx) * (a - mx); syy += (b - my) * (b - my) }
        guard sxx > 0, syy > 0 else { return .nan }
        return sxy / (sxx * syy).squareRoot()
    }

    /// Ranks 1…n with ties given their average rank.
    public static func ranks(_ x: [Double]) -> [Double] {
        let order = x.indices.sorted { x[$0] < x[$1] }
        var ranks = [Double](repeating: 0, count: x.count)
        var i = 0
        while i < order.count {
            var j = i
            while j + 1 < order.count && x[order[j + 1]] == x[order[i]] { j += 1 }
            let average = Double(i + j) / 2 + 1
            for k in i ... j { ranks[order[k]] = average }
            i = j + 1
        }
        return ranks
    }

    /// Spearman's ρ: the Pearson correlation of the (average-tie) ranks.
    public static func spearman(_ x: [Double], _ y: [Double]) -> Double { pearson(ranks(x), ranks(y)) }

    /// Kendall's τ-b (ties in either variable handled); NaN with fewer than 2 points or when
    /// either variable is constant.
    public static func kendallTau(_ x: [Double], _ y: [Double]) -> Double {
        precondition(x.count == y.count)
        let n = x.count
        guard n >= 2 else { return .nan }
        var concordant = 0.0, discordant = 0.0, tiesX = 0.0, tiesY = 0.0
        for i in 0 ..< n {
            for j in i + 1 ..< n {
                let dx = x[i] - x[j], dy = y[i] - y[j]
                if dx == 0 && dy == 0 { continue }
                if dx == 0 { tiesX += 1; continue }
                if dy == 0 { tiesY += 1; continue }
                if (dx > 0) == (dy > 0) { concordant += 1 } else { discordant += 1 }
            }
        }
        let denominator = ((concordant + discordant + tiesX) * (concordant + discordant + tiesY)).squareRoot()
        return denominator > 0 ? (concordant - discordant) / denominator : .nan
    }
}
