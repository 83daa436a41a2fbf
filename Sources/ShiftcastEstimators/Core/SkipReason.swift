/// Why a requested estimator did not run: a typed value that the command line renders (the
/// library does not name command-line options).
public enum SkipReason: Sendable, Equatable, CustomStringConvertible {
    /// An input the estimator declares is missing (e.g. logits when only probabilities were given).
    case missingInput(EstimatorRequirements.Input)
    /// Fewer models than the estimator needs; `cause` says why more could not be made, if known.
    case tooFewModels(needed: Int, found: Int, cause: String?)
    /// The model records no initialisation θ0 (ProjNorm fine-tunes from it).
    case noInitialization
    /// A training run or fine-tune diverged (its description).
    case diverged(String)
    /// Anything else, in words.
    case other(String)

    public var description: String {
        switch self {
        case let .missingInput(input):
            switch input {
            case .probabilities: return "needs the model's probabilities"
            case .logits: return "needs the model's logits (probabilities alone do not determine them)"
            case .features: return "needs the model's penultimate features (the input of its last linear layer)"
            case .inputs: return "needs the input rows the model reads (source and target), not its outputs alone"
            case .model: return "needs the model itself (to fine-tune it or take gradients), not its predictions alone"
            }
        case let .tooFewModels(needed, found, cause):
            return "needs predictions of at least \(needed) models, found \(found)" + (cause.map { " (\($0))" } ?? "")
        case .noInitialization:
            return "the model records no initialisation θ0"
        case let .diverged(text), let .other(text):
            return text
        }
    }
}

/// A requested estimator that did not run, and why.
public struct Skipped: Sendable, Equatable {
    public var estimator: EstimatorID
    public var reason: SkipReason
    public init(estimator: EstimatorID, reason: SkipReason) { self.estimator = estimator; self.reason = reason }
}

/// Thrown by `fit` or `estimate` when an estimator cannot run on this evidence.
public struct EstimatorUnavailable: Error, Sendable, Equatable {
    public var reason: SkipReason
    public init(_ reason: SkipReason) { self.reason = reason }
}
