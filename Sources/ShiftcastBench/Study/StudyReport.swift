import Foundation
import ShiftcastData

/// Writes the generalization study's outputs into one directory: `report.md` (tables),
/// `rankings.csv`/`rankings.json` (every task × rule × target × heuristic), `models.csv` (one
/// row per model: hyperparameters, training, accuracies, measures), and SVG figures
/// (`psi_<rule>.svg`, `scatter_<task>.svg`). No file holds a wall time: the same seed gives
/// byte-identical files. Every file is written atomically.
public struct StudyReport: Sendable {
    public let configuration: StudyConfiguration?
    public let results: [StudyResult]
    public let rankings: [StudyRanking]
    public let command: String?

    public init(results: [StudyResult], command: String? = nil) {
        self.results = results
        configuration = results.first.flatMap(StudyRunner.configuration(of:))
        rankings = StudyRankings.compute(results)
        self.command = command
    }

    /// Writes every output file into `directory`.
    public func write(to directory: String) throws {
        try AtomicFile.write(Data(markdown().utf8), to: directory + "/report.md")
        try AtomicFile.write(Data(rankingsCSV().utf8), to: directory + "/rankings.csv")
        try AtomicFile.write(rankingsJSON(), to: directory + "/rankings.json")
        try AtomicFile.write(Data(modelsCSV().utf8), to: directory + "/models.csv")
        for rule in rules { try AtomicFile.write(Data(StudyPlots.psiHeatmap(self, rule: rule).utf8), to: directory + "/psi_\(rule).svg") }
        for task in tasks { try AtomicFile.write(Data(StudyPlots.scatter(self, task: task).utf8), to: directory + "/scatter_\(task).svg") }
    }

    /// The files `write(to:)` makes, for messages.
    public var fileNames: [String] {
        ["report.md", "rankings.csv", "rankings.json", "models.csv"] + rules.map { "psi_\($0).svg" } + tasks.map { "scatter_\($0).svg" }
    }

    var tasks: [String] { ordered(results.map(\.unit.task)) }
    var rules: [String] { ordered(results.map(\.unit.rule.rawValue)) }
    var heuristics: [(name: String, kind: String)] { StudyRankings.heuristics(results) }
    /// Targets in first-seen order, with their kind.
    var targets: [(family: String, kind: String)] {
        var out: [(String, String)] = []
        for r in results { for t in r.targets where !out.contains(where: { $0.0 == t.family }) { out.append((t.family, t.kind)) } }
        return out
    }

    func ordered(_ names: [String]) -> [String] {
        var out: [String] = []
        for n in names where !out.contains(n) { out.append(n) }
        return out
    }

    static func number(_ x: Double?, digits: Int = 3) -> String {
        guard let x, x.isFinite else { return "" }
        return String(format: "%.\(digits)f", x)
    }

    /// Mean of the defined values (nil when none).
    static func mean(_ xs: [Double?]) -> Double? {
        let v = xs.compactMap { $0 }
        return v.isEmpty ? nil : v.reduce(0, +) / Double(v.count)
    }

    /// The rankings of one rule, target and heuristic over every task.
    func cells(rule: String, target: String, heuristic: String) -> [StudyRanking] {
        rankings.filter { $0.rule == rule && $0.target == target && $0.heuristic == heuristic }
    }

    /// The mean over tasks of `statistic` for one rule, heuristic and set of targets (each
    /// target's value is itself the mean over the tasks that have it).
    func meanOverTasks(rule: String, heuristic: String, targets: [String], _ statistic: (StudyRanking) -> Double?) -> Double? {
        Self.mean(targets.map { t in Self.mean(cells(rule: rule, target: t, heuristic: heuristic).map(statistic)) })
    }

