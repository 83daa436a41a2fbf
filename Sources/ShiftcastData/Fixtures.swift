import Foundation

/// Finding the data files committed under `Fixtures/` in the repository.
///
/// Search order for `Fixtures/<relative>`:
/// 1. the directory named by the `SHIFTCAST_FIXTURES` environment variable (it replaces `Fixtures/`);
/// 2. the repository this source file was compiled from (`#filePath`, three levels up) —
///    this is what tests use, whatever the current directory;
/// 3. the current directory and each of its parents (for the CLI run inside a checkout).
public enum Fixtures {
    /// The folder that holds `train.csv`, `validation.csv`, `test.csv` of the digits fixture, if found.
    public static var digitsDirectory: String? { locate("digits", containing: "train.csv") }

    /// The path of `Fixtures/<relative>` if it exists and holds `marker`.
    public static func locate(_ relative: String, containing marker: String,
                              currentDirectory: String = FileManager.default.currentDirectoryPath) -> String? {
        var candidates: [String] = []
        if let root = ProcessInfo.processInfo.environment["SHIFTCAST_FIXTURES"], !root.isEmpty {
            candidates.append(root + "/" + relative)
        }
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0 ..< 3 { url.deleteLastPathComponent() }
        candidates.append(url.path + "/Fixtures/" + relative)
        var directory = URL(fileURLWithPath: currentDirectory)
        while true {
            candidates.append(directory.path + "/Fixtures/" + relative)
            let parent = directory.deletingLastPathComponent()
            if parent.path == directory.path || directory.path == "/" { break }
            directory = parent
        }
        return candidates.first { FileManager.default.fileExists(atPath: $0 + "/" + marker) }
    }

    /// The three digits splits (pixels p0…p63 in [0, 1], `label` 0…9; 1,078 / 359 / 360 rows).
    /// - Throws: `InputError` if the fixture cannot be found or read.
    public static func loadDigits() throws -> (train: Dataset, validation: Dataset, test: Dataset) {
        guard let directory = digitsDirectory else {
            throw InputError(file: "Fixtures/digits", "expected the digits fixture (train.csv) under Fixtures/digits in this checkout, or in $SHIFTCAST_FIXTURES/digits; found none")
        }
        let options = CSVReadOptions(requireLabels: true, classCount: 10)
        return (try CSV.read(path: directory + "/train.csv", options: options),
                try CSV.read(path: directory + "/validation.csv", options: options),
                try CSV.read(path: directory + "/test.csv", options: options))
    }
}
