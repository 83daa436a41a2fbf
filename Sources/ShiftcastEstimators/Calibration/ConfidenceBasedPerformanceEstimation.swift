extension EstimatorID {
    /// Confidence-based performance estimation (NannyML).
    public static let cbpe = EstimatorID("cbpe")
}

/// CBPE — confidence-based performance estimation, the practitioner's method (NannyML): the
/// expected accuracy under probabilities calibrated on the validation set,
///
///     acc = mean_i p̃_i[ŷ_i]
///
/// with `ŷ_i` the model's prediction and `p̃` the calibrated probabilities. Calibration as NannyML
/// does it: per class a one-vs-rest isotonic regression of `1[y = k]` on `P[:,k]`
/// (`IsotonicRegression`), fitted on the validation set and applied to the target, rows then
/// renormalised to sum 1 (whether or not each class was calibrated); for two classes one map on
/// the positive class's probability. A class's calibrator is used only when it lowers the
/// expected calibration error under cross-validation on the validation set
/// (`CalibrationCheck`); otherwise its probabilities are kept. `ŷ` stays the argmax of the raw
/// probabilities. Checked against NannyML 0.13.1 (Fixtures/estimators/second_wave). Standard error: `sqrt(Σ_i p̃_i(1 − p̃_i)) / M`, the sampling error of a sum of
/// independent Bernoulli(p̃_i) correctness indicators.
public struct ConfidenceBasedPerformanceEstimation: Estimator {
    public let id = EstimatorID.cbpe
    public let requirements = EstimatorRequirements()
    public let output = EstimatorOutput.accuracy
    public let summary = "CBPE: expected accuracy under isotonic-calibrated probabilities (NannyML)"

    /// When a class's calibrator is used.
    public enum Calibration: String, Sendable, CaseIterable {
        /// When it lowers the cross-validated calibration error (`CalibrationCheck`), as NannyML.
        case automatic
        /// Always; never.
        case always, never
    }

    public let calibration: Calibration
    public init(calibration: Calibration = .automatic) { self.calibration = calibration }

    public func fit(_ source: SourceEvidence) throws -> any FittedEstimator {
        let labeled = source.predictions
        let (n, k) = (labeled.count, labeled.classCount)
        let p = labeled.predictions.probabilities.scalars
        // Binary: one map on the positive class; multiclass: one per class.
        let columns = k == 2 ? [1] : Array(0 ..< k)
        var calibrators: [IsotonicRegression?] = []
        for c in columns {
            let x = (0 ..< n).map { Double(p[$0 * k + c]) }
            let y = labeled.labels.map { $0 == c ? 1.0 : 0.0 }
            let use: Bool
            switch calibration {
            case .automatic: use = CalibrationCheck(scores: x, outcomes: y, seed: source.seed &+ UInt64(c)).lowersError
            case .always: use = true
            case .never: use = false
            }
            calibrators.append(use ? IsotonicRegression(x: x, y: y) : nil)
        }
        return Fitted(classCount: k, calibrators: calibrators)
    }

    struct Fitted: FittedEstimator {
        let classCount: Int
        /// Per calibrated column (the positive class for K = 2), its map or nil (kept as is).
        let calibrators: [IsotonicRegression?]

        /// The calibrated probabilities of every row, `[M·K]` row-major.
        func calibrated(_ probabilities: Tensor) -> [Double] {
            let (m, k) = (probabilities.rowCount, probabilities.columnCount)
            let p = probabilities.scalars
            var out = [Double](repeating: 0, count: m * k)
            if k == 2 {
                for i in 0 ..< m {
                    let q = calibrators[0].map { $0(Double(p[i * 2 + 1])) } ?? Double(p[i * 2 + 1])
                    out[i * 2] = 1 - q; out[i * 2 + 1] = q
                }
                return out
            }
            for i in 0 ..< m {
                var sum = 0.0
                for c in 0 ..< k {
                    let v = calibrators[c].map { $0(Double(p[i * k + c])) } ?? Double(p[i * k + c])
                    out[i * k + c] = v; sum += v
                }
                for c in 0 ..< k { out[i * k + c] = sum > 0 ? out[i * k + c] / sum : 1 / Double(k) }
            }
            return out
        }

        func estimate(_ target: TargetEvidence) throws -> Estimate {
            try target.requireClasses(classCount)
            let k = classCount, m = target.count
            let q = calibrated(target.predictions.probabilities)
            let predicted = target.predictions.predictedClasses
            var total = 0.0, variance = 0.0
            for i in 0 ..< m {
                let v = q[i * k + predicted[i]]
                total += v; variance += v * (1 - v)
            }
            let applied = calibrators.map { $0 == nil ? "0" : "1" }.joined()
            return Estimate(estimator: .cbpe, accuracy: total / Double(m), standardError: variance.squareRoot() / Double(m),
                            settings: [.init("calibrator", "isotonic, one-vs-rest"),
                                       .init("calibrated", applied)],
                            note: calibrators.allSatisfy { $0 == nil } ? "no calibrator applied: none lowered the validation set's cross-validated calibration error" : nil)
        }
    }
}