    /// The sign-error over the kept pairs of several tasks pooled (each pair counts once), and the pair count.
    static func pooledSignError(_ rankings: [StudyRanking]) -> (error: Double?, pairs: Int) {
        let pairs = rankings.reduce(0) { $0 + $1.pairs }
        guard pairs > 0 else { return (nil, 0) }
        return (rankings.reduce(0.0) { $0 + ($1.signErrorMean ?? 0) * Double($1.pairs) } / Double(pairs), pairs)
    }

    /// The worst environment over several tasks: per axis, the pairs of every task pooled; axes
    /// with fewer than `minimumPairs` kept pairs are not judged.
    static func worstEnvironment(_ rankings: [StudyRanking], minimumPairs: Int = 5) -> (error: Double, axis: String)? {
        var worst: (error: Double, axis: String)?
        for axis in StudyAxis.allCases.map(\.rawValue) {
            let pairs = rankings.reduce(0) { $0 + ($1.pairsByAxis[axis] ?? 0) }
            guard pairs >= minimumPairs else { continue }
            let error = rankings.reduce(0.0) { $0 + ($1.signErrorByAxis[axis] ?? 0) * Double($1.pairsByAxis[axis] ?? 0) } / Double(pairs)
            if worst == nil || error > worst!.error { worst = (error, axis) }
        }
        return worst
    }

    // MARK: - Markdown

