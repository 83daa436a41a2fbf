import Foundation
import Synchronization
import ShiftcastTensor
import ShiftcastData

/// The map from every estimator's output to the model's accuracy, learned on the meta-set, with
/// a conformal interval measured by holding out whole shift families.
///
/// Inputs: one value per estimator (`MetaObservation.values`): an accuracy estimator's accuracy,
/// a score's raw value. Five candidate maps, each fitted on a set of meta-sets:
/// - **nearest neighbours**: the inverse-distance-weighted mean accuracy of the k closest
///   meta-sets (k = clamp(n/10, 3, 10)) in the inputs standardised by their median and median
///   absolute deviation (robust to outlying sets) and weighted by their relevance (below);
/// - **ridge regression** (λ = 1) on the standardised inputs;
/// - **convex stack**: every input first made an accuracy (a score through its least-squares
///   line on the sets), then the convex combination (weights ≥ 0, summing to 1) with the least
///   squared error, by exponentiated gradient — it cannot leave the range of its estimators;
/// - **local selection**: the same accuracies, weighted by how well each did on the 5 meta-sets
///   nearest the target (weights `exp(−(e_j − min e)/0.02)`): the estimators that tracked this
///   model's accuracy on shifts like the target's;
/// - **boosted trees**: gradient-boosted regression trees on the raw inputs (`BoostedTrees`:
///   depth 2, 100 rounds, shrinkage 0.1, leaves of at least 3 sets), which can learn that one
///   estimator matters only where others look a certain way (e.g. ProjNorm on attacked sets).
/// Each is scored by leave-one-family-out cross-validation — every family in turn held out with
/// every set that involves it, fitted on the rest, predicted. On those held-out readings a
/// sixth candidate is fitted, the **stacked trees** (`StackedTrees`: depth-3 boosted trees on
/// the raw inputs joined by the five maps' held-out readings; Wolpert 1992), scored the same way
/// on the held-out readings of the other families' sets. Beside the maps, every accuracy input
/// (not a score) is a candidate of its own, taken as it is: where an estimator itself tracked
/// the sets like the target (knn on a prior change), it can lead without a map fitted on sets
/// that never looked like it. A target's accuracy is then not one
/// candidate's but a **local weighting** of them (dynamic selection by local competence, Woods,
/// Kegelmeyer & Bowyer, IEEE TPAMI 1997): on the `neighbourCount` meta-sets nearest the target
/// (standardised inputs weighted by relevance, joined by the maps' readings: below), candidate
/// m's held-out error e_m — the mean over the neighbours, each counted by an Epanechnikov kernel
/// of its distance (`kernelWeights`) — gives it the weight `exp(−(e_m − min e)/T)`, T = max(temperature,
/// relativeTemperature · min e) — the candidate that predicted shifts *like this one* best, when
/// their family was unseen, leads; where even the best erred widely on those sets (every
/// candidate off by 0.2 or more), their differences say little, and the weight spreads over the
/// candidates within a fifth of the best error.
///
/// **Distances weigh the inputs by relevance.** Every search for the meta-sets nearest a point
/// (the nearest-neighbours map, the local weighting's neighbourhoods) takes its distances in the
/// standardised inputs each multiplied by w_j, w_j² = p·(¼/p + ¾·r_j), r_j the input's share of
/// the boosted trees' drop in squared error (`BoostedTrees.importance`; Friedman 2001, §8.1):
/// with twenty inputs, the one that tells two sets apart — ProjNorm on an attack that every
/// accuracy estimator misses — would otherwise weigh a twentieth of the distance.
///
/// **Neighbourhoods also compare the maps' readings.** The local weighting's neighbours are
/// nearest in the embedded inputs joined by the five maps' readings, each times
/// `readingWeight` — a meta-set's held-out readings (its family unseen, as a target's is), a
/// target's from the maps fitted on every set — so a difference of 1/`readingWeight` in accuracy
/// between two readings counts as much as one median absolute deviation of an input. Sets
/// whose maps read them as the target's read it are the evidence on which candidate to believe
/// (classifier selection by multiple classifier behaviour: Giacinto & Roli, Pattern
/// Recognition 2001): an attack whose every accuracy estimator reads 0.85, but whose maps read
/// 0.25 from ProjNorm, is weighted on sets where the maps disagreed with the estimators as
/// much, not on noise sets that share its confidences.
///
/// **Rows that did not move.** A target whose input-space distance ratio (`knn-distance`) lies
/// within its range on the meta-sets that only resample the validation rows (a prior change, a
/// sub-population, a bootstrap: `resamplingFamilies`) is a reweighting of rows like the
/// source's; its candidates are weighted on the nearest meta-sets whose rows did not move
/// either, not on attacks or corruptions that happen to share its other outputs (when at least
/// `neighbourCount` such sets exist; the held-out residuals below are weighted the same way).
///
/// The interval is split-conformal on the same procedure's held-out residuals: each meta-set's
/// |ŷ_i − y_i|, with ŷ_i from the candidates' held-out predictions weighted on neighbours outside
/// its own family, and the ⌈(n + 1)·coverage⌉-th smallest of them is the half-width q, so a 90 %
/// interval covers about 90 % of sets from a family the map was not fitted on (Vovk et al., 2005;
/// Barber et al., "Predictive inference with the jackknife+", Ann. Statist. 2021).
///
/// A target whose standardised inputs fall outside the meta-set's range (by more than a quarter
/// of the range) is flagged as extrapolating: its half-width is doubled, and its interval
/// widened to hold every candidate's reading (beyond the meta-set, which candidate to believe
/// is itself unknown).
public struct MetaRegression: Sendable {
    public enum Method: String, Sendable, CaseIterable {
        case nearestNeighbours = "nearest-neighbours", ridge, convexStack = "convex-stack", localSelection = "local-selection"
        case boostedTrees = "boosted-trees"
    }

