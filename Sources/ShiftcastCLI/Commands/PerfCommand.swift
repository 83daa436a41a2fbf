import ShiftcastBench
import ShiftcastEvaluation

/// `shiftcast perf`: the kernels' speed, for comparison with numpy and PyTorch (Docs/Performance.md).
enum PerfCommand {
    static let formatOption = OptionSpec.option("format", value: "format", help: "table or json.", default: "table")

    static var spec: CommandSpec {
        CommandSpec(
            name: "perf", abstract: "Measure matrix multiply, training, ProjNorm and headline-estimate speed (release builds only).",
            discussion: "Each measurement warms up, repeats, and reports the median. Compare against numpy/PyTorch in the same minute: see Docs/Performance.md.",
            subcommands: [
                CommandSpec(name: "gemm", abstract: "Single-precision matrix multiply GFLOPS: n×n, or any m×k · k×n product.",
                            usage: "[--size <n> | --shape <m,n,k> [--transpose-a] [--transpose-b]] [--format table|json]",
                            options: [.option("size", value: "n", help: "Matrix size.", default: "1024"),
                                      .option("shape", value: "m,n,k", help: "op(A) is m×k, op(B) k×n (e.g. 128,512,784 for a batch of 128 through a 784→512 layer)."),
                                      .flag("transpose-a", help: "A is stored k×m (as in the weight gradient dyᵀ·x)."),
                                      .flag("transpose-b", help: "B is stored n×k (as in the forward product x·Wᵀ)."), formatOption],
                            run: { parsed, console in
                                // Arguments are checked before the release-build check, so usage errors are the same in every build.
                                guard parsed.has("shape") else {
                                    if parsed.flag("transpose-a") || parsed.flag("transpose-b") {
                                        throw UsageError("'--transpose-a'/'--transpose-b' need '--shape m,n,k'", command: parsed.command)
                                    }
                                    let n = try parsed.int("size", default: 1024, range: 1 ... 16384)!
                                    try requireRelease()
                                    let r = GEMMBenchmark.run(size: n)
                                    emit(parsed, console, [("size", .integer(n)), ("gflops", .number(r.gflops))], "gemm n=\(n): \(CommandSupport.fixed(r.gflops, 1)) GFLOPS (\(spread(r.all, digits: 1)))")
                                    return 0
                                }
                                if parsed.has("size") { throw UsageError("'--size' and '--shape' cannot be used together", command: parsed.command) }
                                let shape = try parsed.intList("shape", default: [])
                                guard shape.count == 3, shape.allSatisfy({ (1 ... 16384).contains($0) }) else {
                                    throw UsageError("'--shape' expects three sizes m,n,k in 1...16384, found '\(parsed.string("shape") ?? "")'", command: parsed.command)
                                }
                                try requireRelease()
                                let (ta, tb) = (parsed.flag("transpose-a"), parsed.flag("transpose-b"))
                                let r = GEMMBenchmark.run(m: shape[0], n: shape[1], k: shape[2], transposeA: ta, transposeB: tb)
                                let name = "\(ta ? "Aᵀ" : "A")[\(shape[0])×\(shape[2])]·\(tb ? "Bᵀ" : "B")[\(shape[2])×\(shape[1])]"
                                emit(parsed, console, [("m", .integer(shape[0])), ("n", .integer(shape[1])), ("k", .integer(shape[2])),
                                                       ("transpose_a", .bool(ta)), ("transpose_b", .bool(tb)), ("gflops", .number(r.gflops))],
                                     "gemm \(name): \(CommandSupport.fixed(r.gflops, 1)) GFLOPS (\(spread(r.all, digits: 1)))")
                                return 0
                            }),
                CommandSpec(name: "train", abstract: "MLP training throughput in samples per second (SGD, momentum 0.9).",
                            usage: "[--inputs 784] [--hidden 512,512] [--classes 10] [--batch 128] [--samples 20000] [--format table|json]",
                            options: [.option("inputs", value: "n", help: "Input features.", default: "784"),
                                      .option("hidden", value: "w1,w2,…", help: "Hidden widths.", default: "512,512"),
                                      .option("classes", value: "k", help: "Classes.", default: "10"),
                                      .option("batch", value: "n", help: "Batch size.", default: "128"),
                                      .option("samples", value: "n", help: "Samples per timed epoch.", default: "20000"), formatOption],
                            run: { parsed, console in
                                try requireRelease()
                                let r = try TrainingBenchmark.run(inputs: try parsed.int("inputs", default: 784, range: 1 ... 100_000)!,
                                                                  hidden: try parsed.intList("hidden", default: [512, 512]),
                                                                  classes: try parsed.int("classes", default: 10, range: 2 ... 100_000)!,
                                                                  batch: try parsed.int("batch", default: 128, range: 1 ... 100_000)!,
                                                                  samples: try parsed.int("samples", default: 20_000, range: 1 ... 10_000_000)!)
                                emit(parsed, console, [("samples_per_second", .number(r.samplesPerSecond)), ("product_gflops", .number(r.productGFLOPS))],
                                     "training: \(CommandSupport.fixed(r.samplesPerSecond, 0)) samples/s (\(spread(r.all, digits: 0, of: "epochs"))); matrix products at \(CommandSupport.fixed(r.productGFLOPS, 1)) GFLOPS")
                                return 0
                            }),
                CommandSpec(name: "projnorm", abstract: "ProjNorm end to end: two 500-iteration fine-tunes of a 784-512-512-10 MLP, 10,000 target rows.",
                            usage: "[--format table|json]", options: [formatOption],
                            run: { parsed, console in
                                try requireRelease()
                                let r = try ProjNormBenchmark.run()
                                emit(parsed, console, [("seconds", .number(r.seconds)), ("product_gflops", .number(r.productGFLOPS))],
                                     "projnorm: \(CommandSupport.fixed(r.seconds, 2)) s (\(spread(r.all, digits: 2))); matrix products at \(CommandSupport.fixed(r.productGFLOPS, 1)) GFLOPS")
                                return 0
                            }),
                CommandSpec(name: "meta", abstract: "The headline estimate on the digits fixture: fitting it (meta-set and map), and further targets (360 and 60 rows) from its saved meta-set.",
                            usage: "[--meta-sets <n>] [--format table|json]",
                            options: [.option("meta-sets", value: "n", help: "Meta-sets.", default: "\(MetaSetBuilder.defaultCount)"), formatOption],
                            run: { parsed, console in
                                let count = try parsed.int("meta-sets", default: MetaSetBuilder.defaultCount, range: 10 ... 100_000)!
                                try requireRelease()
                                let r = try MetaBenchmark.run(metaSets: count)
                                emit(parsed, console, [("meta_sets", .integer(r.metaSets)), ("fit_seconds", .number(r.fitSeconds)),
                                                       ("target_seconds", .number(r.reuseSeconds)), ("small_target_seconds", .number(r.smallTargetSeconds))],
                                     "meta (\(r.metaSets) meta-sets, digits 64-64-10): fit \(CommandSupport.fixed(r.fitSeconds, 2)) s (\(spread(r.fitAll, digits: 2))); a further target from the saved meta-set \(CommandSupport.fixed(r.reuseSeconds, 2)) s (\(spread(r.reuseAll, digits: 2))); a 60-row target, the meta-set re-read at its size, \(CommandSupport.fixed(r.smallTargetSeconds, 2)) s (\(spread(r.smallTargetAll, digits: 2)))")
                                return 0
                            }),
            ])
    }

