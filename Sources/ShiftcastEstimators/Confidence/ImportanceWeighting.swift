extension EstimatorID {
    /// Importance weighting on confidence bins.
    public static let importanceWeighting = EstimatorID("im")
}

/// IM — importance weighting on confidence (a baseline; cf. Chen et al., "Mandoline", and the
/// importance-weighting baseline of Garg et al., ICLR 2022).
///
/// Bin max confidence into 10 equal-width bins on [0, 1] (the last bin includes 1); weight each
/// source example by `dens_tgt(bin) / dens_src(bin)`, normalised to mean 1 over the source;
/// `acc = mean(w · correct_src)`. Target mass in bins with no source example cannot be
/// represented and is dropped by the normalisation (the weights of the other bins absorb it).
///
/// Standard error: `sqrt(Σ_i (w_i c_i − acc)²) / N`, the plug-in SE of a weighted mean
/// (weights treated as fixed).
public struct ImportanceWeighting: Estimator {
    public let id = EstimatorID.importanceWeighting
    public let requirements = EstimatorRequirements(usesTemperatureScaling: true)
    public let output = EstimatorOutput.accuracy
    public let returnsSourceAccuracyOnSource = true
    public let summary = "importance weighting of source correctness by confidence-bin density ratios (baseline)"
    public static let binCount = 10
    public init() {}

    static func bin(_ confidence: Float) -> Int {
        Swift.min(Swift.max(Int(confidence * Float(binCount)), 0), binCount - 1)
    }

    public func fit(_ source: SourceEvidence) throws -> any FittedEstimator {
        let labeled = source.predictions
        return Fitted(classCount: labeled.classCount, sourceBins: labeled.predictions.confidences.map(Self.bin), correct: labeled.correct)
    }

    struct Fitted: FittedEstimator {
        let classCount: Int
        let sourceBins: [Int]
        let correct: [Bool]

        func estimate(_ targetEvidence: TargetEvidence) throws -> Estimate {
            try targetEvidence.requireClasses(classCount)
            let target = targetEvidence.predictions
            let k = ImportanceWeighting.binCount
            var sourceCount = [Double](repeating: 0, count: k), targetCount = [Double](repeating: 0, count: k)
            for b in sourceBins { sourceCount[b] += 1 }
            for c in target.confidences { targetCount[ImportanceWeighting.bin(c)] += 1 }
            let n = Double(sourceBins.count), m = Double(target.count)
            let ratio = (0 ..< k).map { sourceCount[$0] > 0 ? (targetCount[$0] / m) / (sourceCount[$0] / n) : 0 }
            var weights = sourceBins.map { ratio[$0] }
            let meanWeight = weights.reduce(0, +) / n
            guard meanWeight > 0 else {
                return Estimate(estimator: .importanceWeighting, accuracy: nil, standardError: nil,
                                note: "no target example falls in a confidence bin that has source examples")
            }
            weights = weights.map { $0 / meanWeight }
            var acc = 0.0
            for (w, c) in zip(weights, correct) where c { acc += w }
            acc /= n
            var squares = 0.0
            for (w, c) in zip(weights, correct) { squares += pow2(w * (c ? 1 : 0) - acc) }
            let dropped = (0 ..< k).filter { sourceCount[$0] == 0 }.reduce(0.0) { $0 + targetCount[$1] } / m
            return Estimate(estimator: .importanceWeighting, accuracy: acc, standardError: squares.squareRoot() / n,
                            settings: [.init("bins", "\(k) equal-width on [0, 1]"),
                                       .init("target_mass_without_source", format(dropped))])
        }
    }
}
