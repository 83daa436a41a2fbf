import Foundation
/// A model's outputs on a set of examples: class probabilities `M × K` (each row a
/// distribution), and — when the model provides them — its logits `M × K` and penultimate
/// features `M × D` (the input of its last linear layer).
///
/// Built from probabilities (validated) or from logits (softmax, optionally with a
/// temperature). Estimators that only need predictions work from this, so models from any
/// framework can be evaluated; logit- and feature-based estimators need those too
/// (`EstimatorRequirements`).
public struct Predictions: Sendable, Equatable {
    /// `[M, K]`, rows non-negative and summing to 1.
    public let probabilities: Tensor
    /// `[M, K]` logits (softmax(logits) = probabilities), when known.
    public let logits: Tensor?
    /// `[M, D]` penultimate features, when known.
    public private(set) var features: Tensor?
    /// Where the predictions came from (a path or a flag), for messages.
    public let origin: String?
    /// Warnings raised while validating (e.g. rows renormalised).
    public let warnings: [String]

    public var count: Int { probabilities.rowCount }
    public var classCount: Int { probabilities.columnCount }

    /// Rows whose sum is within this distance of 1 are renormalised with a warning; others are rejected.
    public static let sumTolerance: Double = 1e-3

    /// Validates `probabilities`.
    /// - Throws: `InputError` naming `origin` and the row for a non-rank-2 tensor, no rows or
    ///   columns, a non-finite or negative entry, or a row sum farther than `sumTolerance` from 1.
    public init(probabilities: Tensor, origin: String? = nil) throws {
        guard probabilities.rank == 2 else {
            throw InputError(file: origin, "expected a 2-D array of probabilities [rows, classes], found shape \(probabilities.shape)")
        }
        let (m, k) = (probabilities.rowCount, probabilities.columnCount)
        guard m > 0 else { throw InputError(file: origin, "expected at least one row of probabilities, found none") }
        guard k >= 2 else { throw InputError(file: origin, "expected at least 2 classes (columns), found \(k)") }
        var values = probabilities.scalars
        var renormalised = 0
        var worst = 0.0
        for i in 0 ..< m {
            var sum = 0.0
            for j in 0 ..< k {
                let p = values[i * k + j]
                guard p.isFinite else {
                    throw InputError(file: origin, line: i + 1, column: j + 1, "expected a finite probability, found \(p)")
                }
                guard p >= 0 else {
                    throw InputError(file: origin, line: i + 1, column: j + 1, "expected a probability ≥ 0, found \(p) (logits? pass --logits)")
                }
                sum += Double(p)
            }
            let deviation = abs(sum - 1)
            if deviation > Self.sumTolerance {
                throw InputError(file: origin, line: i + 1,
                                 "row \(i + 1) should sum to 1 (probabilities; pass --logits for logits), found sum \(sum)")
            }
            if deviation > 1e-6 {
                renormalised += 1
                worst = max(worst, deviation)
                for j in 0 ..< k { values[i * k + j] = Float(Double(values[i * k + j]) / sum) }
            }
        }
        self.probabilities = Tensor(shape: [m, k], scalars: values)
        self.origin = origin
        logits = nil
        features = nil
        warnings = renormalised == 0 ? [] :
            ["\(origin ?? "probabilities"): \(renormalised) row(s) did not sum to 1 (largest deviation \(worst)); renormalised"]
    }

    /// Softmax of `logits / temperature`.
    /// - Throws: `InputError` for non-finite logits or a non-positive temperature.
    public init(logits: Tensor, temperature: Double = 1, origin: String? = nil) throws {
        guard logits.rank == 2, logits.rowCount > 0, logits.columnCount >= 2 else {
            throw InputError(file: origin, "expected a 2-D array of logits with ≥ 1 row and ≥ 2 columns, found shape \(logits.shape)")
        }
        guard temperature > 0, temperature.isFinite else {
            throw InputError(file: origin, "expected a positive temperature, found \(temperature)")
        }
        if let bad = logits.scalars.firstIndex(where: { !$0.isFinite }) {
            let k = logits.columnCount
            throw InputError(file: origin, line: bad / k + 1, column: bad % k + 1, "expected a finite logit, found \(logits.scalars[bad])")
        }
        let scaled = temperature == 1 ? logits : logits * Float(1 / temperature)
        self.probabilities = scaled.rowSoftmax()
        self.logits = scaled
        self.origin = origin
        features = nil
        warnings = []
    }

    /// Trusted construction: the caller guarantees finite logits `[M, K]` (a model's own outputs)
    /// and, if given, features `[M, D]` of the same rows.
    public init(trustedLogits logits: Tensor, features: Tensor? = nil, origin: String?) {
        precondition(logits.rank == 2 && (features == nil || features!.rowCount == logits.rowCount),
                     "Predictions(trustedLogits:): logits \(logits.shape), features \(features?.shape ?? [])")
        probabilities = logits.rowSoftmax()
        self.logits = logits
        self.features = features
        self.origin = origin
        warnings = []
    }

    /// Trusted construction (internal): the caller guarantees valid rows.
    init(unchecked probabilities: Tensor, logits: Tensor? = nil, features: Tensor? = nil, origin: String?) {
        self.probabilities = probabilities
        self.logits = logits
        self.features = features
        self.origin = origin
        warnings = []
    }

