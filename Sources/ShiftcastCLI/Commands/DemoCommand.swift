import Foundation
import ShiftcastModel
import ShiftcastData
import ShiftcastEstimators
import ShiftcastBench

/// `shiftcast demo`: the whole product on a built-in default, no files needed — a synthetic task,
/// a trained model and two seed partners, a set of hard shifts including adversarial ones, and
/// every estimator side by side against the true accuracy.
enum DemoCommand {
    static var spec: CommandSpec {
        CommandSpec(
            name: "demo", abstract: "Train a model on a synthetic task, shift it hard, and compare every estimator (no files needed).",
            discussion: "The task is a 5-class Gaussian mixture near a 6-dimensional subspace of R^32; the model an MLP 32-64-64-5. Predicted accuracies, true accuracies and errors are fractions in [0, 1].",
            usage: "[--seed <n>] [--quick] [--format table|json]",
            options: [CommandSupport.seedOption,
                      .flag("quick", help: "5 of the 14 shifts and 200-iteration ProjNorm fine-tunes: a smoke test (about a quarter of the full demo's few seconds)."),
                      .option("format", value: "format", help: "table or json.", default: "table")],
            run: { parsed, console in try run(parsed, console: console) })
    }

    static let shifts: [(String, Int)] = [
        ("gaussian-noise", 3), ("gaussian-noise", 5), ("impulse-noise", 4), ("contrast", 4), ("rotation", 4),
        ("off-manifold", 5), ("mean-shift", 5), ("label-shift", 4), ("subpopulation", 4),
        ("fgsm-linf", 3), ("pgd-linf", 3), ("pgd-linf", 5), ("pgd-l2", 4), ("transfer-pgd-linf", 4),
    ]
    static let quickShifts: [(String, Int)] = [("gaussian-noise", 5), ("contrast", 4), ("label-shift", 4), ("pgd-linf", 3), ("pgd-linf", 5)]

