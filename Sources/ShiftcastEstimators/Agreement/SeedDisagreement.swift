extension EstimatorID {
    /// Seed disagreement (generalisation disagreement equality).
    public static let seedDisagreement = EstimatorID("gde")
}

/// GDE — generalisation disagreement equality (Jiang, Nagarajan, Baek & Kolter, ICLR 2022).
///
/// With independently seeded models trained on the same data,
/// `acc ≈ 1 − mean_i [argmax P1_tgt[i] ≠ argmax P2_tgt[i]]`. With n ≥ 2 models the estimate for
/// model 1 (the model under evaluation) is the mean agreement between it and each other model;
/// the spread over all pairs is reported as a setting. Holds when the ensemble is
/// class-aggregated calibrated, which tends to fail under shift.
///
/// Standard error: `sqrt(a(1−a)/M)`.
public struct SeedDisagreement: TargetOnlyEstimator {
    public let id = EstimatorID.seedDisagreement
    public let requirements = EstimatorRequirements(minimumModels: 2, usesSourceLabels: false)
    public let output = EstimatorOutput.accuracy
    public let summary = "agreement with independently seeded models of the same recipe (Jiang et al., 2022)"
    public init() {}

    public func estimateFromTarget(_ target: TargetEvidence) throws -> Estimate {
        let predicted = target.allModels.map(\.predictedClasses)
        let withFirst = (1 ..< predicted.count).map { agreement(predicted[0], predicted[$0]) }
        var allPairs: [Double] = []
        for i in 0 ..< predicted.count { for j in i + 1 ..< predicted.count { allPairs.append(agreement(predicted[i], predicted[j])) } }
        let a = Statistics.mean(withFirst)
        let spread = allPairs.count > 1
            ? (allPairs.reduce(0) { $0 + pow2($1 - Statistics.mean(allPairs)) } / Double(allPairs.count - 1)).squareRoot()
            : 0
        return Estimate(estimator: .seedDisagreement, accuracy: a, standardError: Estimate.proportionStandardError(a, count: target.count),
                        settings: [.init("models", "\(predicted.count)"),
                                   .init("pair_agreement_mean", format(Statistics.mean(allPairs))),
                                   .init("pair_agreement_sd", format(spread))])
    }
}
