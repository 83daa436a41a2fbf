import XCTest
@testable import ShiftcastData

final class ShiftTests: XCTestCase {
    /// A Gaussian-mixture source and a fresh sample from it (the data to shift).
    func gaussianSetup(seed: UInt64 = 1) throws -> (ShiftContext, Dataset, GaussianMixtureTask) {
        var generator = SeededGenerator(seed: seed)
        let task = GaussianMixtureTask(classCount: 3, featureCount: 16, subspaceDimension: 4, using: &generator)
        let source = task.sample(count: 1500, using: &generator)
        let target = task.sample(count: 1500, using: &generator)
        return (try ShiftContext(source: source), target, task)
    }

    func digitsSetup() throws -> (ShiftContext, Dataset) {
        let digits = try Fixtures.loadDigits()
        return (try ShiftContext(source: digits.train), digits.test)
    }

    func meanRowDistance(_ a: Dataset, _ b: Dataset) -> Double {
        let d = a.featureCount
        var total = 0.0
        for r in 0 ..< a.rowCount {
            var s = 0.0
            for j in 0 ..< d { let t = Double(a.features.scalars[r * d + j] - b.features.scalars[r * d + j]); s += t * t }
            total += s.squareRoot()
        }
        return total / Double(a.rowCount)
    }

    func testRegistryListsEveryFamilyOnce() throws {
        let names = ShiftRegistry.names
        XCTAssertEqual(Set(names).count, names.count)
        for expected in ["gaussian-noise", "impulse-noise", "contrast", "mean-shift", "rotation", "off-manifold",
                         "label-shift", "subpopulation", "spurious-flip", "image-pixel-noise", "image-blur",
                         "image-translation", "image-rotation", "image-contrast", "image-occlusion"] {
            XCTAssertTrue(names.contains(expected), expected)
            XCTAssertEqual(try ShiftRegistry.shift(named: expected).name, expected)
        }
        for shift in ShiftRegistry.all {
            XCTAssertFalse(shift.summary.isEmpty)
            XCTAssertFalse(shift.summary.contains("\n"))
            XCTAssertEqual(shift.name, shift.name.lowercased())
            for s in 1 ... 5 { XCTAssertFalse(shift.parameterDescription(severity: s).isEmpty) }
        }
        XCTAssertThrowsError(try ShiftRegistry.shift(named: "gausian-noise")) { error in
            XCTAssertTrue((error as? InputError)?.message.hasPrefix("unknown shift 'gausian-noise'; did you mean 'gaussian-noise'?") ?? false, "\(error)")
        }
    }

    func testSeverityOutsideOneToFiveIsAnInputError() throws {
        let (context, target, _) = try gaussianSetup()
        var generator = SeededGenerator(seed: 0)
        for bad in [0, 6, -1] {
            XCTAssertThrowsError(try GaussianNoiseShift().apply(to: target, severity: bad, context: context, using: &generator)) { error in
                XCTAssertEqual((error as? InputError)?.message, "severity: expected an integer from 1 to 5, found \(bad)")
            }
        }
    }

    func testSameSeedSameOutputForEveryFamily() throws {
        let (gContext, gTarget, _) = try gaussianSetup()
        let (dContext, dTarget) = try digitsSetup()
        var generator = SeededGenerator(seed: 4)
        let spuriousTask = SpuriousFeatureTask(using: &generator)
        let sContext = try ShiftContext(source: spuriousTask.sample(count: 500, using: &generator))
        let sTarget = spuriousTask.sample(count: 300, using: &generator)
        for shift in ShiftRegistry.dataFamilies {
            let (context, target): (ShiftContext, Dataset) =
                shift.kind == .image ? (dContext, dTarget) : shift.kind == .spurious ? (sContext, sTarget) : (gContext, gTarget)
            var g1 = SeededGenerator(seed: 77), g2 = SeededGenerator(seed: 77), g3 = SeededGenerator(seed: 78)
            let a = try shift.apply(to: target, severity: 3, context: context, using: &g1)
            let b = try shift.apply(to: target, severity: 3, context: context, using: &g2)
            let c = try shift.apply(to: target, severity: 3, context: context, using: &g3)
            XCTAssertTrue(a == b, "\(shift.name): same seed, different output")
            let deterministic = ["contrast", "image-blur", "image-contrast"].contains(shift.name)
            XCTAssertEqual(a == c, deterministic, "\(shift.name): another seed should give another shift unless the family has no randomness")
            XCTAssertTrue(a.features != target.features, "\(shift.name) changed nothing")
            XCTAssertEqual(a.features.shape, target.features.shape, shift.name)
            XCTAssertTrue(a.features.isFinite, shift.name)
        }
    }

