/// A dataset file read a batch of rows at a time, so memory is one batch however large the
/// file is: what `predict` uses for the target set. `DatasetFiles.read` is this stream read
/// to the end.
///
/// - `.csv`: features and, if present, the label column (`options.labelColumn`), through
///   `CSVReader`;
/// - `.npy`: a 2-D float feature matrix through `NPYMatrixReader`; feature names `x0, x1, …`.
/// Labels may instead come from `labelsPath` (a 1-D integer `.npy`, or a CSV whose label
/// column is read); that file is read whole, and checked, when the stream opens (8 bytes a
/// row), so its errors come before those of the feature rows. (`DatasetFiles.read` checks
/// the feature file first.)
public final class DatasetStream {
    /// The features file.
    public let path: String
    /// The feature column names.
    public let featureNames: [String]
    /// The number of rows, when the file's header says it (`.npy`); `nil` for CSV.
    public let declaredRowCount: Int?
    /// The most feature columns an `.npy` file may have (2²⁴): each gets a name, `x0, x1, …`.
    public static let maxColumnCount = 1 << 24
    /// Rows returned so far.
    public private(set) var rowsRead = 0

    private enum Source {
        case csv(CSVReader)
        case npy(NPYMatrixReader)
    }
    private let source: Source
    private let options: CSVReadOptions
    /// Labels from a separate file, with its path.
    private let separateLabels: (labels: [Int], path: String)?
    private var finished = false

    /// The number of feature columns.
    public var featureCount: Int { featureNames.count }

    /// The keys (`CSVReadOptions.keyColumn`) of the rows returned since the last call, in order;
    /// empty for `.npy` data, which has no key column.
    public func drainKeys() -> [String] {
        if case let .csv(reader) = source { return reader.drainKeys() }
        return []
    }
    /// Whether batches carry labels.
    public var hasLabels: Bool {
        if separateLabels != nil { return true }
        if case let .csv(reader) = source { return reader.hasLabels }
        return false
    }

    /// Opens `path` (choosing the reader by `DatasetFiles.format(of:)`) and, if given, reads `labelsPath`.
    /// - Throws: `InputError` for an unknown extension, a bad header, a labels file whose
    ///   length does not match an `.npy` feature file, labels beyond `options.classCount`,
    ///   missing labels when `options.requireLabels`, or an empty `.npy` unless `options.allowEmpty`.
    public init(path: String, labelsPath: String? = nil, options: CSVReadOptions = CSVReadOptions()) throws {
        self.path = path
        self.options = options
        switch try DatasetFiles.format(of: path) {
        case .csv:
            var csvOptions = options
            if labelsPath != nil { csvOptions.requireLabels = false }
            let reader = try CSVReader(path: path, options: csvOptions)
            if let labelsPath, reader.hasLabels {
                throw DatasetStream.twoLabelSources(path, labelsPath, column: options.labelColumn)
            }
            source = .csv(reader)
            featureNames = reader.featureNames
            declaredRowCount = nil
        case .npy:
            let reader = try NPYMatrixReader(path: path)
            if reader.rowCount == 0 && !options.allowEmpty {
                throw InputError(file: path, "expected at least one row, found shape (0, \(reader.columnCount))")
            }
            // A non-empty file's size bounds its columns; an empty one's header could claim any number.
            guard reader.columnCount <= DatasetStream.maxColumnCount else {
                throw InputError(file: path, "expected at most \(DatasetStream.maxColumnCount) feature columns, found shape (\(reader.rowCount), \(reader.columnCount))")
            }
            source = .npy(reader)
            featureNames = (0 ..< reader.columnCount).map { "x\($0)" }
            declaredRowCount = reader.rowCount
        }
        if let labelsPath {
            let labels = try DatasetStream.readLabelsFile(labelsPath, options: options)
            if let declaredRowCount, labels.count != declaredRowCount {
                throw DatasetStream.labelCountError(labelsPath, rows: declaredRowCount, labels: labels.count, featuresPath: path)
            }
            separateLabels = (labels, labelsPath)
        } else {
            separateLabels = nil
        }
        if options.requireLabels && !hasLabels {
            throw InputError(file: path, "expected labels (a '\(options.labelColumn ?? "label")' column, or a labels file), found none")
        }
    }

