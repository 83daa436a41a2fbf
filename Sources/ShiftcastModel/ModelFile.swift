import Foundation

/// A model on disk: an `MLP` in a safetensors file, with what shiftcast needs to use it —
/// class names, feature names, and how to recreate the initialisation θ0 (for ProjNorm).
///
/// Tensor names follow PyTorch's `nn.Sequential` of `Linear`/activation modules: dense layer i
/// is module `2i`, so its tensors are `{2i}.weight` (`[out, in]`) and `{2i}.bias` — a state dict
/// saved with `safetensors.torch.save_file(model.state_dict(), …)` loads without flags, and
/// `nn.Sequential(...).load_state_dict(load_file(path))` loads ours (shiftcast's extra
/// `theta0.*` tensors aside: pass `strict=False` or drop them).
///
/// Metadata keys (all strings):
/// - `shiftcast.format_version` — `1`;
/// - `shiftcast.architecture` — JSON, e.g. `{"inputs":64,"hidden":[128],"classes":10,"activation":"relu"}`;
/// - `shiftcast.classes` — JSON array of class names;
/// - `shiftcast.features` — JSON array of feature (column) names, if known;
/// - `shiftcast.init_seed` — θ0 = `MLP(architecture, initSeed:)`;
/// - `theta0.{2i}.weight` / `theta0.{2i}.bias` tensors — θ0 stored explicitly (when no seed recreates it).
public struct ModelFile: Sendable, Equatable {
    /// How θ0, the model's initialisation, can be recovered.
    public enum Initialization: Sendable, Equatable {
        case seed(UInt64)
        case weights(MLP)
        case unknown
    }

    public var model: MLP
    public var classNames: [String]
    public var featureNames: [String]?
    public var initialization: Initialization
    /// Other metadata to keep (e.g. training settings), written under `shiftcast.info.*`.
    public var info: [String: String]
    /// Where the model's activation came from when read: the file's metadata, the caller
    /// (`read(from:activation:)`), or neither (ReLU assumed — a plain PyTorch state dict).
    public var activationSource: ActivationSource = .recorded
    public enum ActivationSource: String, Sendable, Equatable { case recorded, given, assumed }

    public init(model: MLP, classNames: [String]? = nil, featureNames: [String]? = nil,
                initialization: Initialization, info: [String: String] = [:]) {
        self.model = model
        self.classNames = classNames ?? (0 ..< model.classCount).map(String.init)
        self.featureNames = featureNames
        self.initialization = initialization
        self.info = info
    }

    /// θ0, if recoverable.
    public var initialModel: MLP? {
        switch initialization {
        case let .seed(s): return MLP(model.architecture, initSeed: s)
        case let .weights(m): return m
        case .unknown: return nil
        }
    }

    /// The safetensors representation.
    public var safeTensors: SafeTensorsFile {
        var tensors: [(name: String, tensor: Tensor)] = []
        for (i, layer) in model.layers.enumerated() {
            tensors.append(("\(2 * i).weight", layer.weight))
            tensors.append(("\(2 * i).bias", layer.bias))
        }
        var metadata: [String: String] = [
            "shiftcast.format_version": "1",
            "shiftcast.architecture": Self.encodeJSON(model.architecture),
            "shiftcast.classes": Self.encodeJSON(classNames),
        ]
        if let featureNames { metadata["shiftcast.features"] = Self.encodeJSON(featureNames) }
        switch initialization {
        case let .seed(s): metadata["shiftcast.init_seed"] = "\(s)"
        case let .weights(theta0):
            for (i, layer) in theta0.layers.enumerated() {
                tensors.append(("theta0.\(2 * i).weight", layer.weight))
                tensors.append(("theta0.\(2 * i).bias", layer.bias))
            }
        case .unknown: break
        }
        for (k, v) in info { metadata["shiftcast.info.\(k)"] = v }
        return SafeTensorsFile(tensors: tensors, metadata: metadata)
    }

