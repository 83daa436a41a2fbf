import Foundation
import ShiftcastModel
import ShiftcastData

/// Makes the meta-set: labeled shifted copies of the validation set's meta rows.
///
/// **Model form** (`modelForm`): every applicable family of the shift catalogue
/// (`ShiftRegistry.all`: image families when the features form a square image, the spurious
/// flip when there is a spurious column, white-box attacks on the model itself, transfer attacks
/// from a seed model when there is one) at severities drawn uniformly from [0.25, 5]
/// (`ContinuousSeverity`), random compositions of two families, label-prior resamplings with
/// Dirichlet(1) priors (grouped with `label-shift`), and clean bootstrap resamples (`none`).
///
/// **Predictions form** (`predictionsForm`): no input can change, so only resamplings of the
/// meta rows: label priors (Dirichlet, `label-shift`), sub-populations (k-means clusters of the
/// probabilities, or of the features when given, dropped or over-weighted: `subpopulation`),
/// confidence strata (rows over- or under-sampled by confidence: `confidence-strata`), and clean
/// bootstraps (`none`). It cannot contain covariate, image or adversarial shifts.
///
/// Seeded and deterministic: set i draws from `SeededGenerator.derived(seed:stream:)` keyed by i.
public enum MetaSetBuilder {
    /// The default number of meta-sets.
    public static let defaultCount = 240
    /// The severity range drawn from.
    public static let severityRange = 0.25 ... 5.0

    /// The catalogue families that apply to `data` with this `context` (probed on a few rows).
    public static func applicableFamilies(_ data: Dataset, context: ShiftContext) -> [any Shift] {
        let probe = data.selectingRows(0 ..< Swift.min(data.rowCount, 8))
        return ShiftRegistry.all.filter { shift in
            var g = SeededGenerator(seed: 1)
            return (try? shift.apply(to: probe, severity: 1, context: context, using: &g)) != nil
        }
    }

    public static func modelForm(data: Dataset, context: ShiftContext, count: Int, seed: UInt64) throws -> [MetaSet] {
        let families = applicableFamilies(data, context: context)
        guard !families.isEmpty else { throw InputError("meta-set: no shift family applies to the validation data") }
        let labels = data.labels!
        let clean = Swift.max(2, count / 20), dirichlet = Swift.max(4, count / 10), compositions = Swift.max(2, count / 4)
        let singles = Swift.max(families.count, count - clean - dirichlet - compositions)
        var sets: [MetaSet] = []
        func severity(_ g: inout SeededGenerator) -> Double { g.uniform(severityRange.lowerBound, severityRange.upperBound) }
        func name(_ shift: any Shift, _ s: Double) -> String { "\(shift.name)@\(String(format: "%.2f", s))" }
        for i in 0 ..< singles {
            var g = SeededGenerator.derived(seed: seed, stream: 1_000 + UInt64(i))
            let shift = families[i % families.count], s = severity(&g)
            let shifted = try ContinuousSeverity.apply(shift, to: data, severity: s, context: context, seed: g.next())
            sets.append(MetaSet(id: name(shift, s), families: [shift.name], data: shifted))
        }
        for i in 0 ..< compositions where families.count >= 2 {
            var g = SeededGenerator.derived(seed: seed, stream: 2_000 + UInt64(i))
            let a = families[g.index(below: families.count)]
            var b = families[g.index(below: families.count)]
            while b.name == a.name { b = families[g.index(below: families.count)] }
            let sa = severity(&g), sb = severity(&g)
            let first = try ContinuousSeverity.apply(a, to: data, severity: sa, context: context, seed: g.next())
            let both = try ContinuousSeverity.apply(b, to: first, severity: sb, context: context, seed: g.next())
            sets.append(MetaSet(id: name(a, sa) + "+" + name(b, sb), families: [a.name, b.name], data: both))
        }
        for (i, rows) in labelPriorResamples(labels: labels, classCount: data.classCount, count: dirichlet, seed: seed).enumerated() {
            sets.append(MetaSet(id: "label-prior#\(i + 1)", families: ["label-shift"], data: data.selectingRows(rows)))
        }
        for i in 0 ..< clean {
            var g = SeededGenerator.derived(seed: seed, stream: 4_000 + UInt64(i))
            sets.append(MetaSet(id: "bootstrap#\(i + 1)", families: ["none"], data: data.selectingRows((0 ..< data.rowCount).map { _ in g.index(below: data.rowCount) })))
        }
        return uniquelyNamed(sets)
    }

