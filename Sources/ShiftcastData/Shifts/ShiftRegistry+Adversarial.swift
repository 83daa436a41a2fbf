// The place for model-based shift families (FGSM, PGD, transfer attacks).
//
// They are written separately (they need ShiftcastModel's gradients). Each one
// conforms to `Shift` with `kind = .adversarial` and `needsModel = true`, reads
// `context.inputGradient` (∂loss/∂x for a batch and its labels) and throws an
// `InputError` when it is nil. Add the instances to the list below; nothing
// else in the registry needs to change.
extension ShiftRegistry {
    /// Model-based families, listed after the data families.
    public static let adversarialFamilies: [any Shift] = []
}
