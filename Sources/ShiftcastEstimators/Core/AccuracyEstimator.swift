/// An estimator configuration that is fitted on the labeled in-distribution validation set.
///
/// `fit` returns a different type, `Fitted`, which is the only thing that can `estimate`:
/// estimating before fitting does not compile (NannyML's `fit`/`estimate`, made a type rule).
public protocol AccuracyEstimator: Sendable {
    associatedtype Fitted: FittedAccuracyEstimator
    /// The contract name (`ac`, `atc-mc`, …).
    var name: String { get }
    /// Fits on the labeled source (in-distribution validation) predictions.
    func fit(source: LabeledPredictions) throws -> Fitted
}

/// A fitted estimator: predicts the accuracy on unlabeled target predictions.
public protocol FittedAccuracyEstimator: Sendable {
    /// - Throws: `InputError` if the target does not match the source (class count).
    func estimate(target: Predictions) throws -> Estimate
}

extension FittedAccuracyEstimator {
    /// Checks the target's class count against the source's.
    func requireClasses(_ target: Predictions, _ k: Int) throws {
        guard target.classCount == k else {
            throw InputError(file: target.origin, "expected \(k) classes (columns) as in the source, found \(target.classCount)")
        }
    }
}

/// Common statistics of a vector of values.
enum Statistics {
    static func mean(_ x: [Double]) -> Double { x.isEmpty ? .nan : x.reduce(0, +) / Double(x.count) }

    /// Standard error of the mean, with the n−1 variance.
    static func standardErrorOfMean(_ x: [Double]) -> Double {
        guard x.count > 1 else { return 0 }
        let m = mean(x)
        let variance = x.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(x.count - 1)
        return (variance / Double(x.count)).squareRoot()
    }
}