    public func markdown() -> String {
        var md = "# Generalization study\n\n"
        if let command { md += "Command: `\(command)`\n\n" }
        if let c = configuration {
            md += "Grid (every combination is one model per task and stopping rule): "
            md += c.axes.map { "\($0.axis.rawValue) {\($0.values.joined(separator: ", "))}" }.joined(separator: ", ") + ". "
            md += "Learning rates are multiples of the optimizer's standard rate (Adam 0.002, SGD with momentum 0.9 0.05). "
            md += "Stopping rules: `fixed-epochs` trains \(c.fixedEpochs) epochs; `loss-threshold` trains until the training "
            md += "cross-entropy is at most \(c.lossThreshold), at most \(c.maximumEpochs) epochs (models that do not get there are "
            md += "counted as not converged and kept out of that rule's tables). Shift families at severity \(c.severity); "
            md += "synthetic tasks with \(c.trainCount) training rows. Gap = train accuracy − accuracy on the target.\n\n"
        }
        md += "## Population\n\n| task | rule | models | used | not converged | diverged | median epochs | train acc. (median) | test acc. (range) |\n"
        md += "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |\n"
        for task in tasks {
            for rule in rules {
                let all = results.filter { $0.unit.task == task && $0.unit.rule.rawValue == rule }
                guard !all.isEmpty else { continue }
                let used = all.filter(StudyRankings.usable)
                let notConverged = all.filter { $0.diverged == nil && !$0.converged }.count
                let diverged = all.filter { $0.diverged != nil }.count
                let epochs = used.map(\.epochs).sorted(), train = used.map(\.trainAccuracy).sorted()
                let test = used.compactMap { $0.targets.first?.accuracy }
                md += "| \(task) | \(rule) | \(all.count) | \(used.count) | \(notConverged) | \(diverged) | "
                md += "\(epochs.isEmpty ? "" : "\(epochs[epochs.count / 2])") | \(train.isEmpty ? "" : Self.number(train[train.count / 2])) | "
                md += test.isEmpty ? "|\n" : "\(Self.number(test.min()))–\(Self.number(test.max())) |\n"
            }
        }
        let nonAdversarial = targets.filter { $0.kind != "adversarial" && $0.family != "none" }.map(\.family)
        let adversarial = targets.filter { $0.kind == "adversarial" }.map(\.family)
        for rule in rules {
            md += "\n## \(rule): how each heuristic ranks the gap (mean over tasks)\n\n"
            md += "In distribution (`none`): Kendall τ and granulated Ψ (means over tasks), sign-error (over pairs; worst environment and its axis). "
            md += "Shifted: τ averaged over the non-adversarial families and over the adversarial ones. Higher τ/Ψ and lower sign-error are better; "
            md += "0.5 sign-error is a coin flip. The sign-error pools the tasks' pairs whose gaps differ beyond the noise (their count in brackets; — "
            md += "when none do); the worst environment is the axis whose pooled pairs (at least 5) have the largest sign-error.\n\n"
            md += "| heuristic | kind | τ | Ψ | sign-error (pairs) | worst (axis) | τ shifted | τ adversarial |\n| --- | --- | ---: | ---: | ---: | --- | ---: | ---: |\n"
            for (name, kind) in heuristics {
                let id = cells(rule: rule, target: "none", heuristic: name)
                let (error, pairs) = Self.pooledSignError(id)
                let worst = Self.worstEnvironment(id)
                md += "| \(name) | \(kind) | \(Self.number(Self.mean(id.map(\.tau)), digits: 2)) | \(Self.number(Self.mean(id.map(\.psi)), digits: 2)) | "
                md += pairs == 0 ? "— (0) | " : "\(Self.number(error, digits: 2)) (\(pairs)) | "
                md += "\(worst.map { "\(Self.number($0.error, digits: 2)) (\($0.axis))" } ?? "") | "
                md += "\(Self.number(meanOverTasks(rule: rule, heuristic: name, targets: nonAdversarial, \.tau), digits: 2)) | "
                md += "\(Self.number(meanOverTasks(rule: rule, heuristic: name, targets: adversarial, \.tau), digits: 2)) |\n"
            }
            md += "\n### \(rule): Kendall τ per target (mean over the tasks that have it)\n\n"
            md += "| heuristic | " + targets.map(\.family).joined(separator: " | ") + " |\n"
            md += "| --- |" + String(repeating: " ---: |", count: targets.count) + "\n"
            for (name, _) in heuristics {
                md += "| \(name) | " + targets.map { t in
                    Self.number(Self.mean(cells(rule: rule, target: t.family, heuristic: name).map(\.tau)), digits: 2)
                }.joined(separator: " | ") + " |\n"
            }
            md += "\n### \(rule): sign-error per target (mean over the tasks that have it; — where no pair's gaps differ beyond the noise)\n\n"
            md += "| heuristic | " + targets.map(\.family).joined(separator: " | ") + " |\n"
            md += "| --- |" + String(repeating: " ---: |", count: targets.count) + "\n"
            for (name, _) in heuristics {
                md += "| \(name) | " + targets.map { t in
                    let (error, pairs) = Self.pooledSignError(cells(rule: rule, target: t.family, heuristic: name))
                    return pairs == 0 ? "—" : Self.number(error, digits: 2)
                }.joined(separator: " | ") + " |\n"
            }
            let axes = configuration?.axes.filter { $0.values.count > 1 }.map(\.axis.rawValue) ?? []
            md += "\n### \(rule): ψ per axis, in distribution (mean over tasks; `psi_\(rule).svg`)\n\n"
            md += "| heuristic | " + axes.joined(separator: " | ") + " | Ψ |\n| --- |" + String(repeating: " ---: |", count: axes.count + 1) + "\n"
            for (name, _) in heuristics {
                let id = cells(rule: rule, target: "none", heuristic: name)
                md += "| \(name) | " + axes.map { a in Self.number(Self.mean(id.map { $0.psiByAxis[a] }), digits: 2) }.joined(separator: " | ")
                md += " | \(Self.number(Self.mean(id.map(\.psi)), digits: 2)) |\n"
            }
        }
        md += "\nEvery task × rule × target × heuristic is in `rankings.csv` / `rankings.json`; every model in `models.csv`.\n"
        return md
    }

    // MARK: - CSV and JSON

