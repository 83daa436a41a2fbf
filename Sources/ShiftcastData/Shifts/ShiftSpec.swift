/// A shift family at a severity, written `family@severity` (e.g. `gaussian-noise@3`).
public struct ShiftSpec: Sendable, Equatable, Hashable, CustomStringConvertible {
    public var family: String
    public var severity: Int

    public init(_ family: String, _ severity: Int) { self.family = family; self.severity = severity }

    /// Parses `family@severity`.
    /// - Throws: `InputError` for text of another form.
    public init(parsing text: String) throws {
        let parts = text.split(separator: "@")
        guard parts.count == 2, let s = Int(parts[1]) else { throw InputError("expected a shift as family@severity, found '\(text)'") }
        self.init(String(parts[0]), s)
    }

    public var description: String { "\(family)@\(severity)" }
}
