import Foundation
import ShiftcastBench

/// `shiftcast study`: the generalization study (Docs/Generalization.md).
enum StudyCommand {
    static var spec: CommandSpec {
        CommandSpec(
            name: "study", abstract: "Run the generalization study: a model population ranked by parameter measures and estimators, in and out of distribution.",
            discussion: """
              Trains a population over a hyperparameter grid (width, depth, learning rate, batch size, weight decay,
              optimizer) under two stopping rules (a training-loss threshold and a fixed number of epochs), measures
              each model's gap on the clean test split and on every shift family, and ranks every parameter measure
              and estimator against it by Kendall τ, granulated Ψ and sign-error. Writes report.md, rankings.csv,
              rankings.json, models.csv and SVG figures into --out, and one units/<model>.json per finished model
              (--resume continues an interrupted run). --shard I/N runs the I-th of N slices; 'shiftcast study merge
              DIR…' combines them. Same seed → byte-identical files, sharded or not.
              """,
            usage: "[--quick] [--seed <n>] [--out <dir>] [--format markdown|json] [--resume] [--shard <I/N>]",
            options: [
                .flag("quick", help: "One synthetic task and a smaller grid: under a minute on 2 cores (the default run takes minutes)."),
                CommandSupport.seedOption,
            ] + CommandSupport.shardedRunOptions(defaultOut: "shiftcast-study"),
            subcommands: [mergeSpec],
            run: { parsed, console in
                let seed = try parsed.uint64("seed", default: 0)
                let out = parsed.string("out") ?? "shiftcast-study"
                let configuration = StudyConfiguration.standard(quick: parsed.flag("quick"), seed: seed)
                return try CommandSupport.runAndReport(parsed, console: console, out: out) { shard, resume, progress in
                    let results = try StudyRunner.run(configuration, directory: out, shard: shard, resume: resume, progress: progress)
                    let arguments = "study\(configuration.quick ? " --quick" : "") --seed \(seed)"
                    return StudyReport(results: results, command: CommandSupport.commandLine(arguments, shard: shard))
                }
            })
    }

    static var mergeSpec: CommandSpec { CommandSupport.mergeSpec(StudyRunner.self, command: "study", what: "study", defaultOut: "shiftcast-study") }
}
