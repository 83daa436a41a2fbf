/// What a shift family changes about the data.
public enum ShiftKind: String, Sendable, CaseIterable {
    /// p(x) changes, p(y | x) is meant to stay (noise, contrast, translation, rotation, off-manifold).
    case covariate
    /// p(y) changes, p(x | y) stays.
    case label
    /// The mixture of sub-populations within classes changes.
    case subpopulation
    /// A feature's relation to the label changes (spurious correlation breaks).
    case spurious
    /// Corruptions of 8×8-style images (pixels as features).
    case image
    /// Perturbations computed from a model's gradients.
    case adversarial
}

/// A family of distribution shifts with five severities.
///
/// `apply` must be deterministic given the generator's state, keep the rows'
/// labels (unless it resamples rows, then the labels travel with them), and
/// never change the feature count. Source statistics come from the
/// `ShiftContext`, computed once from the source (training) data.
public protocol Shift: Sendable {
    /// A kebab-case id, e.g. `gaussian-noise`.
    var name: String { get }
    /// One line for `shiftcast shift --list`.
    var summary: String { get }
    var kind: ShiftKind { get }
    /// Whether the data being shifted must have labels (resampling by class, flipping by class).
    var needsLabels: Bool { get }
    /// Whether the context must carry `inputGradient` (adversarial families).
    var needsModel: Bool { get }
    /// The parameter used at `severity` (1…5), e.g. `σ = 0.25 × feature std`.
    func parameterDescription(severity: Int) -> String
    /// The shifted copy of `data` at `severity` (1 = mild … 5 = severe).
    /// - Throws: `InputError` for a severity outside 1…5, or data/context the family cannot use.
    func apply(to data: Dataset, severity: Int, context: ShiftContext,
               using generator: inout SeededGenerator) throws -> Dataset
}

extension Shift {
    public var needsLabels: Bool { false }
    public var needsModel: Bool { false }

    /// The severities every family accepts.
    public static var severities: ClosedRange<Int> { 1 ... 5 }

    /// Checks `severity` and returns the 0-based index into a 5-entry parameter table.
    func severityIndex(_ severity: Int) throws -> Int {
        guard (1 ... 5).contains(severity) else {
            throw InputError("severity: expected an integer from 1 to 5, found \(severity)")
        }
        return severity - 1
    }

    /// Throws unless `data` has labels.
    func requireLabels(_ data: Dataset) throws -> [Int] {
        guard let labels = data.labels else {
            throw InputError("shift '\(name)': expected labeled data (it resamples or edits rows by class), found no labels")
        }
        return labels
    }

    /// Throws unless `data` has the source's feature count.
    func requireSourceColumns(_ data: Dataset, _ context: ShiftContext) throws {
        guard data.featureCount == context.featureCount else {
            throw InputError("shift '\(name)': expected \(context.featureCount) features (as in the source data), found \(data.featureCount)")
        }
    }
}
