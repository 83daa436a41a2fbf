// Model-based shift families: FGSM, PGD and transfer attacks.
//
// Each conforms to `Shift` with `kind = .adversarial` and `needsModel = true`, reads
// `context.inputGradient` (∂loss/∂x for a batch and its labels; for transfer attacks
// `context.surrogateInputGradient`) and throws an `InputError` when it is nil.
extension ShiftRegistry {
    /// Model-based families, listed after the data families.
    public static let adversarialFamilies: [any Shift] = [
        AdversarialShift(name: "fgsm-linf", attack: .fgsm, norm: .lInfinity, transfer: false),
        AdversarialShift(name: "pgd-linf", attack: .pgd, norm: .lInfinity, transfer: false),
        AdversarialShift(name: "pgd-l2", attack: .pgd, norm: .l2, transfer: false),
        AdversarialShift(name: "transfer-pgd-linf", attack: .pgd, norm: .lInfinity, transfer: true),
    ]
}
