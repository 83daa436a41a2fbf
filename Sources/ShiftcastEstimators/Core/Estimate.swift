/// One estimator's prediction for one target set.
public struct Estimate: Sendable, Equatable {
    /// The estimator's contract name: `ac`, `doc`, `atc-mc`, `atc-ne`, `gde`, `projnorm`,
    /// `cot`, `nuclear`, `aline-s`, `aline-d`, `im`.
    public var estimator: String
    /// Predicted accuracy, a fraction in [0, 1]; `nil` for a score that could not be calibrated.
    public var accuracy: Double?
    /// Standard error of `accuracy` (sampling error of the target set; see each estimator).
    public var standardError: Double?
    /// The raw score, for estimators that have one (e.g. ProjNorm's ‖θ_ref − θ̃‖, the nuclear norm,
    /// ATC's threshold is a setting, not a score).
    public var score: Double?
    /// The settings used, in a fixed order (stable JSON): temperature scaling, threshold, seeds, …
    public var settings: [Setting]
    /// A human-readable remark (e.g. why an accuracy is missing).
    public var note: String?

    public struct Setting: Sendable, Equatable {
        public var key: String
        public var value: String
        public init(_ key: String, _ value: String) { self.key = key; self.value = value }
    }

    public init(estimator: String, accuracy: Double?, standardError: Double?, score: Double? = nil,
                settings: [Setting] = [], note: String? = nil) {
        self.estimator = estimator
        self.accuracy = accuracy.map { Swift.min(Swift.max($0, 0), 1) }
        self.standardError = standardError
        self.score = score
        self.settings = settings
        self.note = note
    }

    /// The value of setting `key`, if present.
    public func setting(_ key: String) -> String? { settings.first { $0.key == key }?.value }

    /// `sqrt(a(1−a)/n)`: the standard error of a proportion `a` over `n` examples.
    public static func proportionStandardError(_ a: Double, count n: Int) -> Double {
        n > 0 ? (Swift.max(a * (1 - a), 0) / Double(n)).squareRoot() : .nan
    }
}

/// Every estimator's name, in report order.
public enum EstimatorName {
    public static let all = ["ac", "doc", "atc-mc", "atc-ne", "cot", "nuclear", "im", "gde", "aline-s", "aline-d", "projnorm"]
    /// Estimators that need only one model's predictions on source and target.
    public static let predictionOnly = ["ac", "doc", "atc-mc", "atc-ne", "cot", "im", "nuclear"]
    /// Estimators that need several models' predictions.
    public static let multiModel = ["gde", "aline-s", "aline-d"]
}