    public func rankingsCSV() -> String {
        let axes = StudyAxis.allCases.map(\.rawValue)
        var lines = [(["task", "rule", "target", "heuristic", "kind", "models", "kendall_tau", "psi"] + axes.map { "psi_\($0)" }
            + ["sign_error_mean", "sign_error_worst", "worst_axis", "pairs"] + axes.map { "sign_error_\($0)" } + axes.map { "pairs_\($0)" })
            .joined(separator: ",")]
        for r in rankings {
            lines.append(([r.task, r.rule, r.target, r.heuristic, r.kind, "\(r.models)", Self.number(r.tau, digits: 6), Self.number(r.psi, digits: 6)]
                + axes.map { Self.number(r.psiByAxis[$0], digits: 6) }
                + [Self.number(r.signErrorMean, digits: 6), Self.number(r.signErrorWorst, digits: 6), r.worstAxis ?? "", "\(r.pairs)"]
                + axes.map { Self.number(r.signErrorByAxis[$0], digits: 6) } + axes.map { "\(r.pairsByAxis[$0] ?? 0)" })
                .joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// `{"command", "configuration", "rankings": [...]}` with sorted keys.
    public func rankingsJSON() throws -> Data {
        struct Document: Encodable {
            let command: String?
            let configuration: StudyConfiguration?
            let rankings: [StudyRanking]
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        return try encoder.encode(Document(command: command, configuration: configuration, rankings: rankings))
    }

    public func modelsCSV() -> String {
        let families = targets.map(\.family)
        let measures = heuristics.filter { $0.kind == "measure" }.map(\.name)
        var lines = [(["task", "rule", "model"] + StudyAxis.allCases.map(\.rawValue)
            + ["epochs", "training_loss", "converged", "diverged", "train_accuracy", "validation_accuracy"]
            + families.map { "accuracy_\($0)" } + measures).joined(separator: ",")]
        for r in results {
            let h = r.unit.hyperparameters
            lines.append(([r.unit.task, r.unit.rule.rawValue, r.unit.id] + StudyAxis.allCases.map { h.value($0) }
                + ["\(r.epochs)", Self.number(r.trainingLoss, digits: 6), r.converged ? "true" : "false",
                   BenchmarkReport.csvField(r.diverged ?? ""), Self.number(r.trainAccuracy, digits: 6), Self.number(r.validationAccuracy, digits: 6)]
                + families.map { f in Self.number(r.targets.first { $0.family == f }?.accuracy, digits: 6) }
                + measures.map { m in Self.number(r.measures.first { $0.measure == m }?.value ?? nil, digits: 6) })
                .joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The summary printed by `--format json`: the overview numbers per rule and heuristic.
    public func summaryJSON() throws -> Data {
        struct Row: Encodable {
            let rule: String, heuristic: String, kind: String
            let kendall_tau: Double?, psi: Double?, sign_error_mean: Double?, sign_error_pairs: Int, tau_shifted: Double?, tau_adversarial: Double?
        }
        struct Summary: Encodable { let command: String?; let models: Int; let overview: [Row] }
        let nonAdversarial = targets.filter { $0.kind != "adversarial" && $0.family != "none" }.map(\.family)
        let adversarial = targets.filter { $0.kind == "adversarial" }.map(\.family)
        var rows: [Row] = []
        for rule in rules {
            for (name, kind) in heuristics {
                let id = cells(rule: rule, target: "none", heuristic: name)
                rows.append(Row(rule: rule, heuristic: name, kind: kind, kendall_tau: Self.mean(id.map(\.tau)), psi: Self.mean(id.map(\.psi)),
                                sign_error_mean: Self.pooledSignError(id).error, sign_error_pairs: Self.pooledSignError(id).pairs,
                                tau_shifted: meanOverTasks(rule: rule, heuristic: name, targets: nonAdversarial, \.tau),
                                tau_adversarial: meanOverTasks(rule: rule, heuristic: name, targets: adversarial, \.tau)))
            }
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        return try encoder.encode(Summary(command: command, models: results.count, overview: rows))
    }
}
