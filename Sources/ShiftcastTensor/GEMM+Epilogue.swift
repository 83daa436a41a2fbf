/// Work fused into a product: what a caller does to C's elements once they are final.
///
/// Training follows each product with an elementwise pass — the bias and activation after a
/// forward product, the activation's derivative after an input gradient, the optimizer after
/// a weight gradient. Run as separate passes, each reads C back from memory (from L3 when
/// other guests crowd the machine, where these passes slowed 2.5× against 1.25× for the
/// products) and costs a dispatch to the cores. As an epilogue it runs on the core that
/// computed the block, while the block is still in its cache.
extension GEMM {
    /// Called with a block of C, `rows × columns`, whose values are final.
    ///
    /// The blocks of one product partition C; each is passed exactly once, possibly on
    /// another thread and concurrently with other blocks. The epilogue may read and write
    /// C's elements inside its block, and memory that belongs to that block alone; nothing else
    /// of C. Which partition is used depends on the product's shape and the machine.
    public typealias Epilogue = @Sendable (_ rows: Range<Int>, _ columns: Range<Int>) -> Void
}
