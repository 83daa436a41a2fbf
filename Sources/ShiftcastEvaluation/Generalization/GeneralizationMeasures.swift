import Foundation
import ShiftcastModel

/// Parameter-based generalization measures of an MLP (Jiang, Neyshabur, Mobahi, Krishnan &
/// Bengio, "Fantastic Generalization Measures and How to Find Them", ICLR 2020; Dziugaite et
/// al., "In Search of Robust Measures of Generalization", NeurIPS 2020), with weight matrices
/// `W_l`, initialisation θ0 and the training rows:
/// - `dist-init` `‖θ − θ0‖₂²` over all parameters (needs θ0);
/// - `path-norm`: every weight squared, biases 0, an all-ones input forwarded (the activation is
///   the identity on the non-negative values that pass), the outputs summed;
/// - `log-spec-prod` `Σ_l log ‖W_l‖₂²` (spectral norms by seeded power iteration);
/// - `log-fro-prod` `Σ_l log ‖W_l‖_F²`;
/// - `spec-over-margin` `Σ_l log ‖W_l‖₂² − 2 log γ`, γ the 10th percentile over training rows of
///   `z_y − max_{j≠y} z_j` (undefined when γ ≤ 0);
/// - `pacbayes-flatness` `1/σ′²`, σ′ the largest σ (bisection, 20 steps) such that adding
///   `N(0, σ²)` to every parameter lowers the training accuracy by at most 0.1 on average over 10
///   seeded draws (common random numbers: each draw's noise is fixed and scaled by the σ tried);
///   `mag-flatness` `1/α′²` the same with noise `N(0, α² w_i² + ε²)`, ε = 10⁻³;
/// - `sharpness` `1/α′²`, α′ the largest α such that the worst perturbation found by 10 steps of
///   projected (sign-)gradient ascent on the training loss inside `|Δw_i| ≤ α(|w_i| + 1)` lowers
///   the training accuracy by at most 0.1.
/// The accuracy-based searches run on a seeded sample of at most `sampleRows` training rows.
public struct GeneralizationMeasures: Sendable {
    /// The measures' names, in report order (the spec's).
    public static let names = ["dist-init", "path-norm", "log-spec-prod", "log-fro-prod", "spec-over-margin",
                               "pacbayes-flatness", "mag-flatness", "sharpness"]

    public struct Options: Sendable {
        public var seed: UInt64 = 0
        /// Training rows the accuracy-based searches use (a seeded sample when there are more).
        public var sampleRows = 1000
        public var bisectionSteps = 20
        public var draws = 10
        public var accuracyDrop = 0.1
        public var ascentSteps = 10
        public init() {}
    }

    /// Each measure's value, or why it could not be computed.
    public let values: [(measure: String, value: Double?, reason: String?)]

    public func value(_ name: String) -> Double? { values.first { $0.measure == name }?.value ?? nil }

