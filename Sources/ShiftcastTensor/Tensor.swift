/// A dense, row-major tensor of `Float` with value semantics.
///
/// Storage is a Swift `Array`, so copies are cheap and copy-on-write: a
/// mutation after a copy duplicates the buffer once. Most of shiftcast works
/// with rank-2 tensors (a batch of rows), and the convenience accessors
/// (`rowCount`, `columnCount`, `subscript(row, column)`) require rank 2.
///
/// Shape errors are programmer errors and stop the program with a
/// precondition naming both shapes; data read from files is validated by the
/// readers (which throw) before it becomes a `Tensor`.
public struct Tensor: Sendable, Equatable {
    /// The extent of each dimension, outermost first.
    public private(set) var shape: [Int]
    /// The elements in row-major order; `scalars.count == shape.product`.
    ///
    /// Mutations happen in place (`_modify` yields the storage, so writing an element or
    /// taking `withUnsafeMutableBufferPointer` never copies a uniquely referenced buffer);
    /// the element count may not change.
    public var scalars: [Float] {
        @inlinable get { storage }
        @inlinable _modify {
            let expected = storage.count
            yield &storage
            precondition(storage.count == expected,
                         "Tensor.scalars: count changed from \(expected) to \(storage.count); use reshaped(_:) or a new tensor")
        }
        @inlinable set {
            precondition(newValue.count == storage.count,
                         "Tensor.scalars: count changed from \(storage.count) to \(newValue.count); use reshaped(_:) or a new tensor")
            storage = newValue
        }
    }

    @usableFromInline var storage: [Float]

    /// Creates a tensor from a shape and row-major scalars.
    /// - Precondition: `scalars.count` equals the product of `shape`, and no extent is negative.
    public init(shape: [Int], scalars: [Float]) {
        precondition(shape.allSatisfy { $0 >= 0 }, "Tensor: negative extent in shape \(shape)")
        let count = shape.reduce(1, *)
        precondition(count == scalars.count,
                     "Tensor: shape \(shape) needs \(count) scalars, got \(scalars.count)")
        self.shape = shape
        self.storage = scalars
    }

    /// Drops the first `count` rows of a matrix in place: the remaining rows move to the front
    /// of the same storage (no second copy of the matrix is made when it is uniquely held).
    public mutating func removeFirstRows(_ count: Int) {
        precondition(rank == 2 && count >= 0 && count <= shape[0], "removeFirstRows: \(count) rows of shape \(shape)")
        storage.removeFirst(count * shape[1])
        shape[0] -= count
    }

    /// A tensor filled with `value`.
    public init(repeating value: Float, shape: [Int]) {
        self.init(shape: shape, scalars: [Float](repeating: value, count: shape.reduce(1, *)))
    }

    /// A tensor of zeros.
    public init(zeros shape: [Int]) {
        self.init(repeating: 0, shape: shape)
    }

    /// A rank-2 tensor from an array of equally long rows.
    public init(rows: [[Float]]) {
        let columns = rows.first?.count ?? 0
        precondition(rows.allSatisfy { $0.count == columns }, "Tensor(rows:): rows have different lengths")
        self.init(shape: [rows.count, columns], scalars: rows.flatMap { $0 })
    }

    /// A rank-1 tensor.
    public init(_ vector: [Float]) {
        self.init(shape: [vector.count], scalars: vector)
    }

    /// The number of dimensions.
    @inlinable public var rank: Int { shape.count }
    /// The number of elements.
    @inlinable public var count: Int { scalars.count }

    /// Rows of a rank-2 tensor.
    @inlinable public var rowCount: Int {
        precondition(shape.count == 2, "rowCount needs a rank-2 tensor, got shape \(shape)")
        return shape[0]
    }

    /// Columns of a rank-2 tensor.
    @inlinable public var columnCount: Int {
        precondition(shape.count == 2, "columnCount needs a rank-2 tensor, got shape \(shape)")
        return shape[1]
    }

    /// The element at (`row`, `column`) of a rank-2 tensor.
    @inlinable public subscript(row: Int, column: Int) -> Float {
        get {
            precondition(shape.count == 2 && row >= 0 && row < shape[0] && column >= 0 && column < shape[1],
                         "Tensor[\(row), \(column)] out of range for shape \(shape)")
            return scalars[row * shape[1] + column]
        }
        set {
            precondition(shape.count == 2 && row >= 0 && row < shape[0] && column >= 0 && column < shape[1],
                         "Tensor[\(row), \(column)] out of range for shape \(shape)")
            scalars[row * shape[1] + column] = newValue
        }
    }

    /// The same scalars viewed with another shape of equal element count.
    public func reshaped(_ newShape: [Int]) -> Tensor {
        Tensor(shape: newShape, scalars: scalars)
    }

    /// Row `index` of a rank-2 tensor, as an array.
    public func row(_ index: Int) -> [Float] {
        let columns = columnCount
        precondition(index >= 0 && index < shape[0], "row(\(index)) out of range for shape \(shape)")
        return Array(scalars[index * columns ..< (index + 1) * columns])
    }

