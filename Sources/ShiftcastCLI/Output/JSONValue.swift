import ShiftcastTensor

/// A JSON value with ordered object keys and deterministic number formatting, so that
/// `--format json` output is byte-stable and machine-readable.
///
/// Numbers print as Swift's shortest round-trip representation (`0.8312`, `1e-05`); integers
/// without a decimal point; NaN and infinities as `null` (JSON has no such numbers).
public indirect enum JSONValue: Sendable, Equatable {
    case object([(String, JSONValue)])
    case array([JSONValue])
    case string(String)
    case number(Double)
    case integer(Int)
    case bool(Bool)
    case null

    public static func == (a: JSONValue, b: JSONValue) -> Bool { a.rendered() == b.rendered() }

    /// An optional number: `null` when nil.
    public static func number(_ x: Double?) -> JSONValue { x.map { .number($0) } ?? .null }

    /// Compact (one line) or indented text.
    public func rendered(pretty: Bool = true) -> String {
        var out = ""
        write(into: &out, indent: pretty ? 0 : nil)
        return out
    }

    private func write(into out: inout String, indent: Int?) {
        let newline = indent.map { "\n" + String(repeating: "  ", count: $0 + 1) } ?? ""
        let close = indent.map { "\n" + String(repeating: "  ", count: $0) } ?? ""
        let next = indent.map { $0 + 1 }
        switch self {
        case let .object(pairs):
            if pairs.isEmpty { out += "{}"; return }
            out += "{"
            for (i, (key, value)) in pairs.enumerated() {
                out += (i > 0 ? "," : "") + newline + Self.quote(key) + (indent == nil ? ":" : ": ")
                value.write(into: &out, indent: next)
            }
            out += close + "}"
        case let .array(items):
            if items.isEmpty { out += "[]"; return }
            out += "["
            for (i, item) in items.enumerated() {
                out += (i > 0 ? "," : "") + newline
                item.write(into: &out, indent: next)
            }
            out += close + "]"
        case let .string(s): out += Self.quote(s)
        case let .number(x):
            if !x.isFinite { out += "null" } else if x == x.rounded(), abs(x) < 1e15 { out += "\(Int(x))" } else { out += "\(x)" }
        case let .integer(i): out += "\(i)"
        case let .bool(b): out += b ? "true" : "false"
        case .null: out += "null"
        }
    }

    static func quote(_ s: String) -> String { JSONText.quoted(s) }
}