    /// Ids made unique (two draws can round to the same severity): a repeat gets `#2`, `#3`, ….
    static func uniquelyNamed(_ sets: [MetaSet]) -> [MetaSet] {
        var seen: [String: Int] = [:]
        return sets.map { set in
            var copy = set
            let n = seen[set.id, default: 0] + 1
            seen[set.id] = n
            if n > 1 { copy.id += "#\(n)" }
            return copy
        }
    }

    /// Row resamplings with Dirichlet(1) class priors, each as many rows as `labels`.
    static func labelPriorResamples(labels: [Int], classCount k: Int, count: Int, seed: UInt64) -> [[Int]] {
        var byClass = [[Int]](repeating: [], count: k)
        for (i, y) in labels.enumerated() { byClass[y].append(i) }
        let present = (0 ..< k).filter { !byClass[$0].isEmpty }
        return (0 ..< count).map { i in
            var g = SeededGenerator.derived(seed: seed, stream: 3_000 + UInt64(i))
            let prior = g.dirichlet([Double](repeating: 1, count: present.count))
            return (0 ..< labels.count).map { _ in
                var u = g.uniform(), c = 0
                while c < present.count - 1 { u -= prior[c]; if u < 0 { break }; c += 1 }
                let rows = byClass[present[c]]
                return rows[g.index(below: rows.count)]
            }
        }
    }

    public static func predictionsForm(predictions: LabeledPredictions, count: Int, seed: UInt64) -> [MetaSet] {
        let n = predictions.count, labels = predictions.labels
        let clean = Swift.max(2, count / 10), dirichlet = Swift.max(4, count * 3 / 10)
        let strata = Swift.max(4, count / 4), subpopulations = Swift.max(4, count - clean - dirichlet - strata)
        var sets: [MetaSet] = []
        for (i, rows) in labelPriorResamples(labels: labels, classCount: predictions.classCount, count: dirichlet, seed: seed).enumerated() {
            sets.append(MetaSet(id: "label-prior#\(i + 1)", families: ["label-shift"], rows: rows))
        }
        // Sub-populations: k-means clusters of the features (or the probabilities), each kept at a random weight.
        let points = predictions.predictions.features ?? predictions.predictions.probabilities
        let clusterCount = Swift.min(8, Swift.max(2, n / 25))
        var g0 = SeededGenerator.derived(seed: seed, stream: 5_000)
        let assignment = KMeans.cluster(points, rows: Array(0 ..< n), k: clusterCount, using: &g0)
        for i in 0 ..< subpopulations {
            var g = SeededGenerator.derived(seed: seed, stream: 6_000 + UInt64(i))
            let weights = (0 ..< clusterCount).map { _ in g.uniform() < 0.3 ? 0.05 : g.uniform(0.2, 1) }
            sets.append(MetaSet(id: "subpopulation#\(i + 1)", families: ["subpopulation"],
                                rows: weightedResample(n: n, weight: { weights[assignment[$0]] }, using: &g)))
        }
        // Confidence strata: rows weighted by confidence^γ, γ in [−6, 6].
        let confidence = predictions.predictions.confidences
        for i in 0 ..< strata {
            var g = SeededGenerator.derived(seed: seed, stream: 7_000 + UInt64(i))
            let gamma = g.uniform(-6, 6)
            sets.append(MetaSet(id: "confidence-strata#\(i + 1)", families: ["confidence-strata"],
                                rows: weightedResample(n: n, weight: { pow(Double(max(confidence[$0], 1e-3)), gamma) }, using: &g)))
        }
        for i in 0 ..< clean {
            var g = SeededGenerator.derived(seed: seed, stream: 4_000 + UInt64(i))
            sets.append(MetaSet(id: "bootstrap#\(i + 1)", families: ["none"], rows: (0 ..< n).map { _ in g.index(below: n) }))
        }
        return sets
    }

    /// n rows drawn with replacement, row i with probability ∝ weight(i).
    static func weightedResample(n: Int, weight: (Int) -> Double, using g: inout SeededGenerator) -> [Int] {
        var cumulative = [Double](repeating: 0, count: n), total = 0.0
        for i in 0 ..< n { total += Swift.max(weight(i), 0); cumulative[i] = total }
        guard total > 0 else { return (0 ..< n).map { _ in g.index(below: n) } }
        return (0 ..< n).map { _ in
            let u = g.uniform() * total
            var lo = 0, hi = n - 1
            while lo < hi { let mid = (lo + hi) / 2; if cumulative[mid] <= u { lo = mid + 1 } else { hi = mid } }
            return lo
        }
    }
}
