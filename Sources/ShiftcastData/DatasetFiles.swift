/// Loading a dataset from the files a user names on the command line.
public enum DatasetFiles {
    /// Reads features (and labels) from `path`, choosing the reader by extension.
    ///
    /// - `.csv`: features and, if present, the label column (`options.labelColumn`).
    /// - `.npy`: a 2-D float feature matrix; labels come from `labelsPath` (a 1-D
    ///   integer `.npy`, or a CSV whose label column is read) when given.
    /// Feature names of an `.npy` file are `x0, x1, …`.
    /// - Throws: `InputError` for an unknown extension, a row-count mismatch between
    ///   features and labels, missing labels when `options.requireLabels`, or any reader error.
    public static func read(path: String, labelsPath: String? = nil,
                            options: CSVReadOptions = CSVReadOptions()) throws -> Dataset {
        try DatasetStream(path: path, labelsPath: labelsPath, options: options).readAll()
    }

    static func fileExtension(_ path: String) -> String {
        guard let name = path.split(separator: "/").last, let dot = name.lastIndex(of: ".") else { return "" }
        return String(name[name.index(after: dot)...]).lowercased()
    }
}
