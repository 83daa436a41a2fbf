import Testing
@testable import ShiftcastTensor

/// The seeded generator behind every random path (Swift Testing).
@Suite struct SeededGeneratorTests {
    @Test(arguments: [UInt64(0), 1, 42, .max])
    func sameSeedSameSequence(seed: UInt64) {
        var a = SeededGenerator(seed: seed), b = SeededGenerator(seed: seed)
        #expect((0 ..< 100).map { _ in a.next() } == (0 ..< 100).map { _ in b.next() })
    }

    @Test func knownFirstOutputsOfSplitMix64() {
        // Reference values of SplitMix64 for seed 0 (Vigna's splitmix64.c).
        var g = SplitMix64(seed: 0)
        #expect(g.next() == 0xE220_A839_7B1D_CDAF)
        #expect(g.next() == 0x6E78_9E6A_A1B9_65F4)
    }

    @Test func permutationIsAPermutationAndUniformIsInRange() {
        var g = SeededGenerator(seed: 7)
        #expect(g.permutation(50).sorted() == Array(0 ..< 50))
        for _ in 0 ..< 1000 {
            let u = g.uniform()
            #expect(u >= 0 && u < 1)
            #expect((0 ..< 7).contains(g.index(below: 7)))
        }
    }

    @Test func gaussianMomentsAndDirichletSum() {
        var g = SeededGenerator(seed: 3)
        let xs = (0 ..< 20_000).map { _ in g.gaussian() }
        let mean = xs.reduce(0, +) / Double(xs.count)
        let variance = xs.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(xs.count - 1)
        #expect(abs(mean) < 0.03)
        #expect(abs(variance - 1) < 0.05)
        let p = g.dirichlet([0.5, 1, 2])
        #expect(abs(p.reduce(0, +) - 1) < 1e-12)
        #expect(p.allSatisfy { $0 >= 0 })
    }

    @Test func derivedStreamsDiffer() {
        var a = SeededGenerator.derived(seed: 1, stream: 1), b = SeededGenerator.derived(seed: 1, stream: 2)
        #expect(a.next() != b.next())
    }
}
