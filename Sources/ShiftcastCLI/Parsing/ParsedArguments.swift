/// The values given on the command line for one command, with typed accessors that turn bad
/// values into usage errors naming the option.
public struct ParsedArguments: Sendable {
    public let command: [String]
    var values: [String: [String]]
    var flags: Set<String>
    public let positionals: [String]

    public func has(_ name: String) -> Bool { flags.contains(name) || values[name] != nil }
    public func flag(_ name: String) -> Bool { flags.contains(name) }

    /// The value of a single-valued option, or nil.
    public func string(_ name: String) -> String? { values[name]?.last }

    /// All values of a repeated option, in order.
    public func strings(_ name: String) -> [String] { values[name] ?? [] }

    public func required(_ name: String) throws -> String {
        guard let v = string(name) else { throw UsageError("Missing expected argument '--\(name)'", command: command) }
        return v
    }

    public func int(_ name: String, default defaultValue: Int? = nil, range: ClosedRange<Int>? = nil) throws -> Int? {
        guard let text = string(name) else { return defaultValue }
        guard let v = Int(text) else { throw UsageError("The value '\(text)' is invalid for '--\(name)': expected an integer", command: command) }
        if let range, !range.contains(v) {
            throw UsageError("The value '\(text)' is invalid for '--\(name)': expected \(range.lowerBound)…\(range.upperBound)", command: command)
        }
        return v
    }

    public func uint64(_ name: String, default defaultValue: UInt64) throws -> UInt64 {
        guard let text = string(name) else { return defaultValue }
        guard let v = UInt64(text) else { throw UsageError("The value '\(text)' is invalid for '--\(name)': expected a non-negative integer", command: command) }
        return v
    }

    public func double(_ name: String, default defaultValue: Double? = nil, positive: Bool = false) throws -> Double? {
        guard let text = string(name) else { return defaultValue }
        guard let v = Double(text), v.isFinite, !positive || v > 0 else {
            throw UsageError("The value '\(text)' is invalid for '--\(name)': expected a \(positive ? "positive " : "")number", command: command)
        }
        return v
    }

    /// A comma-separated list of positive integers (`--hidden 128,128`); an empty string is an empty list.
    public func intList(_ name: String, default defaultValue: [Int]) throws -> [Int] {
        guard let text = string(name) else { return defaultValue }
        if text.isEmpty { return [] }
        let parts = text.split(separator: ",", omittingEmptySubsequences: false)
        let values = parts.map { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard values.allSatisfy({ ($0 ?? 0) > 0 }) else {
            throw UsageError("The value '\(text)' is invalid for '--\(name)': expected comma-separated positive integers, e.g. 128,128", command: command)
        }
        return values.map { $0! }
    }

    /// One of `choices`.
    public func choice(_ name: String, _ choices: [String], default defaultValue: String) throws -> String {
        guard let text = string(name) else { return defaultValue }
        guard choices.contains(text) else {
            var message = "The value '\(text)' is invalid for '--\(name)': expected one of \(choices.joined(separator: ", "))"
            if let close = Suggestions.closest(to: text, among: choices) { message += ". Did you mean '\(close)'?" }
            throw UsageError(message, command: command)
        }
        return text
    }

    /// Throws if more than one of `names` was given.
    public func exclusive(_ names: [String]) throws {
        let given = names.filter(has)
        if given.count > 1 {
            throw UsageError("\(given.map { "'--\($0)'" }.joined(separator: " and ")) cannot be used together", command: command)
        }
    }
}

import Foundation
