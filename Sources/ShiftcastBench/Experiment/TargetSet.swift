import ShiftcastData
import ShiftcastModel

/// One shifted target set: the family, the severity, and the labeled data (labels are used
/// only to measure the true accuracy, never by the estimators).
public struct TargetSet: Sendable {
    /// The shift family id, or `none` for the clean held-out set.
    public var family: String
    public var kind: String
    /// 0 for the clean set, else 1…5.
    public var severity: Int
    public var data: Dataset

    /// `family@severity`, e.g. `pgd-linf@3`, or `none`.
    public var id: String { severity == 0 ? family : "\(family)@\(severity)" }
}

/// Builds the shifted target sets of a task for one model.
public enum TargetSuite {
    /// The clean test split plus every family of `task` at each of `severities`.
    ///
    /// Each family draws from its own stream `SeededGenerator.derived(seed:stream:)` keyed by
    /// the family name alone, so adding a family never changes the others, and a family's random
    /// choices (direction, plane, noise pattern) are the same at every severity: severity only
    /// scales them, and accuracy falls monotonically with it where the family allows.
    /// Adversarial sets are crafted against `model` (transfer sets against `surrogate`).
    public static func make(task: BenchmarkTask, families: [String]? = nil, severities: [Int],
                            model: MLP, surrogate: MLP?, seed: UInt64) throws -> [TargetSet] {
        let grid = (families ?? task.families).flatMap { name in severities.map { ShiftSpec(name, $0) } }
        return try make(task: task, targets: grid, model: model, surrogate: surrogate, seed: seed)
    }

    /// The clean test split plus each of `targets`, in order (transfer attacks only with a surrogate).
    public static func make(task: BenchmarkTask, targets: [ShiftSpec], model: MLP, surrogate: MLP?, seed: UInt64) throws -> [TargetSet] {
        var context = try ShiftContext(source: task.train)
        context.inputGradient = { model.inputGradient($0, labels: $1) }
        if let surrogate { context.surrogateInputGradient = { surrogate.inputGradient($0, labels: $1) } }
        var sets = [TargetSet(family: "none", kind: "none", severity: 0, data: task.test)]
        for target in targets {
            let shift = try ShiftRegistry.shift(named: target.family)
            if shift.name.hasPrefix("transfer-") && surrogate == nil { continue }
            var g = SeededGenerator.derived(seed: seed, stream: streamKey(target.family, 0))
            let data = try shift.apply(to: task.test, severity: target.severity, context: context, using: &g)
            sets.append(TargetSet(family: target.family, kind: shift.kind.rawValue, severity: target.severity, data: data))
        }
        return sets
    }

    /// A stable 64-bit key for a (family, severity) pair (FNV-1a of the id).
    public static func streamKey(_ family: String, _ severity: Int) -> UInt64 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in "\(family)@\(severity)".utf8 { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
        return hash
    }
}