    /// The next batch of up to `maxRows` rows, or `nil` when the file is exhausted.
    /// The batch's `classCount` is `options.classCount` if given, else `max(label) + 1` within it.
    /// - Throws: `InputError` for the first bad row, or (with a labels file) when the feature
    ///   file turns out to have a different number of rows than there are labels.
    public func nextBatch(maxRows: Int) throws -> Dataset? {
        precondition(maxRows > 0, "nextBatch(maxRows:) needs maxRows > 0")
        if finished { return nil }
        var batch: Dataset
        switch source {
        case let .csv(reader):
            guard let next = try reader.nextBatch(maxRows: maxRows) else { return try finish() }
            batch = next
        case let .npy(reader):
            guard let rows = try reader.nextRows(maxRows: maxRows) else { return try finish() }
            batch = Dataset(features: rows, featureNames: featureNames, classCount: options.classCount)
        }
        if let (labels, labelsPath) = separateLabels {
            let end = rowsRead + batch.rowCount
            guard end <= labels.count else {
                finished = true
                // Count the remaining rows so the message gives the file's true length.
                var total = end
                while let more = try nextRowsCount(maxRows: 1 << 16) { total += more }
                throw DatasetStream.labelCountError(labelsPath, rows: total, labels: labels.count, featuresPath: path)
            }
            batch = Dataset(features: batch.features, labels: Array(labels[rowsRead ..< end]),
                            featureNames: featureNames, classCount: options.classCount)
        }
        rowsRead += batch.rowCount
        return batch
    }

    /// Every remaining row in one dataset.
    ///
    /// Batches of about 16 MB are appended to one array (reserved whole for `.npy`, whose row
    /// count is known), so memory peaks at the data plus one batch — not at the batches plus
    /// their concatenation, or the file's bytes plus their floats, both twice the data.
    public func readAll() throws -> Dataset {
        let block = Swift.max(1, (1 << 22) / Swift.max(1, featureCount))
        var scalars: [Float] = []
        if let declared = declaredRowCount { scalars.reserveCapacity(Swift.max(0, declared - rowsRead) * featureCount) }
        var labels: [Int]? = nil, modes: [Int]? = nil
        var classCount = 0, rows = 0, batches = 0
        while let batch = try nextBatch(maxRows: block) {
            scalars.append(contentsOf: batch.features.scalars)
            // As `Dataset.concatenating`: labels (and modes) when every batch has them.
            if batches == 0 { labels = batch.labels.map { _ in [] }; modes = batch.modes.map { _ in [] } }
            if let l = batch.labels { labels?.append(contentsOf: l) } else { labels = nil }
            if let m = batch.modes { modes?.append(contentsOf: m) } else { modes = nil }
            classCount = Swift.max(classCount, batch.classCount)
            rows += batch.rowCount
            batches += 1
        }
        if batches == 0 {
            return Dataset(features: Tensor(zeros: [0, featureCount]), labels: hasLabels ? [] : nil,
                           featureNames: featureNames, classCount: options.classCount)
        }
        return Dataset(features: Tensor(shape: [rows, featureCount], scalars: scalars), labels: labels,
                       featureNames: featureNames, classCount: classCount, modes: modes)
    }

    /// End of the features: with a labels file, every label must have been used.
    private func finish() throws -> Dataset? {
        finished = true
        if let (labels, labelsPath) = separateLabels, labels.count != rowsRead {
            throw DatasetStream.labelCountError(labelsPath, rows: rowsRead, labels: labels.count, featuresPath: path)
        }
        return nil
    }

    /// Reads (and checks) the next rows only to count them.
    private func nextRowsCount(maxRows: Int) throws -> Int? {
        switch source {
        case let .csv(reader): return try reader.nextBatch(maxRows: maxRows)?.rowCount
        case let .npy(reader): return try reader.nextRows(maxRows: maxRows)?.rowCount
        }
    }

    /// The labels of a separate labels file: a 1-D integer `.npy`, or the label column of a
    /// CSV; each below `options.classCount` when that is given, else below
    /// `Dataset.maximumClassCount`.
    static func readLabelsFile(_ labelsPath: String, options: CSVReadOptions) throws -> [Int] {
        let labels: [Int]
        // Any extension other than .npy (or a name that is not an .npy file) reads as CSV.
        if (try? DatasetFiles.format(of: labelsPath)) == .npy {
            labels = try NPY.readLabels(path: labelsPath)
        } else {
            var labelOptions = options
            labelOptions.requireLabels = true
            guard let read = try CSV.read(path: labelsPath, options: labelOptions).labels else {
                throw InputError(file: labelsPath, "expected a label column")
            }
            labels = read
        }
        if let bad = labels.firstIndex(where: { $0 >= options.classLimit }) {
            throw InputError(file: labelsPath, "label \(bad + 1): expected class indices below \(options.classLimitDescription), found \(labels[bad])")
        }
        return labels
    }

    /// A CSV with a label column and a labels file as well: which labels are meant is unclear.
    static func twoLabelSources(_ path: String, _ labelsPath: String, column: String?) -> InputError {
        InputError(file: path, "expected labels from one place, found both a '\(column ?? "label")' column here and the labels file \(labelsPath): drop one")
    }

    static func labelCountError(_ labelsPath: String, rows: Int, labels: Int, featuresPath: String) -> InputError {
        InputError(file: labelsPath, "expected \(rows) labels (one per row of \(featuresPath)), found \(labels)")
    }
}
