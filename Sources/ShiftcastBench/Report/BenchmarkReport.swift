import Foundation
import ShiftcastData
import ShiftcastEvaluation

/// Writes a benchmark's outputs into one directory: `report.md` (tables), `results.csv` and
/// `results.json` (one row per model × shift × estimator), `summary.json`, and SVG plots
/// (`predicted_vs_true.svg`, `mae_by_family.svg`). Every file is written atomically.
public struct BenchmarkReport: Sendable {
    public let configuration: BenchmarkConfiguration?
    public let records: [BenchmarkRecord]
    public let summary: BenchmarkSummary
    public let command: String?
    /// Each estimator's wall time per target set (the only outputs that differ between runs).
    public let timings: [EstimatorTiming]

    public init(results: [UnitResult], command: String? = nil) {
        records = results.flatMap(\.records)
        timings = results.flatMap(\.timings)
        summary = BenchmarkSummary(records: records)
        configuration = results.first.flatMap { try? JSONDecoder().decode(BenchmarkConfiguration.self, from: Data($0.configuration.utf8)) }
        self.command = command
    }

    /// Writes every output file into `directory`.
    public func write(to directory: String) throws {
        try AtomicFile.write(Data(markdown().utf8), to: directory + "/report.md")
        try AtomicFile.write(Data(csv().utf8), to: directory + "/results.csv")
        try AtomicFile.write(resultsJSON(), to: directory + "/results.json")
        try AtomicFile.write(summaryJSON(), to: directory + "/summary.json")
        try AtomicFile.write(Data(timingsCSV().utf8), to: directory + "/timings.csv")
        try AtomicFile.write(Data(BenchmarkPlots.predictedVersusTrue(records: records, estimators: summary.estimators).utf8),
                             to: directory + "/predicted_vs_true.svg")
        try AtomicFile.write(Data(BenchmarkPlots.maeByFamily(summary: summary).utf8), to: directory + "/mae_by_family.svg")
    }

    /// The files `write(to:)` makes, for messages.
    public var fileNames: [String] {
        ["report.md", "results.csv", "results.json", "summary.json", "timings.csv", "predicted_vs_true.svg", "mae_by_family.svg"]
    }

    static func number(_ x: Double?, digits: Int = 3) -> String {
        guard let x, x.isFinite else { return "" }
        return String(format: "%.\(digits)f", x)
    }