    /// The rows at `indices` (in that order, repeats allowed) of a rank-2 tensor.
    public func gatheringRows<C: Collection>(_ indices: C) -> Tensor where C.Element == Int {
        let columns = columnCount
        let rows = shape[0]
        let picked = Array(indices)
        for index in picked {
            precondition(index >= 0 && index < rows, "gatheringRows: row \(index) out of range 0..<\(rows)")
        }
        let count = picked.count * columns
        // Every element is written below, so the storage starts uninitialised (no zero fill).
        let out = [Float](unsafeUninitializedCapacity: count) { dst, initialized in
            scalars.withUnsafeBufferPointer { src in
                picked.withUnsafeBufferPointer { order in
                    guard count > 0 else { return }
                    let (from, to, rowIndex) = (SharedPointer(src.baseAddress!), SharedMutablePointer(dst.baseAddress!),
                                                SharedPointer(order.baseAddress!))
                    // Rows scattered over a large set wait on memory: both cores fetch (a half each).
                    Parallel.forEachChunk(count: picked.count, minimumChunk: Swift.max(1, Tensor.elementwiseChunk / columns)) { part in
                        for r in part {
                            (to.base + r * columns).initialize(from: from.base + rowIndex.base[r] * columns, count: columns)
                        }
                    }
                }
            }
            initialized = count
        }
        return Tensor(shape: [picked.count, columns], scalars: out)
    }

    /// Rows `range` of a rank-2 tensor.
    public func rows(_ range: Range<Int>) -> Tensor {
        let columns = columnCount
        precondition(range.lowerBound >= 0 && range.upperBound <= shape[0], "rows(\(range)) out of range for shape \(shape)")
        return Tensor(shape: [range.count, columns],
                      scalars: Array(scalars[range.lowerBound * columns ..< range.upperBound * columns]))
    }

    /// Stacks rank-2 tensors with equal column counts vertically.
    public static func concatenatingRows(_ parts: [Tensor]) -> Tensor {
        precondition(!parts.isEmpty, "concatenatingRows: no tensors")
        let columns = parts[0].columnCount
        precondition(parts.allSatisfy { $0.columnCount == columns },
                     "concatenatingRows: column counts differ: \(parts.map { $0.shape })")
        var out: [Float] = []
        out.reserveCapacity(parts.reduce(0) { $0 + $1.count })
        for part in parts { out.append(contentsOf: part.scalars) }
        return Tensor(shape: [parts.reduce(0) { $0 + $1.rowCount }, columns], scalars: out)
    }

    /// The transpose of a rank-2 tensor.
    public var transposed: Tensor {
        let (m, n) = (rowCount, columnCount)
        var out = [Float](repeating: 0, count: m * n)
        out.withUnsafeMutableBufferPointer { dst in
            scalars.withUnsafeBufferPointer { src in
                let blk = 32
                var i0 = 0
                while i0 < m {
                    var j0 = 0
                    while j0 < n {
                        for i in i0 ..< Swift.min(i0 + blk, m) {
                            for j in j0 ..< Swift.min(j0 + blk, n) { dst[j * m + i] = src[i * n + j] }
                        }
                        j0 += blk
                    }
                    i0 += blk
                }
            }
        }
        return Tensor(shape: [n, m], scalars: out)
    }

    /// Whether every element is finite (no NaN, no ±infinity).
    ///
    /// `x − x` is 0 for a finite `x` and NaN otherwise, so a sum of `x − x` stays 0 exactly
    /// when every element is finite: branch-free, 16 lanes at a time, one test per 4,096
    /// elements (a scalar loop with an early exit was ~1.5 % of a training epoch, which checks
    /// its whole feature matrix).
    public var isFinite: Bool {
        scalars.withUnsafeBufferPointer { p in
            guard let base = p.baseAddress else { return true }
            let raw = UnsafeRawPointer(base)
            let count = p.count
            var i = 0
            while i + 16 <= count {
                let end = Swift.min(count - count % 16, i + 4096)
                var sum = SIMD16<Float>()
                while i < end {
                    let x = raw.loadUnaligned(fromByteOffset: i * 4, as: SIMD16<Float>.self)
                    sum += x - x
                    i += 16
                }
                if sum != SIMD16<Float>() { return false }
            }
            while i < count {
                if !p[i].isFinite { return false }
                i += 1
            }
            return true
        }
    }
}

extension Tensor: CustomStringConvertible {
    public var description: String {
        if shape.count == 2 && count <= 64 {
            let rows = (0 ..< shape[0]).map { r in row(r).map { "\($0)" }.joined(separator: ", ") }
            return "Tensor\(shape)[\n  " + rows.joined(separator: "\n  ") + "\n]"
        }
        let head = scalars.prefix(8).map { "\($0)" }.joined(separator: ", ")
        return "Tensor\(shape)[\(head)\(count > 8 ? ", …" : "")]"
    }
}
