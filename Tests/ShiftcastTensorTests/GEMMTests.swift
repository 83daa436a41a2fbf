import XCTest
@testable import ShiftcastTensor

/// `GEMM.multiply` on raw buffers: strides, accumulation, block edges, and both
/// parallel splits, each checked against a Double triple loop — with both register
/// tiles (12×32 and 6×16), whichever one this machine's build uses.
final class GEMMTests: XCTestCase {
    /// A stored operand: `rows × columns` logical values inside a buffer with row stride `ld`.
    struct Stored {
        var values: [Float]
        var ld: Int
    }

    /// A random `rows × columns` matrix stored with row stride `columns + padding`;
    /// the padding holds NaN so that any read outside the sub-matrix shows up.
    static func stored(rows: Int, columns: Int, padding: Int, using g: inout SeededGenerator) -> Stored {
        let ld = columns + padding
        var values = [Float](repeating: .nan, count: max(1, rows * ld))
        for i in 0 ..< rows { for j in 0 ..< columns { values[i * ld + j] = Float(g.gaussian()) } }
        return Stored(values: values, ld: ld)
    }

    /// `op(A)·op(B)` in Double, reading the operands exactly as `GEMM` is told to.
    static func reference(m: Int, n: Int, k: Int, a: Stored, transposeA: Bool,
                          b: Stored, transposeB: Bool) -> [Double] {
        var c = [Double](repeating: 0, count: m * n)
        a.values.withUnsafeBufferPointer { pa in
            b.values.withUnsafeBufferPointer { pb in
                for i in 0 ..< m { for j in 0 ..< n {
                    var s = 0.0
                    for p in 0 ..< k {
                        let x = transposeA ? pa[p * a.ld + i] : pa[i * a.ld + p]
                        let y = transposeB ? pb[j * b.ld + p] : pb[p * b.ld + j]
                        s += Double(x) * Double(y)
                    }
                    c[i * n + j] = s
                } }
            }
        }
        return c
    }

    /// Runs `GEMM.multiply` on padded operands and a padded C that starts as
    /// `initial` (or NaN without `accumulate`), and checks every element of C and
    /// that the padding of C is untouched.
    /// Which entry point `check` calls.
    enum Scheme {
        /// `GEMM.multiply`, which picks a path by size.
        case automatic
        /// `GEMM.multiplySharingPackedB` with two workers, whatever the size.
        case sharingPackedB
        /// `GEMM.multiplySplittingSlabs`, whatever the size.
        case slabs
        /// `GEMM.multiplyPackingWholeB`, whatever the size.
        case packingWholeB
    }

    /// With `epilogue`, the product also runs an epilogue that maps each element c to 2c + 1
    /// and counts its calls per element: every element must be passed exactly once, with its
    /// final value (an epilogue run too early would see a partial sum).
    func check(m: Int, n: Int, k: Int, transposeA: Bool, transposeB: Bool, accumulate: Bool,
               padding: Int = 3, seed: UInt64 = 1, scheme: Scheme = .automatic,
               tiles: [GEMM.MicroTile] = GEMM.MicroTile.all, epilogue: Bool = false,
               file: StaticString = #filePath, line: UInt = #line) {
        for tile in tiles {
            check(m: m, n: n, k: k, transposeA: transposeA, transposeB: transposeB, accumulate: accumulate,
                  padding: padding, seed: seed, scheme: scheme, tile: tile, epilogue: epilogue, file: file, line: line)
        }
    }

