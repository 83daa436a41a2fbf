/// A streaming reader for numeric CSV files, yielding batches of rows.
///
/// Format: a header row of column names (optionally quoted, `""` escapes a
/// quote, a UTF-8 BOM is skipped), then one row per example with the same
/// number of comma-separated fields. Every column except the label column is a
/// feature and must be a finite decimal number. The label column (`label` by
/// default) holds non-negative integer class indices (`3`, or an integral
/// decimal such as `3.0`). LF and CRLF line ends both work; blank lines
/// (including a trailing one) are skipped. Fields may be quoted (`"1.5"`), but
/// a quoted field may not contain a line break.
///
/// Errors are `InputError`s naming the file, the 1-based line (the header is
/// line 1) and the 1-based column, with what was expected and what was found.
///
/// Memory: one 4 MiB read block plus the current batch, so `predict` can work
/// through a file of any size. Numbers are parsed from the bytes directly
/// (see `DecimalParsing`); there is no `String` per cell.
public final class CSVReader {
    /// The file being read.
    public let path: String
    /// The feature column names, in file order (label column removed).
    public let featureNames: [String]
    /// The 0-based position of the label column in the file, if it has one.
    public let labelFieldIndex: Int?
    /// The options this reader was opened with.
    public let options: CSVReadOptions
    /// With `options.collectsLabelNames`: every row's label text, in order, and whether one was
    /// not a class index.
    public private(set) var labelTexts: [String] = []
    /// The 0-based position of the key column (`options.keyColumn`), if any.
    public let keyFieldIndex: Int?
    /// The key of every row read since the last `drainKeys()`.
    private var keyTexts: [String] = []

