import ShiftcastModel

/// A resampling of a set's rows that gives each class a prescribed share: the rows of class c
/// (by label or pseudo-label) are drawn so that c takes `n · w_c / Σ w` of the `n` rows, the
/// weights renormalised over the classes that occur (a class with no row cannot be represented).
///
/// Quotas are apportioned by largest remainder (ties to the lower class). Each class's rows are
/// taken whole as often as its quota allows, the rest drawn without repetition from a seeded
/// permutation, so the result is exact up to rounding and repeats a row only when its class
/// must grow. Used to take a change of class priors out of a target: ProjNorm's balanced
/// pseudo-labels, the headline estimate's prior-balanced evidence.
public enum ClassBalancedRows {
    /// As many row indices as `classes`, in ascending order, class c taking the share of
    /// `weights[c]` (classes beyond `weights` weigh 0).
    /// - Parameter stream: the `SeededGenerator` stream of the draw.
    public static func rows(classes: [Int], weights: [Int], seed: UInt64, stream: UInt64) -> [Int] {
        var rowsOfClass: [Int: [Int]] = [:]
        for (i, c) in classes.enumerated() { rowsOfClass[c, default: []].append(i) }
        let present = rowsOfClass.keys.sorted()
        let weight = present.map { Double(weights.indices.contains($0) ? weights[$0] : 0) }
        let total = weight.reduce(0, +), n = classes.count
        guard total > 0 else { return Array(0 ..< n) }
        let share = weight.map { Double(n) * $0 / total }
        var quota = share.map { Int($0) }
        let order = present.indices.sorted { (share[$0] - Double(quota[$0]), -$0) > (share[$1] - Double(quota[$1]), -$1) }
        for k in 0 ..< (n - quota.reduce(0, +)) { quota[order[k % order.count]] += 1 }
        var g = SeededGenerator.derived(seed: seed, stream: stream)
        var picks: [Int] = []
        picks.reserveCapacity(n)
        for (k, c) in present.enumerated() {
            var rows = rowsOfClass[c]!
            for _ in 0 ..< quota[k] / rows.count { picks += rows }
            g.shuffle(&rows)
            picks += rows.prefix(quota[k] % rows.count)
        }
        return picks.sorted()
    }
}
