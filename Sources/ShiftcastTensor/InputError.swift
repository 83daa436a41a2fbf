/// A problem with data that came from outside the program (a file, a flag, an array).
///
/// Every reader in shiftcast throws this, so the command line can print one
/// line in the compiler-diagnostic shape that editors understand:
///
///     data/val.csv:12:3: error: column 'x3': expected a number, found "abc"
///     model.safetensors: error: tensor '0.weight': expected shape [64, 10], found [64, 12]
///
/// `message` should say what was expected and what was found.
public struct InputError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file (or flag, e.g. `--target-probs`) the problem is in, if any.
    public var file: String?
    /// 1-based line (row in the file, counting the header), if meaningful.
    public var line: Int?
    /// 1-based column, if meaningful.
    public var column: Int?
    /// What was expected and what was found.
    public var message: String

    public init(file: String? = nil, line: Int? = nil, column: Int? = nil, _ message: String) {
        self.file = file
        self.line = line
        self.column = column
        self.message = message
    }

    public var description: String {
        var location = file ?? ""
        if let line { location += ":\(line)" }
        if let column { location += ":\(column)" }
        return location.isEmpty ? "error: \(message)" : "\(location): error: \(message)"
    }

    /// The same error attributed to `file` (used when a lower layer did not know the path).
    public func inFile(_ file: String) -> InputError {
        var copy = self
        if copy.file == nil { copy.file = file }
        return copy
    }
}
