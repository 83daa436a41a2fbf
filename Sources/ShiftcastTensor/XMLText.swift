/// Writing XML (SVG) text by hand.
public enum XMLText {
    /// `text` safe inside an element or an attribute value: `&` first (so that the entities
    /// written for the others are not escaped again), then `<`, `>`, `"` and `'`.
    public static func escaped(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
            .replacingOccurrences(of: "'", with: "&apos;")
    }
}
