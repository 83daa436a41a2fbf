import ShiftcastModel

/// `shiftcast inspect`: what a model file holds.
enum InspectCommand {
    static var spec: CommandSpec {
        CommandSpec(
            name: "inspect", abstract: "Show a model file's architecture, classes, parameter count and whether θ0 is recoverable.",
            usage: "--model <model.safetensors> [--format table|json]",
            options: [.option("model", value: "model.safetensors", help: "The model file."),
                      .option("activation", value: "relu|tanh", help: "Activation for a PyTorch state dict that does not record it.", default: "relu"),
                      .option("format", value: "format", help: "table or json.", default: "table")],
            run: { parsed, console in
                let path = try parsed.required("model")
                let format = try parsed.choice("format", ["table", "json"], default: "table")
                let activation = parsed.has("activation") ? Activation(rawValue: try parsed.choice("activation", ["relu", "tanh"], default: "relu")) : nil
                let file = try ModelFile.read(from: path, activation: activation)
                let arch = file.model.architecture
                let theta0: String
                switch file.initialization {
                case let .seed(s): theta0 = "yes (init seed \(s))"
                case .weights: theta0 = "yes (stored θ0 weights)"
                case .unknown: theta0 = "no (ProjNorm unavailable for this file)"
                }
                if format == "json" {
                    console.out(JSONValue.object([
                        ("path", .string(path)), ("inputs", .integer(arch.inputs)), ("hidden", .array(arch.hidden.map { .integer($0) })),
                        ("classes", .integer(arch.classes)), ("activation", .string(arch.activation.rawValue)),
                        ("activation_source", .string(file.activationSource.rawValue)),
                        ("parameters", .integer(arch.parameterCount)), ("class_names", .array(file.classNames.map { .string($0) })),
                        ("theta0_recoverable", .bool(file.initialModel != nil)),
                        ("features", file.featureNames.map { .array($0.map { .string($0) }) } ?? .null),
                        ("info", .object(file.info.keys.sorted().map { ($0, .string(file.info[$0]!)) })),
                    ]).rendered() + "\n")
                } else {
                    let assumed = file.activationSource == .assumed ? " (activation not recorded: relu assumed; --activation tanh for another)" : ""
                    var out = "model:        \(path)\narchitecture: \(arch.summary)\(assumed)\nparameters:   \(arch.parameterCount)\n"
                    out += "classes:      \(arch.classes) (\(file.classNames.prefix(10).joined(separator: ", "))\(arch.classes > 10 ? ", …" : ""))\n"
                    if let f = file.featureNames { out += "features:     \(f.count) (\(f.prefix(5).joined(separator: ", "))\(f.count > 5 ? ", …" : ""))\n" }
                    out += "θ0:           \(theta0)\n"
                    if !file.info.isEmpty {
                        out += "recipe:       " + file.info.keys.sorted().map { "\($0) \(file.info[$0]!)" }.joined(separator: ", ") + "\n"
                    }
                    console.out(out)
                }
                return 0
            })
    }
}
