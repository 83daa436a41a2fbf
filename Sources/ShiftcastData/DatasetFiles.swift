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
        var dataset: Dataset
        switch fileExtension(path) {
        case "csv":
            var csvOptions = options
            if labelsPath != nil { csvOptions.requireLabels = false }
            dataset = try CSV.read(path: path, options: csvOptions)
        case "npy":
            let features = try NPY.readMatrix(path: path)
            if features.shape[0] == 0 && !options.allowEmpty {
                throw InputError(file: path, "expected at least one row, found shape (0, \(features.shape[1]))")
            }
            dataset = Dataset(features: features, classCount: options.classCount)
        default:
            throw InputError(file: path, "expected a .csv or .npy file, found extension '\(fileExtension(path))'")
        }
        if let labelsPath {
            let labels: [Int]
            if fileExtension(labelsPath) == "npy" {
                labels = try NPY.readLabels(path: labelsPath)
            } else {
                var labelOptions = options
                labelOptions.requireLabels = true
                guard let read = try CSV.read(path: labelsPath, options: labelOptions).labels else {
                    throw InputError(file: labelsPath, "expected a label column")
                }
                labels = read
            }
            guard labels.count == dataset.rowCount else {
                throw InputError(file: labelsPath, "expected \(dataset.rowCount) labels (one per row of \(path)), found \(labels.count)")
            }
            let needed = (labels.max() ?? -1) + 1
            if let classCount = options.classCount, needed > classCount {
                throw InputError(file: labelsPath, "expected class indices below \(classCount), found \(needed - 1)")
            }
            dataset = Dataset(features: dataset.features, labels: labels, featureNames: dataset.featureNames,
                              classCount: options.classCount)
        }
        if options.requireLabels && dataset.labels == nil {
            throw InputError(file: path, "expected labels (a '\(options.labelColumn ?? "label")' column, or a labels file), found none")
        }
        return dataset
    }

    static func fileExtension(_ path: String) -> String {
        guard let name = path.split(separator: "/").last, let dot = name.lastIndex(of: ".") else { return "" }
        return String(name[name.index(after: dot)...]).lowercased()
    }
}
