import ShiftcastModel

/// A model's outputs on feature rows, checked: logits (and penultimate features when asked)
/// that must be finite.
enum ModelOutputs {
    /// `model`'s predictions on `features` (4096 rows at a time), with the penultimate features
    /// attached when `withFeatures`.
    /// - Throws: `InputError` naming `origin`, the first row whose logits overflow (`firstRow` +
    ///   its index, 1-based, after `rows`), its largest |feature| and the largest |weight| of `name`:
    ///   finite but huge features (or weights) overflow them, and every estimator would then compute NaN.
    static func predictions(of model: MLP, _ features: Tensor, withFeatures: Bool, rows: String, firstRow: Int = 0,
                            origin: String? = nil, model name: String = "the model") throws -> Predictions {
        let (logits, penultimate): (Tensor, Tensor?) = withFeatures
            ? { let o = model.logitsAndFeatures(features); return (o.logits, o.features) }()
            : (model.logits(features, batchSize: 4096), nil)
        if let bad = logits.scalars.firstIndex(where: { !$0.isFinite }) {
            let row = bad / Swift.max(logits.columnCount, 1), d = features.columnCount
            let largest = features.scalars[(row * d) ..< ((row + 1) * d)].map { abs($0) }.max() ?? 0
            let largestWeight = model.parameters.map { $0.scalars.map { abs($0) }.max() ?? 0 }.max() ?? 0
            let owner = name.hasPrefix("the model") ? "the model's" : "\(name)'s"
            throw InputError(file: origin, "\(rows) \(firstRow + row + 1): the outputs (logits) of \(name) overflow, found \(logits.scalars[bad]); "
                             + "the row's largest |feature| is \(largest) and \(owner) largest |weight| is \(largestWeight): "
                             + "expected features on the scale the model was trained on")
        }
        return Predictions(trustedLogits: logits, features: penultimate, origin: origin)
    }
}