    /// What the local weighting chooses among: a fitted map, or an accuracy estimator's own
    /// output taken as it is (input `j`, not a score) — an estimator that tracked this model's
    /// accuracy on the meta-sets nearest the target can lead without a map in between.
    public enum Candidate: Hashable, Sendable {
        case map(Method)
        /// The second-level map on the inputs and the maps' readings (`StackedTrees`).
        case stackedTrees
        case input(Int)
    }

    /// The meta-sets a target's candidate weights and difficulty are measured on.
    public static let neighbourCount = 10
    /// How sharply a lower local error favours a candidate (in accuracy units).
    public static let temperature = 0.02
    /// The local weighting's temperature grows to this share of the best candidate's local error.
    /// Measured on the default bench (dumped inputs, the map re-implemented in numpy), held out:
    /// 0 (a fixed 0.02) 0.0966, 0.1 0.0962, 0.2 0.0951 (label shift 0.040 → 0.037, sub-population
    /// 0.112 → 0.104; PGD-L∞ 0.078 → 0.085), 0.3 0.0950 (attacks worse), 0.5 0.0966, 1 0.1028.
    public static let relativeTemperature = 0.2

    /// One target's headline: the accuracy, its interval, and what made them.
    public struct Prediction: Sendable {
        public var accuracy: Double
        public var low: Double
        public var high: Double
        public var extrapolating: Bool
        /// q (doubled when extrapolating, at most 1); an extrapolating target's interval can be wider.
        public var halfWidth: Double
        /// The candidate with the largest weight: a map's method, or an estimator's name.
        public var lead: String
        /// The families of the meta-sets the candidates were weighted on (the target's nearest).
        public var neighbourFamilies: [[String]]
    }

    /// The estimators whose outputs are the inputs, in order, and whether each is a score.
    public let inputs: [String]
    let isScore: [Bool]
    /// Raw inputs of every meta-set (row-major), their true accuracies and families.
    let points: [Double]
    let accuracies: [Double]
    let families: [[String]]
    public let coverage: Double
    /// q: the conformal quantile of the held-out residuals (nil: no set could be held out).
    public let residualQuantile: Double?
    /// Leave-one-family-out mean absolute error of the local weighting, and of every candidate alone.
    public let crossValidatedError: Double
    public let candidateErrors: [Candidate: Double]
    /// The maps, the stacked trees (when fitted), then every accuracy input (in `inputs` order).
    public let candidates: [Candidate]
    public var setCount: Int { accuracies.count }
    /// Every candidate fitted on the whole meta-set (what `predict` uses); its `embeddedRows` are
    /// the meta-sets' points standardised and weighted by relevance (`MapModel.Fitted.embedded`).
    let full: MapModel.Fitted
    /// Each candidate's prediction for each meta-set with its family held out (clipped; NaN when
    /// the family could not be held out).
    let heldOut: [Candidate: [Double]]
    /// The meta-sets whose family could be held out (those with held-out predictions).
    let heldOutRows: [Int]
    /// The input that says how far the target's rows moved (`movementInput`), if it is one.
    let movement: Int?
    /// Each meta-set's value of that input (nil without it).
    let movements: [Double]?
    /// Per meta-set: whether every family it involves only resamples rows.
    let resamples: [Bool]
    /// Per meta-set: the point its neighbourhood is measured from (`neighbourhoodPoint` of its
    /// embedded inputs and its maps' held-out readings; NaN readings where its family could not
    /// be held out — such sets are never a neighbour).
    let neighbourhoodPoints: [[Double]]
    /// The second level fitted on every held-out meta-set (nil: too few of them, or a family
    /// whose sets could not be predicted without it).
    let stacked: StackedTrees?

