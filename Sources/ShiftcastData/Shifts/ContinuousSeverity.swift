/// A shift family at a severity anywhere in [0, 5], not only at the integers 1…5 of its
/// parameter table.
///
/// Every family draws its random choices once and scales them with the severity, so between
/// two integer severities `k < s < k + 1` (severity 0 is the data itself) shiftcast takes both
/// neighbours from the same generator state and
/// - for families that keep the rows (covariate, image, adversarial, spurious): interpolates the
///   features, `x(s) = (1 − t)·x(k) + t·x(k + 1)` with `t = s − k` — exact for the families whose
///   parameter scales the perturbation linearly (noise, contrast, mean shift, FGSM), a
///   straight-line path between the two tables' settings for the others;
/// - for families that resample rows (label, sub-population): takes each row of the result from
///   `k + 1` with probability t and from `k` otherwise (a mixture of the two shifted sets).
public enum ContinuousSeverity {
    /// `shift` applied to `data` at `severity` ∈ [0, 5].
    /// - Throws: `InputError` for a severity outside [0, 5] or data the family cannot use.
    public static func apply(_ shift: any Shift, to data: Dataset, severity: Double, context: ShiftContext,
                             seed: UInt64) throws -> Dataset {
        guard severity >= 0, severity <= 5, severity.isFinite else {
            throw InputError("severity: expected a number from 0 to 5, found \(severity)")
        }
        let lower = Int(severity.rounded(.down)), t = severity - Double(lower)
        func at(_ k: Int) throws -> Dataset {
            if k == 0 { return data }
            var g = SeededGenerator(seed: seed)
            return try shift.apply(to: data, severity: k, context: context, using: &g)
        }
        if t == 0 { return try at(lower) }
        let a = try at(lower), b = try at(lower + 1)
        let resamples = shift.kind == .label || shift.kind == .subpopulation
        if !resamples, a.rowCount == b.rowCount, a.labels == b.labels {
            let w = Float(t)
            let mixed = a.features.scalars.indices.map { (1 - w) * a.features.scalars[$0] + w * b.features.scalars[$0] }
            return a.replacingFeatures(Tensor(shape: a.features.shape, scalars: mixed))
        }
        // A mixture: row i from b with probability t (rows of a and b are different samples).
        var g = SeededGenerator.derived(seed: seed, stream: 0x4D49_58)  // "MIX"
        let n = Swift.min(a.rowCount, b.rowCount)
        var fromB: [Int] = [], fromA: [Int] = []
        for i in 0 ..< n { if g.uniform() < t { fromB.append(i) } else { fromA.append(i) } }
        let partA = a.selectingRows(fromA), partB = b.selectingRows(fromB)
        return Dataset(features: Tensor.concatenatingRows([partA.features, partB.features]),
                       labels: a.labels.flatMap { la in b.labels.map { lb in fromA.map { la[$0] } + fromB.map { lb[$0] } } },
                       featureNames: data.featureNames, classCount: data.classCount,
                       modes: a.modes.flatMap { ma in b.modes.map { mb in fromA.map { ma[$0] } + fromB.map { mb[$0] } } })
    }
}