    /// The same predictions with penultimate features `[M, D]` attached.
    /// - Throws: `InputError` naming `origin` for a row-count mismatch, no columns or a non-finite value.
    public func withFeatures(_ features: Tensor, origin featuresOrigin: String? = nil) throws -> Predictions {
        guard features.rank == 2, features.columnCount >= 1 else {
            throw InputError(file: featuresOrigin, "expected a 2-D array of features [rows, D], found shape \(features.shape)")
        }
        guard features.rowCount == count else {
            throw InputError(file: featuresOrigin, "expected \(count) rows of features (one per row of \(origin ?? "the predictions")), found \(features.rowCount)")
        }
        if let bad = features.scalars.firstIndex(where: { !$0.isFinite }) {
            let d = features.columnCount
            throw InputError(file: featuresOrigin, line: bad / d + 1, column: bad % d + 1, "expected a finite feature, found \(features.scalars[bad])")
        }
        var copy = self
        copy.features = features
        return copy
    }

    /// Whether every row of `matrix` is non-negative and sums to 1 (within 10⁻³): probabilities,
    /// which softmax as logits would flatten into nonsense. Real logits essentially never are.
    public static func looksLikeProbabilities(_ matrix: Tensor) -> Bool {
        guard matrix.rank == 2, matrix.rowCount > 0, matrix.columnCount >= 2 else { return false }
        let k = matrix.columnCount
        return matrix.scalars.withUnsafeBufferPointer { p in
            (0 ..< matrix.rowCount).allSatisfy { i in
                var sum = 0.0
                for j in 0 ..< k { let x = p[i * k + j]; if !(x >= 0) { return false }; sum += Double(x) }
                return abs(sum - 1) <= 1e-3
            }
        }
    }

    /// `argmax` of each row (the first class on ties).
    public var predictedClasses: [Int] { probabilities.argmaxRows() }

    /// How many rows are predicted as each class (`classCount` entries).
    public var predictedClassCounts: [Int] {
        var counts = [Int](repeating: 0, count: classCount)
        for c in predictedClasses { counts[c] += 1 }
        return counts
    }

    /// `max_k p_k` of each row.
    public var confidences: [Float] { probabilities.rowMaxima() }

    /// Per-row log-probabilities, usable as logits (softmax(log p) = p) for temperature scaling.
    public var logProbabilities: Tensor {
        probabilities.map { $0 > 0 ? logf($0) : -1e4 }
    }

    /// The logits if known, else the log-probabilities (equal to the logits up to a per-row
    /// constant, which softmax ignores).
    public var logitsOrLogProbabilities: Tensor { logits ?? logProbabilities }

    /// The predictions re-scaled by temperature `T`: softmax(z / T), z the logits (or log p).
    /// Features are kept.
    public func withTemperature(_ temperature: Double) -> Predictions {
        guard temperature != 1 else { return self }
        let scaled = logitsOrLogProbabilities * Float(1 / temperature)
        return Predictions(unchecked: scaled.rowSoftmax(), logits: logits == nil ? nil : scaled, features: features, origin: origin)
    }

    /// The rows at `indices`, in that order (probabilities, logits and features alike).
    public func gatheringRows(_ indices: [Int]) -> Predictions {
        Predictions(unchecked: probabilities.gatheringRows(indices), logits: logits?.gatheringRows(indices),
                    features: features?.gatheringRows(indices), origin: origin)
    }
}

/// Predictions on a labeled set (the in-distribution validation set).
public struct LabeledPredictions: Sendable, Equatable {
    public let predictions: Predictions
    public let labels: [Int]

    /// - Throws: `InputError` if the label count differs from the row count or a label is outside `0..<K`.
    public init(predictions: Predictions, labels: [Int], labelsOrigin: String? = nil) throws {
        guard labels.count == predictions.count else {
            throw InputError(file: labelsOrigin, "expected \(predictions.count) labels (one per row of \(predictions.origin ?? "the probabilities")), found \(labels.count)")
        }
        if let bad = labels.firstIndex(where: { $0 < 0 || $0 >= predictions.classCount }) {
            throw InputError(file: labelsOrigin, line: bad + 1,
                             "expected a label in 0..<\(predictions.classCount), found \(labels[bad])")
        }
        self.predictions = predictions
        self.labels = labels
    }

    public var count: Int { labels.count }
    public var classCount: Int { predictions.classCount }

    /// Whether each prediction is correct.
    public var correct: [Bool] { zip(predictions.predictedClasses, labels).map { $0 == $1 } }

    /// `acc = mean(argmax P == y)`.
    public var accuracy: Double {
        Double(correct.filter { $0 }.count) / Double(count)
    }

    /// Label counts `n_k`.
    public var classCounts: [Int] {
        var counts = [Int](repeating: 0, count: classCount)
        for y in labels { counts[y] += 1 }
        return counts
    }

    /// Source class proportions `π_k` (label frequencies).
    public var classPriors: [Double] {
        var counts = [Double](repeating: 0, count: classCount)
        for y in labels { counts[y] += 1 }
        return counts.map { $0 / Double(count) }
    }

    public func withTemperature(_ temperature: Double) -> LabeledPredictions {
        // Labels were validated already and the shape is unchanged.
        try! LabeledPredictions(predictions: predictions.withTemperature(temperature), labels: labels)
    }

    /// The rows at `indices`, in that order.
    public func gatheringRows(_ indices: [Int]) -> LabeledPredictions {
        try! LabeledPredictions(predictions: predictions.gatheringRows(indices), labels: indices.map { labels[$0] })
    }
}
