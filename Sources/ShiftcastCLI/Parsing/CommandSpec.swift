/// A declarative description of a command: its help text, its options and how it runs.
/// In the spirit of swift-argument-parser, without the dependency.
public struct CommandSpec: Sendable {
    public var name: String
    public var abstract: String
    public var discussion: String
    /// The usage line after the command path, e.g. `--model <path> --target <path> [<options>]`.
    public var usage: String
    public var options: [OptionSpec]
    /// Positional arguments (name, help), all strings; the last one may be variadic.
    public var arguments: [(name: String, help: String, variadic: Bool)]
    public var subcommands: [CommandSpec]
    /// Runs the command; nil for a command that only groups subcommands.
    public var run: (@Sendable (ParsedArguments, Console) throws -> Int32)?

    public init(name: String, abstract: String, discussion: String = "", usage: String = "",
                options: [OptionSpec] = [], arguments: [(name: String, help: String, variadic: Bool)] = [],
                subcommands: [CommandSpec] = [], run: (@Sendable (ParsedArguments, Console) throws -> Int32)? = nil) {
        self.name = name
        self.abstract = abstract
        self.discussion = discussion
        self.usage = usage
        self.options = options
        self.arguments = arguments
        self.subcommands = subcommands
        self.run = run
    }
}

/// One option or flag.
public struct OptionSpec: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        /// Present or absent.
        case flag
        /// Takes one value; given at most once.
        case single
        /// Takes one value each time; may be given several times (kept in order).
        case repeated
    }

    /// The long name without dashes (`seed` for `--seed`).
    public var name: String
    public var short: Character?
    public var kind: Kind
    public var valueName: String
    public var help: String
    /// Shown as `(default: …)` in the help.
    public var defaultValue: String?

    public static func flag(_ name: String, short: Character? = nil, help: String) -> OptionSpec {
        OptionSpec(name: name, short: short, kind: .flag, valueName: "", help: help, defaultValue: nil)
    }

    public static func option(_ name: String, short: Character? = nil, value: String, help: String, default defaultValue: String? = nil) -> OptionSpec {
        OptionSpec(name: name, short: short, kind: .single, valueName: value, help: help, defaultValue: defaultValue)
    }

    public static func repeated(_ name: String, value: String, help: String) -> OptionSpec {
        OptionSpec(name: name, short: nil, kind: .repeated, valueName: value, help: help, defaultValue: nil)
    }
}

/// A usage error: wrong words on the command line (exit status 64).
public struct UsageError: Error, Sendable, Equatable {
    public var message: String
    /// The command path the error is about, e.g. `["train"]`.
    public var command: [String]
    public init(_ message: String, command: [String] = []) {
        self.message = message
        self.command = command
    }
}
