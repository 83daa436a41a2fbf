import ShiftcastModel

extension EstimatorID {
    /// Agreement with a nearest-neighbour classifier on the source inputs.
    public static let nearestNeighbourAgreement = EstimatorID("knn")
}

/// KNN — agreement of the model with a k-nearest-neighbour classifier built on the labeled
/// source inputs: a second classifier of a very different kind (no parameters, no gradients),
/// so a shift that fools the model — an adversarial perturbation, a spurious feature — need not
/// fool it, while a shift that only reweights the source (label priors, sub-populations) moves
/// both alike. In the spirit of GDE (Jiang et al., ICLR 2022) with the seed model replaced by a
/// nearest-neighbour rule (cf. the deep k-NN of Papernot & McDaniel, 2018, and the k-NN
/// out-of-distribution score of Sun et al., ICML 2022, which use the model's features instead).
///
/// Inputs are standardised by the source's column means and standard deviations; the classifier
/// votes among the k = clamp(round(√n / 2), 3, 15) nearest of the n source rows (Euclidean; a
/// tie goes to the tied class with the nearest member). On the source itself, leave-one-out,
/// it measures how often the model is right where the two agree (a₁) and where they disagree
/// (a₀), each smoothed by half a success in one extra row: `(c + ½)/(n + 1)`. On a target whose
/// rows agree at rate g:
///
///     acc = a₀ + (a₁ − a₀) · g
///
/// (exactly the source accuracy, up to the smoothing, at the source's leave-one-out agreement).
/// Standard error: `(a₁ − a₀) · sqrt(g(1 − g)/M)`.
///
/// Its raw score is how far the target lies from the source in input space: the mean distance
/// of a target row to its nearest distinct source row over the same mean on the source,
/// leave-one-out (about 1 on rows distributed like the source; in the standardised, clipped
/// coordinates above; none when the source rows all repeat one another). Not an accuracy: the
/// headline estimate reads its logarithm as an input of its own (`knn-distance`), which tells
/// rows that moved (noise, an off-manifold push, an attack) from rows reweighted (a prior
/// change, a sub-population), where the accuracy estimators can read alike.
///
/// Needs the input rows (`.inputs`: the model
/// form, or a model command, whose target rows are collected as they pass); a target
/// longer than `targetCapacity` rows is read on a uniform sample of that many, and the source on
/// at most `sourceCapacity` rows.
public struct NearestNeighbourAgreement: TargetRowCollecting {
    public let id = EstimatorID.nearestNeighbourAgreement
    public let requirements = EstimatorRequirements([.probabilities, .inputs])
    public let output = EstimatorOutput.accuracy
    public let summary = "agreement of the model with a k-nearest-neighbour classifier on the source inputs (after GDE, Jiang et al., 2022)"
    /// The most target rows read (a uniform sample of a longer target).
    public static let targetCapacity = 1000
    /// The most source rows the classifier keeps (a seeded random subset of a longer source).
    public static let sourceCapacity = 2000

    public init() {}

    public func makeCollector(columnCount: Int) -> any TargetRowCollector {
        NearestNeighbourTargetSample(reservoir: TargetRowReservoir(
            columnCount: columnCount, capacity: Self.targetCapacity,
            generator: SeededGenerator.derived(seed: 0, stream: 0x4B4E_4E54)))  // "KNNT"
    }

    /// The neighbour count for `n` reference rows.
    static func neighbourCount(_ n: Int) -> Int {
        Swift.max(1, Swift.min(Swift.min(Swift.max(Int((Double(n).squareRoot() / 2).rounded()), 3), 15), n - 1))
    }

    /// The classifier on the source inputs (at most `sourceCapacity` rows, a seeded subset), and
    /// the source rows it keeps.
    static func sourceClassifier(_ source: SourceEvidence) throws -> (classifier: NeighbourClassifier, rows: [Int]) {
        guard let inputs = source.inputRows else { throw EstimatorUnavailable(.missingInput(.inputs)) }
        let all = inputs.features, n = all.rowCount
        guard n >= 2 else { throw InputError("knn: the source (validation) data has \(n) row; at least 2 are needed") }
        var rows = Array(0 ..< n)
        if n > sourceCapacity {
            var g = SeededGenerator.derived(seed: source.seed, stream: 0x4B4E_4E53)  // "KNNS"
            rows.shuffle(using: &g)
            rows = Array(rows.prefix(sourceCapacity)).sorted()
        }
        return (NeighbourClassifier(features: all, rows: rows, labels: rows.map { inputs.labels[$0] }, classCount: source.classCount,
                                    k: neighbourCount(rows.count)), rows)
    }

