/// The shape of a dataset for reports: rows, columns, classes, rows per class.
public struct DatasetSummary: Sendable, Equatable, CustomStringConvertible {
    public var rowCount: Int
    public var featureCount: Int
    /// The task's number of classes (0 when unknown).
    public var classCount: Int
    /// Rows per class, or `nil` for unlabeled data.
    public var labelCounts: [Int]?

    public init(rowCount: Int, featureCount: Int, classCount: Int, labelCounts: [Int]?) {
        self.rowCount = rowCount
        self.featureCount = featureCount
        self.classCount = classCount
        self.labelCounts = labelCounts
    }

    /// One line, e.g. `1078 rows, 64 features, 10 classes, labels: 0:107 1:109 …`.
    public var description: String {
        var text = "\(rowCount) rows, \(featureCount) features"
        if let labelCounts {
            text += ", \(classCount) classes, labels: "
            text += labelCounts.enumerated().map { "\($0.offset):\($0.element)" }.joined(separator: " ")
        } else {
            text += ", unlabeled"
        }
        return text
    }
}

extension Dataset {
    /// Rows, columns, classes and rows per class.
    public var summary: DatasetSummary {
        DatasetSummary(rowCount: rowCount, featureCount: featureCount, classCount: classCount, labelCounts: labelCounts)
    }
}