/// Whether an isotonic calibrator lowers the expected calibration error of one column's
/// probabilities, decided as NannyML 0.13's `needs_calibration` decides it:
/// - no when the outcomes are all alike, or when the scores already separate them (AUROC > 0.999);
/// - otherwise, over 10 stratified random splits of the validation set with `⌈N/10⌉` rows held
///   out, fit the calibrator on the rest and predict the held-out rows; pool the 10 held-out
///   sets and compare the ECE of the raw and of the calibrated probabilities on the pool
///   (`expectedCalibrationError`); yes when calibrating lowers it (strictly).
///
/// The splits come from shiftcast's seeded generator (NannyML's from scikit-learn's), so a
/// close call — a model that is already calibrated — can go either way between the two; a
/// clearly miscalibrated column is decided alike.
public struct CalibrationCheck: Sendable {
    /// ECE of the pooled held-out rows without and with the calibrator (nil when not compared).
    public let uncalibratedError: Double?
    public let calibratedError: Double?
    public let lowersError: Bool

    public static let splitCount = 10
    public static let testFraction = 0.1
    public static let binCount = 10

    public init(scores x: [Double], outcomes y: [Double], seed: UInt64) {
        let n = x.count
        let positives = y.indices.filter { y[$0] == 1 }, negatives = y.indices.filter { y[$0] != 1 }
        // Both outcomes present, each at least twice (a stratified split needs it), and not already separated.
        guard positives.count >= 2, negatives.count >= 2, Self.areaUnderROC(x, y) <= 0.999 else {
            uncalibratedError = nil; calibratedError = nil; lowersError = false
            return
        }
        let testCount = Swift.max(2, Int((Double(n) * Self.testFraction).rounded(.up)))
        // Held-out rows per outcome, in proportion (largest remainder), at least one of each.
        let share = Double(testCount) * Double(positives.count) / Double(n)
        let testPositives = Swift.min(Swift.max(1, Int(share.rounded())), positives.count - 1, testCount - 1)
        let testNegatives = Swift.min(testCount - testPositives, negatives.count - 1)
        var g = SeededGenerator.derived(seed: seed, stream: 0x4342_5045)  // "CBPE"
        var pooledRaw: [Double] = [], pooledCalibrated: [Double] = [], pooledOutcomes: [Double] = []
        for _ in 0 ..< Self.splitCount {
            var p = positives, q = negatives
            g.shuffle(&p); g.shuffle(&q)
            let test = Array(p[..<testPositives]) + Array(q[..<testNegatives])
            let train = Array(p[testPositives...]) + Array(q[testNegatives...])
            let isotonic = IsotonicRegression(x: train.map { x[$0] }, y: train.map { y[$0] })
            for i in test {
                pooledRaw.append(x[i]); pooledCalibrated.append(isotonic(x[i])); pooledOutcomes.append(y[i])
            }
        }
        let before = Self.expectedCalibrationError(pooledRaw, pooledOutcomes)
        let after = Self.expectedCalibrationError(pooledCalibrated, pooledOutcomes)
        uncalibratedError = before
        calibratedError = after
        lowersError = before > after
    }

    /// `Σ_b (n_b / L) |mean(y in b) − mean(p in b)|` over bins of the rows sorted by `p`, cut by
    /// index: `binCount` bins of `⌊L / binCount⌋` rows, the last taking the remainder (`L / 2`
    /// bins when L ≤ 20), as NannyML's `_get_bin_index_edges`.
    public static func expectedCalibrationError(_ p: [Double], _ y: [Double]) -> Double {
        let n = p.count
        guard n > 0 else { return 0 }
        let order = p.indices.sorted { p[$0] < p[$1] }
        let bins = n <= 2 * binCount ? Swift.max(1, n / 2) : binCount
        let width = n / bins
        var total = 0.0
        for b in 0 ..< bins {
            let lo = b * width, hi = b == bins - 1 ? n : (b + 1) * width
            guard hi > lo else { continue }
            var sp = 0.0, sy = 0.0
            for i in order[lo ..< hi] { sp += p[i]; sy += y[i] }
            total += abs(sy - sp) / Double(n)
        }
        return total
    }

    /// The area under the ROC curve of scores `x` for outcomes `y` (1 = positive): the
    /// Mann–Whitney statistic with ties counted half.
    public static func areaUnderROC(_ x: [Double], _ y: [Double]) -> Double {
        let order = x.indices.sorted { x[$0] < x[$1] }
        var rankSum = 0.0, positives = 0.0
        var start = 0
        while start < order.count {
            var end = start + 1
            while end < order.count && x[order[end]] == x[order[start]] { end += 1 }
            let midRank = Double(start + end + 1) / 2  // ranks are 1-based
            for k in start ..< end where y[order[k]] == 1 { rankSum += midRank; positives += 1 }
            start = end
        }
        let negatives = Double(x.count) - positives
        guard positives > 0, negatives > 0 else { return .nan }
        return (rankSum - positives * (positives + 1) / 2) / (positives * negatives)
    }
}