    /// The input that measures how far a set's rows moved from the source's: knn's distance
    /// ratio, on a log scale (`HeadlineEstimate.scoreInputs`).
    public static let movementInput = "knn-distance"
    /// The resampling sets' range of `movementInput` is widened by this share of its width on
    /// each side: a reweighting the meta-set does not hold (a sub-population of another shape)
    /// can move the rows a little beyond the range of those it holds.
    public static let unmovedMargin = 0.5
    /// How much the maps' readings count in the local weighting's distances: a reading apart by
    /// 1/readingWeight (0.04) counts as one median absolute deviation of an input. Measured on the
    /// default bench, held out: 0 (inputs alone) 0.0854, 10 0.0833, 25 0.0824, 50 0.0843, the
    /// readings alone 0.0862.
    public static let readingWeight = 25.0

    /// The point a neighbourhood is measured from: the embedded inputs, then each map's reading
    /// (in `Method.allCases` order) times `readingWeight`.
    static func neighbourhoodPoint(embedded: [Double], mapReadings: [Double]) -> [Double] {
        embedded + mapReadings.map { $0 * readingWeight }
    }

    /// Families whose sets reweight the validation rows without moving them: the label and
    /// sub-population kinds of the catalogue, the predictions form's confidence strata, and
    /// clean bootstraps.
    public static let resamplingFamilies: Set<String> = {
        let kinds: Set<ShiftKind> = [.label, .subpopulation]
        let catalogue = ShiftRegistry.all.filter { kinds.contains($0.kind) }.map(\.name)
        return Set(catalogue).union(["none", "confidence-strata"])
    }()