    /// The keys of the rows read since the last call, in order.
    public func drainKeys() -> [String] {
        defer { keyTexts = [] }
        return keyTexts
    }
    public private(set) var sawNonIntegerLabel = false
    /// `options.labelNames` by text.
    private lazy var labelIndexByName: [String: Int] = {
        Dictionary((options.labelNames ?? []).enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
    }()
    /// Data rows returned so far.
    public private(set) var rowsRead = 0

    /// Whether rows carry labels.
    public var hasLabels: Bool { labelFieldIndex != nil && !options.ignoresLabels }

    private let source: LineSource
    private let fieldCount: Int
    private let columnNames: [String]
    private var finished = false

    /// Opens `path` and reads its header.
    /// - Throws: `InputError` for a missing/unreadable file, an empty file, a header
    ///   that is not UTF-8, empty or duplicate column names, or a missing label
    ///   column when `options.requireLabels` is set.
    public convenience init(path: String, options: CSVReadOptions = CSVReadOptions()) throws {
        try self.init(source: LineSource(path: path), options: options)
    }

    /// Reads CSV text that is already in memory; `path` only names it in errors.
    /// Same format, errors and results as reading a file with these bytes.
    public convenience init(bytes: [UInt8], path: String = "<memory>", options: CSVReadOptions = CSVReadOptions()) throws {
        try self.init(source: LineSource(bytes: bytes, path: path), options: options)
    }

    private init(source: LineSource, options: CSVReadOptions) throws {
        let path = source.path
        self.path = path
        self.options = options
        self.source = source
        var headerRange: Range<Int>?
        while let line = try source.nextLine() {
            if !CSVReader.isBlank(source.buffer, line) { headerRange = line; break }
        }
        guard let headerRange else {
            throw InputError(file: path, "expected a header row of column names, found an empty file")
        }
        if source.buffer[headerRange].starts(with: NPYHeader.magic) {
            throw InputError(file: path, line: source.lineNumber, "expected CSV text, found the magic bytes of a NumPy .npy file; "
                             + (RegularFile.isStream(path) ? "save it to a regular file first (.npy data cannot be read from a pipe)" : "name the file .npy"))
        }
        // A line ending's CR is stripped already; one left inside the header means CR-only
        // line endings, which would read the whole file as one enormous header.
        if source.buffer[headerRange].contains(13) {
            throw InputError(file: path, line: source.lineNumber,
                             "expected lines ending in LF or CRLF, found a carriage return alone (classic Mac OS line endings); convert the file, e.g. with tr '\\r' '\\n'")
        }
        let names = try CSVReader.parseHeader(Array(source.buffer[headerRange]), path: path, line: source.lineNumber)
        var seen: [String: Int] = [:]
        for (index, name) in names.enumerated() {
            if let first = seen[name] {
                throw InputError(file: path, line: source.lineNumber, column: index + 1,
                                 "duplicate column name '\(name)' (also column \(first + 1)); expected unique names")
            }
            seen[name] = index
        }
        columnNames = names
        fieldCount = names.count
        if let labelName = options.labelColumn, let index = seen[labelName] {
            labelFieldIndex = index
        } else {
            labelFieldIndex = nil
            if options.requireLabels {
                let wanted = options.labelColumn.map { "a label column named '\($0)'" } ?? "a label column"
                throw InputError(file: path, line: source.lineNumber,
                                 "expected \(wanted), found columns \(CSVReader.listing(names))")
            }
        }
        if let keyName = options.keyColumn {
            guard let index = seen[keyName], index != labelFieldIndex else {
                throw InputError(file: path, line: source.lineNumber, "expected a column named '\(keyName)' to key the rows by, found columns \(CSVReader.listing(names))")
            }
            keyFieldIndex = index
        } else {
            keyFieldIndex = nil
        }
        let labelIndex = labelFieldIndex, keyIndex = keyFieldIndex
        featureNames = names.enumerated().filter { $0.offset != labelIndex && $0.offset != keyIndex }.map(\.element)
        if featureNames.isEmpty {
            throw InputError(file: path, line: source.lineNumber, "expected at least one feature column, found only '\(names[0])'")
        }
    }

    /// The next batch of up to `maxRows` rows, or `nil` when the file is exhausted.
    ///
    /// The batch's `classCount` is `options.classCount` if given, else
    /// `max(label) + 1` within the batch.
    /// - Throws: `InputError` for the first bad row; a header-only file throws on
    ///   the first call unless `options.allowEmpty` (then one empty batch is returned).
    /// - Complexity: O(bytes read).
    public func nextBatch(maxRows: Int) throws -> Dataset? {
        precondition(maxRows > 0, "nextBatch(maxRows:) needs maxRows > 0")
        if finished { return nil }
        let d = featureNames.count
        var values = [Float]()
        values.reserveCapacity(Swift.min(maxRows, 1 << 16) * d)
        var labels = [Int]()
        var rows = 0
        while rows < maxRows, let line = try source.nextLine() {
            if CSVReader.isBlank(source.buffer, line) { continue }
            let label = try parseRow(line, into: &values)
            if let label { labels.append(label) }
            rows += 1
        }
        if rows == 0 {
            finished = true
            if rowsRead > 0 { return nil }
            guard options.allowEmpty else {
                throw InputError(file: path, line: source.lineNumber + 1,
                                 "expected at least one data row after the header, found none")
            }
        }
        rowsRead += rows
        return Dataset(features: Tensor(shape: [rows, d], scalars: values),
                       labels: hasLabels ? labels : nil, featureNames: featureNames,
                       classCount: options.classCount)
    }

    /// Reads every remaining row into one dataset.
    public func readAll() throws -> Dataset {
        var parts: [Dataset] = []
        while let batch = try nextBatch(maxRows: 1 << 16) { parts.append(batch) }
        guard !parts.isEmpty else {
            return Dataset(features: Tensor(zeros: [0, featureNames.count]),
                           labels: hasLabels ? [] : nil, featureNames: featureNames, classCount: options.classCount)
        }
        if parts.count == 1 { return parts[0] }
        let merged = Dataset.concatenating(parts)
        return merged
    }

    // MARK: - Row parsing

    /// Parses one data row, appending its features to `values`; returns its label.
    private func parseRow(_ line: Range<Int>, into values: inout [Float]) throws -> Int? {
        let lineNumber = source.lineNumber
        let labelIndex = labelFieldIndex ?? -1
        let keyIndex = keyFieldIndex ?? -1
        var label: Int?
        var failure: InputError?
        let expected = fieldCount
        let fields: Int = source.buffer.withUnsafeBufferPointer { buffer -> Int in
            let base = buffer.baseAddress!
            var field = 0
            var i = line.lowerBound
            let end = line.upperBound
            while true {
                // One field: [start, stop) after trimming spaces and quotes.
                var start = i
                while start < end, base[start] == 32 || base[start] == 9 { start += 1 }
                var stop: Int
                var next: Int
                if start < end, base[start] == UInt8(ascii: "\"") {
                    start += 1
                    stop = start
                    while stop < end, base[stop] != UInt8(ascii: "\"") { stop += 1 }
                    next = stop < end ? stop + 1 : stop
                    while next < end, base[next] != UInt8(ascii: ",") { next += 1 }
                } else {
                    next = start
                    while next < end, base[next] != UInt8(ascii: ",") { next += 1 }
                    stop = next
                    while stop > start, base[stop - 1] == 32 || base[stop - 1] == 9 { stop -= 1 }
                }
                if field < expected && failure == nil {
                    if field == keyIndex {
                        keyTexts.append(String(decoding: UnsafeBufferPointer(start: base + start, count: stop - start), as: UTF8.self))
                    } else if field == labelIndex {
                        if options.ignoresLabels {
                            // Recognised, not read.
                        } else if options.labelNames != nil || options.collectsLabelNames {
                            let text = String(decoding: UnsafeBufferPointer(start: base + start, count: stop - start), as: UTF8.self)
                            if let names = options.labelNames {
                                if let index = labelIndexByName[text] {
                                    label = index
                                } else {
                                    failure = InputError(file: path, line: lineNumber, column: field + 1,
                                                         "label column '\(columnNames[field])': expected one of the model's classes (\(names.prefix(10).joined(separator: ", "))\(names.count > 10 ? ", …" : "")), found '\(text)'")
                                }
                            } else {
                                labelTexts.append(text)
                                if let y = DecimalParsing.parseClassIndex(base, start, stop) {
                                    label = y
                                    if y >= options.classLimit {
                                        failure = InputError(file: path, line: lineNumber, column: field + 1,
                                                             "label column '\(columnNames[field])': expected class indices below \(options.classLimitDescription), found \(y)")
                                    }
                                } else if text.isEmpty || DecimalParsing.parseFloat(base, start, stop) != nil {
                                    // A number that is no class index (2.5, -1), or nothing, is a mistake, not a name.
                                    failure = InputError(file: path, line: lineNumber, column: field + 1,
                                                         "label column '\(columnNames[field])': expected a non-negative integer class index or a class name, found \(CSVReader.describe(base, start, stop))")
                                } else {
                                    label = 0
                                    sawNonIntegerLabel = true
                                }
                            }
                        } else if let y = DecimalParsing.parseClassIndex(base, start, stop) {
                            label = y
                            if y >= options.classLimit {
                                failure = InputError(file: path, line: lineNumber, column: field + 1,
                                                     "label column '\(columnNames[field])': expected class indices below \(options.classLimitDescription), found \(y)")
                            }
                        } else {
                            failure = InputError(file: path, line: lineNumber, column: field + 1,
                                                 "label column '\(columnNames[field])': expected a non-negative integer class index, found \(CSVReader.describe(base, start, stop))")
                        }
                    } else if let value = DecimalParsing.parseFloat(base, start, stop) {
                        if value.isFinite {
                            values.append(value)
                        } else {
                            let what = value.isNaN ? "NaN" : "an infinite value (or a number too large for Float32)"
                            failure = InputError(file: path, line: lineNumber, column: field + 1,
                                                 "column '\(columnNames[field])': expected a finite number, found \(what) \(CSVReader.describe(base, start, stop))")
                        }
                    } else {
                        failure = InputError(file: path, line: lineNumber, column: field + 1,
                                             "column '\(columnNames[field])': expected a number, found \(CSVReader.describe(base, start, stop))")
                    }
                }
                field += 1
                if next >= end { break }
                i = next + 1
            }
            return field
        }
        if fields != expected {
            throw InputError(file: path, line: lineNumber, column: Swift.min(fields, expected) + 1,
                             "expected \(expected) fields as in the header, found \(fields)")
        }
        if let failure { throw failure }
        return label
    }

    // MARK: - Header

    static func parseHeader(_ bytes: [UInt8], path: String, line: Int) throws -> [String] {
        var body = bytes[...]
        if body.starts(with: [0xEF, 0xBB, 0xBF]) { body = body.dropFirst(3) }
        var names: [String] = []
        var i = body.startIndex
        let end = body.endIndex
        while true {
            while i < end, body[i] == 32 || body[i] == 9 { i += 1 }
            var field: [UInt8] = []
            if i < end, body[i] == UInt8(ascii: "\"") {
                i += 1
                var closed = false
                while i < end {
                    if body[i] == UInt8(ascii: "\"") {
                        if i + 1 < end, body[i + 1] == UInt8(ascii: "\"") { field.append(body[i]); i += 2; continue }
                        i += 1; closed = true; break
                    }
                    field.append(body[i]); i += 1
                }
                if !closed {
                    throw InputError(file: path, line: line, column: names.count + 1,
                                     "expected a closing quote in the header, found the end of the line")
                }
                while i < end, body[i] == 32 || body[i] == 9 { i += 1 }
                if i < end, body[i] != UInt8(ascii: ",") {
                    throw InputError(file: path, line: line, column: names.count + 1,
                                     "expected a comma after a quoted column name, found '\(Character(Unicode.Scalar(body[i])))'")
                }
            } else {
                while i < end, body[i] != UInt8(ascii: ",") { field.append(body[i]); i += 1 }
                while let last = field.last, last == 32 || last == 9 { field.removeLast() }
            }
            guard let name = String(validating: field, as: UTF8.self) else {
                throw InputError(file: path, line: line, column: names.count + 1,
                                 "expected UTF-8 text in the header, found bytes \(hexPreview(field[...]))")
            }
            if name.isEmpty {
                throw InputError(file: path, line: line, column: names.count + 1,
                                 "expected a column name, found an empty header field")
            }
            names.append(name)
            if i >= end { break }
            i += 1  // the comma
            if i == end {
                throw InputError(file: path, line: line, column: names.count + 1,
                                 "expected a column name, found an empty header field (trailing comma)")
            }
        }
        return names
    }

    // MARK: - Helpers

    static func isBlank(_ buffer: [UInt8], _ range: Range<Int>) -> Bool {
        for i in range where buffer[i] != 32 && buffer[i] != 9 { return false }
        return true
    }

    /// How a bad field is quoted in an error: `"abc"`, `an empty field`, or the bytes if not UTF-8.
    static func describe(_ base: UnsafePointer<UInt8>, _ start: Int, _ stop: Int) -> String {
        if stop <= start { return "an empty field" }
        let bytes = UnsafeBufferPointer(start: base + start, count: Swift.min(stop - start, 60))
        guard let text = String(validating: bytes, as: UTF8.self) else {
            return "bytes that are not UTF-8 (\(hexPreview(Array(bytes)[...])))"
        }
        return "\"\(text)\(stop - start > 60 ? "…" : "")\""
    }

    static func hexPreview(_ bytes: ArraySlice<UInt8>) -> String {
        bytes.prefix(12).map { byte in
            let hex = String(byte, radix: 16, uppercase: true)
            return "0x" + (hex.count == 1 ? "0" + hex : hex)
        }.joined(separator: " ") + (bytes.count > 12 ? " …" : "")
    }

    static func listing(_ names: [String]) -> String {
        let shown = names.prefix(8).map { "'\($0)'" }.joined(separator: ", ")
        return names.count > 8 ? "\(shown), … (\(names.count) in all)" : shown
    }
}
