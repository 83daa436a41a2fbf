import ShiftcastEvaluation

/// The benchmark's statistics, computed from its records.
///
/// - **MAE** of predicted vs true accuracy, per estimator, overall and per shift family;
/// - **R²** (of the linear fit) and **Spearman ρ** between the estimator's output and the true
///   accuracy, per family and overall; the output is the predicted accuracy, or, for a score
///   with no calibrated accuracy, the raw score;
/// - **Kendall τ** across the model population: for each task and shift, τ between the models'
///   predicted and true accuracies (does the estimator rank models correctly?), averaged over
///   the shifts where it is defined.
public struct BenchmarkSummary: Sendable, Codable, Equatable {
    public struct Cell: Sendable, Codable, Equatable {
        public var estimator: String
        public var family: String
        public var count: Int
        public var mae: Double?
        public var rSquared: Double?
        public var spearman: Double?
    }

    public struct EstimatorSummary: Sendable, Codable, Equatable {
        public var estimator: String
        /// Target sets it was asked for (run or skipped).
        public var count: Int
        /// Target sets on which it did not run (`BenchmarkRecord.skipReason`); not in MAE, R², ρ, τ.
        public var skipped: Int = 0
        public var mae: Double?
        public var rSquared: Double?
        public var spearman: Double?
        public var kendallTau: Double?
        /// Spearman ρ between the raw score and the true error (1 − accuracy), for estimators with a score.
        public var scoreErrorSpearman: Double?
        /// On the adversarial family: mean true accuracy, mean predicted accuracy, and ρ(score, error).
        public var adversarialMeanTrue: Double?
        public var adversarialMeanPredicted: Double?
        public var adversarialScoreErrorSpearman: Double?
    }

    /// The headline estimate by family (and `all`), judged leave-one-family-out.
    public struct HeadlineRow: Sendable, Codable, Equatable {
        public var family: String
        public var count: Int
        /// MAE with the target's family held out of the meta-set, and with it in.
        public var heldOutMAE: Double?
        public var inFamilyMAE: Double?
        /// The share of target sets whose interval holds the true accuracy.
        public var heldOutCoverage: Double?
        public var inFamilyCoverage: Double?
        /// The mean interval width (held out).
        public var meanWidth: Double?
    }

    public var estimators: [String]
    public var families: [String]
    public var headline: [HeadlineRow] = []
    public var overall: [EstimatorSummary]
    public var byFamily: [Cell]
    public var modelCount: Int
    public var targetSetCount: Int

    public init(records: [BenchmarkRecord]) {
        estimators = EstimatorRegistry.selectableIDs.map(\.name).filter { name in records.contains { $0.estimator == name } }
        var familyOrder: [String] = []
        for r in records where !familyOrder.contains(r.family) { familyOrder.append(r.family) }
        families = familyOrder
        modelCount = Set(records.map(\.model)).count
        targetSetCount = Set(records.map { "\($0.model)|\($0.shift)" }).count
        func output(_ r: BenchmarkRecord) -> Double? { r.predictedAccuracy ?? r.score }
        func clean(_ x: Double) -> Double? { x.isFinite ? x : nil }
        func stats(_ rs: [BenchmarkRecord]) -> (Int, Double?, Double?, Double?) {
            let withAccuracy = rs.filter { $0.predictedAccuracy != nil }
            let mae = withAccuracy.isEmpty ? nil : clean(Metrics.meanAbsoluteError(withAccuracy.map { $0.predictedAccuracy! }, withAccuracy.map(\.trueAccuracy)))
            let pairs = rs.compactMap { r in output(r).map { ($0, r.trueAccuracy) } }
            let r2 = clean(Metrics.rSquared(pairs.map(\.0), pairs.map(\.1)))
            let rho = clean(Metrics.spearman(pairs.map(\.0), pairs.map(\.1)))
            return (rs.count, mae, r2, rho)
        }
        var cells: [Cell] = []
        var overall: [EstimatorSummary] = []
        for e in estimators {
            let mine = records.filter { $0.estimator == e }
            for f in familyOrder {
                let (n, mae, r2, rho) = stats(mine.filter { $0.family == f })
                cells.append(Cell(estimator: e, family: f, count: n, mae: mae, rSquared: r2, spearman: rho))
            }
            let (n, mae, r2, rho) = stats(mine)
            // Kendall τ across models, per (task, shift).
            var taus: [Double] = []
            let groups = Dictionary(grouping: mine) { "\($0.task)|\($0.shift)" }
            for key in groups.keys.sorted() {
                let g = groups[key]!.compactMap { r in output(r).map { ($0, r.trueAccuracy) } }
                guard g.count >= 3 else { continue }
                let tau = Metrics.kendallTau(g.map(\.0), g.map(\.1))
                if tau.isFinite { taus.append(tau) }
            }
            let scored = mine.filter { $0.score != nil }
            let scoreRho = scored.count >= 3 ? clean(Metrics.spearman(scored.map { $0.score! }, scored.map { 1 - $0.trueAccuracy })) : nil
            let adversarial = mine.filter { $0.kind == "adversarial" }
            let advPredicted = adversarial.compactMap(\.predictedAccuracy)
            let advScored = adversarial.filter { $0.score != nil }
            overall.append(EstimatorSummary(
                estimator: e, count: n, skipped: mine.filter { $0.skipReason != nil }.count, mae: mae, rSquared: r2, spearman: rho,
                kendallTau: taus.isEmpty ? nil : taus.reduce(0, +) / Double(taus.count),
                scoreErrorSpearman: scoreRho,
                adversarialMeanTrue: adversarial.isEmpty ? nil : adversarial.map(\.trueAccuracy).reduce(0, +) / Double(adversarial.count),
                adversarialMeanPredicted: advPredicted.isEmpty ? nil : advPredicted.reduce(0, +) / Double(advPredicted.count),
                adversarialScoreErrorSpearman: advScored.count >= 3 ? clean(Metrics.spearman(advScored.map { $0.score! }, advScored.map { 1 - $0.trueAccuracy })) : nil))
        }
        self.overall = overall
        byFamily = cells
        let meta = records.filter { $0.estimator == EstimatorID.meta.name && $0.skipReason == nil }
        if !meta.isEmpty {
            func row(_ family: String, _ rs: [BenchmarkRecord]) -> HeadlineRow {
                func mean(_ xs: [Double]) -> Double? { xs.isEmpty ? nil : xs.reduce(0, +) / Double(xs.count) }
                return HeadlineRow(family: family, count: rs.count,
                                   heldOutMAE: mean(rs.compactMap(\.absoluteError)),
                                   inFamilyMAE: mean(rs.compactMap { r in r.inFamilyAccuracy.map { abs($0 - r.trueAccuracy) } }),
                                   heldOutCoverage: mean(rs.compactMap(\.covered).map { $0 ? 1 : 0 }),
                                   inFamilyCoverage: mean(rs.compactMap(\.inFamilyCovered).map { $0 ? 1 : 0 }),
                                   meanWidth: mean(rs.compactMap { r in r.intervalHigh.flatMap { h in r.intervalLow.map { h - $0 } } }))
            }
            headline = familyOrder.compactMap { f in
                let rs = meta.filter { $0.family == f }
                return rs.isEmpty ? nil : row(f, rs)
            } + [row("all", meta)]
        }
    }

    public func cell(_ estimator: String, _ family: String) -> Cell? {
        byFamily.first { $0.estimator == estimator && $0.family == family }
    }
}
