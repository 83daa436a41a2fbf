/// A plain-text table: a header, a rule, aligned columns (numbers right-aligned).
public struct TextTable: Sendable {
    public var headers: [String]
    public var rows: [[String]]
    /// Columns to right-align (numbers).
    public var rightAligned: Set<Int>

    public init(headers: [String], rows: [[String]] = [], rightAligned: Set<Int> = []) {
        self.headers = headers
        self.rows = rows
        self.rightAligned = rightAligned
    }

    public func rendered() -> String {
        let columns = headers.count
        var widths = headers.map(\.count)
        for row in rows { for (j, cell) in row.prefix(columns).enumerated() { widths[j] = max(widths[j], cell.count) } }
        func line(_ cells: [String]) -> String {
            (0 ..< columns).map { j in
                let cell = j < cells.count ? cells[j] : ""
                let pad = String(repeating: " ", count: widths[j] - cell.count)
                return rightAligned.contains(j) ? pad + cell : cell + pad
            }.joined(separator: "  ").replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression)
        }
        var out = line(headers) + "\n" + widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ") + "\n"
        for row in rows { out += line(row) + "\n" }
        return out
    }
}

/// RFC 4180 CSV: fields with commas, quotes or line breaks are quoted, quotes doubled.
public enum CSVText {
    public static func field(_ s: String) -> String {
        s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" })
            ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s
    }

    public static func line(_ fields: [String]) -> String { fields.map(field).joined(separator: ",") + "\n" }
}

import Foundation
