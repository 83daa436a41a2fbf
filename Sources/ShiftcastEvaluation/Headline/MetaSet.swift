import ShiftcastData

/// One labeled shifted copy of the validation set's meta rows: what the headline estimate learns
/// from. `families` names the catalogue families it involves (`none` for a clean resample), so
/// that a family can be held out entirely.
public struct MetaSet: Sendable {
    /// E.g. `gaussian-noise@2.37`, `contrast@1.20+pgd-linf@0.81`, `label-prior#4`.
    public var id: String
    public var families: [String]
    /// The shifted rows (model form), with their labels.
    public var data: Dataset?
    /// The rows of the meta half it resamples (predictions form), with repetition.
    public var rows: [Int]?

    public init(id: String, families: [String], data: Dataset? = nil, rows: [Int]? = nil) {
        self.id = id
        self.families = families
        self.data = data
        self.rows = rows
    }

    /// Whether it involves `family`.
    public func involves(_ family: String) -> Bool { families.contains(family) }
}

/// Every estimator's output on one meta-set, and the model's true accuracy there.
public struct MetaObservation: Sendable, Codable, Equatable {
    public var id: String
    public var families: [String]
    public var trueAccuracy: Double
    /// Each estimator's regression input: an accuracy estimator's accuracy, a score's
    /// calibration value (its raw score; MDE's size-free gap). Estimators that could not run on
    /// this set are absent.
    public var values: [String: Double]
    /// The side-by-side column's output where it differs from the regression input: an
    /// estimator the map reads on a prior-balanced copy (`Estimator.dependsOnClassPriors`), here
    /// read on the set as it is — what its reliability (`meta_set_mae`) is measured on.
    public var columnValues: [String: Double]

    public init(id: String, families: [String], trueAccuracy: Double, values: [String: Double], columnValues: [String: Double] = [:]) {
        self.id = id
        self.families = families
        self.trueAccuracy = trueAccuracy
        self.values = values
        self.columnValues = columnValues
    }

    /// The side-by-side column's output of the estimator called `name` on this set.
    public func columnValue(_ name: String) -> Double? { columnValues[name] ?? values[name] }

    /// Whether it involves `family`.
    public func involves(_ family: String) -> Bool { families.contains(family) }
}
