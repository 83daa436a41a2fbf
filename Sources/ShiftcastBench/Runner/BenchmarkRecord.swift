/// One row of the results: one estimator on one shifted target set for one model.
public struct BenchmarkRecord: Sendable, Codable, Equatable {
    public var task: String
    public var model: String
    public var hidden: String
    public var epochs: Int
    public var modelSeed: UInt64
    /// The model's accuracy on the in-distribution validation set.
    public var sourceAccuracy: Double
    public var family: String
    public var kind: String
    public var severity: Int
    public var trueAccuracy: Double
    public var estimator: String
    public var predictedAccuracy: Double?
    public var standardError: Double?
    public var score: Double?
    /// Why the estimator did not run on this target set (then there is no prediction or score).
    public var skipReason: String? = nil
    /// For the headline estimate (`meta`): its prediction interval, and its prediction and
    /// interval when the meta-set may contain the target's family (`predictedAccuracy` is then
    /// the leave-one-family-out prediction: no meta-set of the target's family was used).
    public var intervalLow: Double? = nil
    public var intervalHigh: Double? = nil
    public var inFamilyAccuracy: Double? = nil
    public var inFamilyIntervalLow: Double? = nil
    public var inFamilyIntervalHigh: Double? = nil

    /// Whether the interval holds the true accuracy (nil without an interval).
    public var covered: Bool? { intervalLow.flatMap { low in intervalHigh.map { high in (low ... high).contains(trueAccuracy) } } }
    public var inFamilyCovered: Bool? {
        inFamilyIntervalLow.flatMap { low in inFamilyIntervalHigh.map { high in (low ... high).contains(trueAccuracy) } }
    }

    public var absoluteError: Double? { predictedAccuracy.map { abs($0 - trueAccuracy) } }
    /// `family@severity`, or `none` for the clean set.
    public var shift: String { severity == 0 ? family : "\(family)@\(severity)" }
}

/// One estimator's wall time on one target set of one model.
public struct EstimatorTiming: Sendable, Codable, Equatable {
    public var model: String
    public var shift: String
    public var estimator: String
    public var seconds: Double
}

/// Everything measured on one unit; written to `units/<id>.json` as soon as it completes.
///
/// Equality compares the measurements, not the wall times (which differ from run to run).
public struct UnitResult: UnitResultFile {
    public var unit: BenchmarkUnit
    /// The configuration's fingerprint: resuming or merging checks it matches.
    public var configuration: String
    public var records: [BenchmarkRecord]
    /// Each estimator's wall time per target set (not part of equality).
    public var timings: [EstimatorTiming] = []

    public init(unit: BenchmarkUnit, configuration: String, records: [BenchmarkRecord], timings: [EstimatorTiming] = []) {
        self.unit = unit
        self.configuration = configuration
        self.records = records
        self.timings = timings
    }

    public var unitID: String { unit.id }

    public static func == (a: UnitResult, b: UnitResult) -> Bool {
        a.unit == b.unit && a.configuration == b.configuration && a.records == b.records
    }
}