    func check(m: Int, n: Int, k: Int, transposeA: Bool, transposeB: Bool, accumulate: Bool,
               padding: Int, seed: UInt64, scheme: Scheme, tile: GEMM.MicroTile, epilogue withEpilogue: Bool = false,
               file: StaticString, line: UInt) {
        var g = SeededGenerator(seed: seed)
        let a = Self.stored(rows: transposeA ? k : m, columns: transposeA ? m : k, padding: padding, using: &g)
        let b = Self.stored(rows: transposeB ? n : k, columns: transposeB ? k : n, padding: padding, using: &g)
        let ldc = n + padding
        let sentinel: Float = -12345
        var c = [Float](repeating: sentinel, count: m * ldc)
        var initial = [Float](repeating: 0, count: m * n)
        for i in 0 ..< m { for j in 0 ..< n {
            initial[i * n + j] = accumulate ? Float(g.gaussian()) : .nan
            c[i * ldc + j] = initial[i * n + j]
        } }
        var calls = [Int](repeating: 0, count: m * n)
        a.values.withUnsafeBufferPointer { pa in
            b.values.withUnsafeBufferPointer { pb in
                c.withUnsafeMutableBufferPointer { pc in
                  calls.withUnsafeMutableBufferPointer { pcalls in
                    let opA = GEMM.Operand(base: pa.baseAddress!, ld: a.ld, transposed: transposeA)
                    let opB = GEMM.Operand(base: pb.baseAddress!, ld: b.ld, transposed: transposeB)
                    let (output, counts) = (SharedMutablePointer(pc.baseAddress!), SharedMutablePointer(pcalls.baseAddress!))
                    var epilogue: GEMM.Epilogue?
                    if withEpilogue {
                        epilogue = { @Sendable (rows: Range<Int>, columns: Range<Int>) in
                            for i in rows {
                                for j in columns {
                                    output.base[i * ldc + j] = 2 * output.base[i * ldc + j] + 1
                                    counts.base[i * n + j] += 1
                                }
                            }
                        }
                    }
                    switch scheme {
                    case .automatic:
                        GEMM.multiply(m: m, n: n, k: k,
                                      a: pa.baseAddress, lda: a.ld, transposeA: transposeA,
                                      b: pb.baseAddress, ldb: b.ld, transposeB: transposeB,
                                      c: pc.baseAddress, ldc: ldc, accumulate: accumulate, tile: tile, epilogue: epilogue)
                    case .sharingPackedB:
                        GEMM.multiplySharingPackedB(m: m, n: n, k: k, a: opA, b: opB, c: pc.baseAddress!, ldc: ldc,
                                                    accumulate: accumulate, workers: 2, tile: tile)
                    case .slabs:
                        GEMM.multiplySplittingSlabs(m: m, n: n, k: k, a: opA, b: opB, c: pc.baseAddress!, ldc: ldc,
                                                    accumulate: accumulate, tile: tile, epilogue: epilogue)
                    case .packingWholeB:
                        GEMM.multiplyPackingWholeB(m: m, n: n, k: k, a: opA, b: opB, c: pc.baseAddress!, ldc: ldc,
                                                   accumulate: accumulate, tile: tile, epilogue: epilogue)
                    }
                  }
                }
            }
        }
        if withEpilogue, let bad = calls.firstIndex(where: { $0 != 1 }) {
            XCTFail("tile \(tile) m=\(m) n=\(n) k=\(k): epilogue passed C[\(bad / n), \(bad % n)] \(calls[bad]) times, expected once",
                    file: file, line: line)
            return
        }
        let expected = Self.reference(m: m, n: n, k: k, a: a, transposeA: transposeA, b: b, transposeB: transposeB)
        let tolerance = 2e-5 * Double(k).squareRoot() * 4 + 1e-5
        let label = "tile \(tile) m=\(m) n=\(n) k=\(k) transposeA=\(transposeA) transposeB=\(transposeB) accumulate=\(accumulate)"
        for i in 0 ..< m {
            for j in 0 ..< n {
                let product = expected[i * n + j] + (accumulate ? Double(initial[i * n + j]) : 0)
                let want = withEpilogue ? 2 * product + 1 : product
                let got = Double(c[i * ldc + j])
                if !(abs(got - want) <= tolerance) {
                    XCTFail("\(label): C[\(i), \(j)] = \(got), expected \(want)", file: file, line: line)
                    return
                }
            }
            for j in n ..< ldc where c[i * ldc + j] != sentinel {
                XCTFail("\(label): padding C[\(i), \(j)] was overwritten with \(c[i * ldc + j])", file: file, line: line)
                return
            }
        }
    }

    static let transposeCombinations = [(false, false), (true, false), (false, true), (true, true)]

    func testSubMatrixStridesAllTransposesBothModes() {
        for (ta, tb) in Self.transposeCombinations {
            for accumulate in [false, true] {
                check(m: 19, n: 37, k: 23, transposeA: ta, transposeB: tb, accumulate: accumulate, padding: 5)
                check(m: 2, n: 3, k: 5, transposeA: ta, transposeB: tb, accumulate: accumulate, padding: 1) // small path
            }
        }
    }

    func testOneByOneAndPrimes() {
        for (ta, tb) in Self.transposeCombinations {
            check(m: 1, n: 1, k: 1, transposeA: ta, transposeB: tb, accumulate: false)
            check(m: 1, n: 1, k: 1, transposeA: ta, transposeB: tb, accumulate: true)
            check(m: 1, n: 97, k: 89, transposeA: ta, transposeB: tb, accumulate: false)
            check(m: 83, n: 1, k: 101, transposeA: ta, transposeB: tb, accumulate: true)
            check(m: 41, n: 43, k: 1, transposeA: ta, transposeB: tb, accumulate: false)
            check(m: 29, n: 53, k: 61, transposeA: ta, transposeB: tb, accumulate: true)
        }
    }

