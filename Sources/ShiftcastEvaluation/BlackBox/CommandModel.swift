import Foundation
import Synchronization
import ShiftcastData

/// A model from any framework, run as a command: shiftcast writes the input rows as a float32
/// `.npy` `[rows, features]` to `{in}`, runs `/bin/sh -c` on the command with `{in}` and `{out}`
/// replaced by those paths (quoted), and reads the model's outputs `[rows, K]` (probabilities, or
/// logits when `logits`; a binary classifier's positive class may be one column) from `{out}`.
/// Callers batch every row they need into as few calls as they can.
///
/// Every misbehaviour is an `InputError` naming the command: a non-zero exit (with the end of its
/// stderr), no output file, a malformed one, the wrong number of rows or classes, non-finite
/// values, rows that are not probabilities, or no answer within `timeout` seconds (the command is
/// then terminated). Nothing is left behind: the scratch directory is removed after each call.
public struct CommandModel: Sendable {
    public let command: String
    public let logits: Bool
    /// Seconds a call may take.
    public let timeout: Double

    public init(command: String, logits: Bool = false, timeout: Double = 3600) throws {
        guard command.contains("{in}"), command.contains("{out}") else {
            throw InputError("--model-command: expected a command with the placeholders {in} and {out}, found '\(command)'")
        }
        self.command = command
        self.logits = logits
        self.timeout = timeout
    }

    /// The model's predictions on `features`, checked; `classCount` (if known) is what every call must give.
    public func outputs(_ features: Tensor, classCount: Int? = nil) throws -> Predictions {
        try run(features, classCount: classCount).predictions
    }

    /// `outputs`, and whether the command wrote one column (a binary classifier's positive class).
    public func run(_ features: Tensor, classCount: Int? = nil) throws -> (predictions: Predictions, oneColumn: Bool) {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("shiftcast-model-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let input = directory + "/in.npy", output = directory + "/out.npy"
        try NPY.write(features, to: input)
        func quoted(_ path: String) -> String { "'" + path.replacingOccurrences(of: "'", with: "'\\''") + "'" }
        let line = command.replacingOccurrences(of: "{in}", with: quoted(input)).replacingOccurrences(of: "{out}", with: quoted(output))
        let name = "the model command '\(command)'"

        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", line]
        let errorPipe = Pipe()
        process.standardError = errorPipe
        process.standardOutput = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        let finished = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in finished.signal() }
        do { try process.run() } catch {
            throw InputError("\(name) could not be started: \(error.localizedDescription)")
        }
        let stderrData = Mutex<Data>(Data())
        let reader = Thread { stderrData.withLock { $0 = errorPipe.fileHandleForReading.readDataToEndOfFile() } }
        reader.start()
        if finished.wait(timeout: .now() + timeout) == .timedOut {
            // The shell and every process it started (the model itself), not the shell alone.
            Self.killTree(process.processIdentifier)
            _ = finished.wait(timeout: .now() + 5)
            throw InputError("\(name) did not finish within \(Int(timeout)) s (--model-timeout); it was stopped")
        }
        while reader.isExecuting { usleep(1000) }
        let stderr = String(decoding: stderrData.withLock { $0 }, as: UTF8.self)
        guard process.terminationStatus == 0 else {
            let tail = stderr.split(separator: "\n").suffix(3).joined(separator: " | ")
            throw InputError("\(name) exited with status \(process.terminationStatus)\(tail.isEmpty ? "" : ": \(tail)")")
        }
        guard FileManager.default.fileExists(atPath: output) else {
            throw InputError("\(name) wrote no output: expected a .npy array [rows, classes] at {out}")
        }
        var matrix: Tensor
        do { matrix = try NPY.readOutputs(path: output) } catch let error as InputError {
            throw InputError("\(name) wrote malformed output: \(error.message)")
        }
        guard matrix.rowCount == features.rowCount else {
            throw InputError("\(name): expected \(features.rowCount) rows of outputs (one per input row), found \(matrix.rowCount)")
        }
        let oneColumn = matrix.columnCount == 1
        if oneColumn { matrix = Self.binaryColumns(matrix, logits: logits) }
        if logits && Predictions.looksLikeProbabilities(matrix) {
            throw InputError("\(name): with --logits, expected logits, found probabilities (every row non-negative and summing to 1): drop --logits")
        }
        if let classCount, matrix.columnCount != classCount {
            throw InputError("\(name): expected \(classCount) columns (classes) as in its earlier outputs, found \(matrix.columnCount)")
        }
        do {
            return (logits ? try Predictions(logits: matrix, origin: "model command") : try Predictions(probabilities: matrix, origin: "model command"),
                    oneColumn)
        } catch let error as InputError {
            let where_ = error.line.map { " row \($0)" } ?? ""
            throw InputError("\(name) output\(where_): \(error.message)")
        }
    }

    /// Sends SIGKILL to `pid` and all its descendants (found through /proc's parent links),
    /// children first.
    static func killTree(_ pid: Int32) {
        var children: [Int32: [Int32]] = [:]
        if let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc") {
            for entry in entries {
                guard let child = Int32(entry),
                      let stat = try? String(contentsOfFile: "/proc/\(entry)/stat", encoding: .utf8),
                      let close = stat.lastIndex(of: ")") else { continue }
                // "pid (comm) state ppid …": the parent is the second field after the command name.
                let fields = stat[stat.index(after: close)...].split(separator: " ")
                if fields.count > 1, let parent = Int32(fields[1]) { children[parent, default: []].append(child) }
            }
        }
        func kill(_ p: Int32) {
            for c in children[p] ?? [] { kill(c) }
            _ = Glibc.kill(p, SIGKILL)
        }
        kill(pid)
    }

    /// A one-column output as a binary classifier's two classes (probabilities `[1 − p, p]`, logits `[0, z]`).
    static func binaryColumns(_ column: Tensor, logits: Bool) -> Tensor {
        var out = [Float](repeating: 0, count: column.rowCount * 2)
        for (i, v) in column.scalars.enumerated() {
            if logits { out[2 * i + 1] = v } else { out[2 * i] = 1 - v; out[2 * i + 1] = v }
        }
        return Tensor(shape: [column.rowCount, 2], scalars: out)
    }
}
