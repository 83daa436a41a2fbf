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

    /// Classes listed one by one in `description`; more are summarised.
    public static let listedClasses = 20

    /// One line, e.g. `1078 rows, 64 features, 10 classes, labels: 0:107 1:109 …`; with more
    /// than `listedClasses` classes, the first ones and how many of the rest have rows.
    public var description: String {
        var text = "\(rowCount) rows, \(featureCount) features"
        if let labelCounts {
            text += ", \(classCount) classes, labels: "
            text += labelCounts.prefix(Self.listedClasses).enumerated().map { "\($0.offset):\($0.element)" }.joined(separator: " ")
            if labelCounts.count > Self.listedClasses {
                let rest = labelCounts.dropFirst(Self.listedClasses)
                text += " … (\(rest.count) more classes, \(rest.filter { $0 > 0 }.count) of them with rows)"
            }
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
