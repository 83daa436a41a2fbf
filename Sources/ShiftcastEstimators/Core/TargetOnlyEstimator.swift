/// An estimator that learns nothing from the source but its class count (AC, GDE, the nuclear
/// norm, MaNo, MDE, the dispersion score): it implements `estimateFromTarget`, and fitting —
/// which then only checks the target's class count — comes with the protocol.
public protocol TargetOnlyEstimator: Estimator {
    /// The estimate from the target alone (its class count already checked).
    func estimateFromTarget(_ target: TargetEvidence) throws -> Estimate
}

extension TargetOnlyEstimator {
    public func fit(_ source: SourceEvidence) throws -> any FittedEstimator {
        TargetOnlyFitted(estimator: self, classCount: source.classCount)
    }
}

/// The fitted form of a `TargetOnlyEstimator`: the source's class count.
struct TargetOnlyFitted<E: TargetOnlyEstimator>: FittedEstimator {
    let estimator: E
    let classCount: Int

    func estimate(_ target: TargetEvidence) throws -> Estimate {
        try target.requireClasses(classCount)
        return try estimator.estimateFromTarget(target)
    }
}