    public init(model: MLP, initial: MLP?, features: Tensor, labels: [Int], options: Options = Options()) throws {
        guard features.rowCount > 0, features.rowCount == labels.count else {
            throw InputError("training data: expected labeled rows, found \(features.rowCount) rows and \(labels.count) labels")
        }
        guard features.columnCount == model.inputCount else {
            throw InputError("training data: the model takes \(model.inputCount) features, the data has \(features.columnCount) columns")
        }
        if let bad = labels.firstIndex(where: { $0 < 0 || $0 >= model.classCount }) {
            throw InputError("training data: label \(labels[bad]) at data row \(bad + 1) is outside the model's classes 0..<\(model.classCount)")
        }
        var g = SeededGenerator.derived(seed: options.seed, stream: 0x4745_4E)  // "GEN"
        let rows = features.rowCount <= options.sampleRows ? Array(0 ..< features.rowCount)
            : Array(g.permutation(features.rowCount).prefix(options.sampleRows)).sorted()
        let x = features.gatheringRows(rows), y = rows.map { labels[$0] }
        let weights = model.layers.map(\.weight)
        var out: [(String, Double?, String?)] = []

        if let initial {
            guard initial.architecture == model.architecture else {
                throw InputError("θ0: expected the model's architecture \(model.architecture.summary), found \(initial.architecture.summary)")
            }
            let d = model.parameterDistance(to: initial)
            out.append(("dist-init", d * d, nil))
        } else {
            out.append(("dist-init", nil, "needs the initialisation θ0 (the model file records none)"))
        }
        out.append(("path-norm", Self.pathNorm(model), nil))
        let spectral = weights.enumerated().map { SpectralNorm.of($1, seed: options.seed &+ UInt64($0)) }
        let logSpec = spectral.reduce(0) { $0 + log($1 * $1) }
        out.append(("log-spec-prod", logSpec, nil))
        out.append(("log-fro-prod", weights.reduce(0.0) { $0 + log($1.scalars.reduce(0.0) { $0 + Double($1) * Double($1) }) }, nil))
        let margins = Self.margins(model.logits(features, batchSize: 4096), labels: labels).sorted()
        let gamma = margins[Swift.min(margins.count - 1, Int(0.1 * Double(margins.count)))]
        out.append(gamma > 0 ? ("spec-over-margin", logSpec - 2 * log(gamma), nil)
                             : ("spec-over-margin", nil, "the 10th-percentile margin is \(gamma) ≤ 0 (more than 10 % of training rows misclassified or tied)"))

        let base = model.accuracy(x, labels: y)
        // Common random numbers: each draw's standard-normal noise is drawn once and scaled by
        // every σ the bisection tries, so the accuracy drop is monotone in σ draw by draw.
        let original = model.parameters
        let noise: [[[Float]]] = (0 ..< options.draws).map { draw in
            var rng = SeededGenerator.derived(seed: options.seed, stream: 0x4E4F_4953 &+ UInt64(draw))  // "NOIS"
            return original.map { t in (0 ..< t.count).map { _ in Float(rng.gaussian()) } }
        }
        func noisy(_ scale: Double, magnitudeAware: Bool) -> Double {
            var total = 0.0
            let s = Float(scale)
            for draw in 0 ..< options.draws {
                var m = model
                m.parameters = original.enumerated().map { p, t in
                    let z = noise[draw][p]
                    return Tensor(shape: t.shape, scalars: t.scalars.enumerated().map { i, w in
                        w + z[i] * (magnitudeAware ? (s * s * w * w + 1e-6).squareRoot() : s)
                    })
                }
                total += m.accuracy(x, labels: y)
            }
            return base - total / Double(options.draws)
        }
        func sharpDrop(_ alpha: Double) -> Double {
            var m = model
            let bound = original.map { $0.map { Float(alpha) * (abs($0) + 1) } }
            var delta = original.map { Tensor(zeros: $0.shape) }
            for _ in 0 ..< options.ascentSteps {
                let gradient = m.lossAndGradient(x, labels: y, inputGradient: false).gradient.parameters
                for p in delta.indices {
                    var d = delta[p].scalars
                    let gp = gradient[p].scalars, b = bound[p].scalars
                    for i in d.indices {
                        let step = b[i] / 4
                        d[i] = Swift.min(Swift.max(d[i] + (gp[i] > 0 ? step : gp[i] < 0 ? -step : 0), -b[i]), b[i])
                    }
                    delta[p] = Tensor(shape: delta[p].shape, scalars: d)
                }
                m.parameters = zip(original, delta).map { w, d in Tensor(shape: w.shape, scalars: zip(w.scalars, d.scalars).map { $0 + $1 }) }
            }
            return base - m.accuracy(x, labels: y)
        }
        func largest(_ drop: (Double) -> Double) -> Double {
            // Bisection on log scale between 1e-6 and the first power of 2 (from 1) whose drop exceeds the limit.
            var high = 1.0
            while drop(high) <= options.accuracyDrop && high < 1e6 { high *= 4 }
            var low = 1e-6
            for _ in 0 ..< options.bisectionSteps {
                let mid = (low * high).squareRoot()
                if drop(mid) <= options.accuracyDrop { low = mid } else { high = mid }
            }
            return low
        }
        let sigma = largest { noisy($0, magnitudeAware: false) }
        out.append(("pacbayes-flatness", 1 / (sigma * sigma), nil))
        let alpha = largest { noisy($0, magnitudeAware: true) }
        out.append(("mag-flatness", 1 / (alpha * alpha), nil))
        let sharp = largest(sharpDrop)
        out.append(("sharpness", 1 / (sharp * sharp), nil))
        values = out
    }

    /// Σ outputs of the network with squared weights and no biases on an all-ones input.
    public static func pathNorm(_ model: MLP) -> Double {
        var h = [Double](repeating: 1, count: model.inputCount)
        for layer in model.layers {
            let (m, n) = (layer.outputCount, layer.inputCount)
            let w = layer.weight.scalars
            var next = [Double](repeating: 0, count: m)
            for i in 0 ..< m { var s = 0.0; for j in 0 ..< n { s += Double(w[i * n + j]) * Double(w[i * n + j]) * h[j] }; next[i] = s }
            h = next
        }
        return h.reduce(0, +)
    }

    /// `z_y − max_{j≠y} z_j` of every row.
    public static func margins(_ logits: Tensor, labels: [Int]) -> [Double] {
        let k = logits.columnCount, z = logits.scalars
        return labels.enumerated().map { i, y in
            var other = -Double.infinity
            for j in 0 ..< k where j != y { other = Swift.max(other, Double(z[i * k + j])) }
            return Double(z[i * k + y]) - other
        }
    }
}
