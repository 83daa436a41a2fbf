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
        try calibrate(suite, source: source, shifts: shifts, seed: seed) { sets in
            try sets.enumerated().map { index, shifted in
                progress?("calibrating scores on shifted validation sets", Double(index) / Double(sets.count))
                return (try evidence(shifted.features), model.accuracy(shifted.features, labels: shifted.labels!))
            }
        }
    }

    /// The same for a model known only by its outputs (a model command): `observe` gets every
    /// shifted copy at once — so a black box can score them in one call — and returns each one's
    /// target evidence and the model's true accuracy on it, in order.
    public static func calibrate(_ suite: EstimatorSuite, source: Dataset, shifts: [ShiftSpec], seed: UInt64,
                                 observe: ([Dataset]) throws -> [(evidence: TargetEvidence, accuracy: Double)]) throws -> EstimatorSuite {
        let scores = suite.scoreEstimators
        guard !scores.isEmpty, !shifts.isEmpty, source.labels != nil else { return suite }
        let context = try ShiftContext(source: source)
        var sets: [Dataset] = []
        for (index, item) in shifts.enumerated() {
            var g = SeededGenerator.derived(seed: seed, stream: SeedStreams.calibrationSets + UInt64(index))
            sets.append(try ShiftRegistry.shift(named: item.family).apply(to: source, severity: item.severity, context: context, using: &g))
        }
        var points: [EstimatorID: (scores: [Double], accuracies: [Double])] = [:]
        for (evidence, accuracy) in try observe(sets) {
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