    func testPerturbationGrowsWithSeverity() throws {
        let (gContext, gTarget, _) = try gaussianSetup()
        let (dContext, dTarget) = try digitsSetup()
        let families: [any Shift] = [GaussianNoiseShift(), ImpulseNoiseShift(), ContrastShift(), MeanShift(),
                                     RotationShift(), OffManifoldShift()] + ImageCorruptionShift.all
        for shift in families {
            let (context, target) = shift.kind == .image ? (dContext, dTarget) : (gContext, gTarget)
            var distances: [Double] = []
            for severity in 1 ... 5 {
                var generator = SeededGenerator(seed: 100)
                let shifted = try shift.apply(to: target, severity: severity, context: context, using: &generator)
                distances.append(meanRowDistance(shifted, target))
            }
            for s in 1 ..< 5 {
                XCTAssertGreaterThan(distances[s], distances[s - 1], "\(shift.name): severity \(s + 1) vs \(s): \(distances)")
            }
        }
    }

    func testOffManifoldPerturbationIsOrthogonalToTopComponents() throws {
        var generator = SeededGenerator(seed: 1)
        let task = GaussianMixtureTask(classCount: 3, featureCount: 16, subspaceDimension: 4, using: &generator)
        let target = task.sample(count: 1500, using: &generator)
        let context = try ShiftContext(source: task.sample(count: 1500, using: &generator), manifoldVarianceFraction: 0.99)
        XCTAssertEqual(context.manifoldDimension, task.subspaceDimension, "99% of the variance lies in the class subspace")
        let shifted = try OffManifoldShift().apply(to: target, severity: 4, context: context, using: &generator)
        let radius = context.principalComponents.totalVariance.squareRoot()
        for r in 0 ..< 200 {
            let delta = zip(shifted.features.row(r), target.features.row(r)).map { Double($0 - $1) }
            XCTAssertEqual(VectorMath.norm(delta), 0.5 * radius, accuracy: 1e-3 * radius)
            for component in context.manifoldBasis {
                XCTAssertEqual(VectorMath.dot(delta, component), 0, accuracy: 1e-4 * radius)
            }
            // …and also orthogonal to the task's true subspace, up to PCA's estimation error.
            for b in task.basis { XCTAssertLessThan(abs(VectorMath.dot(delta, b)), 0.05 * radius) }
        }
    }

    /// The chunked, parallel, eight-rows-per-lane projection gives the row-by-row result bit
    /// for bit, and leaves the generator where row by row would (600 rows: several chunks of
    /// 256, full panels of eight and a tail of fewer).
    func testOffManifoldMatchesTheRowByRowSchemeBitForBit() throws {
        var generator = SeededGenerator(seed: 8)
        let task = GaussianMixtureTask(classCount: 3, featureCount: 37, subspaceDimension: 5, using: &generator)
        let target = task.sample(count: 601, using: &generator)
        let context = try ShiftContext(source: task.sample(count: 400, using: &generator))
        XCTAssertGreaterThan(context.manifoldDimension, 1, "the projection has work to do")
        let distance = 0.35 * context.principalComponents.totalVariance.squareRoot()
        var fast = SeededGenerator(seed: 99), slow = fast
        let shifted = try OffManifoldShift().apply(to: target, severity: 3, context: context, using: &fast)
        var expected = target.features.scalars
        for r in 0 ..< target.rowCount {
            OffManifoldShift.shiftRow(&expected, r, target.featureCount, context.manifoldBasis, distance, &slow)
        }
        XCTAssertEqual(shifted.features.scalars.map(\.bitPattern), expected.map(\.bitPattern))
        XCTAssertEqual(fast.next(), slow.next())
        // The projection itself, in Double (where a reordered sum would show): 21 rows, two
        // panels of eight and a tail of five.
        let (rows, d) = (21, target.featureCount)
        var g = (0 ..< rows * d).map { _ in slow.gaussian() }
        let rowByRow = (0 ..< rows).map { VectorMath.orthogonalized(Array(g[($0 * d) ..< (($0 + 1) * d)]), against: context.manifoldBasis) }
        OffManifoldShift.project(&g, rows: rows, dimension: d, basis: context.manifoldBasis.flatMap { $0 }, count: context.manifoldDimension)
        XCTAssertEqual(g.map(\.bitPattern), rowByRow.flatMap { $0 }.map(\.bitPattern))
    }

