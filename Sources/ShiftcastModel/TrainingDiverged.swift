/// Training overflowed: the loss or the weights became infinite or NaN, so the model would
/// only give NaN. Thrown by `Trainer.train`; callers that can carry on without the model
/// (ProjNorm's fine-tunes) report it as the reason an estimator was skipped.
public struct TrainingDiverged: Error, Sendable, Equatable, CustomStringConvertible {
    /// The 1-based iteration at which it was detected, and the planned number.
    public var iteration: Int
    public var totalIterations: Int
    /// What was expected and what was found, e.g. "a finite loss" and "a loss of nan".
    public var expected: String
    public var found: String
    /// Which training it was, e.g. "ProjNorm's reference fine-tune", when the caller knows.
    public var context: String?

    public init(iteration: Int, totalIterations: Int, expected: String = "a finite loss", found: String, context: String? = nil) {
        self.iteration = iteration
        self.totalIterations = totalIterations
        self.expected = expected
        self.found = found
        self.context = context
    }

    public var description: String {
        (context.map { "\($0): " } ?? "")
            + "training diverged at iteration \(iteration) of \(totalIterations): expected \(expected), found \(found) "
            + "(lower the learning rate, or scale the features to a moderate range)"
    }

    /// The same error, saying which training it was.
    public func during(_ context: String) -> TrainingDiverged {
        var copy = self
        copy.context = context
        return copy
    }
}
