/// How well one heuristic ranks the generalization gap of one population (a task under one
/// stopping rule) on one target (the clean test split or a shift family).
///
/// The gap of a model on target t is `train accuracy − accuracy on t`. A heuristic's value is
/// read so that larger means a larger predicted gap: a parameter measure as it is; an
/// estimator as `train accuracy − its predicted accuracy on t`; `validation-gap` as
/// `train accuracy − validation accuracy` (held-out performance on the data one has).
/// - `tau`: Kendall's τ-b between the heuristic and the gap over the population's models
///   (Jiang et al., ICLR 2020, §4).
/// - `psi`: the granulated Kendall coefficient Ψ = mean over axes of ψ_i, ψ_i the mean over every
///   setting of the other hyperparameters of Kendall's τ (τ-a: a tie counts 0) among the models
///   that differ only along axis i (Jiang et al., §4; axes with one value are left out).
/// - Sign-error (Dziugaite et al., NeurIPS 2020, §3): over the pairs of models that differ in
///   exactly one hyperparameter, `½(1 − sign Δgap · sign Δheuristic)` (a tied heuristic costs ½),
///   keeping only pairs whose gaps differ by more than twice the Monte-Carlo standard error of the
///   difference of the two target accuracies, as Dziugaite et al. drop pairs within noise: paired
///   on a set both models were measured on (`√((d − nΔ²)/n²)`, d the rows where exactly one is
///   right), else from the two binomial variances (`a(1−a)/n` each; the white-box attacks, made
///   per model).
///   `signErrorMean` averages all kept pairs; `signErrorWorst` is the largest mean over the
///   environments, an environment being the set of pairs that differ along one axis (`worstAxis`),
///   here every axis with a kept pair (the report pools tasks and asks for at least 5).
public struct StudyRanking: Sendable, Codable, Equatable {
    public var task: String
    public var rule: String
    /// `none` (in distribution) or the shift family.
    public var target: String
    public var heuristic: String
    /// `measure`, `estimator` or `empirical`.
    public var kind: String
    /// Models with a value of the heuristic.
    public var models: Int
    public var tau: Double?
    public var psi: Double?
    /// ψ_i per axis, in the configuration's axis order (nil where the axis has one value or no pair).
    public var psiByAxis: [String: Double]
    public var signErrorMean: Double?
    public var signErrorWorst: Double?
    public var worstAxis: String?
    /// Pairs kept for the sign-error (gap difference beyond the noise).
    public var pairs: Int
    /// The sign-error of each environment (the pairs differing along one axis) and its kept pairs.
    public var signErrorByAxis: [String: Double]
    public var pairsByAxis: [String: Int]
}

/// The heuristics of the study and their rankings.
public enum StudyRankings {
    /// The heuristic that reads the validation accuracy (the first kind's baseline).
    public static let validationGap = "validation-gap"

    /// The heuristics present in `results`, in report order: measures, the empirical baseline, estimators.
    public static func heuristics(_ results: [StudyResult]) -> [(name: String, kind: String)] {
        var measures: [String] = [], estimators: [String] = []
        for r in results {
            for m in r.measures where !measures.contains(m.measure) { measures.append(m.measure) }
            for e in r.estimates where !estimators.contains(e.estimator) { estimators.append(e.estimator) }
        }
        return measures.map { ($0, "measure") } + [(validationGap, "empirical")] + estimators.map { ($0, "estimator") }
    }

    /// The models a population's tables use: not diverged, and converged under the loss-threshold rule.
    public static func usable(_ r: StudyResult) -> Bool { r.diverged == nil && r.converged }

    /// The value of `heuristic` for model `r` on `target` (larger = larger predicted gap).
    public static func value(_ heuristic: String, kind: String, _ r: StudyResult, target: String) -> Double? {
        switch kind {
        case "measure": return r.measures.first { $0.measure == heuristic }?.value ?? nil
        case "empirical": return r.trainAccuracy - r.validationAccuracy
        default:
            guard let p = r.estimates.first(where: { $0.family == target && $0.estimator == heuristic })?.predictedAccuracy else { return nil }
            return r.trainAccuracy - p
        }
    }

