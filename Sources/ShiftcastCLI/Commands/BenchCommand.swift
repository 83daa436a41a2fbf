import Foundation
import ShiftcastBench

/// `shiftcast bench`: the hard-shift benchmark (Docs/Benchmark.md).
enum BenchCommand {
    static var spec: CommandSpec {
        CommandSpec(
            name: "bench", abstract: "Run the hard-shift benchmark: a model population × shift families × every estimator.",
            discussion: """
              Writes report.md, results.csv, results.json, summary.json and SVG plots into --out, and one
              units/<model>.json per finished model (so an interrupted run continues with --resume).
              --shard I/N runs the I-th of N disjoint slices (for Slurm job arrays or Kubernetes indexed
              Jobs); 'shiftcast bench merge DIR…' combines shard outputs. Same seed → same results, sharded or not.
              """,
            usage: "[--suite synthetic|digits|all] [--quick] [--seed <n>] [--out <dir>] [--format markdown|json] [--resume] [--shard <I/N>]",
            options: [
                .option("suite", value: "suite", help: "synthetic, digits or all.", default: "all"),
                .flag("quick", help: "A small population and two severities: well under a minute on 2 cores (the full run takes minutes)."),
                CommandSupport.seedOption,
            ] + CommandSupport.shardedRunOptions(defaultOut: "shiftcast-bench"),
            subcommands: [mergeSpec],
            run: { parsed, console in
                let suite = BenchmarkConfiguration.Suite(rawValue: try parsed.choice("suite", ["synthetic", "digits", "all"], default: "all"))!
                let seed = try parsed.uint64("seed", default: 0)
                let out = parsed.string("out") ?? "shiftcast-bench"
                let configuration = BenchmarkConfiguration.standard(suite: suite, quick: parsed.flag("quick"), seed: seed)
                return try CommandSupport.runAndReport(parsed, console: console, out: out) { shard, resume, progress in
                    let results = try BenchmarkRunner.run(configuration, directory: out, shard: shard, resume: resume, progress: progress)
                    let arguments = "bench --suite \(suite.rawValue)\(configuration.quick ? " --quick" : "") --seed \(seed)"
                    return BenchmarkReport(results: results, command: CommandSupport.commandLine(arguments, shard: shard))
                }
            })
    }

    static var mergeSpec: CommandSpec { CommandSupport.mergeSpec(BenchmarkRunner.self, command: "bench", what: "benchmark", defaultOut: "shiftcast-bench") }
}