    /// Shapes one below, at and one above each micro-tile (12×32, 6×16) and the cache
    /// blocks (mc = 144 rows, nc = 512 columns, kc = 256 depth).
    func testShapesAroundBlockSizes() {
        let (mc, nc, kc) = (GEMM.rowBlock, GEMM.columnBlock, GEMM.depthBlock)
        for tile in GEMM.MicroTile.all {
            XCTAssertEqual(mc % tile.rows, 0)
            XCTAssertEqual(nc % tile.columns, 0)
        }
        for (ta, tb) in Self.transposeCombinations {
            for d in [-1, 0, 1] {
                for tile in GEMM.MicroTile.all {
                    // Steps one below/at/above the 16- and 8-step register transposes, too.
                    check(m: tile.rows + d, n: tile.columns + d, k: 17, transposeA: ta, transposeB: tb,
                          accumulate: d == 0, tiles: [tile])
                    check(m: 2 * tile.rows + d, n: 2 * tile.columns - d, k: 8 + d, transposeA: ta, transposeB: tb,
                          accumulate: d != 0, tiles: [tile])
                }
                check(m: mc + d, n: 40, k: 20, transposeA: ta, transposeB: tb, accumulate: d != 0)
                check(m: 13, n: nc + d, k: 20, transposeA: ta, transposeB: tb, accumulate: d == 0)
                check(m: 13, n: 33, k: kc + d, transposeA: ta, transposeB: tb, accumulate: d != 0)
                check(m: 13, n: 33, k: 2 * kc + d, transposeA: ta, transposeB: tb, accumulate: false)
            }
        }
    }

    /// Narrow C (fewer columns than the tile, many rows) is computed transposed.
    func testNarrowC() {
        for tile in GEMM.MicroTile.all {
            XCTAssertLessThan(GEMM.paddedVolume(rows: 10, columns: 200, tile: tile),
                              GEMM.paddedVolume(rows: 200, columns: 10, tile: tile))
        }
        for (ta, tb) in Self.transposeCombinations {
            for accumulate in [false, true] {
                check(m: 200, n: 10, k: 50, transposeA: ta, transposeB: tb, accumulate: accumulate)
                check(m: 61, n: 31, k: 9, transposeA: ta, transposeB: tb, accumulate: accumulate, padding: 2)
            }
        }
        check(m: 1000, n: 3, k: 700, transposeA: false, transposeB: true, accumulate: true) // parallel
    }

    /// Products above `GEMM.parallelProblemVolume` on a multi-core machine, with C
    /// split into column slabs (m = 20) or row slabs (m = 300).
    func testParallelSlabs() {
        XCTAssertGreaterThan(20 * 600 * 100, GEMM.parallelProblemVolume)
        XCTAssertGreaterThan(300 * 40 * 100, GEMM.parallelProblemVolume)
        for (ta, tb) in Self.transposeCombinations {
            check(m: 20, n: 600, k: 100, transposeA: ta, transposeB: tb, accumulate: ta)
            check(m: 300, n: 40, k: 100, transposeA: ta, transposeB: tb, accumulate: tb)
        }
        check(m: 61, n: 45, k: 30, transposeA: true, transposeB: true, accumulate: true, scheme: .slabs)
    }

    /// The shared-packed-B scheme (used above `GEMM.sharingBlockVolume`), called
    /// directly on small shapes: uneven row items, several column and depth blocks.
    func testSharedPackedB() {
        for (ta, tb) in Self.transposeCombinations {
            check(m: 97, n: 70, k: 40, transposeA: ta, transposeB: tb, accumulate: ta != tb, scheme: .sharingPackedB)
        }
        XCTAssertGreaterThan(530, GEMM.columnBlock)
        XCTAssertGreaterThan(270, GEMM.depthBlock)
        check(m: 61, n: 530, k: 270, transposeA: false, transposeB: true, accumulate: false, scheme: .sharingPackedB)
        check(m: 61, n: 530, k: 270, transposeA: true, transposeB: false, accumulate: true, scheme: .sharingPackedB)
        check(m: 5, n: 7, k: 3, transposeA: false, transposeB: false, accumulate: false, scheme: .sharingPackedB)
    }

