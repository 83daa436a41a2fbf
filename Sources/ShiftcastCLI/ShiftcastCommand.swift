import Foundation
import ShiftcastTensor

/// The `shiftcast` command: dispatches to subcommands, prints help and errors the way
/// swift-argument-parser does, and maps failures to exit codes:
/// 0 success, 1 failure (bad input file, runtime error), 64 usage error.
public enum ShiftcastCommand {
    public static let version = "0.1.0"

    /// Exit status for usage errors (BSD `EX_USAGE`).
    public static let usageErrorStatus: Int32 = 64

    /// The command tree.
    public static var root: CommandSpec {
        CommandSpec(
            name: "shiftcast",
            abstract: "Predict a classifier's accuracy on unlabeled, distribution-shifted data, and compare the estimators that do it.",
            discussion: """
              Point shiftcast at a model, a labeled in-distribution validation set and an unlabeled target set,
              and it prints the accuracy predicted by every estimator (AC, DoC, ATC, COT, nuclear norm, IM, GDE,
              ALine, ProjNorm) side by side. With target labels (compare) it also shows each estimator's error.
              Start with 'shiftcast demo'.
              """,
            subcommands: [DemoCommand.spec, TrainCommand.spec, PredictCommand.spec(compare: false), PredictCommand.spec(compare: true),
                          InspectCommand.spec, MeasuresCommand.spec, ShiftCommand.spec, BenchCommand.spec, StudyCommand.spec, PerfCommand.spec])
    }

    /// Runs with the process's streams and returns the exit status.
    public static func main(arguments: [String]) -> Int32 {
        run(arguments: arguments, console: .standard())
    }

    /// Runs in-process; tests pass `Console.capturing()` and read what was written.
    public static func run(arguments: [String], console: Console) -> Int32 {
        run(arguments: arguments, console: console, execute: true)
    }

    /// Resolves the command, prints help or usage errors, and parses the options — but does not
    /// run the command (status 0 when everything parsed). The argument-parser fuzz harness uses it.
    public static func parseOnly(arguments: [String], console: Console) -> Int32 {
        run(arguments: arguments, console: console, execute: false)
    }

    static func run(arguments: [String], console: Console, execute: Bool) -> Int32 {
        var spec = root
        var path: [String] = []
        var words = arguments[...]
        if words.first == "--version" {
            if let extra = words.dropFirst().first {
                return usageError(UsageError("'--version' takes no arguments, found '\(extra)'", command: []), console: console)
            }
            console.out("\(version)\n"); return 0
        }
        if words.isEmpty { console.out(HelpFormatter.help(for: spec, path: [])); return 0 }
        if words.first == "help" {
            words = words.dropFirst()
            while let w = words.first, let sub = spec.subcommands.first(where: { $0.name == w }) {
                spec = sub; path.append(w); words = words.dropFirst()
            }
            if let w = words.first {
                return usageError(UsageError(unknownSubcommandMessage(w, spec), command: path), console: console)
            }
            console.out(HelpFormatter.help(for: spec, path: path))
            return 0
        }
        while let w = words.first, !w.hasPrefix("-") {
            if let sub = spec.subcommands.first(where: { $0.name == w }) {
                spec = sub; path.append(w); words = words.dropFirst()
            } else if !spec.subcommands.isEmpty && (spec.run == nil || spec.arguments.isEmpty) {
                return usageError(UsageError(unknownSubcommandMessage(w, spec), command: path), console: console)
            } else { break }
        }
        let rest = Array(words)
        let beforeTerminator = rest.prefix { $0 != "--" }
        if beforeTerminator.contains("--help") || beforeTerminator.contains("-h") {
            console.out(HelpFormatter.help(for: spec, path: path))
            return 0
        }
        guard let run = spec.run else {
            if path.isEmpty { console.out(HelpFormatter.help(for: spec, path: path)); return 0 }
            return usageError(UsageError("Missing subcommand: expected one of \(spec.subcommands.map(\.name).joined(separator: ", "))", command: path), console: console)
        }
        do {
            let parsed = try ArgumentParser.parse(rest, spec: spec, path: path)
            return execute ? try run(parsed, console) : 0
        } catch let error as UsageError {
            return usageError(error, console: console)
        } catch let error as InputError {
            // With a file: the compiler-diagnostic shape `path:line:column: error: message`,
            // which editors and CI logs link to; without one: `Error: message`.
            console.err(error.file == nil ? "Error: \(error.message)\n" : "\(error.description)\n")
            return 1
        } catch {
            console.err("Error: \(error)\n")
            return 1
        }
    }

    static func unknownSubcommandMessage(_ word: String, _ spec: CommandSpec) -> String {
        var message = "Unknown subcommand '\(word)'"
        if let close = Suggestions.closest(to: word, among: spec.subcommands.map(\.name)) { message += ". Did you mean '\(close)'?" }
        return message
    }

    static func usageError(_ error: UsageError, console: Console) -> Int32 {
        var spec = root
        for name in error.command { if let sub = spec.subcommands.first(where: { $0.name == name }) { spec = sub } }
        let commandText = (["shiftcast"] + error.command).joined(separator: " ")
        console.err("Error: \(error.message)\nUsage: \(HelpFormatter.usage(for: spec, path: error.command))\n  See '\(commandText) --help' for more information.\n")
        return usageErrorStatus
    }
}
