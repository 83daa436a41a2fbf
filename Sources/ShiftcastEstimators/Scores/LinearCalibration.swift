/// A least-squares line `accuracy ≈ intercept + slope · score`, fitted on labeled
/// (score, true accuracy) pairs: how shiftcast turns a score (ProjNorm, nuclear norm) into a
/// predicted accuracy.
public struct LinearCalibration: Sendable, Equatable {
    public let intercept: Double
    public let slope: Double
    /// R² of the fit on its own points.
    public let rSquared: Double
    /// The residual standard deviation (n − 2 degrees of freedom; 0 for n ≤ 2).
    public let residualStandardDeviation: Double
    public let pointCount: Int
    /// How the points were made, e.g. `gaussian-noise@1…5, off-manifold@1…5 of the validation set`.
    public let source: String

    /// Fits the line.
    /// - Throws: `InputError` with fewer than 2 points or when all scores are equal.
    public init(scores: [Double], accuracies: [Double], source: String) throws {
        guard scores.count == accuracies.count, scores.count >= 2 else {
            throw InputError("calibration: expected at least 2 (score, accuracy) pairs, found \(min(scores.count, accuracies.count))")
        }
        let n = Double(scores.count)
        let mx = scores.reduce(0, +) / n, my = accuracies.reduce(0, +) / n
        var sxx = 0.0, sxy = 0.0, syy = 0.0
        for (x, y) in zip(scores, accuracies) {
            sxx += (x - mx) * (x - mx); sxy += (x - mx) * (y - my); syy += (y - my) * (y - my)
        }
        guard sxx > 0 else { throw InputError("calibration: all \(scores.count) scores are equal (\(mx)); cannot fit a line") }
        slope = sxy / sxx
        intercept = my - slope * mx
        var residual = 0.0
        for (x, y) in zip(scores, accuracies) { residual += pow2(y - (intercept + slope * x)) }
        rSquared = syy > 0 ? 1 - residual / syy : 1
        residualStandardDeviation = scores.count > 2 ? (residual / (n - 2)).squareRoot() : 0
        pointCount = scores.count
        self.source = source
    }

    /// The calibrated accuracy for `score`, clipped to [0, 1].
    public func accuracy(forScore score: Double) -> Double {
        Swift.min(Swift.max(intercept + slope * score, 0), 1)
    }

    /// Settings describing the calibration, for an `Estimate`.
    public var settings: [Estimate.Setting] {
        [.init("calibration", source), .init("calibration_points", "\(pointCount)"),
         .init("calibration_slope", format(slope)), .init("calibration_intercept", format(intercept)),
         .init("calibration_r2", format(rSquared))]
    }
}
