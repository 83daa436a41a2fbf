import ShiftcastEvaluation
import ShiftcastModel

/// What a benchmark run covers: tasks, the model population, shift severities, and sizes.
/// Everything random derives from `seed`, so a configuration fixes the results.
public struct BenchmarkConfiguration: Sendable, Codable, Equatable {
    public enum Suite: String, Sendable, Codable, CaseIterable { case synthetic, digits, all }

    public var suite: Suite
    public var quick: Bool
    public var seed: UInt64
    /// Task names: `gaussian-mixture`, `interleaved-modes`, `spurious-feature`, `digits`.
    public var tasks: [String]
    /// Hidden widths of the model population.
    public var hiddenLayers: [[Int]]
    /// Training lengths (epochs): under-trained, converged, over-trained.
    public var epochs: [Int]
    /// Seeds of the population (init and data order).
    public var modelSeeds: [UInt64]
    public var severities: [Int]
    /// Shift families to run (nil: every family of each task).
    public var families: [String]?
    /// An explicit list of target sets (`family@severity`) instead of families × severities
    /// (the demo's); nil for the families × severities grid.
    public var targets: [String]? = nil
    public var estimators: [String]
    /// Rows per split of the synthetic tasks.
    public var trainCount: Int
    public var evaluationCount: Int
    public var projNormIterations: Int
    /// Meta-sets of the headline estimate (`meta`), per model.
    public var metaSetCount: Int? = nil
    /// Calibration shifts for the scores (`ScoreCalibration`).
    public var calibrationShifts: [String]

    /// The standard configurations behind `shiftcast bench [--suite S] [--quick] [--seed N]`.
    public static func standard(suite: Suite = .all, quick: Bool = false, seed: UInt64 = 0) -> BenchmarkConfiguration {
        let synthetic = ["gaussian-mixture", "interleaved-modes", "spurious-feature"]
        let tasks: [String]
        switch suite {
        case .synthetic: tasks = quick ? ["gaussian-mixture"] : synthetic
        case .digits: tasks = ["digits"]
        case .all: tasks = quick ? ["gaussian-mixture", "digits"] : synthetic + ["digits"]
        }
        return BenchmarkConfiguration(
            suite: suite, quick: quick, seed: seed, tasks: tasks,
            hiddenLayers: quick ? [[64, 64]] : [[32], [64, 64]],
            epochs: quick ? [20] : [2, 20, 100],
            modelSeeds: quick ? [1, 2] : [1, 2],
            severities: quick ? [2, 4] : [1, 2, 3, 4, 5],
            families: nil, estimators: EstimatorRegistry.selectableIDs.map(\.name),
            trainCount: 3000, evaluationCount: 1000, projNormIterations: ProjNormConfiguration().iterations,
            calibrationShifts: ScoreCalibration.standardShifts.map(\.description))
    }

    /// The demo: one model (32-64-64-5 on the Gaussian mixture, the standard recipe) and a
    /// list of hard shifts, through the benchmark's own unit code.
    public static func demo(seed: UInt64 = 0, quick: Bool = false) -> BenchmarkConfiguration {
        var c = standard(suite: .synthetic, quick: true, seed: seed)
        c.modelSeeds = [1]
        c.epochs = [TrainingConfiguration.standardEpochs]
        c.targets = quick ? demoQuickTargets : demoTargets
        if quick { c.projNormIterations = 200 }
        return c
    }

    /// The demo's target sets.
    public static let demoTargets = [
        "gaussian-noise@3", "gaussian-noise@5", "impulse-noise@4", "contrast@4", "rotation@4", "off-manifold@5", "mean-shift@5",
        "label-shift@4", "subpopulation@4", "fgsm-linf@3", "pgd-linf@3", "pgd-linf@5", "pgd-l2@4", "transfer-pgd-linf@4",
    ]
    /// `demo --quick`'s target sets.
    public static let demoQuickTargets = ["gaussian-noise@5", "contrast@4", "label-shift@4", "pgd-linf@3", "pgd-linf@5"]

    /// The work units (one trained model each), in a fixed order.
    public var units: [BenchmarkUnit] {
        var out: [BenchmarkUnit] = []
        for task in tasks {
            for hidden in hiddenLayers {
                for e in epochs {
                    for s in modelSeeds { out.append(BenchmarkUnit(task: task, hidden: hidden, epochs: e, seed: s)) }
                }
            }
        }
        return out
    }
}

/// One model of the population and everything measured on it.
public struct BenchmarkUnit: Sendable, Codable, Equatable, Hashable {
    public var task: String
    public var hidden: [Int]
    public var epochs: Int
    public var seed: UInt64

    /// `gaussian-mixture/h64x64/e20/s1`.
    public var id: String { "\(task)/h\(hidden.map(String.init).joined(separator: "x"))/e\(epochs)/s\(seed)" }
    /// A file-name-safe id.
    public var fileName: String { id.replacingOccurrences(of: "/", with: "__") + ".json" }
}

/// `I/N`: run the I-th (1-based) of N disjoint slices of the units.
public struct Shard: Sendable, Equatable, CustomStringConvertible {
    public var index: Int
    public var count: Int

    public init(index: Int, count: Int) throws {
        guard count >= 1, index >= 1, index <= count else {
            throw InputError(file: "--shard", "expected I/N with 1 ≤ I ≤ N, found \(index)/\(count)")
        }
        self.index = index
        self.count = count
    }

    /// Parses `I/N`.
    public init(parsing text: String) throws {
        let parts = text.split(separator: "/")
        guard parts.count == 2, let i = Int(parts[0]), let n = Int(parts[1]) else {
            throw InputError(file: "--shard", "expected I/N (e.g. 2/8), found '\(text)'")
        }
        try self.init(index: i, count: n)
    }

    /// Unit k (0-based) belongs to shard `k mod N + 1`: round-robin, so shards get similar work.
    public func contains(unitIndex k: Int) -> Bool { k % count == index - 1 }

    public var description: String { "\(index)/\(count)" }
}
