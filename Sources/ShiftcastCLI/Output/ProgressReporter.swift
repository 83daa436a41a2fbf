import Foundation

/// A progress line on stderr — bar, count, rate and ETA — drawn only when stderr is a terminal
/// (and redrawn at most 10 times a second). Otherwise it prints nothing, so logs and JSON
/// output stay clean.
public final class ProgressReporter: @unchecked Sendable {
    private let console: Console
    private let enabled: Bool
    private let lock = NSLock()
    private let start = Date()
    private var lastDraw = Date.distantPast
    private var drawn = false

    public init(console: Console, enabled: Bool = true) {
        self.console = console
        self.enabled = enabled && console.stderrIsTerminal
    }

    /// Reports `fraction` (0…1) of the work done, with a label.
    public func update(_ fraction: Double, _ label: String) {
        guard enabled else { return }
        lock.lock(); defer { lock.unlock() }
        let now = Date()
        guard now.timeIntervalSince(lastDraw) > 0.1 || fraction >= 1 else { return }
        lastDraw = now
        let f = Swift.min(Swift.max(fraction, 0), 1)
        let width = 24
        let filled = Int(f * Double(width))
        let elapsed = now.timeIntervalSince(start)
        let eta = f > 0.01 ? elapsed * (1 - f) / f : .nan
        let etaText = eta.isFinite ? " ETA \(Self.duration(eta))" : ""
        let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
        console.err("\r\u{1B}[2K\(bar) \(String(format: "%3.0f", f * 100))% \(Self.duration(elapsed))\(etaText)  \(label.prefix(60))")
        drawn = true
    }

    /// Reports `done` of `total` items.
    public func update(done: Int, total: Int, _ label: String) {
        update(total > 0 ? Double(done) / Double(total) : 1, "\(done)/\(total) \(label)")
    }

    /// Clears the line.
    public func finish() {
        guard enabled else { return }
        lock.lock(); defer { lock.unlock() }
        if drawn { console.err("\r\u{1B}[2K") }
        drawn = false
    }

    static func duration(_ seconds: Double) -> String {
        let s = Int(seconds.rounded())
        return s >= 3600 ? String(format: "%d:%02d:%02d", s / 3600, s % 3600 / 60, s % 60) : String(format: "%d:%02d", s / 60, s % 60)
    }
}
