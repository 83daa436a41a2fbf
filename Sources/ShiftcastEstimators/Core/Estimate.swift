/// One estimator's prediction for one target set.
public struct Estimate: Sendable, Equatable {
    public var estimator: EstimatorID
    /// Predicted accuracy, a fraction in [0, 1]; `nil` for a score that could not be calibrated.
    public var accuracy: Double?
    /// Standard error of `accuracy` (sampling error of the target set; see each estimator).
    public var standardError: Double?
    /// The raw score, for estimators that have one (ProjNorm's ‖θ_ref − θ̃‖, the nuclear norm,
    /// MaNo, …); a score's calibrated accuracy is `accuracy`.
    public var score: Double?
    /// The value a score's calibration line is fitted on: the score itself, except for a score
    /// that depends on the set's size (MDE), which gives a size-free value here. Not reported.
    public var calibrationValue: Double?
    /// The settings used, in a fixed order (stable JSON): temperature scaling, threshold, seeds, …
    public var settings: [Setting]
    /// A human-readable remark (e.g. why an accuracy is missing).
    public var note: String?
    /// The ends of a prediction interval for `accuracy`, for estimators that give one (`meta`).
    public var intervalLow: Double?
    public var intervalHigh: Double?

    public struct Setting: Sendable, Equatable {
        public var key: String
        public var value: String
        public init(_ key: String, _ value: String) { self.key = key; self.value = value }
        /// A number, rounded to 6 decimals in a fixed, locale-independent form.
        public init(_ key: String, number: Double) { self.init(key, format(number)) }
    }

    public init(estimator: EstimatorID, accuracy: Double?, standardError: Double?, score: Double? = nil,
                calibrationValue: Double? = nil, settings: [Setting] = [], note: String? = nil) {
        self.estimator = estimator
        self.accuracy = accuracy.map { Swift.min(Swift.max($0, 0), 1) }
        self.standardError = standardError
        self.score = score
        self.calibrationValue = calibrationValue ?? score
        self.settings = settings
        self.note = note
    }

    /// A score's estimate: the raw value, no accuracy until `EstimatorSuite` calibrates it.
    public static func score(_ estimator: EstimatorID, _ value: Double, calibrationValue: Double? = nil,
                             settings: [Setting] = []) -> Estimate {
        Estimate(estimator: estimator, accuracy: nil, standardError: nil, score: value, calibrationValue: calibrationValue,
                 settings: settings)
    }

    /// The value of setting `key`, if present.
    public func setting(_ key: String) -> String? { settings.first { $0.key == key }?.value }

    /// `sqrt(a(1−a)/n)`: the standard error of a proportion `a` over `n` examples.
    public static func proportionStandardError(_ a: Double, count n: Int) -> Double {
        n > 0 ? (Swift.max(a * (1 - a), 0) / Double(n)).squareRoot() : .nan
    }
}