    /// Fits on `observations` using `inputs` (each must have a finite value on every observation).
    /// - Precondition: at least 4 observations.
    public init(observations: [MetaObservation], inputs: [String], isScore: [Bool], coverage: Double = 0.9) {
        precondition(observations.count >= 4 && !inputs.isEmpty && isScore.count == inputs.count,
                     "MetaRegression: \(observations.count) sets, \(inputs.count) inputs")
        self.inputs = inputs
        self.isScore = isScore
        self.coverage = coverage
        let n = observations.count, p = inputs.count
        var points = [Double](repeating: 0, count: n * p)
        for (i, o) in observations.enumerated() { for j in 0 ..< p { points[i * p + j] = o.values[inputs[j]]! } }
        self.points = points
        let ys = observations.map(\.trueAccuracy), sets = observations.map(\.families)
        accuracies = ys
        families = sets
        let movement = inputs.firstIndex(of: Self.movementInput)
        let resamples = sets.map { $0.allSatisfy(Self.resamplingFamilies.contains) }
        self.movement = movement
        let movements = movement.map { j in (0 ..< n).map { points[$0 * p + j] } }
        self.movements = movements
        self.resamples = resamples
        let model = MapModel(points: points, p: p, accuracies: ys, isScore: isScore)
        let full = model.fit(rows: Array(0 ..< n))
        self.full = full
        let embedded = full.embeddedRows

        // Leave-one-family-out predictions of every candidate.
        let allFamilies = Array(Set(sets.flatMap { $0 })).sorted()
        let maps = Method.allCases.map(Candidate.map), accuracyInputs = (0 ..< p).filter { !isScore[$0] }.map(Candidate.input)
        let firstLevel = maps + accuracyInputs
        // The families' fits are independent: side by side, each one's predictions kept by family.
        let folds = Mutex<[Int: [(row: Int, values: [Double])]]>([:])
        let values = points
        Parallel.forEach(count: allFamilies.count) { f in
            let (test, train) = Self.fold(allFamilies[f], among: Array(0 ..< n), families: sets)
            guard !test.isEmpty, train.count >= 4 else { return }
            let fitted = model.fit(rows: train)
            let predictions = test.map { i in
                let x = Array(values[i * p ..< (i + 1) * p])
                return (row: i, values: firstLevel.map { clip(fitted.predict(x, candidate: $0)) })
            }
            folds.withLock { $0[f] = predictions }
        }
        var heldOut: [Candidate: [Double]] = [:]
        for c in firstLevel { heldOut[c] = [Double](repeating: .nan, count: n) }
        for (_, predictions) in folds.withLock({ $0 }) {
            for (i, values) in predictions { for (c, v) in zip(firstLevel, values) { heldOut[c]![i] = v } }
        }
        let predicted = (0 ..< n).filter { heldOut[.map(.nearestNeighbours)]![$0].isFinite }
        heldOutRows = predicted
        // Each set's maps' held-out readings: the stacked trees' features and the neighbourhoods' coordinates.
        let mapReadings = (0 ..< n).map { i in maps.map { heldOut[$0]![i] } }
        // The second level, on the held-out readings; its own held-out readings by family again.
        let features = (0 ..< n).map { i in
            StackedTrees.features(raw: Array(points[i * p ..< (i + 1) * p]), mapReadings: mapReadings[i])
        }
        let stackedHeldOut = Self.stackedHeldOut(features: features, accuracies: ys, families: sets, rows: predicted,
                                                 allFamilies: allFamilies)
        if let stackedHeldOut {
            heldOut[.stackedTrees] = stackedHeldOut
            stacked = StackedTrees(features: predicted.map { features[$0] }, accuracies: predicted.map { ys[$0] })
        } else {
            stacked = nil
        }
        let candidates = maps + (stacked == nil ? [] : [.stackedTrees]) + accuracyInputs
        self.candidates = candidates
        self.heldOut = heldOut
        candidateErrors = heldOut.mapValues { h in
            predicted.isEmpty ? .infinity : predicted.reduce(0) { $0 + abs(h[$1] - ys[$1]) } / Double(predicted.count)
        }
        let neighbourhoods = (0 ..< n).map { i in Self.neighbourhoodPoint(embedded: embedded[i], mapReadings: mapReadings[i]) }
        neighbourhoodPoints = neighbourhoods
        // The local weighting's own held-out residuals: set i's weights from neighbours outside its family.
        var errors: [Double] = []
        for i in predicted {
            let family = sets[i][0]
            let others = Self.unmovedPool(movements?[i] ?? 0, among: Self.fold(family, among: predicted, families: sets).train,
                                          movements: movements, resamples: resamples)
            let nearest = Self.nearestRows(Self.neighbourCount, to: neighbourhoods[i], among: others) { neighbourhoods[$0] }
            let weights = Self.localWeights(nearest.map(\.row), closeness: Self.kernelWeights(nearest.map(\.distance)),
                                            candidates: candidates, heldOut: heldOut, accuracies: ys)
            errors.append(abs(Self.combine(weights, candidates) { heldOut[$0]![i] } - ys[i]))
        }
        crossValidatedError = errors.isEmpty ? .infinity : errors.reduce(0, +) / Double(errors.count)
        if errors.isEmpty {
            residualQuantile = nil
        } else {
            let sorted = errors.sorted()
            let rank = Int((Double(sorted.count + 1) * coverage).rounded(.up))
            residualQuantile = rank > sorted.count ? sorted.last! : sorted[rank - 1]
        }
    }

    /// Holding out `family` among `rows`: the sets it is predicted for (those whose first family
    /// it is) and the sets fitted on (those that do not involve it at all, compositions included).
    static func fold(_ family: String, among rows: [Int], families: [[String]]) -> (test: [Int], train: [Int]) {
        (rows.filter { families[$0].first == family }, rows.filter { !families[$0].contains(family) })
    }

    /// The meta-sets a target with movement `value` is weighted on: when it lies within the range
    /// of the resampling sets' movements among `rows` (its rows neither farther from the source's
    /// nor nearer them — rows averaged or shrunk toward the mean come nearer — than any
    /// reweighting's), the rows of `rows` within that range too (if there are at least
    /// `neighbourCount`); otherwise all of `rows`.
    static func unmovedPool(_ value: Double, among rows: [Int], movements: [Double]?, resamples: [Bool]) -> [Int] {
        guard let movements else { return rows }
        let range = rows.filter { resamples[$0] }.map { movements[$0] }
        guard let least = range.min(), let most = range.max() else { return rows }
        let margin = unmovedMargin * (most - least), low = least - margin, high = most + margin
        guard low <= value, value <= high else { return rows }
        let unmoved = rows.filter { low <= movements[$0] && movements[$0] <= high }
        return unmoved.count >= neighbourCount ? unmoved : rows
    }

