import Foundation
import ShiftcastTensor

/// What a long run's report offers the command line: its files, the Markdown report and the JSON summary.
public protocol RunReport: Sendable {
    /// Writes every output file into `directory`.
    func write(to directory: String) throws
    func markdown() -> String
    func summaryJSON() throws -> Data
    /// The files `write(to:)` makes, for messages.
    var fileNames: [String] { get }
}

/// A run made of units kept one file each (`UnitStore`): the benchmark and the study. Their
/// shards merge the same way.
public protocol ShardedRun {
    associatedtype Result: UnitResultFile
    /// What the units are called in messages, e.g. "benchmark's units".
    static var unitsNoun: String { get }
    static func collect(directories: [String]) throws -> [Result]
    static func missingUnits(of results: [Result]) -> (missing: [String], total: Int)
    static func write(_ results: [Result], to out: String) throws
    static func report(_ results: [Result], command: String) -> any RunReport
}

extension ShardedRun {
    /// Collects the units of `directories`, writes them and their report into `out`, and returns
    /// the report; `warn` hears which units are missing when some shard's directory was left out.
    public static func merge(directories: [String], out: String, command: String,
                             warn: (_ missing: [String], _ total: Int) -> Void) throws -> any RunReport {
        let results = try collect(directories: directories)
        guard !results.isEmpty else { throw InputError(file: directories.first, "no unit results found to merge") }
        let (missing, total) = missingUnits(of: results)
        if !missing.isEmpty { warn(missing, total) }
        try write(results, to: out)
        let report = report(results, command: command)
        try report.write(to: out)
        return report
    }
}

extension BenchmarkRunner: ShardedRun {
    public static var unitsNoun: String { "benchmark's units" }
    public static func report(_ results: [UnitResult], command: String) -> any RunReport { BenchmarkReport(results: results, command: command) }
}

extension StudyRunner: ShardedRun {
    public static var unitsNoun: String { "study's models" }
    public static func report(_ results: [StudyResult], command: String) -> any RunReport { StudyReport(results: results, command: command) }
}

extension BenchmarkReport: RunReport {}
extension StudyReport: RunReport {}