    func testLabelShiftChangesPriorsButNotClassConditionals() throws {
        let (context, _, task) = try gaussianSetup()
        var generator = SeededGenerator(seed: 21)
        let target = task.sample(count: 6000, using: &generator)
        let shifted = try LabelShift().apply(to: target, severity: 5, context: context, using: &generator)
        XCTAssertEqual(shifted.rowCount, target.rowCount)
        let before = target.classPriors!, after = shifted.classPriors!
        let totalVariation = zip(before, after).map { abs($0 - $1) }.reduce(0, +) / 2
        XCTAssertGreaterThan(totalVariation, 0.1, "severity 5 should move the priors: \(before) → \(after)")
        // Class-conditional means stay within sampling error (std ≈ 2 / sqrt(rows of class)).
        for k in 0 ..< 3 where shifted.labelCounts![k] > 200 {
            let m0 = classMean(target, k), m1 = classMean(shifted, k)
            let gap = VectorMath.norm(zip(m0, m1).map { $0 - $1 })
            XCTAssertLessThan(gap, 0.5, "class \(k) mean moved by \(gap)")
        }
        // Every shifted row is a row of the input with its own label.
        let originals = Set((0 ..< target.rowCount).map { target.features.row($0) + [Float(target.labels![$0])] })
        for r in 0 ..< 100 { XCTAssertTrue(originals.contains(shifted.features.row(r) + [Float(shifted.labels![r])])) }
    }

    func testLabelShiftIsMoreExtremeAtHigherSeverity() throws {
        let (context, _, _) = try gaussianSetup()
        var mild = 0.0, severe = 0.0
        var generator = SeededGenerator(seed: 8)
        for _ in 0 ..< 200 {
            let q1 = try LabelShift().targetPriors(severity: 1, context: context, present: [true, true, true], using: &generator)
            let q5 = try LabelShift().targetPriors(severity: 5, context: context, present: [true, true, true], using: &generator)
            mild += zip(q1, context.classPriors).map { abs($0 - $1) }.reduce(0, +)
            severe += zip(q5, context.classPriors).map { abs($0 - $1) }.reduce(0, +)
        }
        XCTAssertLessThan(mild, severe / 3)
    }

    func testSubpopulationRemovesAModeAndKeepsClassCounts() throws {
        var generator = SeededGenerator(seed: 12)
        let task = InterleavedModesTask(classCount: 2, modesPerClass: 3, using: &generator)
        let source = task.sample(count: 1200, using: &generator)
        let target = task.sample(count: 1200, using: &generator)
        let context = try ShiftContext(source: source)
        let shifted = try SubpopulationShift().apply(to: target, severity: 5, context: context, using: &generator)
        XCTAssertEqual(shifted.labelCounts, target.labelCounts)
        let modesBefore = Set(target.modes!), modesAfter = Set(shifted.modes!)
        XCTAssertEqual(modesBefore.count, 6)
        XCTAssertEqual(modesAfter.count, 4, "one mode per class is gone at severity 5")
        // Without mode ids, k-means finds the sub-populations itself.
        var unmoded = target
        unmoded.modes = nil
        let clustered = try SubpopulationShift().apply(to: unmoded, severity: 5, context: context, using: &generator)
        XCTAssertEqual(clustered.labelCounts, target.labelCounts)
        XCTAssertNotEqual(clustered.features, target.features)
    }

