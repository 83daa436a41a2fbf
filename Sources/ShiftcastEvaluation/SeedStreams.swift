/// The random streams of model evaluation, derived from the evaluation's seed
/// (`SeededGenerator.derived(seed:stream:)`), named in one place so that no two uses collide.
public enum SeedStreams {
    /// Offset added to the seed for the seed models' initialisation and data order.
    public static let seedModels: UInt64 = 10_000
    /// First stream of the labeled shifted validation sets that calibrate the scores
    /// (set i uses `calibrationSets + i`).
    public static let calibrationSets: UInt64 = 500
    /// The headline estimate's split of the validation rows into fit and meta halves.
    public static let headlineSplit: UInt64 = 0x4D45_5441  // "META"
    /// The headline estimate's prior-balanced copy of a target (`HeadlineEstimate.priorBalanced`).
    public static let priorBalance: UInt64 = 0x5052_4942  // "PRIB"
    /// The headline estimate's subsets of a target, or of each meta-set, at the other's size
    /// (`HeadlineEstimate.targetInputs`, `observations(atRows:)`; meta-set i uses this + 1 + i).
    public static let setSizeMatch: UInt64 = 0x5349_5A45  // "SIZE"
    /// The model-command form's surrogate (initialisation and data order), trained on `--train`.
    public static let commandSurrogate: UInt64 = 0x5355_5252  // "SURR"
}