    /// The whole-B row-item scheme (a large A, a small op(B)), called directly: several depth
    /// blocks (k > kc), a partial last column panel and row panel, both stored layouts; and
    /// through `GEMM.multiply` with a shape that picks it on a multi-core machine.
    func testPackingWholeB() {
        XCTAssertGreaterThan(270, GEMM.depthBlock)
        for (ta, tb) in Self.transposeCombinations {
            check(m: 97, n: 70, k: 270, transposeA: ta, transposeB: tb, accumulate: ta == tb, scheme: .packingWholeB)
            check(m: 5, n: 3, k: 7, transposeA: ta, transposeB: tb, accumulate: ta, scheme: .packingWholeB)
        }
        // m·k = 210,000 > rereadableA, packed op(B) 700 × 64 (n = 40 padded to whole panels of
        // either tile) ≤ wholeBLimit, below sharingBlockVolume.
        XCTAssertGreaterThan(300 * 700, GEMM.rereadableA)
        XCTAssertLessThanOrEqual(700 * 64, GEMM.wholeBLimit)
        XCTAssertLessThan(300 * 40 * GEMM.depthBlock, GEMM.sharingBlockVolume)
        check(m: 300, n: 40, k: 700, transposeA: false, transposeB: true, accumulate: false)
        check(m: 300, n: 40, k: 700, transposeA: true, transposeB: false, accumulate: true)
    }

    /// An epilogue sees every element of C once, after its last depth block, on every path:
    /// empty depth, the small and narrow paths, one core, shared packed B, whole-B row items,
    /// column and row slabs (the last four on a multi-core machine, and called directly).
    func testEpilogueSeesEveryFinalElementOnce() {
        XCTAssertGreaterThanOrEqual(520 * 512 * GEMM.depthBlock, GEMM.sharingBlockVolume)
        let shapes = [(3, 4, 0), (2, 3, 5), (200, 10, 50), (19, 37, 23), (520, 512, 300),
                      (300, 40, 700), (20, 600, 100), (300, 40, 100)]
        for (index, (m, n, k)) in shapes.enumerated() {
            check(m: m, n: n, k: k, transposeA: index % 2 == 1, transposeB: index % 3 == 1, accumulate: index % 2 == 0,
                  tiles: m * n * k > 10_000_000 ? [.native] : GEMM.MicroTile.all, epilogue: true)
        }
        check(m: 97, n: 70, k: 270, transposeA: true, transposeB: false, accumulate: true, scheme: .packingWholeB, epilogue: true)
        check(m: 61, n: 45, k: 30, transposeA: false, transposeB: true, accumulate: false, scheme: .slabs, epilogue: true)
        check(m: 20, n: 600, k: 30, transposeA: false, transposeB: false, accumulate: false, scheme: .slabs, epilogue: true)
    }

    /// Without `accumulate`, C is overwritten: NaN or garbage already in C never leaks
    /// into the result (a `0·C` formulation would give NaN).
    func testOverwriteIgnoresNaNInC() {
        var c = [Float](repeating: .nan, count: 4)
        let a: [Float] = [1, 2, 3, 4], b: [Float] = [5, 6, 7, 8]
        GEMM.multiply(m: 2, n: 2, k: 2, a: a, lda: 2, transposeA: false, b: b, ldb: 2, transposeB: false,
                      c: &c, ldc: 2, accumulate: false)
        XCTAssertEqual(c, [19, 22, 43, 50])
    }

    func testEmptyDepth() {
        var c: [Float] = [1, 2, 3, 4]
        GEMM.multiply(m: 2, n: 2, k: 0, a: nil, lda: 0, transposeA: false, b: nil, ldb: 2, transposeB: false,
                      c: &c, ldc: 2, accumulate: true)
        XCTAssertEqual(c, [1, 2, 3, 4], "C += (empty product) leaves C alone")
        GEMM.multiply(m: 2, n: 2, k: 0, a: nil, lda: 0, transposeA: false, b: nil, ldb: 2, transposeB: false,
                      c: &c, ldc: 2, accumulate: false)
        XCTAssertEqual(c, [0, 0, 0, 0], "C = (empty product) is zero")
    }

    /// Small integer inputs give exact results: checks both tiles' wiring exactly.
    func testExactIntegerProduct() {
        let (m, n, k) = (25, 70, 9)
        let a = (0 ..< m * k).map { Float($0 % 7) - 3 }
        let b = (0 ..< k * n).map { Float($0 % 5) - 2 }
        for tile in GEMM.MicroTile.all {
            var c = [Float](repeating: 0, count: m * n)
            GEMM.multiply(m: m, n: n, k: k, a: a, lda: k, transposeA: false, b: b, ldb: n, transposeB: false,
                          c: &c, ldc: n, accumulate: false, tile: tile)
            for i in 0 ..< m { for j in 0 ..< n {
                var s: Float = 0
                for p in 0 ..< k { s += a[i * k + p] * b[p * n + j] }
                if c[i * n + j] != s { XCTFail("tile \(tile): C[\(i), \(j)] = \(c[i * n + j]), expected \(s)"); return }
            } }
        }
    }
}