    /// Writes the model atomically.
    public func write(to path: String) throws { try safeTensors.write(to: path) }

    /// Reads a model file written by shiftcast or a PyTorch `nn.Sequential` state dict.
    /// - Parameter activation: the activation between layers when the file does not say
    ///   (a plain PyTorch state dict does not record it); default ReLU. A file that records
    ///   another one is an error, not overridden.
    /// - Throws: `InputError` naming the file and the tensor.
    public static func read(from path: String, activation: Activation? = nil) throws -> ModelFile {
        try interpret(SafeTensorsFile.read(from: path), path: path, activation: activation)
    }

    static func interpret(_ file: SafeTensorsFile, path: String, activation: Activation?) throws -> ModelFile {
        func fail(_ m: String) -> InputError { InputError(file: path, m) }
        let architecture: MLPArchitecture? = try file.metadata["shiftcast.architecture"].map {
            guard let a = try? JSONDecoder().decode(MLPArchitecture.self, from: Data($0.utf8)) else {
                if let object = try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any],
                   let name = object["activation"] as? String, Activation(rawValue: name) == nil {
                    throw fail("metadata 'shiftcast.architecture': expected activation \"relu\" or \"tanh\", found \"\(name)\"")
                }
                throw fail("metadata 'shiftcast.architecture' is not valid JSON of the form {\"inputs\":…,\"hidden\":[…],\"classes\":…,\"activation\":\"relu\"}")
            }
            return a
        }
        if let activation, let recorded = architecture?.activation, recorded != activation {
            throw fail("the file records activation '\(recorded.rawValue)', found a request for '\(activation.rawValue)': another activation applies only to files that do not record one (PyTorch state dicts)")
        }
        let act = activation ?? architecture?.activation ?? .relu
        let layers = try denseLayers(in: file, prefix: "", path: path)
        let model = MLP(layers: layers, activation: act)
        if let architecture, architecture != model.architecture, activation == nil || architecture.widths != model.architecture.widths {
            throw fail("metadata says architecture \(architecture.summary), but the tensors give \(model.architecture.summary)")
        }
        var classNames: [String]? = nil
        if let raw = file.metadata["shiftcast.classes"] {
            guard let names = try? JSONDecoder().decode([String].self, from: Data(raw.utf8)), names.count == model.classCount else {
                throw fail("metadata 'shiftcast.classes' must be a JSON array of \(model.classCount) names")
            }
            classNames = names
        }
        var featureNames: [String]? = nil
        if let raw = file.metadata["shiftcast.features"] {
            guard let names = try? JSONDecoder().decode([String].self, from: Data(raw.utf8)), names.count == model.inputCount else {
                throw fail("metadata 'shiftcast.features' must be a JSON array of \(model.inputCount) names")
            }
            featureNames = names
        }
        var initialization = Initialization.unknown
        if let raw = file.metadata["shiftcast.init_seed"] {
            guard let seed = UInt64(raw) else { throw fail("metadata 'shiftcast.init_seed' must be an unsigned integer, found '\(raw)'") }
            initialization = .seed(seed)
        } else if file.tensors.contains(where: { $0.name.hasPrefix("theta0.") }) {
            let theta0 = MLP(layers: try denseLayers(in: file, prefix: "theta0.", path: path), activation: act)
            guard theta0.architecture == model.architecture else {
                throw fail("theta0.* tensors give \(theta0.architecture.summary), the model is \(model.architecture.summary)")
            }
            initialization = .weights(theta0)
        }
        var info: [String: String] = [:]
        for (k, v) in file.metadata where k.hasPrefix("shiftcast.info.") { info[String(k.dropFirst("shiftcast.info.".count))] = v }
        var result = ModelFile(model: model, classNames: classNames, featureNames: featureNames, initialization: initialization, info: info)
        result.activationSource = architecture != nil ? .recorded : activation != nil ? .given : .assumed
        return result
    }

    /// The dense layers named `{prefix}{n}.weight` / `{prefix}{n}.bias`, ordered by n.
    static func denseLayers(in file: SafeTensorsFile, prefix: String, path: String) throws -> [Dense] {
        // "{prefix}{n}.weight" → (n, true), "{prefix}{n}.bias" → (n, false), else nil.
        func layer(_ name: String) -> (index: Int, isWeight: Bool)? {
            let parts = name.dropFirst(prefix.count).split(separator: ".")
            guard parts.count == 2, let index = Int(parts[0]), parts[1] == "weight" || parts[1] == "bias" else { return nil }
            return (index, parts[1] == "weight")
        }
        var weights: [Int: Tensor] = [:], biases: [Int: Tensor] = [:]
        for (name, tensor) in file.tensors where name.hasPrefix(prefix) {
            if prefix.isEmpty && name.hasPrefix("theta0.") { continue }
            guard let (index, isWeight) = layer(name), index >= 0 else {
                throw InputError(file: path, "tensor '\(name)': expected names like '0.weight', '0.bias', '2.weight' (an nn.Sequential of Linear layers)")
            }
            if isWeight { weights[index] = tensor } else { biases[index] = tensor }
        }
        if let (name, _) = file.integerTensors.first(where: { $0.name.hasPrefix(prefix) && layer($0.name) != nil }) {
            throw InputError(file: path, "tensor '\(name)': expected floating-point values (F32, F64, F16 or BF16), found an integer tensor")
        }
        guard !weights.isEmpty else {
            throw InputError(file: path, "expected dense-layer tensors named '\(prefix)0.weight', '\(prefix)0.bias', …; found none")
        }
        // nn.Sequential(Linear, activation, Linear, …) numbers its Linear layers 0, 2, 4, …;
        // other numbers mean other modules in between (Dropout, normalisation, a missing or a
        // doubled activation), whose effect the weights alone cannot say.
        for (position, index) in Set(weights.keys).union(biases.keys).sorted().enumerated() where index != 2 * position {
            let name = weights[index] != nil ? "\(prefix)\(index).weight" : "\(prefix)\(index).bias"
            throw InputError(file: path, "tensor '\(name)': expected the Linear layers of nn.Sequential(Linear, activation, Linear, …) at indices 0, 2, 4, …, found index \(index) where \(2 * position) was expected (other modules between the layers, such as Dropout or BatchNorm, are not supported; re-save the Linear layers of a model as such a Sequential)")
        }
        var layers: [Dense] = []
        for index in weights.keys.sorted() {
            let w = weights[index]!
            guard w.rank == 2, w.shape[0] > 0, w.shape[1] > 0 else {
                throw InputError(file: path, "tensor '\(prefix)\(index).weight': expected shape [out, in], found \(w.shape)")
            }
            if let previous = layers.last, previous.outputCount != w.shape[1] {
                throw InputError(file: path, "tensor '\(prefix)\(index).weight': expected \(previous.outputCount) inputs (the previous layer's outputs), found shape \(w.shape)")
            }
            guard let b = biases[index] else {
                throw InputError(file: path, "tensor '\(prefix)\(index).bias': missing (every Linear layer needs a bias)")
            }
            guard b.shape == [w.shape[0]] else {
                let transposed = b.shape == [w.shape[1]] ? " (is '\(prefix)\(index).weight' stored transposed? Linear weights are [out, in])" : ""
                throw InputError(file: path, "tensor '\(prefix)\(index).bias': expected shape [\(w.shape[0])] (the rows of '\(prefix)\(index).weight', shape \(w.shape)), found \(b.shape)\(transposed)")
            }
            layers.append(Dense(weight: w, bias: b))
        }
        if let extra = biases.keys.first(where: { weights[$0] == nil }) {
            throw InputError(file: path, "tensor '\(prefix)\(extra).bias' has no matching '\(prefix)\(extra).weight'")
        }
        return layers
    }

    static func encodeJSON<T: Encodable>(_ value: T) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: (try? encoder.encode(value)) ?? Data(), as: UTF8.self)
    }
}
