import ShiftcastTensor

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
