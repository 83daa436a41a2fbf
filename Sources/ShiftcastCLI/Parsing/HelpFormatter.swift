/// Help text in swift-argument-parser's layout: OVERVIEW, USAGE, ARGUMENTS, OPTIONS, SUBCOMMANDS.
enum HelpFormatter {
    static func help(for spec: CommandSpec, path: [String]) -> String {
        var out = "OVERVIEW: \(spec.abstract)\n"
        if !spec.discussion.isEmpty { out += "\n" + spec.discussion + "\n" }
        out += "\nUSAGE: \(usage(for: spec, path: path))\n"
        if !spec.arguments.isEmpty {
            out += "\nARGUMENTS:\n"
            for a in spec.arguments { out += row("<\(a.name)>\(a.variadic ? " ..." : "")", a.help) }
        }
        out += "\nOPTIONS:\n"
        for o in spec.options {
            var left = o.short.map { "-\($0), " } ?? ""
            left += "--\(o.name)"
            if o.kind != .flag { left += " <\(o.valueName)>" }
            var text = o.help
            if let d = o.defaultValue { text += " (default: \(d))" }
            if o.kind == .repeated { text += " (can be repeated)" }
            out += row(left, text)
        }
        if path.isEmpty { out += row("--version", "Show the version.") }
        out += row("-h, --help", "Show help information.")
        if !spec.subcommands.isEmpty {
            out += "\nSUBCOMMANDS:\n"
            for s in spec.subcommands { out += row(s.name, s.abstract) }
            out += "\n  See '\((["shiftcast", "help"] + path).joined(separator: " ")) <subcommand>' for detailed help.\n"
        }
        return out
    }

    static func usage(for spec: CommandSpec, path: [String]) -> String {
        let prefix = (["shiftcast"] + path).joined(separator: " ")
        if !spec.usage.isEmpty { return "\(prefix) \(spec.usage)" }
        return spec.subcommands.isEmpty ? "\(prefix) [<options>]" : "\(prefix) <subcommand>"
    }

    /// `text` as lines of at most `width` characters, each indented by `indent` spaces.
    static func paragraph(_ text: String, indent: Int = 2, width: Int = 100) -> String {
        var lines: [String] = [], line = ""
        for word in text.split(separator: " ") {
            if !line.isEmpty && indent + line.count + 1 + word.count > width { lines.append(line); line = "" }
            line += (line.isEmpty ? "" : " ") + word
        }
        if !line.isEmpty { lines.append(line) }
        return lines.map { String(repeating: " ", count: indent) + $0 }.joined(separator: "\n")
    }

    /// An indented two-column row, wrapping the right column at 80 characters.
    static func row(_ left: String, _ right: String) -> String {
        let indent = 26
        var line = "  " + left
        if line.count >= indent { line += "\n" + String(repeating: " ", count: indent) } else {
            line += String(repeating: " ", count: indent - line.count)
        }
        var column = indent
        var first = true
        for word in right.split(separator: " ") {
            if !first && column + word.count + 1 > 80 {
                line += "\n" + String(repeating: " ", count: indent)
                column = indent
                first = true
            }
            line += (first ? "" : " ") + word
            column += word.count + (first ? 0 : 1)
            first = false
        }
        return line + "\n"
    }
}
