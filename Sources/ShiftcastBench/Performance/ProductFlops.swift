import ShiftcastModel

/// Floating-point operations in an MLP's matrix products: the work that `perf train` and
/// `perf projnorm` divide by their time, so that their speed reads as an arithmetic rate
/// comparable with `perf gemm`'s GFLOPS on the same machine.
///
/// A dense layer in→out costs, per sample, 2·in·out in the forward product `Z = X·Wᵀ`, the
/// same in the weight gradient `∂W = ∂Zᵀ·X`, and the same again in the input gradient
/// `∂X = ∂Z·W`, which training skips for the first layer (nothing below it learns). Bias,
/// activation, softmax, gather and optimizer work are not counted: they are what separates
/// the rate from `perf gemm`'s.
public enum ProductFlops {
    /// `2·Σ inᵢ·outᵢ`: one sample through the forward products.
    public static func forwardPerSample(_ architecture: MLPArchitecture) -> Double {
        let w = architecture.widths
        return (0 ..< w.count - 1).reduce(0) { $0 + 2 * Double(w[$1]) * Double(w[$1 + 1]) }
    }

    /// Forward, weight-gradient and input-gradient products (no input gradient for the first
    /// layer) of one training sample. 3,209,216 for 784-512-512-10.
    public static func trainingPerSample(_ architecture: MLPArchitecture) -> Double {
        let w = architecture.widths
        let firstLayer = 2 * Double(w[0]) * Double(w[1])
        return 3 * forwardPerSample(architecture) - firstLayer
    }
}