    func testSpuriousFlipReversesTheCode() throws {
        var generator = SeededGenerator(seed: 13)
        let task = SpuriousFeatureTask(classCount: 2, agreement: 1.0, spuriousNoise: 0.01, using: &generator)
        let context = try ShiftContext(source: task.sample(count: 1000, using: &generator))
        XCTAssertEqual(context.spuriousFeature?.column, task.spuriousFeatureIndex)
        let target = task.sample(count: 1000, using: &generator)
        let flipped = try SpuriousFlipShift().apply(to: target, severity: 5, context: context, using: &generator)
        for r in 0 ..< flipped.rowCount {
            let code = flipped.features[r, task.spuriousFeatureIndex]
            XCTAssertEqual(code > 0.5 ? 1 : 0, 1 - flipped.labels![r], "row \(r)")
            XCTAssertEqual(flipped.features.row(r).dropLast(), target.features.row(r).dropLast(), "core features untouched")
        }
        let partly = try SpuriousFlipShift().apply(to: target, severity: 2, context: context, using: &generator)
        let changed = (0 ..< target.rowCount).filter { partly.features[$0, task.spuriousFeatureIndex] != target.features[$0, task.spuriousFeatureIndex] }.count
        XCTAssertEqual(Double(changed) / 1000, 0.25, accuracy: 0.05)
    }

    func testShiftsThatNeedSomethingSayWhat() throws {
        let (context, target, _) = try gaussianSetup()
        var generator = SeededGenerator(seed: 0)
        XCTAssertThrowsError(try LabelShift().apply(to: target.unlabeled, severity: 1, context: context, using: &generator)) {
            XCTAssertTrue(($0 as? InputError)?.message.contains("expected labeled data") ?? false)
        }
        XCTAssertThrowsError(try SpuriousFlipShift().apply(to: target, severity: 1, context: context, using: &generator)) {
            XCTAssertTrue(($0 as? InputError)?.message.contains("expected a feature named 'spurious'") ?? false)
        }
        XCTAssertThrowsError(try ImageCorruptionShift(.blur).apply(to: target, severity: 1, context: context, using: &generator)) {
            XCTAssertTrue(($0 as? InputError)?.message.contains("expected image features") ?? false)
        }
    }

    func testImageCorruptionsBehaveLikeImageOperations() throws {
        let (context, _) = try digitsSetup()
        XCTAssertEqual(context.imageShape, ShiftContext.ImageShape(height: 8, width: 8))
        // A single bright pixel at (3, 3).
        var pixels = [Float](repeating: 0, count: 64)
        pixels[3 * 8 + 3] = 1
        let image = Dataset(features: Tensor(shape: [1, 64], scalars: pixels), labels: [0], classCount: 10)
        var generator = SeededGenerator(seed: 1)
        let blurred = try ImageCorruptionShift(.blur).apply(to: image, severity: 3, context: context, using: &generator)
        XCTAssertEqual(blurred.features.sum(), 1, accuracy: 0.02, "blur keeps total brightness (up to renormalised border taps)")
        XCTAssertLessThan(blurred.features[0, 27], 0.5)
        XCTAssertGreaterThan(blurred.features[0, 28], 0.05)
        let moved = try ImageCorruptionShift(.translation).apply(to: image, severity: 2, context: context, using: &generator)
        XCTAssertEqual(moved.features.sum(), 1, accuracy: 1e-4, "a 1-pixel translation inside the image keeps brightness")
        XCTAssertLessThan(moved.features[0, 27], 1)
        let occluded = try ImageCorruptionShift(.occlusion).apply(to: Dataset(features: Tensor(repeating: 1, shape: [1, 64]), labels: [0], classCount: 10),
                                                                 severity: 5, context: context, using: &generator)
        XCTAssertEqual(occluded.features.scalars.filter { $0 == 0 }.count, 36, "a 6×6 patch at severity 5")
        let noisy = try ImageCorruptionShift(.pixelNoise).apply(to: image, severity: 5, context: context, using: &generator)
        XCTAssertTrue(noisy.features.scalars.allSatisfy { $0 >= 0 && $0 <= 1 })
    }

    func classMean(_ data: Dataset, _ k: Int) -> [Double] {
        var sum = [Double](repeating: 0, count: data.featureCount)
        var count = 0
        for r in 0 ..< data.rowCount where data.labels![r] == k {
            count += 1
            for j in 0 ..< data.featureCount { sum[j] += Double(data.features[r, j]) }
        }
        return sum.map { $0 / Double(count) }
    }
}
