import ShiftcastModel
import ShiftcastData

/// Independently seeded models of the evaluated model's architecture and recipe, for the
/// multi-model estimators (GDE, ALine): given, or trained on the training data.
public struct SeedModels: Sendable {
    public let models: [MLP]
    /// Why they could not be trained, when training was attempted and failed.
    public let problem: String?

    public init(_ models: [MLP]) { self.models = models; problem = nil }

    /// Trains `count` models with `recipe` (the standard recipe when the model records none),
    /// seeds `seed + SeedStreams.seedModels + i`. A diverged training is reported in `problem`,
    /// not thrown.
    public init(training: Dataset, labels: [Int], architecture: MLPArchitecture, recipe: TrainingConfiguration?, count: Int,
                seed: UInt64, progress: ModelEvaluator.Progress? = nil) throws {
        do {
            models = try SeedEnsemble.train(count: count, architecture: architecture, features: training.features, labels: labels,
                                            configuration: recipe ?? .standard(), baseSeed: seed &+ SeedStreams.seedModels) { index, step in
                progress?("training seed model \(index + 1)/\(count)", Double(step.iteration) / Double(max(step.totalIterations, 1)))
            }
            problem = nil
        } catch let error as TrainingDiverged {
            models = []
            problem = error.during("training the seed models on the training data with the model's recipe").description
        }
    }
}