    /// The `k` of `rows` whose `point` is nearest `x` (Euclidean), with their distances, nearest
    /// first; ties to the lower row.
    static func nearestRows(_ k: Int, to x: [Double], among rows: [Int], point: (Int) -> [Double]) -> [(row: Int, distance: Double)] {
        var distances: [(Double, Int)] = rows.map { i in
            let e = point(i)
            var d = 0.0
            for j in 0 ..< x.count { let t = e[j] - x[j]; d += t * t }
            return (d.squareRoot(), i)
        }
        distances.sort { $0.0 < $1.0 || ($0.0 == $1.0 && $0.1 < $1.1) }
        return distances.prefix(k).map { (row: $0.1, distance: $0.0) }
    }

    /// Softmin weights `exp(−(e − min e)/t)` of errors `e`: the lowest error weighs 1.
    static func softminWeights(_ errors: [Double], temperature t: Double = temperature) -> [Double] {
        let best = errors.min()!
        return errors.map { exp(-($0 - best) / t) }
    }

    /// Each candidate's weight `exp(−(e_m − min e)/T)` from its held-out error e_m on
    /// `neighbours` — their mean weighted by `closeness` (`kernelWeights`; equal when nil) —
    /// T = max(temperature, relativeTemperature · min e); equal weights without neighbours.
    static func localWeights(_ neighbours: [Int], closeness: [Double]? = nil, candidates: [Candidate],
                             heldOut: [Candidate: [Double]], accuracies: [Double]) -> [Double] {
        guard !neighbours.isEmpty else { return [Double](repeating: 1, count: candidates.count) }
        let k = closeness ?? [Double](repeating: 1, count: neighbours.count), total = k.reduce(0, +)
        let errors = candidates.map { m in
            zip(neighbours, k).reduce(0.0) { $0 + $1.1 * abs(heldOut[m]![$1.0] - accuracies[$1.0]) } / total
        }
        return softminWeights(errors, temperature: Swift.max(temperature, relativeTemperature * errors.min()!))
    }

    /// How much each of a target's neighbours counts, from its distance d: the Epanechnikov
    /// kernel `1 − (d/h)²` with the bandwidth h the farthest neighbour's distance (an adaptive,
    /// nearest-neighbour bandwidth, as in loess: Cleveland & Devlin, JASA 1988), so the nearest
    /// sets count most and the farthest hardly at all. Equal weights when every neighbour is
    /// equally far. Measured on the default bench's replayed meta-sets, held out: equal weights
    /// 0.0825, Epanechnikov 0.0815; with the stacked trees: equal 0.0809, `1/(d + h/5)` 0.0804,
    /// Gaussian (h the median distance) 0.0805, Epanechnikov 0.0795.
    static func kernelWeights(_ distances: [Double]) -> [Double] {
        let h = (distances.max() ?? 0) * (1 + 1e-4)
        let weights = distances.map { d in h > 0 ? Swift.max(0, 1 - (d / h) * (d / h)) : 1 }
        return weights.reduce(0, +) > 0 ? weights : [Double](repeating: 1, count: distances.count)
    }

    /// The second level's held-out readings: each set's from the trees fitted on the sets of
    /// `rows` that do not involve its family (nil when some set of `rows` cannot be predicted so,
    /// or when there are fewer than `StackedTrees.minimumRows` of them).
    static func stackedHeldOut(features: [[Double]], accuracies: [Double], families: [[String]], rows: [Int],
                               allFamilies: [String]) -> [Double]? {
        guard rows.count >= StackedTrees.minimumRows else { return nil }
        let result = Mutex<[Double]>([Double](repeating: .nan, count: features.count))
        Parallel.forEach(count: allFamilies.count) { f in
            let (test, train) = fold(allFamilies[f], among: rows, families: families)
            guard !test.isEmpty, train.count >= 4 else { return }
            let trees = StackedTrees(features: train.map { features[$0] }, accuracies: train.map { accuracies[$0] })
            let values = test.map { clip(trees.predict(features[$0])) }
            result.withLock { for (i, v) in zip(test, values) { $0[i] = v } }
        }
        let values = result.withLock { $0 }
        return rows.allSatisfy { values[$0].isFinite } ? values : nil
    }

