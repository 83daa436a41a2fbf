import ShiftcastEvaluation
import ShiftcastModel

/// What the generalization study covers: tasks, the hyperparameter grid, the two stopping rules,
/// the shifts and sizes. Everything random derives from `seed`, so a configuration fixes the
/// results (Docs/Generalization.md).
public struct StudyConfiguration: Sendable, Codable, Equatable {
    public var quick: Bool
    public var seed: UInt64
    /// Task names, as the benchmark's (`gaussian-mixture`, `interleaved-modes`, `spurious-feature`, `digits`).
    public var tasks: [String]
    /// The grid: every combination of one value per axis is a model, under each stopping rule.
    public var widths: [Int]
    public var depths: [Int]
    /// Multiples of the optimizer's standard learning rate (Adam 2·10⁻³, SGD 0.05).
    public var learningRateScales: [Double]
    public var batchSizes: [Int]
    public var weightDecays: [Double]
    public var optimizers: [StudyOptimizer]
    public var rules: [StoppingRule]
    /// The fixed-epochs rule's length.
    public var fixedEpochs: Int
    /// The loss-threshold rule: train until the mean cross-entropy over the training set is at most
    /// this, checked after every epoch, for at most `maximumEpochs` (else "not converged").
    public var lossThreshold: Double
    public var maximumEpochs: Int
    /// Rows of the synthetic tasks' training split (small, so that models can fit it and the
    /// generalization gap varies) and of their validation and test splits.
    public var trainCount: Int
    public var evaluationCount: Int
    /// The severity every shift family is applied at (the middle of 1…5).
    public var severity: Int
    /// The estimators whose predictions are heuristics of the first kind.
    public var estimators: [String]
    public var projNormIterations: Int
    /// Training rows the flatness and sharpness searches use.
    public var measureSampleRows: Int
    public var calibrationShifts: [String]

    /// The configuration behind `shiftcast study [--quick] [--seed N]`.
    public static func standard(quick: Bool = false, seed: UInt64 = 0) -> StudyConfiguration {
        StudyConfiguration(
            quick: quick, seed: seed,
            tasks: quick ? ["gaussian-mixture"] : ["gaussian-mixture", "interleaved-modes", "spurious-feature", "digits"],
            widths: [32, 128], depths: quick ? [1] : [1, 2], learningRateScales: [0.5, 2],
            batchSizes: quick ? [64] : [32, 128], weightDecays: [0, 5e-4], optimizers: [.sgd, .adam],
            rules: [.lossThreshold, .fixedEpochs],
            fixedEpochs: 20, lossThreshold: 0.03, maximumEpochs: 300,
            trainCount: 500, evaluationCount: 1000, severity: 3,
            estimators: EstimatorRegistry.selectableIDs.map(\.name).filter { $0 != EstimatorID.meta.name },
            projNormIterations: 200, measureSampleRows: 500,
            calibrationShifts: ScoreCalibration.standardShifts.map(\.description))
    }

    /// The grid's axes, in report order, with their values as text.
    public var axes: [(axis: StudyAxis, values: [String])] {
        StudyAxis.allCases.map { axis in
            switch axis {
            case .width: return (axis, widths.map { "\($0)" })
            case .depth: return (axis, depths.map { "\($0)" })
            case .learningRate: return (axis, learningRateScales.map { StudyHyperparameters.text($0) })
            case .batchSize: return (axis, batchSizes.map { "\($0)" })
            case .weightDecay: return (axis, weightDecays.map { StudyHyperparameters.text($0) })
            case .optimizer: return (axis, optimizers.map(\.rawValue))
            }
        }
    }

    /// Every grid point, in a fixed order.
    public var grid: [StudyHyperparameters] {
        var out: [StudyHyperparameters] = []
        for w in widths { for d in depths { for lr in learningRateScales { for b in batchSizes { for wd in weightDecays { for o in optimizers {
            out.append(StudyHyperparameters(width: w, depth: d, learningRateScale: lr, batchSize: b, weightDecay: wd, optimizer: o))
        } } } } } }
        return out
    }

