/// How a CSV file is turned into a `Dataset`.
public struct CSVReadOptions: Sendable, Equatable {
    /// The name of the label column; `nil` means every column is a feature.
    public var labelColumn: String?
    /// Throw if the label column is missing (for commands that need labels).
    public var requireLabels: Bool
    /// Return a dataset with zero rows for a header-only file instead of throwing.
    /// Off by default: a file with no data is almost always a mistake.
    public var allowEmpty: Bool
    /// The task's number of classes; `nil` infers `max(label) + 1`.
    public var classCount: Int?

    public init(labelColumn: String? = "label", requireLabels: Bool = false,
                allowEmpty: Bool = false, classCount: Int? = nil) {
        self.labelColumn = labelColumn
        self.requireLabels = requireLabels
        self.allowEmpty = allowEmpty
        self.classCount = classCount
    }
}