    /// The weighted mean of each candidate's value.
    static func combine(_ weights: [Double], _ candidates: [Candidate], _ value: (Candidate) -> Double) -> Double {
        var total = 0.0, weight = 0.0
        for (w, m) in zip(weights, candidates) where w > 0 { total += w * value(m); weight += w }
        return total / weight
    }

    /// Every candidate's reading (clipped) of a target's raw inputs (in `inputs` order): the maps'
    /// fitted on every set, the stacked trees' on those readings, an accuracy input as it is.
    func readings(_ raw: [Double]) -> [Candidate: Double] {
        var readings: [Candidate: Double] = [:]
        for c in candidates where c != .stackedTrees { readings[c] = clip(full.predict(raw, candidate: c)) }
        if let stacked {
            let features = StackedTrees.features(raw: raw, mapReadings: Method.allCases.map { readings[.map($0)]! })
            readings[.stackedTrees] = clip(stacked.predict(features))
        }
        return readings
    }

    /// The prediction for one target's raw inputs (in `inputs` order).
    public func predict(_ raw: [Double]) -> Prediction {
        let p = inputs.count, fitted = full
        let z = fitted.embedded(raw)
        let extrapolating = (0 ..< p).contains { j in
            let column = fitted.embeddedRows.map { $0[j] }
            let lo = column.min()!, hi = column.max()!, margin = 0.25 * Swift.max(hi - lo, 1e-9)
            return z[j] < lo - margin || z[j] > hi + margin
        }
        let pool = Self.unmovedPool(raw[movement ?? 0], among: heldOutRows, movements: movements, resamples: resamples)
        let readings = readings(raw)
        let here = Self.neighbourhoodPoint(embedded: z, mapReadings: Method.allCases.map { readings[.map($0)]! })
        let nearest = Self.nearestRows(Self.neighbourCount, to: here, among: pool) { neighbourhoodPoints[$0] }
        let neighbours = nearest.map(\.row)
        let weights = Self.localWeights(neighbours, closeness: Self.kernelWeights(nearest.map(\.distance)),
                                        candidates: candidates, heldOut: heldOut, accuracies: accuracies)
        let a = clip(Self.combine(weights, candidates) { readings[$0]! })
        let q = residualQuantile ?? 0.5
        let half = Swift.min(extrapolating ? 2 * q : q, 1)
        var low = clip(a - half), high = clip(a + half)
        if extrapolating {
            // Beyond the meta-set, which candidate to believe is itself unknown: the interval
            // holds every candidate's reading too.
            low = Swift.min(low, readings.values.min()!)
            high = Swift.max(high, readings.values.max()!)
        }
        let lead = name(of: candidates[weights.indices.max { weights[$0] < weights[$1] }!])
        return Prediction(accuracy: a, low: low, high: high, extrapolating: extrapolating, halfWidth: half,
                          lead: lead, neighbourFamilies: neighbours.map { families[$0] })
    }

    /// A map's method, or an input estimator's name.
    public func name(of candidate: Candidate) -> String {
        switch candidate {
        case let .map(method): method.rawValue
        case .stackedTrees: "stacked-trees"
        case let .input(j): inputs[j]
        }
    }
}

@inline(__always) func clip(_ a: Double) -> Double { Swift.min(Swift.max(a.isFinite ? a : 0.5, 0), 1) }

/// The meta-set's points, and fitting every candidate map on a subset of them.
struct MapModel {
    let points: [Double]
    let p: Int
    let accuracies: [Double]
    let isScore: [Bool]

