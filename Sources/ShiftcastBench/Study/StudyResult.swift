/// Everything measured on one model of the generalization study; written to
/// `units/<id>.json` as soon as it completes. It holds no wall time, so the same seed gives
/// byte-identical files.
public struct StudyResult: UnitResultFile {
    public var unit: StudyUnit
    /// The configuration's fingerprint: resuming or merging checks it matches.
    public var configuration: String
    /// Why training failed (a diverged loss); then nothing else was measured (the numbers are 0,
    /// the lists empty) and the model is in no table.
    public var diverged: String? = nil
    /// Epochs trained, and the mean cross-entropy over the training set at the end.
    public var epochs: Int
    public var trainingLoss: Double
    /// Whether the loss-threshold rule reached its threshold within the cap (always true under
    /// the fixed-epochs rule). Unconverged models are kept out of the loss-threshold tables.
    public var converged: Bool
    public var trainAccuracy: Double
    public var validationAccuracy: Double
    /// The clean test split (`none`) first, then every shift family at the study's severity.
    public var targets: [StudyTarget]
    /// Every parameter measure (nil value with the reason when undefined).
    public var measures: [StudyMeasure]
    /// Every estimator on every target.
    public var estimates: [StudyEstimate]

    public var unitID: String { unit.id }

    /// The generalization gap on `family`: train accuracy − accuracy on that target.
    public func gap(_ family: String) -> Double? { targets.first { $0.family == family }.map { trainAccuracy - $0.accuracy } }
}

/// The model's true accuracy on one target set.
public struct StudyTarget: Sendable, Codable, Equatable {
    /// The shift family, or `none` for the clean test split.
    public var family: String
    public var kind: String
    public var rows: Int
    public var accuracy: Double
    /// Whether the set was made for this model (a white-box attack) rather than shared by every
    /// model of the task: only shared sets allow a paired comparison of two models.
    public var perModel: Bool
    /// Which rows the model classified correctly: a bit per row (row r is bit `r % 4` of hex digit
    /// `r / 4`, least significant first).
    public var correct: String

    public init(family: String, kind: String, accuracy: Double, perModel: Bool, correct: [Bool]) {
        self.family = family
        self.kind = kind
        self.rows = correct.count
        self.accuracy = accuracy
        self.perModel = perModel
        self.correct = Self.hex(correct)
    }

    /// The rows classified correctly, decoded (nil when the text is malformed).
    public var correctRows: [Bool]? {
        let digits = Array(correct.utf8)
        guard digits.count == (rows + 3) / 4 else { return nil }
        var out: [Bool] = []
        out.reserveCapacity(rows)
        for d in digits {
            guard let v = Int(String(UnicodeScalar(d)), radix: 16) else { return nil }
            for bit in 0 ..< 4 where out.count < rows { out.append(v >> bit & 1 == 1) }
        }
        return out
    }

    static func hex(_ bits: [Bool]) -> String {
        let symbols = Array("0123456789abcdef")
        return String(stride(from: 0, to: bits.count, by: 4).map { start in
            var v = 0
            for bit in 0 ..< 4 where start + bit < bits.count && bits[start + bit] { v |= 1 << bit }
            return symbols[v]
        })
    }

    /// The variance of the difference of two models' accuracies measured on the same rows:
    /// `(d − nΔ²)/n²`, with d the rows where exactly one of them is right and Δ the accuracy
    /// difference (the paired, McNemar-style variance). nil unless both are the same shared set.
    public static func pairedVariance(_ a: StudyTarget, _ b: StudyTarget) -> Double? {
        guard !a.perModel, !b.perModel, a.rows == b.rows, a.rows > 0, let x = a.correctRows, let y = b.correctRows else { return nil }
        let n = Double(a.rows)
        let d = Double(zip(x, y).reduce(0) { $0 + ($1.0 != $1.1 ? 1 : 0) })
        let delta = a.accuracy - b.accuracy
        return max(d - n * delta * delta, 0) / (n * n)
    }
}

public struct StudyMeasure: Sendable, Codable, Equatable {
    public var measure: String
    public var value: Double?
    public var reason: String?
}

public struct StudyEstimate: Sendable, Codable, Equatable {
    public var family: String
    public var estimator: String
    public var predictedAccuracy: Double?
    public var skipReason: String?
}
