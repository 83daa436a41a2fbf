import ShiftcastEstimators

/// How the command line words an estimator's `SkipReason`: the library says what is missing;
/// this says which option gives it, for the form of `predict` the user ran.
enum SkipReasonText {
    enum Form { case model, predictions, command }

    static func render(_ reason: SkipReason, form: Form) -> String {
        switch (reason, form) {
        case (.missingInput(.logits), .predictions):
            return "needs the model's logits (probabilities alone do not determine them): give --source-logits and --target-logits, or --logits with logit arrays"
        case (.missingInput(.features), .predictions):
            return "needs the model's penultimate features (the input of its last linear layer): give --source-features and --target-features (.npy, [rows, D])"
        case (.missingInput(.model), .predictions):
            return "needs the model itself (the model form: predict --model M --source VAL --target TARGET), not its outputs alone"
        case (.missingInput(.inputs), .predictions):
            return "needs the input rows the model reads (the model form, predict --model M --source VAL --target TARGET, or --model-command), not its outputs alone"
        case let (.tooFewModels(needed, found, nil), .predictions):
            return "needs predictions of at least \(needed) models, found \(found) (give more --source-probs/--target-probs pairs, or --source-logits/--target-logits pairs)"
        case (.tooFewModels(_, _, nil), .model):
            return "needs extra seeded models: give the training data (--train) so shiftcast can train them"
        case let (.tooFewModels(_, _, cause?), .model):
            return cause
        case (.missingInput(.model), .command):
            return "needs the model's weights (to fine-tune from θ0), which a model command does not give"
        case (.missingInput(.features), .command):
            return "needs the model's penultimate features, which a model command does not give"
        case (.missingInput(.logits), .command):
            return "needs the model's logits: make the command write logits and pass --logits"
        case let (.tooFewModels(needed, found, _), .command):
            return "needs predictions of at least \(needed) models, found \(found) (a model command is one model)"
        case (.noInitialization, _):
            return "the model file records no initialisation θ0 (no shiftcast.init_seed and no theta0.* tensors); on the command line give it with --init THETA0.safetensors, or --init fresh"
        default:
            return reason.description
        }
    }

    static func render(_ skipped: [Skipped], form: Form) -> [(estimator: EstimatorID, reason: String)] {
        skipped.map { ($0.estimator, render($0.reason, form: form)) }
    }
}
