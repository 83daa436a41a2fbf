/// What the training loop reports after each optimizer step.
public struct TrainingProgress: Sendable {
    /// 1-based step just completed.
    public var iteration: Int
    public var totalIterations: Int
    /// 0-based epoch of that step.
    public var epoch: Int
    /// The minibatch loss of that step.
    public var loss: Double
}

/// What a training run did.
public struct TrainingSummary: Sendable {
    public var iterations: Int
    public var epochs: Int
    /// Mean minibatch loss over the last epoch (or over the last `rows/batch` steps).
    public var finalLoss: Double
    /// With `stopAtTrainingLoss`: the mean cross-entropy over the whole training set at the last
    /// epoch end checked, and whether it reached the threshold (else the cap stopped training).
    public var trainingLoss: Double? = nil
    public var reachedLossThreshold: Bool? = nil
}

/// Minibatch training of an `MLP` with softmax cross-entropy.
///
/// Deterministic: the data order comes from `configuration.shuffleSeed` alone, so
/// the same model, data and configuration give bit-identical weights. When the batch holds
/// every row (n ≤ batch size), each step is a full-batch step on the rows in their given order.
public enum Trainer {
    /// Trains `model` in place on `features` `[n, inputs]` and `labels` (each in `0..<classes`).
    ///
    /// - Throws: `InputError` when the data does not fit the model (column count, label range, size).
    /// - Complexity: O(iterations · batch · parameters).
    @discardableResult
    public static func train(_ model: inout MLP, features: Tensor, labels: [Int],
                             configuration: TrainingConfiguration,
                             progress: ((TrainingProgress) -> Void)? = nil) throws -> TrainingSummary {
        try validate(model: model, features: features, labels: labels)
        let n = features.rowCount
        let batch = max(1, min(configuration.batchSize, n))
        let total = configuration.iterationCount(rows: n)
        let stepsPerEpoch = (n + batch - 1) / batch
        let wholeSet = batch >= n
        var generator = SeededGenerator(seed: configuration.shuffleSeed)
        var optimizer = configuration.optimizer.make()
        var order: [Int] = []
        var position = n // forces a shuffle on the first step
        var epoch = -1
        var recentLosses: [Double] = []
        recentLosses.reserveCapacity(stepsPerEpoch)
        var steps = total, trainingLoss: Double? = nil, reached: Bool? = configuration.stopAtTrainingLoss.map { _ in false }
        for t in 0 ..< total {
            if position >= n {
                // A batch that holds every row is the whole set each step: no order to draw.
                if !wholeSet { order = generator.permutation(n) }
                position = 0
                epoch += 1
            }
            let end = min(position + batch, n)
            let x: Tensor, y: [Int]
            if wholeSet {
                (x, y) = (features, labels)
            } else {
                let indices = order[position ..< end]
                (x, y) = (features.gatheringRows(indices), indices.map { labels[$0] })
            }
            position = end
            let (loss, gradient) = model.lossAndGradient(x, labels: y, inputGradient: false)
            guard loss.isFinite else { throw TrainingDiverged(iteration: t + 1, totalIterations: total, found: "a loss of \(loss)") }
            let lr = configuration.schedule.rate(at: t, base: configuration.learningRate)
            model.updateParameters { optimizer.update(&$0, gradients: gradient.parameters, learningRate: lr) }
            if recentLosses.count == stepsPerEpoch { recentLosses.removeFirst() }
            recentLosses.append(loss)
            progress?(TrainingProgress(iteration: t + 1, totalIterations: total, epoch: epoch, loss: loss))
            if let threshold = configuration.stopAtTrainingLoss, position >= n {
                let full = SoftmaxCrossEntropy.loss(logits: model.logits(features, batchSize: 4096), labels: labels)
                trainingLoss = full
                if full <= threshold { reached = true; steps = t + 1; break }
            }
        }
        guard model.parameters.allSatisfy(\.isFinite) else {
            throw TrainingDiverged(iteration: steps, totalIterations: total, expected: "finite weights after the last step", found: "infinite or NaN weights")
        }
        let finalLoss = recentLosses.isEmpty ? .nan : recentLosses.reduce(0, +) / Double(recentLosses.count)
        return TrainingSummary(iterations: steps, epochs: max(epoch + 1, 0), finalLoss: finalLoss, trainingLoss: trainingLoss,
                               reachedLossThreshold: reached)
    }

    /// Checks that `features`/`labels` can train `model`.
    public static func validate(model: MLP, features: Tensor, labels: [Int]) throws {
        guard features.rank == 2, features.rowCount > 0 else {
            throw InputError("training data: expected at least one row, found none")
        }
        guard features.columnCount == model.inputCount else {
            throw InputError("training data: model takes \(model.inputCount) features, data has \(features.columnCount) columns")
        }
        guard labels.count == features.rowCount else {
            throw InputError("training data: \(features.rowCount) rows but \(labels.count) labels")
        }
        if let bad = labels.firstIndex(where: { $0 < 0 || $0 >= model.classCount }) {
            throw InputError(line: bad + 1, "training data: label \(labels[bad]) at row \(bad + 1) is outside 0..<\(model.classCount)")
        }
        guard features.isFinite else {
            throw InputError("training data: expected finite feature values, found NaN or infinity")
        }
    }
}
