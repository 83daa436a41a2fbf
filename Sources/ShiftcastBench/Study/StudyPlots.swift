import Foundation
import ShiftcastData

/// Dependency-free SVG figures of the generalization study.
enum StudyPlots {
    static func fmt(_ x: Double) -> String { String(format: "%.1f", x) }

    /// Rows are heuristics, columns the axes with more than one value and Ψ; each cell is ψ in
    /// distribution (mean over tasks): blue positive (ranks the gap), red negative.
    static func psiHeatmap(_ report: StudyReport, rule: String) -> String {
        let axes = (report.configuration?.axes.filter { $0.values.count > 1 }.map(\.axis.rawValue) ?? []) + ["Ψ"]
        let heuristics = report.heuristics
        let cellW = 78.0, cellH = 20.0, left = 150.0, top = 64.0
        let width = left + cellW * Double(axes.count) + 20, height = top + cellH * Double(heuristics.count) + 40
        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(fmt(width))\" height=\"\(fmt(height))\" font-family=\"sans-serif\" font-size=\"11\">\n"
        svg += "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
        svg += "<text x=\"10\" y=\"20\" font-weight=\"bold\">ψ per hyperparameter axis, in distribution, \(XMLText.escaped(rule)) (mean over tasks)</text>\n"
        for (j, a) in axes.enumerated() {
            svg += "<text x=\"\(fmt(left + cellW * (Double(j) + 0.5)))\" y=\"\(fmt(top - 8))\" text-anchor=\"middle\">\(XMLText.escaped(a))</text>\n"
        }
        for (i, h) in heuristics.enumerated() {
            let y = top + cellH * Double(i)
            svg += "<text x=\"\(fmt(left - 6))\" y=\"\(fmt(y + 14))\" text-anchor=\"end\">\(XMLText.escaped(h.name))</text>\n"
            let cells = report.cells(rule: rule, target: "none", heuristic: h.name)
            for (j, a) in axes.enumerated() {
                let x = left + cellW * Double(j)
                let value = a == "Ψ" ? StudyReport.mean(cells.map(\.psi)) : StudyReport.mean(cells.map { $0.psiByAxis[a] })
                guard let v = value else {
                    svg += "<rect x=\"\(fmt(x))\" y=\"\(fmt(y))\" width=\"\(fmt(cellW - 2))\" height=\"\(fmt(cellH - 2))\" fill=\"#eee\"/>\n"
                    continue
                }
                let shade = Int(255 - min(abs(v), 1) * 180)
                let color = v >= 0 ? "rgb(\(shade),\(shade),255)" : "rgb(255,\(shade),\(shade))"
                svg += "<rect x=\"\(fmt(x))\" y=\"\(fmt(y))\" width=\"\(fmt(cellW - 2))\" height=\"\(fmt(cellH - 2))\" fill=\"\(color)\"/>"
                svg += "<text x=\"\(fmt(x + cellW / 2 - 1))\" y=\"\(fmt(y + 14))\" text-anchor=\"middle\">\(String(format: "%.2f", v))</text>\n"
            }
        }
        return svg + "</svg>\n"
    }

    /// Small multiples for one task: a row per parameter measure (and the validation gap), a
    /// column per target; x = the measure, y = the gap on that target, one colour per stopping rule.
    static func scatter(_ report: StudyReport, task: String) -> String {
        let models = report.results.filter { $0.unit.task == task && StudyRankings.usable($0) }
        let rows = report.heuristics.filter { $0.kind != "estimator" }
        let targets = report.targets.filter { t in models.contains { m in m.targets.contains { $0.family == t.family } } }.map(\.family)
        let rules = report.rules
        let colors = ["#1f77b4", "#d62728", "#2ca02c"]
        let panel = 96.0, gap = 14.0, left = 120.0, top = 60.0
        let width = left + Double(targets.count) * (panel + gap) + 20
        let height = top + Double(rows.count) * (panel + gap) + 40
        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(fmt(width))\" height=\"\(fmt(height))\" font-family=\"sans-serif\" font-size=\"10\">\n"
        svg += "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
        svg += "<text x=\"10\" y=\"18\" font-weight=\"bold\" font-size=\"12\">\(XMLText.escaped(task)): measure (x) against the gap on each target (y)</text>\n"
        for (k, rule) in rules.enumerated() {
            svg += "<circle cx=\"\(fmt(14 + Double(k) * 130))\" cy=\"32\" r=\"4\" fill=\"\(colors[k % colors.count])\"/>"
            svg += "<text x=\"\(fmt(22 + Double(k) * 130))\" y=\"36\">\(XMLText.escaped(rule))</text>\n"
        }
        for (j, t) in targets.enumerated() {
            svg += "<text x=\"\(fmt(left + Double(j) * (panel + gap) + panel / 2))\" y=\"\(fmt(top - 6))\" text-anchor=\"middle\">\(XMLText.escaped(t))</text>\n"
        }
        for (i, h) in rows.enumerated() {
            let y0 = top + Double(i) * (panel + gap)
            svg += "<text x=\"\(fmt(left - 6))\" y=\"\(fmt(y0 + panel / 2))\" text-anchor=\"end\">\(XMLText.escaped(h.name))</text>\n"
            for (j, t) in targets.enumerated() {
                let x0 = left + Double(j) * (panel + gap)
                svg += "<rect x=\"\(fmt(x0))\" y=\"\(fmt(y0))\" width=\"\(fmt(panel))\" height=\"\(fmt(panel))\" fill=\"none\" stroke=\"#bbb\"/>\n"
                var points: [(x: Double, y: Double, rule: Int)] = models.compactMap { m in
                    guard let x = StudyRankings.value(h.name, kind: h.kind, m, target: t), x.isFinite, let y = m.gap(t) else { return nil }
                    return (x, y, rules.firstIndex(of: m.unit.rule.rawValue) ?? 0)
                }
                // A measure spanning more than two decades (the flatness measures) is drawn on a log scale.
                if let low = points.map(\.x).min(), let high = points.map(\.x).max(), low > 0, high / low > 100 {
                    points = points.map { (log10($0.x), $0.y, $0.rule) }
                    svg += "<text x=\"\(fmt(x0 + panel - 2))\" y=\"\(fmt(y0 + panel - 3))\" text-anchor=\"end\" fill=\"#999\" font-size=\"8\">log x</text>\n"
                }
                guard let xmin = points.map(\.x).min(), let xmax = points.map(\.x).max(),
                      let ymin = points.map(\.y).min(), let ymax = points.map(\.y).max() else { continue }
                let sx = xmax > xmin ? panel / (xmax - xmin) : 0, sy = ymax > ymin ? panel / (ymax - ymin) : 0
                // One path of 3-unit squares per rule keeps the file small (hundreds of models × panels).
                for k in rules.indices {
                    let path = points.filter { $0.rule == k }.map { p in
                        let cx = x0 + (sx > 0 ? (p.x - xmin) * sx : panel / 2), cy = y0 + panel - (sy > 0 ? (p.y - ymin) * sy : panel / 2)
                        return "M\(fmt(cx - 1.5)) \(fmt(cy - 1.5))h3v3h-3z"
                    }.joined()
                    if !path.isEmpty { svg += "<path d=\"\(path)\" fill=\"\(colors[k % colors.count])\" fill-opacity=\"0.6\"/>\n" }
                }
            }
        }
        svg += "<text x=\"10\" y=\"\(fmt(height - 12))\" fill=\"#555\">Each panel is scaled to its own range (log x where marked: the measure spans more than two decades); the gap is train accuracy − accuracy on the target.</text>\n"
        return svg + "</svg>\n"
    }
}
