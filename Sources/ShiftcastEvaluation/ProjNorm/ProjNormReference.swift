import ShiftcastModel

/// ProjNorm's source side, fitted once and reused for every target set.
///
/// ProjNorm (Yu, Yang, Wei, Ma & Steinhardt, "Predicting Out-of-Distribution Error with the
/// Projection Norm", ICML 2022):
/// 1. θ_ref: fine-tune from θ0 on the labeled source for T iterations;
/// 2. pseudo-label the target with the model under evaluation θ̂ (argmax, θ̂ frozen);
/// 3. θ̃: fine-tune from θ0 on the pseudo-labeled target with the same recipe;
/// 4. `ProjNorm = ‖θ_ref − θ̃‖₂` over all trainable parameters. Higher means more error.
///
/// θ_ref does not depend on the target, so it is computed here once; each target then costs
/// exactly one fine-tune. Fine-tuning always restarts from θ0, never from θ̂.
public struct ProjNormReference: Sendable {
    /// θ0, the shared initialisation.
    public let initial: MLP
    /// θ_ref, fine-tuned from θ0 on the labeled source.
    public let reference: MLP
    public let configuration: ProjNormConfiguration
    /// How often each class occurs among the source labels θ_ref was fine-tuned on.
    public let sourceClassCounts: [Int]

    /// Fine-tunes θ_ref from `initial` on `(sourceFeatures, sourceLabels)`.
    public init(initial: MLP, sourceFeatures: Tensor, sourceLabels: [Int],
                configuration: ProjNormConfiguration = ProjNormConfiguration(),
                progress: ((TrainingProgress) -> Void)? = nil) throws {
        var reference = initial
        try Trainer.train(&reference, features: sourceFeatures, labels: sourceLabels,
                          configuration: configuration.fineTuning, progress: progress)
        self.initial = initial
        self.reference = reference
        self.configuration = configuration
        var counts = [Int](repeating: 0, count: initial.classCount)
        for y in sourceLabels where counts.indices.contains(y) { counts[y] += 1 }
        sourceClassCounts = counts
    }

    /// The result of scoring one target set.
    public struct Score: Sendable {
        /// `‖θ_ref − θ̃‖₂`.
        public var projNorm: Double
        /// The pseudo-labels θ̂ gave the rows θ̃ was fine-tuned on (all target rows, or ProjNorm's sample of them).
        public var pseudoLabels: [Int]
    }

    /// Pseudo-labels `targetFeatures` with `model` and fine-tunes θ̃ from θ0 on them (on a
    /// random `iterations × batchSize`-row sample when the target is larger: `ProjNormTargetSample`).
    /// - Throws: `InputError` for an empty target or a column count the model does not take.
    public func score(targetFeatures: Tensor, model: MLP,
                      progress: ((TrainingProgress) -> Void)? = nil) throws -> Score {
        guard targetFeatures.rank == 2, targetFeatures.rowCount > 0 else {
            throw InputError("ProjNorm: expected a non-empty target set, found 0 rows")
        }
        guard targetFeatures.columnCount == model.inputCount, model.architecture == initial.architecture else {
            throw InputError("ProjNorm: model \(model.architecture.summary), θ0 \(initial.architecture.summary) and target with \(targetFeatures.columnCount) columns do not fit together")
        }
        var sample = ProjNormTargetSample(columnCount: targetFeatures.columnCount, configuration: configuration)
        sample.add(targetFeatures, pseudoLabels: model.predictions(targetFeatures))
        return try score(sample: sample, progress: progress)
    }

    /// Fine-tunes θ̃ from θ0 on a pseudo-labeled target sample (collected batch by batch).
    /// - Throws: `InputError` for an empty sample or rows the model does not take.
    public func score(sample: ProjNormTargetSample, progress: ((TrainingProgress) -> Void)? = nil) throws -> Score {
        guard sample.rowsSeen > 0 else {
            throw InputError("ProjNorm: expected a non-empty target set, found 0 rows")
        }
        var tuned = initial
        var (rows, labels) = sample.canonicalRows
        if configuration.balancesPseudoLabels {
            (rows, labels) = Self.distinctRows(rows, labels: labels)
            let picks = Self.balancedRows(pseudoLabels: labels, sourceClassCounts: sourceClassCounts, seed: configuration.seed)
            rows = rows.gatheringRows(picks)
            labels = picks.map { labels[$0] }
        }
        try Trainer.train(&tuned, features: rows, labels: labels, configuration: configuration.fineTuning, progress: progress)
        return Score(projNorm: reference.parameterDistance(to: tuned), pseudoLabels: sample.pseudoLabels)
    }

    /// The rows with exact repeats removed (the first of equal rows with equal labels kept, in
    /// order): a set resampled with replacement carries no more about p(x | class) than its
    /// distinct rows, and a fine-tune would read its repeats as a smaller, different set.
    static func distinctRows(_ rows: Tensor, labels: [Int]) -> (Tensor, [Int]) {
        let keep = rows.distinctRowIndices(labels: labels)
        guard keep.count < rows.rowCount else { return (rows, labels) }
        return (rows.gatheringRows(keep), keep.map { labels[$0] })
    }

    /// The rows θ̃ fine-tunes on when `balancesPseudoLabels` is on: each pseudo-label takes its
    /// class's share of `sourceClassCounts` (`ClassBalancedRows`, stream "BALA").
    public static func balancedRows(pseudoLabels: [Int], sourceClassCounts: [Int], seed: UInt64) -> [Int] {
        ClassBalancedRows.rows(classes: pseudoLabels, weights: sourceClassCounts, seed: seed, stream: 0x4241_4C41)  // "BALA"
    }
}
