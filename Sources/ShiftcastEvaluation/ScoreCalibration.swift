import ShiftcastModel
import ShiftcastData

/// The one step that turns every score (ProjNorm, the nuclear norm, MaNo, MDE, the dispersion
/// score, GdScore, …) into an accuracy: labeled synthetic shifts of the validation set are
/// made, each score is computed on each and the model's true accuracy measured, and a
/// least-squares line `accuracy ≈ a + b·score` (`LinearCalibration`) is fitted per score.
public enum ScoreCalibration {
    /// The calibration sets of every evaluation: noise and contrast at several severities.
    public static let standardShifts: [ShiftSpec] = [
        ShiftSpec("gaussian-noise", 1), ShiftSpec("gaussian-noise", 3), ShiftSpec("gaussian-noise", 5),
        ShiftSpec("contrast", 3), ShiftSpec("contrast", 5), ShiftSpec("impulse-noise", 3),
    ]

    /// `suite` with a calibration line for each of its scores, fitted on `shifts` of `source`.
    /// - Parameter evidence: the target evidence of a shifted copy's features.
    public static func calibrate(_ suite: EstimatorSuite, source: Dataset, shifts: [ShiftSpec], seed: UInt64, model: MLP,
                                 evidence: (Tensor) throws -> TargetEvidence,
                                 progress: ModelEvaluator.Progress? = nil) throws -> EstimatorSuite {
        // One shifted copy at a time: only one is in memory.
        try calibrate(suite, source: source, shifts: shifts, seed: seed) { count, shifted in
            try (0 ..< count).map { index in
                progress?("calibrating scores on shifted validation sets", Double(index) / Double(count))
                let set = try shifted(index)
                return (try evidence(set.features), model.accuracy(set.features, labels: set.labels!))
            }
        }
    }

    /// The same for a model known only by its outputs (a model command): `observe` gets the number
    /// of shifted copies and a function making copy i (a black box makes them all, to score them in
    /// one call), and returns each one's target evidence and the model's true accuracy, in order.
    public static func calibrate(_ suite: EstimatorSuite, source: Dataset, shifts: [ShiftSpec], seed: UInt64,
                                 observe: (_ count: Int, _ shifted: (Int) throws -> Dataset) throws -> [(evidence: TargetEvidence, accuracy: Double)])
        throws -> EstimatorSuite {
        let scores = suite.scoreEstimators
        guard !scores.isEmpty, !shifts.isEmpty, source.labels != nil else { return suite }
        let context = try ShiftContext(source: source)
        func shifted(_ index: Int) throws -> Dataset {
            var g = SeededGenerator.derived(seed: seed, stream: SeedStreams.calibrationSets + UInt64(index))
            let item = shifts[index]
            return try ShiftRegistry.shift(named: item.family).apply(to: source, severity: item.severity, context: context, using: &g)
        }
        var points: [EstimatorID: (scores: [Double], accuracies: [Double])] = [:]
        for (evidence, accuracy) in try observe(shifts.count, shifted) {
            for (id, value) in try suite.calibrationValues(evidence) {
                points[id, default: ([], [])].scores.append(value)
                points[id, default: ([], [])].accuracies.append(accuracy)
            }
        }
        let description = "source validation set under " + shifts.map(\.description).joined(separator: ", ")
        var lines: [EstimatorID: LinearCalibration] = [:], problems: [EstimatorID: String] = [:]
        for id in scores {
            let (x, y) = points[id] ?? ([], [])
            do {
                lines[id] = try LinearCalibration(scores: x, accuracies: y, source: description)
            } catch {
                let missing = shifts.count - x.count
                problems[id] = "the calibration sets did not give a usable line"
                    + (missing > 0 ? " (\(missing) of the \(shifts.count) calibration sets gave no score)" : " (all scores equal)")
            }
        }
        return suite.calibrated(lines, problems: problems)
    }
}
