import Foundation
import ShiftcastTensor

/// A result file per finished work unit under `<directory>/units/`: what lets a long run
/// (`bench`, `study`) continue after an interruption (`--resume`), split into shards
/// (`--shard I/N`) and merge them again. Used by `BenchmarkRunner` and `StudyRunner`.
///
/// Every result records the fingerprint of its run's configuration; resuming or merging refuses
/// results of another configuration.
public protocol UnitResultFile: Codable, Equatable, Sendable {
    /// The unit's id (unique within a run).
    var unitID: String { get }
    /// The fingerprint of the configuration that produced it.
    var configuration: String { get }
}

enum UnitStore {
    /// Runs `work` on each of `units` that `shard` holds (all when nil), in order, writing each
    /// result atomically to `<directory>/units/<fileName>` as soon as it is done; with `resume`,
    /// units whose file exists are loaded instead (and must carry `fingerprint`).
    static func run<Unit, Result: UnitResultFile>(
        units: [Unit], id: (Unit) -> String, fileName: (Unit) -> String, directory: String, fingerprint: String,
        shard: Shard?, resume: Bool, what: String, progress: ((_ done: Int, _ total: Int, _ label: String) -> Void)?,
        work: (_ index: Int, _ count: Int, Unit) throws -> Result
    ) throws -> [Result] {
        let unitsDirectory = directory + "/units"
        try RegularFile.makeDirectory(directory)
        try RegularFile.makeDirectory(unitsDirectory)
        let mine = units.enumerated().filter { shard?.contains(unitIndex: $0.offset) ?? true }.map(\.element)
        var results: [Result] = []
        for (index, unit) in mine.enumerated() {
            let path = unitsDirectory + "/" + fileName(unit)
            if FileManager.default.fileExists(atPath: path) {
                guard resume else {
                    throw InputError(file: path, "a result for unit \(id(unit)) already exists: pass --resume to continue this run, or choose another --out directory")
                }
                let existing: Result = try load(path, what: what)
                guard existing.configuration == fingerprint else {
                    throw InputError(file: path, "was written by a run with a different configuration; --resume needs the same options and --seed")
                }
                results.append(existing)
                progress?(index + 1, mine.count, "\(id(unit)) (already done)")
                continue
            }
            progress?(index, mine.count, id(unit))
            let result = try work(index, mine.count, unit)
            try AtomicFile.write(encode(result), to: path)
            results.append(result)
            progress?(index + 1, mine.count, id(unit))
        }
        return results
    }

    /// Every unit result in the given directories, each unit once, in `order` (the
    /// configuration's unit order, recovered from the results' fingerprint), else by id.
    /// - Throws: `InputError` if a unit appears twice with different content or configurations differ.
    static func collect<Result: UnitResultFile>(directories: [String], what: String,
                                                order: (_ fingerprint: String) -> [String]?) throws -> [Result] {
        var byId: [String: Result] = [:]
        var fingerprint: String?
        for directory in directories {
            let unitsDirectory = directory + "/units"
            guard let names = try? FileManager.default.contentsOfDirectory(atPath: unitsDirectory) else {
                throw InputError(file: directory, "expected a \(what) output directory with a units/ folder, found none")
            }
            for name in names.sorted() where name.hasSuffix(".json") {
                let result: Result = try load(unitsDirectory + "/" + name, what: what)
                if let fingerprint, fingerprint != result.configuration {
                    throw InputError(file: unitsDirectory + "/" + name, "comes from a run with a different configuration than the other shards")
                }
                fingerprint = result.configuration
                if let previous = byId[result.unitID], previous != result {
                    throw InputError(file: unitsDirectory + "/" + name, "unit \(result.unitID) appears twice with different results")
                }
                byId[result.unitID] = result
            }
        }
        if let fingerprint, let ids = order(fingerprint) {
            let rank = Dictionary(ids.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
            return byId.values.sorted { (rank[$0.unitID] ?? .max, $0.unitID) < (rank[$1.unitID] ?? .max, $1.unitID) }
        }
        return byId.values.sorted { $0.unitID < $1.unitID }
    }

    /// The ids in `all` that `results` lack, in order.
    static func missing<Result: UnitResultFile>(_ all: [String], in results: [Result]) -> [String] {
        let present = Set(results.map(\.unitID))
        return all.filter { !present.contains($0) }
    }

    /// The fingerprint of a configuration: its JSON with sorted keys.
    static func fingerprint<C: Encodable>(of configuration: C) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try encoder.encode(configuration), as: UTF8.self)
    }

    /// A unit result as pretty JSON with sorted keys (byte-identical for equal results).
    static func encode<Result: Encodable>(_ result: Result) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        return try encoder.encode(result)
    }

    static func load<Result: Decodable>(_ path: String, what: String) throws -> Result {
        guard let data = FileManager.default.contents(atPath: path) else { throw InputError(file: path, "cannot read the \(what) unit result") }
        do { return try JSONDecoder().decode(Result.self, from: data) } catch {
            throw InputError(file: path, "is not a valid \(what) unit result (truncated or edited?): \(error)")
        }
    }

    /// Writes each result to `<out>/units/` (the merged directory).
    static func write<Result: Encodable>(_ results: [Result], fileName: (Result) -> String, to out: String) throws {
        try RegularFile.makeDirectory(out)
        try RegularFile.makeDirectory(out + "/units")
        for r in results { try AtomicFile.write(try encode(r), to: out + "/units/" + fileName(r)) }
    }
}
