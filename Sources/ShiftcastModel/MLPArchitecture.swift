/// The shape of a multilayer perceptron: input width, hidden widths, number of
/// classes, and the activation between dense layers.
///
/// `MLPArchitecture(inputs: 64, hidden: [128, 128], classes: 10, activation: .relu)`
/// is `Dense(64→128) · relu · Dense(128→128) · relu · Dense(128→10)`.
public struct MLPArchitecture: Sendable, Equatable, Codable {
    public var inputs: Int
    public var hidden: [Int]
    public var classes: Int
    public var activation: Activation

    public init(inputs: Int, hidden: [Int], classes: Int, activation: Activation = .relu) {
        self.inputs = inputs
        self.hidden = hidden
        self.classes = classes
        self.activation = activation
    }

    /// `[inputs, hidden…, classes]`.
    public var widths: [Int] { [inputs] + hidden + [classes] }

    /// The number of trainable scalars (weights and biases).
    public var parameterCount: Int {
        let w = widths
        return (0 ..< w.count - 1).reduce(0) { $0 + w[$1] * w[$1 + 1] + w[$1 + 1] }
    }

    /// A short human-readable form, e.g. `64-128-128-10 relu`.
    public var summary: String {
        widths.map(String.init).joined(separator: "-") + " " + activation.rawValue
    }
}
