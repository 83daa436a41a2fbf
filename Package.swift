// swift-tools-version:6.0
//
// shiftcast: predict a classifier's accuracy on unlabeled, shifted data.
//
// Build configuration for the numeric kernels
// --------------------------------------------
// The hot loops (matrix multiply, softmax, optimizer updates) are written with
// `SIMD16<Float>`. On the default x86-64 target LLVM lowers their fused
// multiply-adds to library calls, which is ~50x slower than real FMA
// instructions. So the numeric targets are compiled for the best instruction set
// the *build machine* offers (read from /proc/cpuinfo when this manifest is
// evaluated):
//   - AVX-512 (F, BW, DQ, VL) -> `-target-cpu skylake-avx512`
//   - AVX2 + FMA              -> `-target-cpu haswell`
//   - otherwise               -> the default target (correct, slower)
// and always with `-O`, so that `swift test` (a debug build) does not run the
// kernels unoptimised. The executable checks at start-up, before any kernel
// runs, that the CPU it runs on has the features it was built for, and exits
// with a clear message if it does not (see Sources/shiftcast/main.swift).
//
// Set SHIFTCAST_PORTABLE=1 when building to get a binary for any x86-64 CPU,
// and no unsafe flags (needed when shiftcast is used as a package dependency).
// See Docs/Performance.md.
import PackageDescription
import Foundation

enum KernelTarget: String {
    /// AVX-512 F/BW/DQ/VL plus AVX2 and FMA.
    case avx512 = "skylake-avx512"
    /// AVX2 and FMA.
    case avx2 = "haswell"
    /// The compiler's default x86-64 target, still with `-O`.
    case generic = "x86-64"
    /// SHIFTCAST_PORTABLE=1: no unsafe flags at all.
    case portable = ""

    static func detect() -> KernelTarget {
        if let forced = ProcessInfo.processInfo.environment["SHIFTCAST_PORTABLE"], forced != "0", !forced.isEmpty {
            return .portable
        }
        #if arch(x86_64) && os(Linux)
        guard let info = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
              let flagsLine = info.split(separator: "\n").first(where: { $0.hasPrefix("flags") })
        else { return .generic }
        let flags = Set(flagsLine.split(separator: " ").map(String.init))
        if ["avx512f", "avx512bw", "avx512dq", "avx512vl", "fma", "avx2"].allSatisfy(flags.contains) { return .avx512 }
        if ["avx2", "fma"].allSatisfy(flags.contains) { return .avx2 }
        return .generic
        #else
        return .generic
        #endif
    }
}

let kernelTarget = KernelTarget.detect()

/// Settings for targets that hold numeric hot loops.
let kernelSettings: [SwiftSetting] = {
    switch kernelTarget {
    case .portable: return []
    case .generic: return [.unsafeFlags(["-O"])]
    // SHIFTCAST_KERNEL_AVX512 selects GEMM's 12×32 register tile (32 zmm registers);
    // every other target gets the 6×16 tile (16 ymm registers).
    case .avx512: return [.unsafeFlags(["-O", "-target-cpu", kernelTarget.rawValue]), .define("SHIFTCAST_KERNEL_AVX512")]
    case .avx2: return [.unsafeFlags(["-O", "-target-cpu", kernelTarget.rawValue])]
    }
}()

/// Settings for code that must run on any CPU: it names the features the kernels need.
let launcherSettings: [SwiftSetting] = {
    switch kernelTarget {
    case .avx512: return [.define("SHIFTCAST_REQUIRES_AVX512")]
    case .avx2: return [.define("SHIFTCAST_REQUIRES_AVX2")]
    case .generic, .portable: return []
    }
}()

let package = Package(
    name: "shiftcast",
    products: [
        .executable(name: "shiftcast", targets: ["shiftcast"]),
        .library(name: "ShiftcastTensor", targets: ["ShiftcastTensor"]),
        .library(name: "ShiftcastModel", targets: ["ShiftcastModel"]),
        .library(name: "ShiftcastData", targets: ["ShiftcastData"]),
        .library(name: "ShiftcastEstimators", targets: ["ShiftcastEstimators"]),
        .library(name: "ShiftcastEvaluation", targets: ["ShiftcastEvaluation"]),
        .library(name: "ShiftcastBench", targets: ["ShiftcastBench"]),
    ],
    targets: [
        // Layer 1: dense Float32 tensors, matrix multiply, seeded random numbers.
        .target(name: "ShiftcastTensor", swiftSettings: kernelSettings),
        // Layer 2: layers, backprop, losses, optimizers, training, model files.
        .target(name: "ShiftcastModel", dependencies: ["ShiftcastTensor"], swiftSettings: kernelSettings),
        // Layer 3: datasets (CSV, NPY), synthetic tasks, distribution shifts.
        .target(name: "ShiftcastData", dependencies: ["ShiftcastTensor", "ShiftcastModel"], swiftSettings: kernelSettings),
        // Layer 3: accuracy estimators that work from a model's outputs (probabilities, logits,
        // features) alone: no model core, no data module.
        .target(name: "ShiftcastEstimators", dependencies: ["ShiftcastTensor"], swiftSettings: kernelSettings),
        // Layer 4: evaluating a model: the estimator registry, seed models, ProjNorm, score
        // calibration on shifted validation sets.
        .target(name: "ShiftcastEvaluation",
                dependencies: ["ShiftcastTensor", "ShiftcastModel", "ShiftcastData", "ShiftcastEstimators"],
                swiftSettings: kernelSettings),
        // Layer 5: the hard-shift benchmark.
        .target(name: "ShiftcastBench",
                dependencies: ["ShiftcastTensor", "ShiftcastModel", "ShiftcastData", "ShiftcastEstimators", "ShiftcastEvaluation"],
                swiftSettings: kernelSettings),
        // Layer 6: the command line (parsing, commands, output), testable in-process.
        .target(name: "ShiftcastCLI",
                dependencies: ["ShiftcastTensor", "ShiftcastModel", "ShiftcastData", "ShiftcastEstimators", "ShiftcastEvaluation",
                               "ShiftcastBench"],
                swiftSettings: launcherSettings),
        .executableTarget(name: "shiftcast", dependencies: ["ShiftcastCLI"], swiftSettings: launcherSettings),

        .target(name: "ShiftcastTestSupport", dependencies: ["ShiftcastTensor", "ShiftcastModel"], path: "Tests/ShiftcastTestSupport"),
        .testTarget(name: "ShiftcastTensorTests", dependencies: ["ShiftcastTensor", "ShiftcastTestSupport"]),
        .testTarget(name: "ShiftcastModelTests", dependencies: ["ShiftcastModel", "ShiftcastTestSupport"]),
        .testTarget(name: "ShiftcastDataTests", dependencies: ["ShiftcastData", "ShiftcastTestSupport"]),
        .testTarget(name: "ShiftcastEstimatorsTests", dependencies: ["ShiftcastEstimators", "ShiftcastData", "ShiftcastTestSupport"]),
        .testTarget(name: "ShiftcastEvaluationTests", dependencies: ["ShiftcastEvaluation", "ShiftcastTestSupport"]),
        .testTarget(name: "ShiftcastBenchTests", dependencies: ["ShiftcastBench", "ShiftcastTestSupport"]),
        .testTarget(name: "ShiftcastCLITests", dependencies: ["ShiftcastCLI", "ShiftcastData", "ShiftcastModel", "ShiftcastEstimators", "ShiftcastEvaluation",
                                                          "ShiftcastBench", "ShiftcastTestSupport"]),
    ]
)
