extension EstimatorID {
    /// COT with a threshold, per-row max-confidence transport costs.
    public static let cottMaxConfidence = EstimatorID("cott-mc")
}

/// COTT-MC — confidence optimal transport with thresholding (Lu, Qin, Chen, Chen & Jiang,
/// "Characterizing Out-of-Distribution Error via Optimal Transport", NeurIPS 2023).
///
/// COT's K×M transportation problem (target rows mass 1/M, class k capacity π_k, the source
/// label proportions), with cost `2·(1 − P[j,k])` — the L1 distance between `e_k` and the row.
/// Each target row's cost under the optimal plan is `c_j = M Σ_k π*_kj · 2(1 − P[j,k])`. A
/// threshold `t` is fitted on the validation set with the same construction (its own transport
/// to the same prior) so that the fraction of validation rows with `c > t` equals the validation
/// error, with ATC's fractional tie rule (`ThresholdWithTies`). Predicted accuracy
/// `= 1 − (#{c_j > t} + f·#{c_j = t}) / M`; on the validation set itself it returns the
/// validation accuracy. Optimal plans need not be unique, so per-row costs (not their sum) can
/// differ between exact solvers. Standard error: `sqrt(a(1−a)/M)`.
public struct ThresholdedOptimalTransport: Estimator {
    public let id = EstimatorID.cottMaxConfidence
    public let requirements = EstimatorRequirements(usesTemperatureScaling: true)
    public let output = EstimatorOutput.accuracy
    public let returnsSourceAccuracyOnSource = true
    public let dependsOnClassPriors = true
    public let dependsOnSetSize = true
    public let summary = "COTT-MC: per-row transport costs thresholded at the validation error (Lu et al., 2023)"
    public init() {}

    /// The per-row costs `c_j` of `probabilities` transported to the prior `classCounts / N`.
    public static func rowCosts(_ probabilities: Tensor, classCounts: [Int]) -> [Double] {
        TransportationSolver.solve(probabilities: probabilities, classCounts: classCounts).pointCosts.map { 2 * $0 }
    }

    public func fit(_ source: SourceEvidence) throws -> any FittedEstimator {
        let labeled = source.predictions
        let counts = labeled.classCounts
        let costs = Self.rowCosts(labeled.predictions.probabilities, classCounts: counts)
        return Fitted(classCounts: counts, threshold: ThresholdWithTies.fit(scores: costs, fractionAbove: 1 - labeled.accuracy),
                      sourceAccuracy: labeled.accuracy)
    }

    struct Fitted: FittedEstimator {
        let classCounts: [Int]
        let threshold: ThresholdWithTies
        let sourceAccuracy: Double

        func estimate(_ target: TargetEvidence) throws -> Estimate {
            try target.requireClasses(classCounts.count)
            let costs = ThresholdedOptimalTransport.rowCosts(target.predictions.probabilities, classCounts: classCounts)
            let a = 1 - threshold.fractionAbove(costs)
            return Estimate(estimator: .cottMaxConfidence, accuracy: a,
                            standardError: Estimate.proportionStandardError(a, count: target.count),
                            settings: [.init("cost", "2 (1 - p_k)"), .init("prior", "source label proportions"),
                                       .init("threshold", format(threshold.threshold)), .init("tie_share", format(threshold.tieShare)),
                                       .init("source_accuracy", format(sourceAccuracy))])
        }
    }
}
