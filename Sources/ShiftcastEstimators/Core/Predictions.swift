import Foundation
/// A model's class probabilities on a set of examples: `M × K`, each row a distribution.
///
/// Built from probabilities (validated) or from logits (softmax, optionally with a
/// temperature). Estimators that only need predictions work from this, so models from any
/// framework can be evaluated.
public struct Predictions: Sendable, Equatable {
    /// `[M, K]`, rows non-negative and summing to 1.
    public let probabilities: Tensor
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
        self.origin = origin
        warnings = []
    }

    /// Trusted construction (internal): the caller guarantees valid rows.
    init(unchecked probabilities: Tensor, origin: String?) {
        self.probabilities = probabilities
        self.origin = origin
        warnings = []
    }

    /// `argmax` of each row (the first class on ties).
    public var predictedClasses: [Int] { probabilities.argmaxRows() }

    /// `max_k p_k` of each row.
    public var confidences: [Float] { probabilities.rowMaxima() }

    /// Per-row log-probabilities, usable as logits (softmax(log p) = p) for temperature scaling.
    public var logProbabilities: Tensor {
        probabilities.map { $0 > 0 ? logf($0) : -1e4 }
    }

    /// The predictions re-scaled by temperature `T`: softmax(log p / T).
    public func withTemperature(_ temperature: Double) -> Predictions {
        guard temperature != 1 else { return self }
        return Predictions(unchecked: (logProbabilities * Float(1 / temperature)).rowSoftmax(), origin: origin)
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
}