    public func csv() -> String {
        var lines = ["task,model,hidden,epochs,model_seed,source_accuracy,family,kind,severity,true_accuracy,estimator,predicted_accuracy,standard_error,score,abs_error,skip_reason,interval_low,interval_high,in_family_accuracy,in_family_interval_low,in_family_interval_high"]
        for r in records {
            lines.append([r.task, r.model, r.hidden, "\(r.epochs)", "\(r.modelSeed)", Self.number(r.sourceAccuracy, digits: 6), r.family, r.kind,
                          "\(r.severity)", Self.number(r.trueAccuracy, digits: 6), r.estimator, Self.number(r.predictedAccuracy, digits: 6),
                          Self.number(r.standardError, digits: 6), Self.number(r.score, digits: 6), Self.number(r.absoluteError, digits: 6),
                          Self.csvField(r.skipReason ?? ""), Self.number(r.intervalLow, digits: 6), Self.number(r.intervalHigh, digits: 6),
                          Self.number(r.inFamilyAccuracy, digits: 6), Self.number(r.inFamilyIntervalLow, digits: 6),
                          Self.number(r.inFamilyIntervalHigh, digits: 6)]
                .joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// A CSV field, quoted when it holds a comma, a quote or a line break.
    static func csvField(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// `timings.csv`: one row per model × target set × estimator that ran.
    public func timingsCSV() -> String {
        (["model,shift,estimator,seconds"] + timings.map { "\($0.model),\($0.shift),\($0.estimator),\(String(format: "%.6f", $0.seconds))" })
            .joined(separator: "\n") + "\n"
    }

    /// Median wall time per target set of each estimator, in report order.
    var medianSeconds: [(estimator: String, seconds: Double)] {
        summary.estimators.compactMap { name in
            let t = timings.filter { $0.estimator == name }.map(\.seconds).sorted()
            return t.isEmpty ? nil : (name, t[t.count / 2])
        }
    }

    public func resultsJSON() throws -> Data {
        struct Row: Encodable {
            let r: BenchmarkRecord
            enum K: String, CodingKey { case task, model, hidden, epochs, model_seed, source_accuracy, family, kind, severity, true_accuracy, estimator, predicted_accuracy, standard_error, score, abs_error, skip_reason, interval_low, interval_high, in_family_accuracy, in_family_interval_low, in_family_interval_high }
            func encode(to encoder: Encoder) throws {
                var c = encoder.container(keyedBy: K.self)
                try c.encode(r.task, forKey: .task); try c.encode(r.model, forKey: .model); try c.encode(r.hidden, forKey: .hidden)
                try c.encode(r.epochs, forKey: .epochs); try c.encode(r.modelSeed, forKey: .model_seed)
                try c.encode(r.sourceAccuracy, forKey: .source_accuracy); try c.encode(r.family, forKey: .family)
                try c.encode(r.kind, forKey: .kind); try c.encode(r.severity, forKey: .severity)
                try c.encode(r.trueAccuracy, forKey: .true_accuracy); try c.encode(r.estimator, forKey: .estimator)
                try c.encode(r.predictedAccuracy, forKey: .predicted_accuracy); try c.encode(r.standardError, forKey: .standard_error)
                try c.encode(r.score, forKey: .score); try c.encode(r.absoluteError, forKey: .abs_error)
                try c.encode(r.skipReason, forKey: .skip_reason)
                try c.encode(r.intervalLow, forKey: .interval_low); try c.encode(r.intervalHigh, forKey: .interval_high)
                try c.encode(r.inFamilyAccuracy, forKey: .in_family_accuracy)
                try c.encode(r.inFamilyIntervalLow, forKey: .in_family_interval_low); try c.encode(r.inFamilyIntervalHigh, forKey: .in_family_interval_high)
            }
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return try encoder.encode(["results": records.map(Row.init)])
    }

    public func summaryJSON() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        return try encoder.encode(summary)
    }

    public func markdown() -> String {
        let s = summary
        var md = "# shiftcast benchmark report\n\n"
        if let command { md += "Regenerate with:\n\n```sh\n\(command)\n```\n\n" }
        if let c = configuration {
            md += "Tasks: \(c.tasks.joined(separator: ", ")). Population: hidden \(c.hiddenLayers.map { $0.map(String.init).joined(separator: "x") }.joined(separator: ", ")), "
            md += "epochs \(c.epochs.map(String.init).joined(separator: ", ")), seeds \(c.modelSeeds.map(String.init).joined(separator: ", ")). "
            md += "Severities \(c.severities.map(String.init).joined(separator: ", ")). Seed \(c.seed). ProjNorm: \(c.projNormIterations) iterations per fine-tune; "
            md += "scores calibrated on \(c.calibrationShifts.joined(separator: ", ")) of each model's validation set.\n\n"
        }
        md += "\(s.modelCount) models, \(s.targetSetCount) (model, target set) pairs, \(records.count) estimates.\n\n"
        md += "## Overall\n\n| estimator | MAE | R² | Spearman ρ | Kendall τ (models) | ρ(score, error) | skipped |\n| --- | ---: | ---: | ---: | ---: | ---: | ---: |\n"
        for e in s.overall {
            md += "| \(e.estimator) | \(Self.number(e.mae)) | \(Self.number(e.rSquared)) | \(Self.number(e.spearman)) | \(Self.number(e.kendallTau)) | \(Self.number(e.scoreErrorSpearman)) | \(e.skipped) of \(e.count) |\n"
        }
        let reasons = Dictionary(grouping: records.filter { $0.skipReason != nil }) { $0.estimator }
        if !reasons.isEmpty {
            md += "\nSkipped (not in any statistic):\n"
            for name in s.estimators where reasons[name] != nil {
                var seen: [String] = []
                for r in reasons[name]! where !seen.contains(r.skipReason!) { seen.append(r.skipReason!) }
                md += "- \(name), \(reasons[name]!.count) target sets: \(seen.prefix(3).joined(separator: "; "))\n"
            }
        }
        md += "\nMAE: mean |predicted − true| accuracy. R² and ρ: between the estimator's output (its predicted accuracy, or its raw score when it has no calibrated accuracy) and the true accuracy, over all target sets. Kendall τ: per task and shift, between the models' predicted and true accuracies, averaged. ρ(score, error): Spearman between a raw score (ProjNorm's ‖θ_ref − θ̃‖, the nuclear norm, COT's cost, knn's input-space distance ratio) and the true error; for ProjNorm it should be positive.\n\n"
        md += "## MAE by shift family\n\n| family | " + s.estimators.joined(separator: " | ") + " |\n| --- |" + String(repeating: " ---: |", count: s.estimators.count) + "\n"
        for f in s.families {
            md += "| \(f) | " + s.estimators.map { Self.number(s.cell($0, f)?.mae) }.joined(separator: " | ") + " |\n"
        }
        md += "\n## Spearman ρ (estimate vs true accuracy) by shift family\n\n| family | " + s.estimators.joined(separator: " | ") + " |\n| --- |" + String(repeating: " ---: |", count: s.estimators.count) + "\n"
        for f in s.families {
            md += "| \(f) | " + s.estimators.map { Self.number(s.cell($0, f)?.spearman, digits: 2) }.joined(separator: " | ") + " |\n"
        }
        md += "\n## Adversarial sets\n\n| estimator | mean true accuracy | mean predicted accuracy | ρ(score, error) on adversarial sets |\n| --- | ---: | ---: | ---: |\n"
        for e in s.overall where e.adversarialMeanTrue != nil {
            md += "| \(e.estimator) | \(Self.number(e.adversarialMeanTrue)) | \(Self.number(e.adversarialMeanPredicted)) | \(Self.number(e.adversarialScoreErrorSpearman)) |\n"
        }
        md += "\n" + adversarialFinding() + "\n"
        if !s.headline.isEmpty {
            md += "\n## The headline estimate (meta), leave-one-family-out\n\n"
            md += "Held out: for a target of family F the map was fitted on a meta-set with no set of F at any severity (compositions with F included); in family: on the whole meta-set. Coverage: the share of target sets whose 90 % interval holds the true accuracy.\n\n"
            md += "| family | target sets | MAE held out | MAE in family | coverage held out | coverage in family | mean width |\n| --- | ---: | ---: | ---: | ---: | ---: | ---: |\n"
            for r in s.headline {
                md += "| \(r.family) | \(r.count) | \(Self.number(r.heldOutMAE)) | \(Self.number(r.inFamilyMAE)) | \(Self.number(r.heldOutCoverage, digits: 2)) | \(Self.number(r.inFamilyCoverage, digits: 2)) | \(Self.number(r.meanWidth)) |\n"
            }
        }
        let cost = medianSeconds
        if !cost.isEmpty {
            md += "\n## Cost per target set\n\nMedian wall time of each estimator on one target set, in milliseconds (the models' forward passes are shared and not included; the fitting on the source, once per model, neither). Measured on the machine that ran this report; it varies from run to run.\n\n| estimator | ms |\n| --- | ---: |\n"
            for (name, seconds) in cost { md += "| \(name) | \(String(format: "%.3f", seconds * 1000)) |\n" }
        }
        md += "\n## Files\n\n- `results.csv`, `results.json`: one row per model × shift × estimator (a skipped estimator's row has its `skip_reason`).\n- `summary.json`: the tables above.\n- `timings.csv`: each estimator's wall time per model and target set.\n- `predicted_vs_true.svg`: predicted vs true accuracy per estimator, coloured by shift family.\n- `mae_by_family.svg`: MAE by estimator and family.\n"
        return md
    }

    /// What was measured on the adversarial family, in words, from the numbers.
    func adversarialFinding() -> String {
        let adversarial = summary.overall.filter { $0.adversarialMeanTrue != nil }
        guard let truth = adversarial.first?.adversarialMeanTrue else { return "No adversarial sets in this run." }
        // The accuracy estimators (not the calibrated scores): what each predicts there.
        let accuracyEstimators = Set(EstimatorRegistry.all().filter { $0.output == .accuracy }.map(\.id.name))
        let confidence = adversarial.filter { accuracyEstimators.contains($0.estimator) }
        var lines: [String] = []
        let over = confidence.compactMap { e in e.adversarialMeanPredicted.map { (e.estimator, $0 - truth) } }
        if !over.isEmpty {
            lines.append("Measured: on adversarial sets the model's mean true accuracy is \(Self.number(truth)); "
                         + over.map { "\($0.0) predicts \(Self.number($0.1 + truth)) (\($0.1 >= 0 ? "+" : "")\(Self.number($0.1)))" }.joined(separator: ", ") + ".")
        }
        if let p = adversarial.first(where: { $0.estimator == EstimatorID.projNorm.name }) {
            lines.append("ProjNorm predicts \(Self.number(p.adversarialMeanPredicted)) on average there, and its raw score's Spearman ρ with the true error on the adversarial sets is \(Self.number(p.adversarialScoreErrorSpearman)) (positive: the score rises with the error).")
        }
        return lines.joined(separator: " ")
    }
}
