/// A seeded generator of labeled source data of any size.
///
/// A task's parameters (means, subspaces, …) are drawn once when it is created;
/// `sample` then draws rows from the fixed distribution, so two samples from
/// one task are i.i.d. from the same source.
public protocol SyntheticTask: Sendable {
    /// A short kebab-case id (`gaussian-mixture`, …).
    var name: String { get }
    /// The number of classes.
    var classCount: Int { get }
    /// The number of feature columns.
    var featureCount: Int { get }
    /// `count` i.i.d. rows with labels (and `modes` where the task has them).
    func sample(count: Int, using generator: inout SeededGenerator) -> Dataset
}

extension SyntheticTask {
    /// Default feature names `x0, x1, …`.
    var defaultFeatureNames: [String] { (0 ..< featureCount).map { "x\($0)" } }
}
