import Foundation
import ShiftcastEstimators

/// The `--chunk-size … --plot` figure: each estimator's estimate over the chunks with its band
/// (the headline's interval; ± one standard error for the others), the validation accuracy as a
/// dashed reference line, and the realised accuracy where labels exist (`compare`).
enum ChunkPlot {
    static let palette = ["#1f77b4", "#ff7f0e", "#2ca02c", "#9467bd", "#8c564b", "#e377c2", "#17becf", "#bcbd22",
                          "#7f7f7f", "#393b79", "#637939", "#8c6d31", "#843c39", "#7b4173", "#3182bd", "#e6550d", "#31a354", "#756bb1"]

    static func svg(chunks: [PredictCommand.Chunk], sourceAccuracy: Double?, title: String) -> String {
        let left = 60.0, top = 40.0, height = 280.0, width = max(360.0, 40.0 * Double(chunks.count)), legendWidth = 150.0
        func x(_ i: Int) -> Double { left + (chunks.count == 1 ? width / 2 : Double(i) * width / Double(chunks.count - 1)) }
        func y(_ a: Double) -> Double { top + (1 - min(max(a, 0), 1)) * height }
        func f(_ v: Double) -> String { String(format: "%.1f", v) }
        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(f(left + width + legendWidth + 30))\" height=\"\(f(top + height + 50))\" font-family=\"sans-serif\" font-size=\"11\">\n"
        svg += "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
        svg += "<text x=\"10\" y=\"20\" font-weight=\"bold\">Estimated accuracy by chunk: \(XMLText.escaped(title))</text>\n"
        for tick in stride(from: 0.0, through: 1.0, by: 0.25) {
            svg += "<line x1=\"\(f(left))\" y1=\"\(f(y(tick)))\" x2=\"\(f(left + width))\" y2=\"\(f(y(tick)))\" stroke=\"#eee\"/>"
            svg += "<text x=\"\(f(left - 6))\" y=\"\(f(y(tick) + 4))\" text-anchor=\"end\">\(String(format: "%.2f", tick))</text>\n"
        }
        for (i, c) in chunks.enumerated() where chunks.count <= 40 || i % (chunks.count / 20) == 0 {
            svg += "<text x=\"\(f(x(i)))\" y=\"\(f(top + height + 16))\" text-anchor=\"middle\">\(XMLText.escaped(c.key))</text>\n"
        }
        var legend: [(String, String, Bool)] = []
        if let s = sourceAccuracy {
            svg += "<line x1=\"\(f(left))\" y1=\"\(f(y(s)))\" x2=\"\(f(left + width))\" y2=\"\(f(y(s)))\" stroke=\"#555\" stroke-dasharray=\"5,4\"/>\n"
            legend.append(("validation accuracy", "#555", true))
        }
        let names = chunks.flatMap { $0.estimates.map(\.estimator) }.reduce(into: [EstimatorID]()) { if !$0.contains($1) { $0.append($1) } }
        for (n, id) in names.enumerated() {
            let color = palette[n % palette.count]
            let points = chunks.enumerated().compactMap { i, c -> (Int, Estimate)? in
                c.estimates.first { $0.estimator == id && $0.accuracy != nil }.map { (i, $0) }
            }
            guard !points.isEmpty else { continue }
            let band: [(Int, Double, Double)] = points.compactMap { i, e in
                if let low = e.intervalLow, let high = e.intervalHigh { return (i, low, high) }
                if let a = e.accuracy, let se = e.standardError, se.isFinite { return (i, a - se, a + se) }
                return nil
            }
            if band.count == points.count, band.count > 1 {
                let upper = band.map { "\(f(x($0.0))),\(f(y($0.2)))" }, lower = band.reversed().map { "\(f(x($0.0))),\(f(y($0.1)))" }
                svg += "<polygon points=\"\((upper + lower).joined(separator: " "))\" fill=\"\(color)\" fill-opacity=\"0.12\" stroke=\"none\"/>\n"
            }
            svg += "<polyline points=\"\(points.map { "\(f(x($0.0))),\(f(y($0.1.accuracy!)))" }.joined(separator: " "))\" fill=\"none\" stroke=\"\(color)\" stroke-width=\"\(id == .meta ? 2.5 : 1.2)\"/>\n"
            legend.append((id.name, color, false))
        }
        let truth = chunks.enumerated().compactMap { i, c in c.trueAccuracy.map { (i, $0) } }
        if !truth.isEmpty {
            for (i, t) in truth { svg += "<circle cx=\"\(f(x(i)))\" cy=\"\(f(y(t)))\" r=\"3.5\" fill=\"black\"/>" }
            svg += "\n"
            legend.append(("realised accuracy", "dot", false))
        }
        for (i, item) in legend.enumerated() {
            let ly = top + 14 * Double(i)
            if item.1 == "dot" {
                svg += "<circle cx=\"\(f(left + width + 30))\" cy=\"\(f(ly))\" r=\"3.5\" fill=\"black\"/>"
            } else {
                svg += "<line x1=\"\(f(left + width + 20))\" y1=\"\(f(ly))\" x2=\"\(f(left + width + 40))\" y2=\"\(f(ly))\" stroke=\"\(item.1)\" stroke-width=\"2\"\(item.2 ? " stroke-dasharray=\"5,4\"" : "")/>"
            }
            svg += "<text x=\"\(f(left + width + 46))\" y=\"\(f(ly + 4))\">\(XMLText.escaped(item.0))</text>\n"
        }
        return svg + "</svg>\n"
    }
}
