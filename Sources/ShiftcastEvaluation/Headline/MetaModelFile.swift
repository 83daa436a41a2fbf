import Foundation

/// A fitted headline estimate kept on disk (`predict --save-meta FILE`, reused with `--meta
/// FILE`), so that many target sets pay for the meta-set once.
///
/// JSON: the format name and version, the form, a fingerprint of the inputs it was made from
/// (FNV-1a, 64 bits, of the model file's and the validation files' bytes, in order) with their
/// names for messages, the options that shape it (seed, meta-set count, ProjNorm recipe,
/// temperature scaling), and every meta-set's observation. The map itself is refitted from the
/// observations when read — deterministic, and a file can never disagree with the code reading it.
public struct MetaModelFile: Sendable, Codable, Equatable {
    public static let formatName = "shiftcast-meta-model"
    public static let currentVersion = 6

    public var format: String
    public var version: Int
    public var form: HeadlineEstimate.Form
    /// Fingerprint of the inputs, and the files it was taken from.
    public var fingerprint: String
    public var inputs: [String]
    public var seed: UInt64
    public var metaSetCount: Int
    public var projNormIterations: Int
    public var projNormLearningRate: Float
    public var temperatureScaling: Bool
    public var observations: [MetaObservation]

    public init(headline: HeadlineEstimate, fingerprint: String, inputs: [String]) {
        format = Self.formatName
        version = Self.currentVersion
        form = headline.form
        self.fingerprint = fingerprint
        self.inputs = inputs
        seed = headline.options.seed
        metaSetCount = headline.options.metaSetCount
        projNormIterations = headline.options.projNorm.iterations
        projNormLearningRate = headline.options.projNorm.learningRate
        temperatureScaling = headline.options.temperatureScaling
        observations = headline.observations
    }

    /// The options the file was made with (its split of the validation rows depends on the seed).
    public var options: HeadlineEstimate.Options {
        var o = HeadlineEstimate.Options()
        o.seed = seed
        o.metaSetCount = metaSetCount
        o.projNorm = ProjNormConfiguration(iterations: projNormIterations, learningRate: projNormLearningRate, seed: seed)
        o.temperatureScaling = temperatureScaling
        return o
    }

    /// FNV-1a (64 bits) over `settings` (the options that shape the meta-set) and the bytes of
    /// `paths`, in order, as 16 hex digits.
    public static func fingerprint(of paths: [String], settings: String = "") throws -> String {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in settings.utf8 { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
        for path in paths {
            guard let data = FileManager.default.contents(atPath: path) else {
                throw InputError(file: path, "cannot read the file to fingerprint it for the meta-model")
            }
            for byte in data { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
            hash = (hash ^ 0xFF) &* 0x0000_0100_0000_01B3  // file separator
        }
        return String(hash, radix: 16).leftPadded(to: 16)
    }

    public func write(to path: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        try AtomicFile.write(try encoder.encode(self), to: path)
    }

    /// Reads and checks a meta-model file.
    /// - Throws: `InputError` naming `path` for a missing, corrupted or foreign file.
    public static func read(from path: String) throws -> MetaModelFile {
        try RegularFile.requireExisting(path, expected: "a meta-model file written by --save-meta")
        guard let data = FileManager.default.contents(atPath: path) else { throw InputError(file: path, "cannot read the meta-model file") }
        let file: MetaModelFile
        do { file = try JSONDecoder().decode(MetaModelFile.self, from: data) } catch {
            throw InputError(file: path, "expected a meta-model file written by --save-meta (JSON, format '\(formatName)'), found a file that does not parse as one (truncated or edited?)")
        }
        guard file.format == formatName else {
            throw InputError(file: path, "expected format '\(formatName)', found '\(file.format)'")
        }
        guard file.version == currentVersion else {
            throw InputError(file: path, "expected meta-model version \(currentVersion), found \(file.version) (written by another shiftcast version): make it again with --save-meta")
        }
        guard file.observations.count >= 4, file.observations.allSatisfy({
            (0 ... 1).contains($0.trueAccuracy) && $0.values.values.allSatisfy(\.isFinite)
                && $0.columnValues.values.allSatisfy(\.isFinite) && !$0.families.isEmpty
        }) else {
            throw InputError(file: path, "expected at least 4 meta-set observations with accuracies in [0, 1], finite values and their families, found \(file.observations.count) or a value out of range")
        }
        guard (1 ... 1_000_000).contains(file.projNormIterations), file.projNormLearningRate.isFinite, file.projNormLearningRate > 0,
              (4 ... 100_000).contains(file.metaSetCount) else {
            throw InputError(file: path, "expected ProjNorm iterations in 1...1000000, a positive learning rate and 4...100000 meta-sets, found \(file.projNormIterations), \(file.projNormLearningRate) and \(file.metaSetCount)")
        }
        return file
    }

    /// Refuses a file made for other inputs, naming both.
    public func check(fingerprint current: String, inputs currentInputs: [String], form currentForm: HeadlineEstimate.Form, path: String) throws {
        guard form == currentForm else {
            throw InputError(file: path, "the meta-model was made in the \(form.rawValue) form, found the \(currentForm.rawValue) form")
        }
        guard fingerprint == current else {
            throw InputError(file: path, "the meta-model was made for \(inputs.joined(separator: " and ")) (fingerprint \(fingerprint)), found \(currentInputs.joined(separator: " and ")) (fingerprint \(current)): make one for these with --save-meta")
        }
    }
}

extension String {
    func leftPadded(to width: Int) -> String { count >= width ? self : String(repeating: "0", count: width - count) + self }
}
