import ShiftcastTensor
import ShiftcastModel

/// Central finite differences in Double: `∂f/∂x_i ≈ (f(x + h·e_i) − f(x − h·e_i)) / 2h`.
///
/// `f` takes the perturbed tensor and returns a scalar computed in Double, so
/// the check's own rounding error stays well below the tolerances used.
public func numericalGradient(of f: (Tensor) -> Double, at x: Tensor, step h: Float = 1e-2) -> [Double] {
    var grad = [Double](repeating: 0, count: x.count)
    var probe = x
    for i in 0 ..< x.count {
        let original = probe.scalars[i]
        probe.scalars[i] = original + h
        let plus = f(probe)
        probe.scalars[i] = original - h
        let minus = f(probe)
        probe.scalars[i] = original
        // Use the actual representable step, not the nominal one.
        let actual = Double(original + h) - Double(original - h)
        grad[i] = (plus - minus) / actual
    }
    return grad
}

/// The largest |a−b| / max(1, |b|) between an analytic and a numerical gradient.
public func maxRelativeError(_ analytic: [Float], _ numeric: [Double]) -> Double {
    precondition(analytic.count == numeric.count)
    var worst = 0.0
    for (a, n) in zip(analytic, numeric) {
        worst = max(worst, abs(Double(a) - n) / max(1, abs(n)))
    }
    return worst
}

/// A seeded K-class Gaussian mixture in `dimensions` dimensions, separated by `separation`
/// standard deviations: the data used by model-core tests (the full synthetic tasks live in
/// ShiftcastData).
public func gaussianMixture(count: Int, classes: Int, dimensions: Int, separation: Float,
                            seed: UInt64) -> (features: Tensor, labels: [Int]) {
    var centreGenerator = SeededGenerator(seed: 1000 + UInt64(classes))
    let centres = Tensor.randomNormal(shape: [classes, dimensions], standardDeviation: separation,
                                      using: &centreGenerator)
    var g = SeededGenerator(seed: seed)
    var x = [Float](repeating: 0, count: count * dimensions)
    var y = [Int](repeating: 0, count: count)
    for i in 0 ..< count {
        let c = g.index(below: classes)
        y[i] = c
        for d in 0 ..< dimensions { x[i * dimensions + d] = centres[c, d] + Float(g.gaussian()) }
    }
    return (Tensor(shape: [count, dimensions], scalars: x), y)
}

/// A small three-class task and `count` MLPs (6-12-3) trained on it with seeds `initSeed + i`:
/// the model under test and its seed partners, for tests of model evaluation.
public func smallTaskWithModels(seed: UInt64, initSeed: UInt64, count: Int = 3, testRows: Int = 180)
    -> (models: [MLP], validation: (features: Tensor, labels: [Int]), test: (features: Tensor, labels: [Int])) {
    let architecture = MLPArchitecture(inputs: 6, hidden: [12], classes: 3)
    let train = gaussianMixture(count: 600, classes: 3, dimensions: 6, separation: 1.2, seed: seed)
    let validation = gaussianMixture(count: 240, classes: 3, dimensions: 6, separation: 1.2, seed: seed + 1)
    let test = gaussianMixture(count: testRows, classes: 3, dimensions: 6, separation: 1.2, seed: seed + 2)
    let models = (0 ..< count).map { i -> MLP in
        var m = MLP(architecture, initSeed: initSeed + UInt64(i))
        try! Trainer.train(&m, features: train.features, labels: train.labels,
                           configuration: TrainingConfiguration(length: .epochs(6), batchSize: 32, learningRate: 3e-3, shuffleSeed: UInt64(i)))
        return m
    }
    return (models, validation, test)
}
