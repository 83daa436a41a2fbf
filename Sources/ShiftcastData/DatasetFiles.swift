import Foundation

/// Loading a dataset from the files a user names on the command line.
public enum DatasetFiles {
    /// Reads features (and labels) from `path`, choosing the reader by `format(of:)`.
    ///
    /// - `.csv`: features and, if present, the label column (`options.labelColumn`).
    /// - `.npy`: a 2-D float feature matrix; labels come from `labelsPath` (a 1-D
    ///   integer `.npy`, or a CSV whose label column is read) when given.
    /// Feature names of an `.npy` file are `x0, x1, …`.
    /// - Throws: `InputError` for an unknown extension, a row-count mismatch between
    ///   features and labels, missing labels when `options.requireLabels`, or any reader error.
    ///   The feature file is checked whole before the labels file.
    public static func read(path: String, labelsPath: String? = nil,
                            options: CSVReadOptions = CSVReadOptions()) throws -> Dataset {
        guard let labelsPath else { return try DatasetStream(path: path, options: options).readAll() }
        var featureOptions = options
        featureOptions.requireLabels = false
        let features = try DatasetStream(path: path, options: featureOptions).readAll()
        if features.labels != nil {
            throw DatasetStream.twoLabelSources(path, labelsPath, column: options.labelColumn)
        }
        let labels = try DatasetStream.readLabelsFile(labelsPath, options: options)
        guard labels.count == features.rowCount else {
            throw DatasetStream.labelCountError(labelsPath, rows: features.rowCount, labels: labels.count, featuresPath: path)
        }
        return Dataset(features: features.features, labels: labels, featureNames: features.featureNames,
                       classCount: options.classCount)
    }

    /// The two formats of a data file.
    public enum Format: Sendable { case csv, npy }

    /// The format of the data file `path`: by its extension (`.csv`, `.npy`, any case); a
    /// path without one — `/dev/stdin`, `<(zcat x.csv)`, `data` — is an `.npy` file if a
    /// regular file that starts with NPY's magic bytes, and CSV otherwise (a stream cannot be
    /// looked into without consuming it, and `.npy` data must be a regular file anyway: its
    /// readers use the file's size and offsets).
    /// - Throws: `InputError` for another extension, or a path that does not exist.
    public static func format(of path: String) throws -> Format {
        switch fileExtension(path) {
        case "csv": return .csv
        case "npy": return .npy
        case "": return try startsWithNPYMagic(path) ? .npy : .csv
        case let other:
            throw InputError(file: path, "expected a .csv or .npy file (or a name without an extension, read as CSV), found extension '\(other)'")
        }
    }

    /// Whether the regular file `path` begins with `\x93NUMPY`; `false` for a stream, which
    /// is not read.
    static func startsWithNPYMagic(_ path: String) throws -> Bool {
        try RegularFile.requireExisting(path)
        guard !RegularFile.isStream(path), let handle = FileHandle(forReadingAtPath: path) else { return false }
        defer { try? handle.close() }
        let head = (try? handle.read(upToCount: NPYHeader.magic.count)) ?? Data()
        return Array(head) == NPYHeader.magic
    }

    /// The lowercased extension of the last path component ("" for none or a leading dot only).
    public static func fileExtension(_ path: String) -> String {
        // A leading dot names a hidden file (".data"), not an extension.
        guard let name = path.split(separator: "/").last, let dot = name.lastIndex(of: "."), dot != name.startIndex else { return "" }
        return String(name[name.index(after: dot)...]).lowercased()
    }
}
