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
                .option("out", value: "dir", help: "Output directory.", default: "shiftcast-bench"),
                .option("format", value: "format", help: "What to print on stdout: markdown (the report) or json (the summary).", default: "markdown"),
                .flag("resume", help: "Keep finished units in --out and run the rest."),
                .option("shard", value: "I/N", help: "Run only the I-th of N slices of the models."),
            ],
            subcommands: [mergeSpec],
            run: { parsed, console in
                let suite = BenchmarkConfiguration.Suite(rawValue: try parsed.choice("suite", ["synthetic", "digits", "all"], default: "all"))!
                let format = try parsed.choice("format", ["markdown", "json"], default: "markdown")
                let seed = try parsed.uint64("seed", default: 0)
                // A malformed --shard is a usage error (exit 64), like every other bad option value.
                let shard = try parsed.string("shard").map { text in
                    do { return try Shard(parsing: text) } catch let error as InputError {
                        throw UsageError("'--shard': \(error.message)", command: parsed.command)
                    }
                }
                let out = parsed.string("out") ?? "shiftcast-bench"
                let configuration = BenchmarkConfiguration.standard(suite: suite, quick: parsed.flag("quick"), seed: seed)
                let progress = ProgressReporter(console: console)
                let results = try BenchmarkRunner.run(configuration, directory: out, shard: shard, resume: parsed.flag("resume")) { done, total, label in
                    progress.update(done: done, total: total, label)
                }
                progress.finish()
                var command = "swift run -c release shiftcast bench --suite \(suite.rawValue)\(configuration.quick ? " --quick" : "") --seed \(seed)"
                if let shard { command += " --shard \(shard)" }
                let report = BenchmarkReport(results: results, command: command)
                try report.write(to: out)
                try emit(report, format: format, console: console)
                console.err("wrote \(out)/report.md, results.csv, results.json, summary.json, predicted_vs_true.svg, mae_by_family.svg\n")
                return 0
            })
    }

    static var mergeSpec: CommandSpec {
        CommandSpec(
            name: "merge", abstract: "Combine the outputs of benchmark shards into one report.",
            usage: "<dir> ... [--out <dir>] [--format markdown|json]",
            options: [.option("out", value: "dir", help: "Where to write the merged report.", default: "shiftcast-bench"),
                      .option("format", value: "format", help: "markdown or json.", default: "markdown")],
            arguments: [(name: "dir", help: "Shard output directories.", variadic: true)],
            run: { parsed, console in
                guard !parsed.positionals.isEmpty else { throw UsageError("Missing expected argument '<dir> ...'", command: parsed.command) }
                let format = try parsed.choice("format", ["markdown", "json"], default: "markdown")
                let out = parsed.string("out") ?? "shiftcast-bench"
                let results = try BenchmarkRunner.collect(directories: parsed.positionals)
                guard !results.isEmpty else { throw InputError(file: parsed.positionals[0], "no unit results found to merge") }
                let (missing, total) = BenchmarkRunner.missingUnits(of: results)
                if !missing.isEmpty {
                    console.err("warning: the merged directories hold \(total - missing.count) of the benchmark's \(total) units "
                                + "(missing: \(missing.prefix(3).joined(separator: ", "))\(missing.count > 3 ? ", …" : "")): the report covers part "
                                + "of the benchmark; merge every shard's directory for the whole\n")
                }
                try RegularFile.makeDirectory(out)
                try RegularFile.makeDirectory(out + "/units")
                for r in results {
                    let encoder = JSONEncoder()
                    encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
                    try AtomicFile.write(try encoder.encode(r), to: out + "/units/" + r.unit.fileName)
                }
                let report = BenchmarkReport(results: results, command: "swift run -c release shiftcast bench merge \(parsed.positionals.joined(separator: " ")) --out \(out)")
                try report.write(to: out)
                try emit(report, format: format, console: console)
                return 0
            })
    }

    static func emit(_ report: BenchmarkReport, format: String, console: Console) throws {
        if format == "json" { console.out(String(decoding: try report.summaryJSON(), as: UTF8.self) + "\n") } else { console.out(report.markdown()) }
    }
}
