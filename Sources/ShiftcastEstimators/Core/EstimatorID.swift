/// The typed identity of an estimator: its contract name on the command line, in JSON, CSV and
/// the benchmark's records (`ac`, `atc-mc`, `projnorm`, …).
///
/// Each estimator declares its own identity in its own file (`extension EstimatorID { static let … }`),
/// and `EstimatorRegistry` (ShiftcastEvaluation) lists every estimator once, in report order:
/// no other code spells an estimator's name.
public struct EstimatorID: Hashable, Sendable, Codable, CustomStringConvertible {
    /// The contract name.
    public let name: String

    public init(_ name: String) { self.name = name }

    public var description: String { name }

    public init(from decoder: any Decoder) throws { name = try decoder.singleValueContainer().decode(String.self) }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(name)
    }
}
