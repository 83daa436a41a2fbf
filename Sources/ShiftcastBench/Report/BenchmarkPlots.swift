import Foundation

/// Dependency-free SVG plots of benchmark results.
public enum BenchmarkPlots {
    /// 24 distinguishable colours (more than there are shift families plus `none`).
    static let palette = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f",
                          "#bcbd22", "#17becf", "#393b79", "#637939", "#8c6d31", "#843c39", "#7b4173", "#3182bd",
                          "#000000", "#e6550d", "#31a354", "#756bb1", "#fd8d3c", "#74c476", "#9e9ac8", "#fdd0a2"]

    static func fmt(_ x: Double) -> String { String(format: "%.1f", x) }

    /// Small multiples: one panel per estimator with a predicted accuracy, x = true accuracy,
    /// y = predicted, the diagonal dashed, points coloured by shift family.
    public static func predictedVersusTrue(records: [BenchmarkRecord], estimators: [String]) -> String {
        let shown = estimators.filter { e in records.contains { $0.estimator == e && $0.predictedAccuracy != nil } }
        var families: [String] = []
        for r in records where !families.contains(r.family) { families.append(r.family) }
        let columns = 4, panel = 220.0, margin = 40.0
        let rows = max(1, (shown.count + columns - 1) / columns)
        let legendHeight = Double((families.count + 3) / 4) * 16 + 20
        let width = Double(columns) * (panel + margin) + margin
        let height = Double(rows) * (panel + margin + 20) + margin + legendHeight
        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(fmt(width))\" height=\"\(fmt(height))\" font-family=\"sans-serif\" font-size=\"11\">\n"
        svg += "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
        for (index, estimator) in shown.enumerated() {
            let x0 = margin + Double(index % columns) * (panel + margin)
            let y0 = margin + Double(index / columns) * (panel + margin + 20)
            svg += "<text x=\"\(fmt(x0))\" y=\"\(fmt(y0 - 6))\" font-weight=\"bold\">\(XMLText.escaped(estimator))</text>\n"
            svg += "<rect x=\"\(fmt(x0))\" y=\"\(fmt(y0))\" width=\"\(fmt(panel))\" height=\"\(fmt(panel))\" fill=\"none\" stroke=\"#999\"/>\n"
            svg += "<line x1=\"\(fmt(x0))\" y1=\"\(fmt(y0 + panel))\" x2=\"\(fmt(x0 + panel))\" y2=\"\(fmt(y0))\" stroke=\"#bbb\" stroke-dasharray=\"4 3\"/>\n"
            svg += "<text x=\"\(fmt(x0 + panel / 2))\" y=\"\(fmt(y0 + panel + 14))\" text-anchor=\"middle\" fill=\"#555\">true accuracy</text>\n"
            for (tick, label) in [(0.0, "0"), (0.5, "0.5"), (1.0, "1")] {
                svg += "<text x=\"\(fmt(x0 + tick * panel))\" y=\"\(fmt(y0 + panel + 26))\" text-anchor=\"middle\" fill=\"#999\" font-size=\"9\">\(label)</text>"
                svg += "<text x=\"\(fmt(x0 + panel + 3))\" y=\"\(fmt(y0 + (1 - tick) * panel + 3))\" fill=\"#999\" font-size=\"9\">\(label)</text>\n"
            }
            svg += "<text x=\"\(fmt(x0 - 8))\" y=\"\(fmt(y0 + panel / 2))\" text-anchor=\"middle\" fill=\"#555\" transform=\"rotate(-90 \(fmt(x0 - 8)) \(fmt(y0 + panel / 2)))\">predicted</text>\n"
            for r in records where r.estimator == estimator {
                guard let p = r.predictedAccuracy else { continue }
                let color = palette[(families.firstIndex(of: r.family) ?? 0) % palette.count]
                svg += "<circle cx=\"\(fmt(x0 + r.trueAccuracy * panel))\" cy=\"\(fmt(y0 + (1 - p) * panel))\" r=\"2.2\" fill=\"\(color)\" fill-opacity=\"0.7\"/>\n"
            }
        }
        let legendY = Double(rows) * (panel + margin + 20) + margin
        for (i, family) in families.enumerated() {
            let x = margin + Double(i % 4) * 230, y = legendY + Double(i / 4) * 16
            svg += "<circle cx=\"\(fmt(x))\" cy=\"\(fmt(y - 4))\" r=\"4\" fill=\"\(palette[i % palette.count])\"/><text x=\"\(fmt(x + 8))\" y=\"\(fmt(y))\">\(XMLText.escaped(family))</text>\n"
        }
        return svg + "</svg>\n"
    }

    /// A heat map of MAE: rows are shift families, columns estimators, darker = larger error.
    public static func maeByFamily(summary: BenchmarkSummary) -> String {
        let cellW = 64.0, cellH = 22.0, left = 150.0, top = 60.0
        let width = left + cellW * Double(summary.estimators.count) + 20
        let height = top + cellH * Double(summary.families.count) + 30
        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(fmt(width))\" height=\"\(fmt(height))\" font-family=\"sans-serif\" font-size=\"11\">\n"
        svg += "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n<text x=\"10\" y=\"20\" font-weight=\"bold\">MAE of predicted accuracy by shift family</text>\n"
        for (j, e) in summary.estimators.enumerated() {
            svg += "<text x=\"\(fmt(left + cellW * (Double(j) + 0.5)))\" y=\"\(fmt(top - 8))\" text-anchor=\"middle\">\(XMLText.escaped(e))</text>\n"
        }
        for (i, f) in summary.families.enumerated() {
            let y = top + cellH * Double(i)
            svg += "<text x=\"\(fmt(left - 6))\" y=\"\(fmt(y + 15))\" text-anchor=\"end\">\(XMLText.escaped(f))</text>\n"
            for (j, e) in summary.estimators.enumerated() {
                let x = left + cellW * Double(j)
                guard let mae = summary.cell(e, f)?.mae else {
                    svg += "<rect x=\"\(fmt(x))\" y=\"\(fmt(y))\" width=\"\(fmt(cellW - 2))\" height=\"\(fmt(cellH - 2))\" fill=\"#eee\"/>\n"
                    continue
                }
                let shade = Int(255 - min(mae / 0.5, 1) * 200)
                let color = "rgb(255,\(shade),\(shade))"
                svg += "<rect x=\"\(fmt(x))\" y=\"\(fmt(y))\" width=\"\(fmt(cellW - 2))\" height=\"\(fmt(cellH - 2))\" fill=\"\(color)\"/>"
                svg += "<text x=\"\(fmt(x + cellW / 2 - 1))\" y=\"\(fmt(y + 15))\" text-anchor=\"middle\">\(String(format: "%.3f", mae))</text>\n"
            }
        }
        return svg + "</svg>\n"
    }
}
