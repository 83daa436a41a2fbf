/// What is known on the labeled source (the in-distribution validation set).
public struct SourceEvidence: Sendable {
    /// The evaluated model's predictions (with logits and features when available) and the labels.
    public let predictions: LabeledPredictions
    /// Further, independently seeded models' predictions on the same rows (GDE, ALine).
    public let otherModels: [LabeledPredictions]
    /// The model itself, for estimators that need `.model` (provided by ShiftcastEvaluation).
    public let model: (any ModelHandle)?
    /// The source's input rows, for estimators that need `.inputs` (the same rows as `predictions`).
    public let inputRows: SourceInputRows?
    /// Seeds every random choice an estimator makes (pseudo-label draws, cross-validation splits).
    public let seed: UInt64

    public init(predictions: LabeledPredictions, otherModels: [LabeledPredictions] = [], model: (any ModelHandle)? = nil,
                inputRows: SourceInputRows? = nil, seed: UInt64 = 0) throws {
        for (i, other) in otherModels.enumerated() {
            guard other.labels == predictions.labels, other.classCount == predictions.classCount else {
                throw InputError(file: other.predictions.origin, "model \(i + 2)'s source predictions (\(other.count)×\(other.classCount)) are not on the same rows and classes as model 1's (\(predictions.count)×\(predictions.classCount)); every model must be evaluated on the same source rows")
            }
        }
        if let inputRows {
            guard inputRows.features.rank == 2, inputRows.features.rowCount == predictions.count, inputRows.labels == predictions.labels else {
                throw InputError(file: predictions.predictions.origin, "the source's input rows (shape \(inputRows.features.shape)) are not the \(predictions.count) labeled rows of its predictions")
            }
        }
        self.predictions = predictions
        self.otherModels = otherModels
        self.model = model
        self.inputRows = inputRows
        self.seed = seed
    }

    public var classCount: Int { predictions.classCount }
    /// Every model's source predictions, the evaluated model first.
    public var allModels: [LabeledPredictions] { [predictions] + otherModels }

    /// The inputs this evidence holds, for `EstimatorRequirements`.
    public var availableInputs: Set<EstimatorRequirements.Input> {
        var inputs: Set<EstimatorRequirements.Input> = [.probabilities]
        if predictions.predictions.logits != nil { inputs.insert(.logits) }
        if predictions.predictions.features != nil { inputs.insert(.features) }
        if inputRows != nil { inputs.insert(.inputs) }
        if model != nil { inputs.insert(.model) }
        return inputs
    }

    /// The same evidence with every model's predictions re-scaled by temperature `t`.
    func withTemperature(_ t: Double) -> SourceEvidence {
        guard t != 1 else { return self }
        return try! SourceEvidence(predictions: predictions.withTemperature(t), otherModels: otherModels.map { $0.withTemperature(t) },
                                   model: model, inputRows: inputRows, seed: seed)
    }
}

/// The labeled source rows as the model reads them: features `[N, D]` and labels.
public struct SourceInputRows: Sendable {
    public let features: Tensor
    public let labels: [Int]
    public init(features: Tensor, labels: [Int]) { self.features = features; self.labels = labels }
}

/// What is known on one unlabeled target set.
public struct TargetEvidence: Sendable {
    /// The evaluated model's predictions (with logits and features when available).
    public let predictions: Predictions
    /// The other models' predictions on the same rows, in the order of `SourceEvidence.otherModels`.
    public let otherModels: [Predictions]
    /// What an estimator that reads the target's input rows collected from them (ProjNorm's
    /// pseudo-labeled sample, knn's rows), keyed by the estimator; provided by ShiftcastEvaluation.
    public let modelInputs: [EstimatorID: any Sendable]

    public init(predictions: Predictions, otherModels: [Predictions] = [], modelInputs: [EstimatorID: any Sendable] = [:]) throws {
        for (i, other) in otherModels.enumerated() {
            guard other.count == predictions.count, other.classCount == predictions.classCount else {
                throw InputError(file: other.origin, "expected \(predictions.count)×\(predictions.classCount) target predictions as for model 1, found \(other.count)×\(other.classCount) (model \(i + 2))")
            }
        }
        self.predictions = predictions
        self.otherModels = otherModels
        self.modelInputs = modelInputs
    }

    public var count: Int { predictions.count }
    public var classCount: Int { predictions.classCount }
    /// Every model's target predictions, the evaluated model first.
    public var allModels: [Predictions] { [predictions] + otherModels }

    func withTemperature(_ t: Double) -> TargetEvidence {
        guard t != 1 else { return self }
        return try! TargetEvidence(predictions: predictions.withTemperature(t), otherModels: otherModels.map { $0.withTemperature(t) },
                                   modelInputs: modelInputs)
    }

    /// The evidence on a subset of the target's rows (indices into `0 ..< count`, repeats
    /// allowed): every model's predictions gathered, and each model input that follows its rows
    /// (`RowSelectable`) narrowed to them; any other model input is kept whole.
    public func selectingRows(_ rows: [Int]) throws -> TargetEvidence {
        try TargetEvidence(predictions: predictions.gatheringRows(rows), otherModels: otherModels.map { $0.gatheringRows(rows) },
                           modelInputs: modelInputs.mapValues { input in
                               (input as? any RowSelectable)?.selectingRows(rows, ofTargetRows: count) ?? input
                           })
    }

    /// Checks the target's class count against the source's.
    public func requireClasses(_ k: Int) throws {
        guard classCount == k else {
            throw InputError(file: predictions.origin, "expected \(k) classes (columns) as in the source, found \(classCount)")
        }
    }
}

/// A model input collected from the target's rows that can be narrowed to a subset of them.
public protocol RowSelectable: Sendable {
    /// The input for the target rows `rows` (indices into the `n` target rows it was collected from).
    func selectingRows(_ rows: [Int], ofTargetRows n: Int) -> any Sendable
}

/// The model under evaluation, for estimators that need `.model` (fine-tuning, gradients,
/// input perturbations). The concrete type lives in ShiftcastEvaluation, which knows the model
/// core; prediction-only estimators never see it.
public protocol ModelHandle: Sendable {}