    /// The work units (one trained model each): task × stopping rule × grid point.
    public var units: [StudyUnit] {
        tasks.flatMap { task in rules.flatMap { rule in grid.map { StudyUnit(task: task, rule: rule, hyperparameters: $0) } } }
    }
}

/// The optimizers of the grid.
public enum StudyOptimizer: String, Sendable, Codable, CaseIterable {
    /// SGD with momentum 0.9.
    case sgd
    case adam
}

/// The two stopping rules of the study.
public enum StoppingRule: String, Sendable, Codable, CaseIterable {
    /// Train until the training cross-entropy falls to a threshold (Jiang et al.'s rule).
    case lossThreshold = "loss-threshold"
    /// Train for a fixed number of epochs, whatever the loss.
    case fixedEpochs = "fixed-epochs"
}

/// The hyperparameter axes of the grid.
public enum StudyAxis: String, Sendable, Codable, CaseIterable {
    case width, depth
    case learningRate = "learning-rate"
    case batchSize = "batch-size"
    case weightDecay = "weight-decay"
    case optimizer
}

/// One grid point.
public struct StudyHyperparameters: Sendable, Codable, Hashable {
    /// Hidden units per layer, and hidden layers.
    public var width: Int
    public var depth: Int
    public var learningRateScale: Double
    public var batchSize: Int
    public var weightDecay: Double
    public var optimizer: StudyOptimizer

    /// The value on `axis`, as text (what pairs along that axis differ in).
    public func value(_ axis: StudyAxis) -> String {
        switch axis {
        case .width: return "\(width)"
        case .depth: return "\(depth)"
        case .learningRate: return Self.text(learningRateScale)
        case .batchSize: return "\(batchSize)"
        case .weightDecay: return Self.text(weightDecay)
        case .optimizer: return optimizer.rawValue
        }
    }

    /// `w32-d1-lr0.5-b32-wd0-sgd`.
    public var id: String {
        "w\(width)-d\(depth)-lr\(Self.text(learningRateScale))-b\(batchSize)-wd\(Self.text(weightDecay))-\(optimizer.rawValue)"
    }

    /// The training recipe: the optimizer's standard rate times the scale; the stopping rule sets the length.
    public func recipe(rule: StoppingRule, configuration c: StudyConfiguration, shuffleSeed: UInt64) -> TrainingConfiguration {
        let decay = Float(weightDecay)
        let (kind, rate): (OptimizerKind, Float) = optimizer == .sgd
            ? (.sgd(momentum: 0.9, weightDecay: decay), TrainingConfiguration.standardSGDLearningRate)
            : (.adam(weightDecay: decay), TrainingConfiguration.standardAdamLearningRate)
        var recipe = TrainingConfiguration(length: .epochs(rule == .fixedEpochs ? c.fixedEpochs : c.maximumEpochs), batchSize: batchSize,
                                           optimizer: kind, learningRate: rate * Float(learningRateScale), shuffleSeed: shuffleSeed)
        if rule == .lossThreshold { recipe.stopAtTrainingLoss = c.lossThreshold }
        return recipe
    }

    /// A number as the shortest text that reads back to it (`0.5`, `2`, `0.003`).
    static func text(_ x: Double) -> String {
        x == x.rounded() && abs(x) < 1e9 ? "\(Int(x))" : "\(x)"
    }
}

/// One model of the study's population.
public struct StudyUnit: Sendable, Codable, Hashable {
    public var task: String
    public var rule: StoppingRule
    public var hyperparameters: StudyHyperparameters

    /// `digits/loss-threshold/w32-d1-lr0.5-b32-wd0-sgd`.
    public var id: String { "\(task)/\(rule.rawValue)/\(hyperparameters.id)" }
    /// A file-name-safe id.
    public var fileName: String { id.replacingOccurrences(of: "/", with: "__") + ".json" }
}
