import Foundation

/// Whole-file CSV reading and writing (see `CSVReader` for the format and errors).
public enum CSV {
    /// Reads every row of `path`.
    /// - Throws: `InputError` (file, line, column, expected vs found) for any malformed input;
    ///   a header-only file throws unless `options.allowEmpty`.
    /// - Complexity: O(file size); memory O(rows × features).
    public static func read(path: String, options: CSVReadOptions = CSVReadOptions()) throws -> Dataset {
        try CSVReader(path: path, options: options).readAll()
    }

    /// Reads every row of CSV text already in memory (`path` only names it in errors).
    public static func read(bytes: [UInt8], path: String = "<memory>", options: CSVReadOptions = CSVReadOptions()) throws -> Dataset {
        try CSVReader(bytes: bytes, path: path, options: options).readAll()
    }

    /// Reads every row of `path`, naming the label column and whether it must be there.
    public static func read(path: String, labelColumn: String? = "label", requireLabels: Bool = false,
                            allowEmpty: Bool = false, classCount: Int? = nil) throws -> Dataset {
        try read(path: path, options: CSVReadOptions(labelColumn: labelColumn, requireLabels: requireLabels,
                                                     allowEmpty: allowEmpty, classCount: classCount))
    }

    /// Writes `dataset` to `path` atomically: a header (names quoted only when
    /// they need it), then one row per example, features in shortest round-trip
    /// form, then the label column if the dataset has labels. LF line ends.
    /// - Throws: `InputError` if the directory does not exist or the write fails, or if
    ///   `labelColumn` clashes with a feature name.
    public static func write(_ dataset: Dataset, to path: String, labelColumn: String = "label") throws {
        if dataset.labels != nil, dataset.featureNames.contains(labelColumn) {
            throw InputError(file: path, "label column name '\(labelColumn)' is also a feature name; expected distinct names")
        }
        // Streamed about 4 MB at a time: the text of a large dataset is several times its size.
        try AtomicFile.write(to: path) { sink in
            try encode(dataset, labelColumn: labelColumn, chunkBytes: 1 << 22) { chunk in
                try chunk.withUnsafeBytes { try sink($0) }
            }
        }
    }

    /// The CSV text of `dataset` as UTF-8 bytes (what `write` puts in the file).
    public static func encode(_ dataset: Dataset, labelColumn: String = "label") -> [UInt8] {
        var whole: [UInt8] = []
        // A chunk size beyond any text: one call with everything.
        try? encode(dataset, labelColumn: labelColumn, chunkBytes: .max) { whole = $0 }
        return whole
    }

    /// The CSV text of `dataset`, handed to `emit` in pieces of whole rows of at least
    /// `chunkBytes` bytes (the last may be shorter).
    static func encode(_ dataset: Dataset, labelColumn: String, chunkBytes: Int,
                       emit: ([UInt8]) throws -> Void) throws {
        var out: [UInt8] = []
        let d = dataset.featureCount
        out.reserveCapacity(Swift.min(chunkBytes, 64 + dataset.rowCount * (d * 10 + 4)) + 64 * d)
        var header = dataset.featureNames
        if dataset.labels != nil { header.append(labelColumn) }
        out.append(contentsOf: header.map(quotedIfNeeded).joined(separator: ",").utf8)
        out.append(10)
        try dataset.features.scalars.withUnsafeBufferPointer { x in
            for r in 0 ..< dataset.rowCount {
                for c in 0 ..< d {
                    if c > 0 { out.append(44) }
                    appendNumber(x[r * d + c], to: &out)
                }
                if let labels = dataset.labels {
                    out.append(44)
                    out.append(contentsOf: String(labels[r]).utf8)
                }
                out.append(10)
                if out.count >= chunkBytes {
                    try emit(out)
                    out.removeAll(keepingCapacity: true)
                }
            }
        }
        if !out.isEmpty || dataset.rowCount == 0 { try emit(out) }
    }

    /// Appends the shortest decimal that reads back as exactly `value`
    /// (integers without a fraction: `0`, `1`, `-3`).
    static func appendNumber(_ value: Float, to out: inout [UInt8]) {
        if value == value.rounded(), abs(value) < 1e7 {
            out.append(contentsOf: String(Int(value)).utf8)
            if value == 0, value.sign == .minus { out.insert(45, at: out.count - 1) }
        } else {
            out.append(contentsOf: value.description.utf8)
        }
    }

    /// `name` as a header field: quoted when reading it back unquoted would change it
    /// (a comma, quote, line break, space or tab, or a leading U+FEFF that would pass for a BOM).
    static func quotedIfNeeded(_ name: String) -> String {
        // Unicode scalars, not Characters: " \u{301}" is one Character but starts with a space.
        let needs = name.unicodeScalars.contains(where: { ",\" \t\n\r".unicodeScalars.contains($0) })
            || name.unicodeScalars.first == "\u{FEFF}"
        guard needs else { return name }
        // Double each quote scalar by hand: `replacingOccurrences` matches whole Characters,
        // so it skips a quote that a combining mark joins (`"\u{312}`).
        var quoted = String.UnicodeScalarView()
        quoted.append("\"")
        for scalar in name.unicodeScalars {
            if scalar == "\"" { quoted.append(scalar) }
            quoted.append(scalar)
        }
        quoted.append("\"")
        return String(quoted)
    }

    /// Reads a training file whose labels may be class names (`"no"`, `"yes"`): when every label
    /// is a class index it is read as usual and `names` is nil; otherwise the classes are the
    /// distinct label texts in sorted (byte) order — the documented, stable order `train` records
    /// in the model file — and each label is the index of its text.
    public static func readNamingLabels(path: String, options: CSVReadOptions) throws -> (dataset: Dataset, names: [String]?) {
        var collecting = options
        collecting.collectsLabelNames = true
        let reader = try CSVReader(path: path, options: collecting)
        var dataset = try reader.readAll()
        guard reader.sawNonIntegerLabel, dataset.labels != nil else { return (dataset, nil) }
        let names = Array(Set(reader.labelTexts)).sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
        guard names.count >= 1, names.count <= Dataset.maximumClassCount else {
            throw InputError(file: path, "expected at most \(Dataset.maximumClassCount) distinct class names, found \(names.count)")
        }
        let index = Dictionary(uniqueKeysWithValues: names.enumerated().map { ($1, $0) })
        dataset = Dataset(features: dataset.features, labels: reader.labelTexts.map { index[$0]! }, featureNames: dataset.featureNames,
                          classCount: names.count, modes: dataset.modes)
        return (dataset, names)
    }
}
