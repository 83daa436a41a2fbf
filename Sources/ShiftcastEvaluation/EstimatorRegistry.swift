/// Every estimator shiftcast has, listed once, in report order: the command line's
/// `--estimators` names and help, the table's columns, the JSON names and the tests' lists all
/// come from here. Adding an estimator: its own file (with its `EstimatorID`) and one line here
/// (Docs/Estimators.md, "Adding an estimator").
public enum EstimatorRegistry {
    /// Settings some estimators take.
    public struct Configuration: Sendable, Equatable {
        public var projNorm: ProjNormConfiguration
        public init(projNorm: ProjNormConfiguration = ProjNormConfiguration()) { self.projNorm = projNorm }
    }

    /// Every estimator, in report order.
    public static func all(_ configuration: Configuration = Configuration()) -> [any Estimator] {
        [
            AverageConfidence(),
            DifferenceOfConfidences(),
            AverageThresholdedConfidence(score: .maxConfidence),
            AverageThresholdedConfidence(score: .negativeEntropy),
            ConfidenceBasedPerformanceEstimation(),
            ConfidenceOptimalTransport(),
            ThresholdedOptimalTransport(),
            ImportanceWeighting(),
            NuclearNorm(),
            MatrixNorm(),
            MetaDistributionEnergy(),
            DispersionScore(),
            GradientNormScore(),
            SeedDisagreement(),
            NearestNeighbourAgreement(),
            AgreementOnTheLine(.simple),
            AgreementOnTheLine(.disagreement),
            ProjNorm(configuration: configuration.projNorm),
        ]
    }

    /// Every estimator's identity, in report order.
    public static let ids: [EstimatorID] = all().map(\.id)

    /// What `--estimators` accepts, in report order: the headline estimate (`meta`, built on
    /// every estimator's output: `HeadlineEstimate`) first, then every estimator.
    public static let selectableIDs: [EstimatorID] = [.meta] + ids

    /// The estimator called `name`, if there is one.
    public static func id(named name: String) -> EstimatorID? { ids.first { $0.name == name } }

    /// The estimators of `ids`, in report order (each once).
    public static func estimators(_ ids: [EstimatorID], configuration: Configuration = Configuration()) -> [any Estimator] {
        let wanted = Set(ids)
        return all(configuration).filter { wanted.contains($0.id) }
    }
}