    static func run(_ parsed: ParsedArguments, console: Console) throws -> Int32 {
        let seed = try parsed.uint64("seed", default: 0)
        let quick = parsed.flag("quick")
        let format = try parsed.choice("format", ["table", "json"], default: "table")
        let progress = ProgressReporter(console: console)
        defer { progress.finish() }

        let task = BenchmarkTask.gaussianMixture(seed: seed)
        let architecture = MLPArchitecture(inputs: task.featureCount, hidden: [64, 64], classes: task.classCount)
        let recipe = TrainingConfiguration(length: .epochs(20), batchSize: 64, optimizer: .adam(), learningRate: 2e-3)
        let seeds: [UInt64] = [seed &+ 1, seed &+ 1001, seed &+ 2001]
        let models = try seeds.enumerated().map { index, s -> MLP in
            var model = MLP(architecture, initSeed: s)
            var config = recipe
            config.shuffleSeed = s
            try Trainer.train(&model, features: task.train.features, labels: task.train.labels!, configuration: config) { p in
                progress.update(Double(p.iteration) / Double(p.totalIterations), "training model \(index + 1)/3")
            }
            return model
        }
        var options = ModelEvaluator.Options()
        options.seed = seed
        if quick { options.projNorm.iterations = 200 }
        let evaluator = try ModelEvaluator(model: models[0], initialization: .seed(seeds[0]), source: task.validation,
                                           extraModels: Array(models[1...]), options: options) { phase, f in progress.update(f, phase) }
        var rows: [(shift: String, truth: Double, estimates: [Estimate])] = []
        let list = quick ? quickShifts : shifts
        var context = try ShiftContext(source: task.train)
        let model = models[0], surrogate = models[1]
        context.inputGradient = { model.inputGradient($0, labels: $1) }
        context.surrogateInputGradient = { surrogate.inputGradient($0, labels: $1) }
        let targets: [(String, Dataset)] = try [("none", task.test)] + list.map { family, severity in
            var g = SeededGenerator.derived(seed: seed, stream: TargetSuite.streamKey(family, 0))
            return ("\(family)@\(severity)", try ShiftRegistry.shift(named: family).apply(to: task.test, severity: severity, context: context, using: &g))
        }
        for (index, (name, data)) in targets.enumerated() {
            progress.update(Double(index) / Double(targets.count), "estimating \(name)")
            let (estimates, _) = try evaluator.estimate(target: data.features)
            rows.append((name, models[0].accuracy(data.features, labels: data.labels!), estimates))
        }
        progress.finish()
        let names = rows.first?.estimates.map(\.estimator) ?? []
        var mae: [(String, Double)] = []
        for name in names {
            let errors = rows.compactMap { row in row.estimates.first { $0.estimator == name }?.accuracy.map { abs($0 - row.truth) } }
            mae.append((name, errors.reduce(0, +) / Double(max(errors.count, 1))))
        }
        if format == "json" {
            console.out(JSONValue.object([
                ("task", .string(task.name)), ("model", .string(architecture.summary)), ("seed", .integer(Int(seed))),
                ("source_accuracy", .number(models[0].accuracy(task.validation.features, labels: task.validation.labels!))),
                ("targets", .array(rows.map { row in
                    .object([("shift", .string(row.shift)), ("true_accuracy", .number(row.truth)),
                             ("estimates", .array(row.estimates.map { CommandSupport.json($0, trueAccuracy: row.truth) }))])
                })),
                ("mae", .object(mae.map { ($0.0, .number($0.1)) })),
            ]).rendered() + "\n")
            return 0
        }
        var out = "shiftcast demo — task \(task.name) (\(task.classCount) classes, \(task.featureCount) features), model \(architecture.summary), seed \(seed)\n"
        out += "source (validation) accuracy \(CommandSupport.fixed(models[0].accuracy(task.validation.features, labels: task.validation.labels!), 3)); "
        out += "GDE/ALine use 2 more seeds; ProjNorm and the nuclear norm are calibrated on noisy copies of the validation set.\n\n"
        var table = TextTable(headers: ["target set", "true"] + names + ["projnorm score"], rightAligned: Set(1 ... names.count + 2))
        for row in rows {
            let score = row.estimates.first { $0.estimator == "projnorm" }?.score
            table.rows.append([row.shift, CommandSupport.fixed(row.truth, 2)] + row.estimates.map { CommandSupport.fixed($0.accuracy, 2) } + [CommandSupport.fixed(score, 2)])
        }
        table.rows.append(["MAE", ""] + mae.map { CommandSupport.fixed($0.1, 3) } + [""])
        out += table.rendered() + "\n"
        out += interpretation(rows)
        console.out(out)
        return 0
    }

    /// One paragraph on what this run shows, from its own numbers.
    static func interpretation(_ rows: [(shift: String, truth: Double, estimates: [Estimate])]) -> String {
        let adversarial = rows.filter { $0.shift.hasPrefix("pgd") || $0.shift.hasPrefix("fgsm") || $0.shift.hasPrefix("transfer") }
        guard !adversarial.isEmpty, let clean = rows.first else { return "" }
        func mean(_ name: String, _ rs: [(shift: String, truth: Double, estimates: [Estimate])]) -> Double? {
            let v = rs.compactMap { r in r.estimates.first { $0.estimator == name }?.accuracy }
            return v.isEmpty ? nil : v.reduce(0, +) / Double(v.count)
        }
        let truth = adversarial.map(\.truth).reduce(0, +) / Double(adversarial.count)
        var text = "On the \(adversarial.count) adversarial sets the model's mean true accuracy is \(CommandSupport.fixed(truth, 2)); "
        text += ["ac", "atc-mc", "gde"].compactMap { n in mean(n, adversarial).map { "\(n) predicts \(CommandSupport.fixed($0, 2))" } }.joined(separator: ", ")
        if let p = mean("projnorm", adversarial) {
            let cleanScore = clean.estimates.first { $0.estimator == "projnorm" }?.score
            let advScores = adversarial.compactMap { r in r.estimates.first { $0.estimator == "projnorm" }?.score }
            text += ", projnorm \(CommandSupport.fixed(p, 2)) (its score goes from \(CommandSupport.fixed(cleanScore, 2)) on the clean set to \(CommandSupport.fixed(advScores.reduce(0, +) / Double(max(advScores.count, 1)), 2)) on average)"
        }
        return text + ".\nRun 'shiftcast bench' for the full comparison across models, families and severities.\n"
    }
}

