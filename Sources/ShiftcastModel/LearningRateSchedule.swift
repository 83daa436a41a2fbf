import Foundation
/// The learning rate as a function of the iteration (0-based).
public enum LearningRateSchedule: Sendable, Equatable {
    /// `η(t) = η₀`.
    case constant
    /// `η(t) = η₀ · factor^⌊t / every⌋`.
    case step(every: Int, factor: Float)
    /// Cosine annealing to 0 over `total` iterations (Loshchilov & Hutter, SGDR, ICLR 2017):
    /// `η(t) = η₀ · (1 + cos(π·t/total)) / 2`, and 0 from `total` on.
    case cosine(total: Int)

    /// The learning rate at iteration `t` for base rate `base`.
    public func rate(at t: Int, base: Float) -> Float {
        switch self {
        case .constant:
            return base
        case let .step(every, factor):
            precondition(every > 0, "step schedule needs every > 0")
            return base * Float(pow(Double(factor), Double(t / every)))
        case let .cosine(total):
            guard total > 0, t < total else { return 0 }
            return base * Float((1 + cos(Double.pi * Double(t) / Double(total))) / 2)
        }
    }

    public var summary: String {
        switch self {
        case .constant: return "constant"
        case let .step(every, factor): return "step(every \(every), ×\(factor))"
        case let .cosine(total): return "cosine(\(total))"
        }
    }
}