    func fit(rows: [Int]) -> Fitted {
        let m = rows.count
        func column(_ j: Int) -> [Double] { rows.map { points[$0 * p + j] } }
        // Robust standardisation.
        var center = [Double](repeating: 0, count: p), scale = [Double](repeating: 1, count: p)
        for j in 0 ..< p {
            let c = column(j).sorted()
            center[j] = c[m / 2]
            let mad = 1.4826 * c.map { abs($0 - center[j]) }.sorted()[m / 2]
            let mean = c.reduce(0, +) / Double(m)
            let sd = (c.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(m)).squareRoot()
            scale[j] = mad > 1e-12 ? mad : (sd > 1e-12 ? sd : 1)
        }
        // Each score's least-squares line to the accuracy.
        let y = rows.map { accuracies[$0] }, my = y.reduce(0, +) / Double(m)
        var lines = [(Double, Double)](repeating: (0, 1), count: p)
        for j in 0 ..< p where isScore[j] {
            let x = column(j), mx = x.reduce(0, +) / Double(m)
            var sxx = 0.0, sxy = 0.0
            for (a, b) in zip(x, y) { sxx += (a - mx) * (a - mx); sxy += (a - mx) * (b - my) }
            let slope = sxx > 1e-18 ? sxy / sxx : 0
            lines[j] = (my - slope * mx, slope)
        }
        var fitted = Fitted(model: self, rows: rows, center: center, scale: scale, lines: lines,
                            ridge: (my, []), weights: [],
                            trees: BoostedTrees(x: rows.map { Array(points[$0 * p ..< ($0 + 1) * p]) }, y: y))
        // Every row standardised, embedded and made accuracies once: the neighbour searches of `predict` read them.
        fitted.distanceWeights = Self.distanceWeights(importance: fitted.trees.importance)
        fitted.standardisedRows = (0 ..< points.count / Swift.max(p, 1)).map { fitted.standardised(fitted.point($0)) }
        fitted.embeddedRows = fitted.standardisedRows.map(fitted.weighted)
        fitted.accuracyRows = (0 ..< points.count / Swift.max(p, 1)).map { fitted.accuracies(fitted.point($0)) }
        // Ridge on the standardised inputs (λ = 1).
        let z = rows.map { fitted.standardisedRows[$0] }
        var mz = [Double](repeating: 0, count: p)
        for r in z { for j in 0 ..< p { mz[j] += r[j] / Double(m) } }
        var a = [Double](repeating: 0, count: p * p), b = [Double](repeating: 0, count: p)
        for (r, yi) in zip(z, y) {
            for j in 0 ..< p {
                b[j] += (r[j] - mz[j]) * (yi - my)
                for l in 0 ..< p { a[j * p + l] += (r[j] - mz[j]) * (r[l] - mz[l]) }
            }
        }
        for j in 0 ..< p { a[j * p + j] += 1 }
        let beta = CholeskySolve.solve(a, b, p)
        var b0 = my
        for j in 0 ..< p { b0 -= beta[j] * mz[j] }
        fitted.ridge = (b0, beta)
        // Convex stack of the accuracies: exponentiated gradient on the mean squared error.
        let acc = rows.map { fitted.accuracyRows[$0] }
        var w = [Double](repeating: 1 / Double(p), count: p)
        for _ in 0 ..< 400 {
            var gradient = [Double](repeating: 0, count: p)
            for (ai, yi) in zip(acc, y) {
                var r = -yi
                for j in 0 ..< p { r += w[j] * ai[j] }
                for j in 0 ..< p { gradient[j] += 2 * r * ai[j] / Double(m) }
            }
            var total = 0.0
            for j in 0 ..< p { w[j] *= exp(-2 * gradient[j]); total += w[j] }
            for j in 0 ..< p { w[j] /= total }
        }
        fitted.weights = w
        return fitted
    }

    /// The share of the squared distances between meta-sets spread evenly over the inputs; the
    /// rest goes by the boosted trees' relevance of each input (`MetaRegression`, "Distances").
    static let evenShare = 0.25
    /// w_j = √(p·(evenShare/p + (1 − evenShare)·r_j)), r_j input j's share of `importance`
    /// (every r_j = 1/p when no split was made): Σ w_j² = p, so equal relevance leaves every
    /// distance as it was.
    static func distanceWeights(importance: [Double]) -> [Double] {
        let p = importance.count, total = importance.reduce(0, +)
        return importance.map { value in
            let share = total > 0 ? value / total : 1 / Double(p)
            return (Double(p) * (evenShare / Double(p) + (1 - evenShare) * share)).squareRoot()
        }
    }

    struct Fitted {
        let model: MapModel
        let rows: [Int]
        let center: [Double]
        let scale: [Double]
        /// Per input, the line (intercept, slope) that makes it an accuracy (identity for accuracies).
        let lines: [(Double, Double)]
        var ridge: (Double, [Double])
        var weights: [Double]
        let trees: BoostedTrees
        /// `standardised(point(i))`, `embedded(point(i))` and `accuracies(point(i))` of every meta-set i
        /// (not only `rows`).
        var standardisedRows: [[Double]] = []
        var embeddedRows: [[Double]] = []
        var accuracyRows: [[Double]] = []

