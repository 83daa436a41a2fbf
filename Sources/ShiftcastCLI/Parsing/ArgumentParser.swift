/// Turns argument words into `ParsedArguments` for a `CommandSpec`.
enum ArgumentParser {
    /// Parses `words` (after the command path) for `spec`.
    static func parse(_ words: [String], spec: CommandSpec, path: [String]) throws -> ParsedArguments {
        var values: [String: [String]] = [:]
        var flags: Set<String> = []
        var positionals: [String] = []
        var i = 0
        let byLong = Dictionary(uniqueKeysWithValues: spec.options.map { ($0.name, $0) })
        while i < words.count {
            let word = words[i]
            i += 1
            if word == "--" { positionals += words[i...]; break }
            guard word.hasPrefix("-"), word != "-" else { positionals.append(word); continue }
            var name: String
            var inlineValue: String? = nil
            if word.hasPrefix("--") {
                name = String(word.dropFirst(2))
                if let eq = name.firstIndex(of: "=") {
                    inlineValue = String(name[name.index(after: eq)...])
                    name = String(name[..<eq])
                }
            } else {
                guard word.count == 2, let option = spec.options.first(where: { $0.short == word.last }) else {
                    throw unknownOption(word, spec: spec, path: path)
                }
                name = option.name
            }
            guard let option = byLong[name] else { throw unknownOption(word, spec: spec, path: path) }
            switch option.kind {
            case .flag:
                if inlineValue != nil { throw UsageError("The flag '--\(name)' does not take a value", command: path) }
                flags.insert(name)
            case .single, .repeated:
                let value: String
                if let inlineValue { value = inlineValue } else {
                    guard i < words.count else { throw UsageError("Missing value for '--\(name) <\(option.valueName)>'", command: path) }
                    value = words[i]
                    i += 1
                }
                if option.kind == .single, values[name] != nil {
                    throw UsageError("The option '--\(name)' was given more than once", command: path)
                }
                values[name, default: []].append(value)
            }
        }
        let allowed = spec.arguments.count
        let variadic = spec.arguments.last?.variadic ?? false
        if positionals.count > allowed && !variadic {
            throw UsageError("Unexpected argument '\(positionals[allowed])'", command: path)
        }
        return ParsedArguments(command: path, values: values, flags: flags, positionals: positionals)
    }

    static func unknownOption(_ word: String, spec: CommandSpec, path: [String]) -> UsageError {
        let bare = word.hasPrefix("--") ? String(word.dropFirst(2).prefix { $0 != "=" }) : String(word.dropFirst())
        var message = "Unknown option '\(word)'"
        if let close = Suggestions.closest(to: bare, among: spec.options.map(\.name) + ["help"]) { message += ". Did you mean '--\(close)'?" }
        return UsageError(message, command: path)
    }
}
