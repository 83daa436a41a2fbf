/// How a CSV file is turned into a `Dataset`.
public struct CSVReadOptions: Sendable, Equatable {
    /// The name of the label column; `nil` means every column is a feature.
    public var labelColumn: String?
    /// Throw if the label column is missing (for commands that need labels).
    public var requireLabels: Bool
    /// Return a dataset with zero rows for a header-only file instead of throwing.
    /// Off by default: a file with no data is almost always a mistake.
    public var allowEmpty: Bool
    /// Recognise the label column (it is not a feature) but neither parse nor return it: an
    /// unlabeled target may carry a label column with blanks or placeholders.
    public var ignoresLabels: Bool
    /// The task's number of classes; `nil` infers `max(label) + 1`, which must stay below
    /// `Dataset.maximumClassCount`.
    public var classCount: Int?
    /// Class names (a model's): a label is the index of its text among them — `"yes"`, `"cat"` —
    /// and a text that is none of them is an error naming it and the names.
    public var labelNames: [String]?
    /// Keep every label's text (`CSVReader.labelTexts`), and read a label that is not an integer
    /// as 0 for now: how `CSV.readNamingLabels` discovers the classes of a training file.
    public var collectsLabelNames: Bool
    /// A column that is neither feature nor label but a key for each row (a date, a period),
    /// kept as text (`CSVReader.drainKeys()`); it must exist when named.
    public var keyColumn: String?

    public init(labelColumn: String? = "label", requireLabels: Bool = false, ignoresLabels: Bool = false,
                allowEmpty: Bool = false, classCount: Int? = nil, labelNames: [String]? = nil, collectsLabelNames: Bool = false,
                keyColumn: String? = nil) {
        self.keyColumn = keyColumn
        self.labelColumn = labelColumn
        self.requireLabels = requireLabels
        self.ignoresLabels = ignoresLabels
        self.allowEmpty = allowEmpty
        self.classCount = classCount ?? labelNames?.count
        self.labelNames = labelNames
        self.collectsLabelNames = collectsLabelNames
    }

    /// Labels must be below this: `classCount`, or `Dataset.maximumClassCount` without one.
    var classLimit: Int { classCount ?? Dataset.maximumClassCount }

    /// `classLimit` for messages, saying where it comes from.
    var classLimitDescription: String {
        classCount.map(String.init) ?? "\(Dataset.maximumClassCount) (shiftcast's limit on classes; labels are 0-based class indices)"
    }
}
