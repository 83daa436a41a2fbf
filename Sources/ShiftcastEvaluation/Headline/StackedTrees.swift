/// The second-level map of the headline estimate: boosted trees on a set's raw inputs joined by
/// the five first-level maps' readings of it (stacked generalization: Wolpert, "Stacked
/// generalization", Neural Networks 1992; Breiman, "Stacked regressions", Machine Learning 1996).
///
/// Fitted on the meta-sets' *held-out* readings — each set's maps fitted without its family — so
/// it learns how far to trust each map where the maps disagree, on sets they had not seen: an
/// attack whose accuracy estimators all read 0.85 while ridge and the trees read 0.2 from
/// ProjNorm, against a noise set with the same confidences where the maps agree with the
/// estimators. A target's features are its inputs and the readings of the maps fitted on every set.
struct StackedTrees: Sendable {
    /// Depth of the second-level trees: one more than the first-level maps'. Measured on the
    /// default bench's replayed meta-sets, held out, with the kernel-weighted neighbourhoods:
    /// depth 2 0.0804, 3 0.0795, 4 0.0794 (without the kernel: 0.0815, 0.0809, 0.0805).
    static let depth = 3
    /// Fewer held-out meta-sets than this and no second level is fitted.
    static let minimumRows = 8

    let trees: BoostedTrees

    /// A set's features: its raw inputs, then each map's reading (clipped, `Method.allCases` order).
    static func features(raw: [Double], mapReadings: [Double]) -> [Double] { raw + mapReadings }

    init(features: [[Double]], accuracies: [Double]) {
        trees = BoostedTrees(x: features, y: accuracies, depth: Self.depth)
    }

    func predict(_ features: [Double]) -> Double { trees.predict(features) }
}