    /// "median of 7 runs, range 120.5–150.2": the spread behind a reported median.
    static func spread(_ all: [Double], digits: Int, of what: String = "runs") -> String {
        guard let low = all.min(), let high = all.max() else { return "no runs" }
        return "median of \(all.count) \(what), range \(CommandSupport.fixed(low, digits))–\(CommandSupport.fixed(high, digits))"
    }

    static func requireRelease() throws {
        #if DEBUG
        throw InputError("perf measures release builds only: run 'swift run -c release shiftcast perf …'")
        #endif
    }

    static func emit(_ parsed: ParsedArguments, _ console: Console, _ json: [(String, JSONValue)], _ text: String) {
        if parsed.string("format") == "json" {
            console.out(JSONValue.object(json).rendered(pretty: false) + "\n")
        } else {
            console.out(text + "\n" + buildDescription + "\n")
        }
    }

    /// What the measured kernels were built for, so figures from different machines can be
    /// told apart: e.g. "build: kernels for avx2, fma; GEMM register tile 6×16".
    static var buildDescription: String {
        let flags = CPUCheck.requiredFlags
        let target = flags.isEmpty ? "the compiler's default target (no -target-cpu)" : flags.joined(separator: ", ")
        return "build: kernels for \(target); GEMM register tile \(GEMM.registerTile)"
    }
}

import ShiftcastTensor
