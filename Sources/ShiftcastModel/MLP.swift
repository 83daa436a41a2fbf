/// A multilayer perceptron classifier: dense layers with one activation between
/// consecutive layers, producing logits.
///
/// A value type: copying a model copies its weights (lazily, copy-on-write), so
/// fine-tuning a copy never touches the original.
public struct MLP: Sendable, Equatable {
    public private(set) var architecture: MLPArchitecture
    /// The dense layers, first to last. Change weights through `parameters` or
    /// `updateParameters(_:)`, which keep the shapes fixed.
    public internal(set) var layers: [Dense]

    /// A freshly initialised network (PyTorch's default `nn.Linear` init), drawn from `generator`.
    public init(_ architecture: MLPArchitecture, using generator: inout SeededGenerator) {
        precondition(architecture.inputs > 0 && architecture.classes > 0 && architecture.hidden.allSatisfy { $0 > 0 },
                     "MLP: widths must be positive, got \(architecture.widths)")
        self.architecture = architecture
        let w = architecture.widths
        layers = (0 ..< w.count - 1).map { Dense(inputs: w[$0], outputs: w[$0 + 1], using: &generator) }
    }

    /// The network initialised from `seed`: the same seed always gives the same weights.
    /// This is how ProjNorm recreates a model's initialisation θ0.
    public init(_ architecture: MLPArchitecture, initSeed seed: UInt64) {
        var generator = SeededGenerator(seed: seed)
        self.init(architecture, using: &generator)
    }

    /// A network from existing layers; the architecture is read off their shapes.
    public init(layers: [Dense], activation: Activation) {
        precondition(!layers.isEmpty, "MLP: needs at least one dense layer")
        for i in 1 ..< layers.count {
            precondition(layers[i].inputCount == layers[i - 1].outputCount,
                         "MLP: layer \(i) takes \(layers[i].inputCount) inputs but layer \(i - 1) gives \(layers[i - 1].outputCount)")
        }
        architecture = MLPArchitecture(inputs: layers[0].inputCount,
                                       hidden: layers.dropLast().map(\.outputCount),
                                       classes: layers.last!.outputCount, activation: activation)
        self.layers = layers
    }

    public var inputCount: Int { architecture.inputs }
    public var classCount: Int { architecture.classes }

    /// Logits `[batch, classes]` for a batch `[batch, inputs]`.
    public func logits(_ x: Tensor) -> Tensor {
        var h = x
        for (i, layer) in layers.enumerated() {
            h = layer(h)
            if i < layers.count - 1 { h = architecture.activation(h) }
        }
        return h
    }

    /// Logits computed `batchSize` rows at a time (bounded memory for large sets).
    public func logits(_ x: Tensor, batchSize: Int) -> Tensor {
        precondition(batchSize > 0, "logits(batchSize:) needs a positive batch size")
        if x.rowCount <= batchSize { return logits(x) }
        var parts: [Tensor] = []
        var start = 0
        while start < x.rowCount {
            let end = min(start + batchSize, x.rowCount)
            parts.append(logits(x.rows(start ..< end)))
            start = end
        }
        return Tensor.concatenatingRows(parts)
    }

    /// Logits `[batch, classes]` and penultimate features `[batch, width]` — the input of the last
    /// dense layer, after the activation (the inputs themselves for a network without hidden
    /// layers) — computed `batchSize` rows at a time.
    public func logitsAndFeatures(_ x: Tensor, batchSize: Int = 4096) -> (logits: Tensor, features: Tensor) {
        precondition(batchSize > 0, "logitsAndFeatures(batchSize:) needs a positive batch size")
        func pass(_ rows: Tensor) -> (Tensor, Tensor) {
            var h = rows
            for layer in layers.dropLast() { h = architecture.activation(layer(h)) }
            return (layers[layers.count - 1](h), h)
        }
        if x.rowCount <= batchSize { return pass(x) }
        var logits: [Tensor] = [], features: [Tensor] = []
        var start = 0
        while start < x.rowCount {
            let end = min(start + batchSize, x.rowCount)
            let (z, h) = pass(x.rows(start ..< end))
            logits.append(z); features.append(h)
            start = end
        }
        return (Tensor.concatenatingRows(logits), Tensor.concatenatingRows(features))
    }

    /// Softmax probabilities `[batch, classes]`.
    public func probabilities(_ x: Tensor, batchSize: Int = 4096) -> Tensor {
        logits(x, batchSize: batchSize).rowSoftmax()
    }

    /// Predicted classes (argmax of the logits).
    public func predictions(_ x: Tensor, batchSize: Int = 4096) -> [Int] {
        logits(x, batchSize: batchSize).argmaxRows()
    }

    /// The fraction of rows whose prediction equals the label.
    public func accuracy(_ x: Tensor, labels: [Int]) -> Double {
        precondition(labels.count == x.rowCount, "accuracy: \(x.rowCount) rows but \(labels.count) labels")
        guard !labels.isEmpty else { return .nan }
        let p = predictions(x)
        return Double(zip(p, labels).filter { $0 == $1 }.count) / Double(labels.count)
    }
}
