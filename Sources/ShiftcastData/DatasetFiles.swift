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
    ///   The feature file is checked whole before the labels file.
    public static func read(path: String, labelsPath: String? = nil,
                            options: CSVReadOptions = CSVReadOptions()) throws -> Dataset {
        guard let labelsPath else { return try DatasetStream(path: path, options: options).readAll() }
        var featureOptions = options
        featureOptions.requireLabels = false
        let features = try DatasetStream(path: path, options: featureOptions).readAll()
        let labels = try DatasetStream.readLabelsFile(labelsPath, options: options)
        guard labels.count == features.rowCount else {
            throw DatasetStream.labelCountError(labelsPath, rows: features.rowCount, labels: labels.count, featuresPath: path)
        }
        return Dataset(features: features.features, labels: labels, featureNames: features.featureNames,
                       classCount: options.classCount)
    }

    static func fileExtension(_ path: String) -> String {
        guard let name = path.split(separator: "/").last, let dot = name.lastIndex(of: ".") else { return "" }
        return String(name[name.index(after: dot)...]).lowercased()
    }
}