        /// Per input, the factor its standardised value is multiplied by before any distance is taken
        /// (`MapModel.distanceWeights`).
        var distanceWeights: [Double] = []

        func standardised(_ x: [Double]) -> [Double] { (0 ..< x.count).map { (x[$0] - center[$0]) / scale[$0] } }
        /// Standardised inputs `z` weighted for distances (`distanceWeights`).
        func weighted(_ z: [Double]) -> [Double] { zip(z, distanceWeights).map { $0 * $1 } }
        /// The inputs standardised and weighted for distances: the space neighbours are found in.
        func embedded(_ x: [Double]) -> [Double] { weighted(standardised(x)) }

        func accuracies(_ x: [Double]) -> [Double] {
            (0 ..< x.count).map { model.isScore[$0] ? clip(lines[$0].0 + lines[$0].1 * x[$0]) : x[$0] }
        }

        func point(_ i: Int) -> [Double] { Array(model.points[i * model.p ..< (i + 1) * model.p]) }

        func predict(_ x: [Double], candidate: MetaRegression.Candidate) -> Double {
            switch candidate {
            case let .map(method): predict(x, method: method)
            case .stackedTrees: preconditionFailure("the stacked trees read the maps' readings: MetaRegression.predict")
            case let .input(j): x[j]
            }
        }

        func predict(_ x: [Double], method: MetaRegression.Method) -> Double {
            switch method {
            case .nearestNeighbours:
                let z = embedded(x)
                let k = Swift.min(10, Swift.max(3, rows.count / 10))
                var total = 0.0, weight = 0.0
                for (i, w) in nearest(k, in: z, embed: { embeddedRows[$0] }) { total += w * model.accuracies[i]; weight += w }
                return total / weight
            case .ridge:
                let z = standardised(x)
                var y = ridge.0
                for j in 0 ..< z.count { y += ridge.1[j] * z[j] }
                return y
            case .convexStack:
                let a = accuracies(x)
                var y = 0.0
                for j in 0 ..< a.count { y += weights[j] * a[j] }
                return y
            case .boostedTrees:
                return trees.predict(x)
            case .localSelection:
                let a = accuracies(x)
                let neighbours = nearest(5, in: a, embed: { accuracyRows[$0] }).map(\.0)
                let p = a.count
                var errors = [Double](repeating: 0, count: p)
                for i in neighbours {
                    let ai = accuracyRows[i]
                    for j in 0 ..< p { errors[j] += abs(ai[j] - model.accuracies[i]) / Double(neighbours.count) }
                }
                let w = MetaRegression.softminWeights(errors)
                return zip(w, a).reduce(0) { $0 + $1.0 * $1.1 } / w.reduce(0, +)
            }
        }

        /// The k rows nearest `x` (Euclidean, in the space `embed` maps rows to), with inverse-distance weights.
        func nearest(_ k: Int, in x: [Double], embed: (Int) -> [Double]) -> [(Int, Double)] {
            MetaRegression.nearestRows(k, to: x, among: rows, point: embed).map { ($0.row, 1 / ($0.distance + 1e-6)) }
        }
    }
}

/// Solves `A x = b` for a symmetric positive definite `A` (p × p, small) by Cholesky.
enum CholeskySolve {
    static func solve(_ a: [Double], _ b: [Double], _ p: Int) -> [Double] {
        var l = [Double](repeating: 0, count: p * p)
        for i in 0 ..< p {
            for j in 0 ... i {
                var s = a[i * p + j]
                for k in 0 ..< j { s -= l[i * p + k] * l[j * p + k] }
                l[i * p + j] = i == j ? Swift.max(s, 1e-12).squareRoot() : s / l[j * p + j]
            }
        }
        var y = [Double](repeating: 0, count: p)
        for i in 0 ..< p {
            var s = b[i]
            for k in 0 ..< i { s -= l[i * p + k] * y[k] }
            y[i] = s / l[i * p + i]
        }
        var x = [Double](repeating: 0, count: p)
        for i in stride(from: p - 1, through: 0, by: -1) {
            var s = y[i]
            for k in i + 1 ..< p { s -= l[k * p + i] * x[k] }
            x[i] = s / l[i * p + i]
        }
        return x
    }
}
