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

    public var absoluteError: Double? { predictedAccuracy.map { abs($0 - trueAccuracy) } }
    /// `family@severity`, or `none` for the clean set.
    public var shift: String { severity == 0 ? family : "\(family)@\(severity)" }
}

/// Everything measured on one unit; written to `units/<id>.json` as soon as it completes.
public struct UnitResult: Sendable, Codable, Equatable {
    public var unit: BenchmarkUnit
    /// The configuration's fingerprint: resuming or merging checks it matches.
    public var configuration: String
    public var records: [BenchmarkRecord]
}