    /// The target rows collected for the estimator, checked against the classifier.
    static func targetSample(_ target: TargetEvidence, classifier: NeighbourClassifier) throws -> TargetRowReservoir {
        try target.requireClasses(classifier.classCount)
        guard let sample = target.modelInputs[.nearestNeighbourAgreement] as? NearestNeighbourTargetSample else {
            throw EstimatorUnavailable(.missingInput(.inputs))
        }
        let kept = sample.reservoir
        guard kept.columnCount == classifier.columnCount else {
            throw InputError("knn: the target rows have \(kept.columnCount) columns, the source \(classifier.columnCount)")
        }
        guard !kept.predictedClasses.isEmpty else { throw InputError("knn: the target has no rows") }
        return kept
    }

    public func fit(_ source: SourceEvidence) throws -> any FittedEstimator {
        let (classifier, rows) = try Self.sourceClassifier(source)
        let predicted = source.predictions.predictions.predictedClasses, correct = source.predictions.correct
        let (votes, distances) = classifier.leaveOneOutSearch()
        var agree = (rows: 0, correct: 0), disagree = (rows: 0, correct: 0)
        for (i, r) in rows.enumerated() {
            let right = correct[r] ? 1 : 0
            if votes[i] == predicted[r] { agree.rows += 1; agree.correct += right } else { disagree.rows += 1; disagree.correct += right }
        }
        func smoothed(_ c: (rows: Int, correct: Int)) -> Double { (Double(c.correct) + 0.5) / (Double(c.rows) + 1) }
        return Fitted(classifier: classifier, whenAgreeing: smoothed(agree), whenDisagreeing: smoothed(disagree),
                      sourceAgreement: Double(agree.rows) / Double(rows.count), sourceDistance: Self.mean(distances))
    }

    struct Fitted: FittedEstimator {
        let classifier: NeighbourClassifier
        let whenAgreeing: Double
        let whenDisagreeing: Double
        let sourceAgreement: Double
        /// The source's mean leave-one-out distance to its nearest other row.
        let sourceDistance: Double

        func estimate(_ target: TargetEvidence) throws -> Estimate {
            let kept = try NearestNeighbourAgreement.targetSample(target, classifier: classifier)
            let (votes, distances) = classifier.search(kept.rows)
            let distanceRatio = sourceDistance > 0 ? NearestNeighbourAgreement.mean(distances) / sourceDistance : nil
            let m = votes.count
            let g = Double(zip(votes, kept.predictedClasses).filter { $0 == $1 }.count) / Double(m)
            let (a1, a0) = (whenAgreeing, whenDisagreeing)
            let accuracy = Swift.min(Swift.max(a0 + (a1 - a0) * g, 0), 1)
            return Estimate(estimator: .nearestNeighbourAgreement, accuracy: accuracy,
                            standardError: abs(a1 - a0) * (g * (1 - g) / Double(m)).squareRoot(), score: distanceRatio,
                            settings: [.init("k", "\(classifier.k)"), .init("source_rows", "\(classifier.rowCount)"),
                                       .init("scale_spread", number: classifier.scaleSpread(kept.rows) ?? .nan),
                                       .init("target_rows_read", "\(m)"), .init("agreement", number: g),
                                       .init("source_agreement", number: sourceAgreement),
                                       .init("accuracy_when_agreeing", number: a1), .init("accuracy_when_disagreeing", number: a0)])
        }
    }
}

extension NearestNeighbourAgreement {
    /// The mean of `values` (0 when empty), in Double.
    static func mean(_ values: [Float]) -> Double {
        values.isEmpty ? 0 : values.reduce(0.0) { $0 + Double($1) } / Double(values.count)
    }
}

/// The target rows the nearest-neighbour classifier reads, with the model's predicted classes.
public struct NearestNeighbourTargetSample: Sendable, TargetRowCollector, RowSelectable {
    public private(set) var reservoir: TargetRowReservoir

    public mutating func add(_ batch: Tensor, predictedClasses: [Int]) { reservoir.add(batch, predictedClasses: predictedClasses) }
    public var collected: any Sendable { self }

    public func selectingRows(_ rows: [Int], ofTargetRows n: Int) -> any Sendable {
        NearestNeighbourTargetSample(reservoir: reservoir.selectingRows(rows, ofTargetRows: n))
    }
}
