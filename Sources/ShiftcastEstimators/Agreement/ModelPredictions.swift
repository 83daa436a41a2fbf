/// One model's predictions on the labeled source and the unlabeled target: the input of the
/// multi-model estimators (GDE, ALine). Model 0 is the model under evaluation.
public struct ModelPredictions: Sendable {
    public let source: LabeledPredictions
    public let target: Predictions

    public init(source: LabeledPredictions, target: Predictions) throws {
        guard source.classCount == target.classCount else {
            throw InputError(file: target.origin, "expected \(source.classCount) classes as in the model's source predictions, found \(target.classCount)")
        }
        self.source = source
        self.target = target
    }

    /// Checks that all models see the same source rows/labels, the same number of target rows and classes.
    static func validate(_ models: [ModelPredictions], minimum: Int, estimator: String) throws {
        guard models.count >= minimum else {
            throw InputError("\(estimator): expected predictions of at least \(minimum) models, found \(models.count)")
        }
        let first = models[0]
        for (i, m) in models.enumerated().dropFirst() {
            guard m.source.labels == first.source.labels else {
                throw InputError(file: m.source.predictions.origin, "\(estimator): model \(i + 1)'s source labels/rows differ from model 1's; every model must be evaluated on the same source rows")
            }
            guard m.target.count == first.target.count, m.target.classCount == first.target.classCount else {
                throw InputError(file: m.target.origin, "\(estimator): expected \(first.target.count)×\(first.target.classCount) target predictions as for model 1, found \(m.target.count)×\(m.target.classCount)")
            }
        }
    }
}

/// The fraction of rows on which two prediction vectors agree.
func agreement(_ a: [Int], _ b: [Int]) -> Double {
    precondition(a.count == b.count && !a.isEmpty)
    var same = 0
    for i in a.indices where a[i] == b[i] { same += 1 }
    return Double(same) / Double(a.count)
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
public enum SeedDisagreement {
    public static func estimate(_ models: [ModelPredictions]) throws -> Estimate {
        try ModelPredictions.validate(models, minimum: 2, estimator: "gde")
        let predicted = models.map { $0.target.predictedClasses }
        let withFirst = (1 ..< models.count).map { agreement(predicted[0], predicted[$0]) }
        var allPairs: [Double] = []
        for i in 0 ..< models.count { for j in i + 1 ..< models.count { allPairs.append(agreement(predicted[i], predicted[j])) } }
        let a = Statistics.mean(withFirst)
        let spread = allPairs.count > 1
            ? (allPairs.reduce(0) { $0 + pow2($1 - Statistics.mean(allPairs)) } / Double(allPairs.count - 1)).squareRoot()
            : 0
        return Estimate(estimator: "gde", accuracy: a, standardError: Estimate.proportionStandardError(a, count: models[0].target.count),
                        settings: [.init("models", "\(models.count)"),
                                   .init("pair_agreement_mean", format(Statistics.mean(allPairs))),
                                   .init("pair_agreement_sd", format(spread))])
    }
}
