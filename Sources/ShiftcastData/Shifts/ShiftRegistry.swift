/// Every shift family, by name (for `shiftcast shift --list` and the benchmark).
public enum ShiftRegistry {
    /// The families that need only data, in the order they are listed.
    public static let dataFamilies: [any Shift] = [
        GaussianNoiseShift(), ImpulseNoiseShift(), ContrastShift(), MeanShift(), RotationShift(),
        OffManifoldShift(), LabelShift(), SubpopulationShift(), SpuriousFlipShift(),
    ] + ImageCorruptionShift.all

    /// All families: the data families, then the model-based ones
    /// (`adversarialFamilies`, defined in ShiftRegistry+Adversarial.swift).
    public static var all: [any Shift] { dataFamilies + adversarialFamilies }

    /// All family names, in listing order.
    public static var names: [String] { all.map(\.name) }

    /// The family called `name`.
    /// - Throws: `InputError` listing the known names (and the closest one) when there is none.
    public static func shift(named name: String) throws -> any Shift {
        if let found = all.first(where: { $0.name == name }) { return found }
        let closest = names.min { editDistance($0, name) < editDistance($1, name) }
        var message = "unknown shift '\(name)'"
        if let closest, editDistance(closest, name) <= Swift.max(2, name.count / 3) { message += "; did you mean '\(closest)'?" }
        message += " Known shifts: \(names.joined(separator: ", "))"
        throw InputError(file: "--shift", message)
    }

    /// Levenshtein distance, for suggestions.
    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        var previous = Array(0 ... b.count)
        for i in 1 ... Swift.max(a.count, 1) where !a.isEmpty {
            var current = [i] + [Int](repeating: 0, count: b.count)
            for j in 1 ... Swift.max(b.count, 1) where !b.isEmpty {
                current[j] = Swift.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            previous = current
        }
        return a.isEmpty ? b.count : previous[b.count]
    }
}
