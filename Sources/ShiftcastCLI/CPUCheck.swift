import Foundation

/// Start-up check that this CPU has the instruction-set features the numeric
/// kernels were compiled for (see Package.swift). Without it, a binary built on
/// an AVX-512 machine would die with SIGILL on an older CPU; with it, the user
/// gets a message saying how to rebuild.
public enum CPUCheck {
    /// The `/proc/cpuinfo` flags the kernels were compiled to use.
    public static var requiredFlags: [String] {
        #if SHIFTCAST_REQUIRES_AVX512
        return ["avx2", "fma", "avx512f", "avx512bw", "avx512dq", "avx512vl"]
        #elseif SHIFTCAST_REQUIRES_AVX2
        return ["avx2", "fma"]
        #else
        return []
        #endif
    }

    /// The required flags this CPU lacks (empty when all are present or unknown).
    public static func missingFlags() -> [String] {
        guard let info = readFile("/proc/cpuinfo") else { return [] }
        return missing(requiredFlags, cpuinfo: info)
    }

    /// The flags in `required` that the first `flags` line of `cpuinfo` lacks (none if there is no such line).
    public static func missing(_ required: [String], cpuinfo: String) -> [String] {
        guard !required.isEmpty,
              let line = cpuinfo.split(separator: "\n").first(where: { $0.hasPrefix("flags") }) else { return [] }
        let have = Set(line.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == ":" }).map(String.init))
        return required.filter { !have.contains($0) }
    }

    /// Exits with status 1 and a message when `missingFlags()` is not empty.
    public static func requireKernelFeatures() {
        let missing = missingFlags()
        guard !missing.isEmpty else { return }
        let message = "Error: this shiftcast binary was built for a CPU with \(requiredFlags.joined(separator: ", ")), "
            + "but this CPU lacks \(missing.joined(separator: ", ")).\n"
            + "Rebuild on this machine (swift build -c release), or build a portable binary with "
            + "SHIFTCAST_PORTABLE=1 swift build -c release.\n"
        FileHandle.standardError.write(Data(message.utf8))
        exit(1)
    }

    private static func readFile(_ path: String) -> String? {
        try? String(contentsOfFile: path, encoding: .utf8)
    }
}
