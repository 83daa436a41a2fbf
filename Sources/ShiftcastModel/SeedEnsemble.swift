/// Independently seeded models of one architecture trained on the same data: what seed
/// disagreement (GDE; Jiang et al., ICLR 2022) and agreement-on-the-line need.
///
/// Model `i` uses init seed `baseSeed + i` and data-order seed `baseSeed + i`, so adding
/// models never changes the earlier ones.
public enum SeedEnsemble {
    /// Trains `count` models; `progress(model, step)` reports each model's training.
    public static func train(count: Int, architecture: MLPArchitecture, features: Tensor, labels: [Int],
                             configuration: TrainingConfiguration, baseSeed: UInt64,
                             progress: ((Int, TrainingProgress) -> Void)? = nil) throws -> [MLP] {
        try (0 ..< count).map { i in
            let seed = baseSeed &+ UInt64(i)
            var model = MLP(architecture, initSeed: seed)
            var config = configuration
            config.shuffleSeed = seed
            try Trainer.train(&model, features: features, labels: labels, configuration: config,
                              progress: progress.map { report in { report(i, $0) } })
            return model
        }
    }
}