    /// Every (task, rule, target, heuristic) ranking, in a fixed order.
    public static func compute(_ results: [StudyResult], axes: [StudyAxis] = StudyAxis.allCases) -> [StudyRanking] {
        var out: [StudyRanking] = []
        let heuristics = heuristics(results)
        var populations: [(task: String, rule: String)] = []
        for r in results where !populations.contains(where: { $0 == (r.unit.task, r.unit.rule.rawValue) }) {
            populations.append((r.unit.task, r.unit.rule.rawValue))
        }
        for (task, rule) in populations {
            let models = results.filter { $0.unit.task == task && $0.unit.rule.rawValue == rule && usable($0) }
            var targets: [String] = []
            for m in models { for t in m.targets where !targets.contains(t.family) { targets.append(t.family) } }
            for target in targets {
                for (name, kind) in heuristics {
                    out.append(rank(models, target: target, heuristic: name, kind: kind, task: task, rule: rule, axes: axes))
                }
            }
        }
        return out
    }

    static func rank(_ population: [StudyResult], target: String, heuristic: String, kind: String, task: String, rule: String,
                     axes: [StudyAxis]) -> StudyRanking {
        // (hyperparameters, heuristic value, gap, the target set's outcome)
        let points: [(h: StudyHyperparameters, c: Double, g: Double, t: StudyTarget)] = population.compactMap { r in
            guard let c = value(heuristic, kind: kind, r, target: target), c.isFinite,
                  let t = r.targets.first(where: { $0.family == target }) else { return nil }
            return (r.unit.hyperparameters, c, r.trainAccuracy - t.accuracy, t)
        }
        let tau = Metrics.kendallTau(points.map(\.c), points.map(\.g))
        var psiByAxis: [String: Double] = [:]
        var errorsByAxis: [(axis: String, mean: Double)] = []
        var pairsByAxis: [String: Int] = [:]
        var allErrors: [Double] = []
        for axis in axes {
            // Models that differ only along `axis`: group by every other coordinate.
            var groups: [String: [Int]] = [:]
            for (i, p) in points.enumerated() {
                let key = axes.filter { $0 != axis }.map { p.h.value($0) }.joined(separator: "|")
                groups[key, default: []].append(i)
            }
            var taus: [Double] = [], errors: [Double] = []
            for key in groups.keys.sorted() {
                let members = groups[key]!
                guard members.count >= 2 else { continue }
                var concordance = 0.0, pairCount = 0.0
                for a in 0 ..< members.count {
                    for b in a + 1 ..< members.count {
                        let (p, q) = (points[members[a]], points[members[b]])
                        guard p.h.value(axis) != q.h.value(axis) else { continue }
                        let dg = q.g - p.g, dc = q.c - p.c
                        concordance += sign(dg) * sign(dc)
                        pairCount += 1
                        if abs(dg) > 2 * noiseVariance(p.t, q.t).squareRoot() { errors.append(0.5 * (1 - sign(dg) * sign(dc))) }
                    }
                }
                if pairCount > 0 { taus.append(concordance / pairCount) }
            }
            if !taus.isEmpty { psiByAxis[axis.rawValue] = taus.reduce(0, +) / Double(taus.count) }
            if !errors.isEmpty {
                errorsByAxis.append((axis.rawValue, errors.reduce(0, +) / Double(errors.count)))
                pairsByAxis[axis.rawValue] = errors.count
            }
            allErrors += errors
        }
        let worst = errorsByAxis.max { $0.mean < $1.mean }
        return StudyRanking(task: task, rule: rule, target: target, heuristic: heuristic, kind: kind, models: points.count,
                            tau: tau.isNaN ? nil : tau,
                            psi: psiByAxis.isEmpty ? nil : axes.compactMap { psiByAxis[$0.rawValue] }.reduce(0, +) / Double(psiByAxis.count),
                            psiByAxis: psiByAxis,
                            signErrorMean: allErrors.isEmpty ? nil : allErrors.reduce(0, +) / Double(allErrors.count),
                            signErrorWorst: worst?.mean, worstAxis: worst?.axis, pairs: allErrors.count,
                            signErrorByAxis: Dictionary(uniqueKeysWithValues: errorsByAxis.map { ($0.axis, $0.mean) }), pairsByAxis: pairsByAxis)
    }

    static func sign(_ x: Double) -> Double { x > 0 ? 1 : x < 0 ? -1 : 0 }

    /// The Monte-Carlo variance of the difference of two models' accuracies on a target: paired
    /// when both were measured on the same rows, else the sum of the binomial variances.
    static func noiseVariance(_ a: StudyTarget, _ b: StudyTarget) -> Double {
        StudyTarget.pairedVariance(a, b)
            ?? a.accuracy * (1 - a.accuracy) / Double(max(a.rows, 1)) + b.accuracy * (1 - b.accuracy) / Double(max(b.rows, 1))
    }
}
