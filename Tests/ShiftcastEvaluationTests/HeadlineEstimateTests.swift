import XCTest
import Foundation
import ShiftcastTestSupport
import ShiftcastModel
import ShiftcastData
@testable import ShiftcastEvaluation

/// The headline estimate: its map, its interval, its meta-set, its file, and its refusals.
final class HeadlineEstimateTests: XCTestCase {
    /// Observations in 6 families where input `good` is the accuracy plus small noise and `bad`
    /// is noise: the map must learn to follow `good`, within its interval.
    func observations(seed: UInt64) -> [MetaObservation] {
        var g = SeededGenerator(seed: seed)
        return (0 ..< 60).map { i in
            let y = g.uniform(0.2, 0.95)
            return MetaObservation(id: "set\(i)", families: ["f\(i % 6)"], trueAccuracy: y,
                                   values: ["good": y + g.gaussian() * 0.01, "bad": g.uniform(), "score": 3 - 2 * y + g.gaussian() * 0.01])
        }
    }

    func testTheMapFollowsTheInformativeInputsWithAnHonestInterval() {
        let map = MetaRegression(observations: observations(seed: 1), inputs: ["good", "bad", "score"], isScore: [false, false, true])
        XCTAssertLessThan(map.crossValidatedError, 0.03, "\(map.candidateErrors)")
        XCTAssertEqual(Set(map.candidateErrors.keys), Set(MetaRegression.Method.allCases.map(MetaRegression.Candidate.map) + [.stackedTrees, .input(0), .input(1)]))
        var covered = 0
        let fresh = observations(seed: 2)
        for o in fresh {
            let p = map.predict([o.values["good"]!, o.values["bad"]!, o.values["score"]!])
            XCTAssertEqual(p.accuracy, o.trueAccuracy, accuracy: 0.06)
            XCTAssertTrue(p.low <= p.accuracy && p.accuracy <= p.high)
            XCTAssertEqual(p.high - p.low, min(p.accuracy + p.halfWidth, 1) - max(p.accuracy - p.halfWidth, 0), accuracy: 1e-12)
            XCTAssertLessThan(p.halfWidth, 0.1, "the candidates tracked the meta-sets: a narrow interval")
            XCTAssertFalse(p.extrapolating)
            if p.low <= o.trueAccuracy && o.trueAccuracy <= p.high { covered += 1 }
        }
        XCTAssertGreaterThanOrEqual(Double(covered) / Double(fresh.count), 0.8, "90 % intervals cover about 90 % of new sets")
        // A target far outside the meta-set's range is flagged and its half-width doubled.
        let inside = map.predict([0.5, 0.5, 2]), outside = map.predict([0.5, 40, 2])
        XCTAssertTrue(outside.extrapolating)
        XCTAssertEqual(outside.halfWidth, min(2 * inside.halfWidth, 1), accuracy: 1e-9, "doubled (at most 1)")
        // And beyond the meta-set its interval holds every candidate's reading: "bad" taken as it
        // is reads 1 (40, clipped).
        for (c, reading) in map.readings([0.5, 40, 2]) {
            XCTAssertTrue(outside.low <= reading && reading <= outside.high, "\(map.name(of: c)) \(reading)")
        }
        XCTAssertEqual(outside.high, 1)
    }

    func testConformalHalfWidthIsAHeldOutResidualQuantile() throws {
        let map = MetaRegression(observations: observations(seed: 3), inputs: ["bad"], isScore: [false])
        // With only noise to go on the held-out residuals are large, and so is the interval.
        XCTAssertGreaterThan(map.predict([0.5]).halfWidth, 0.2)
        XCTAssertGreaterThan(map.crossValidatedError, 0.1)
        // q is the ⌈(n + 1)·0.9⌉-th smallest held-out residual, the half-width of every interval.
        let q = try XCTUnwrap(map.residualQuantile)
        XCTAssertEqual(map.predict([0.5]).halfWidth, q, accuracy: 1e-12)
        XCTAssertGreaterThan(q, map.crossValidatedError)
    }

    func testTheLocalSelectionFavoursTheCandidateThatTrackedTheNeighbours() {
        // Candidate errors 0.01, 0.05 and 0.30 on the neighbours: the first leads, the last counts for nothing.
        let y = [0.5, 0.6, 0.7]
        let candidates = MetaRegression.Method.allCases.map(MetaRegression.Candidate.map) + [.input(0)]
        var heldOut: [MetaRegression.Candidate: [Double]] = [:]
        let offsets = [0.01, 0.05, 0.30, 0.30, 0.30, 0.30]
        for (m, d) in zip(candidates, offsets) { heldOut[m] = y.map { $0 + d } }
        let weights = MetaRegression.localWeights([0, 1, 2], candidates: candidates, heldOut: heldOut, accuracies: y)
        XCTAssertEqual(weights[0], 1, accuracy: 1e-12)
        XCTAssertEqual(weights[1], exp(-0.04 / MetaRegression.temperature), accuracy: 1e-12)
        XCTAssertLessThan(weights[2], 1e-5)
        XCTAssertEqual(MetaRegression.combine(weights, candidates) { m in heldOut[m]![0] },
                       (0.51 + weights[1] * 0.55 + 4 * weights[2] * 0.80) / (1 + weights[1] + 4 * weights[2]), accuracy: 1e-12)
        // Where even the best candidate erred widely (0.30 here), the weight spreads over those
        // within a fifth of it: T = 0.2 · 0.30 = 0.06 instead of 0.02.
        var wide: [MetaRegression.Candidate: [Double]] = [:]
        for (m, d) in zip(candidates, [0.30, 0.33, 0.60, 0.60, 0.60, 0.60]) { wide[m] = y.map { $0 + d } }
        let spread = MetaRegression.localWeights([0, 1, 2], candidates: candidates, heldOut: wide, accuracies: y)
        XCTAssertEqual(spread[0], 1, accuracy: 1e-12)
        XCTAssertEqual(spread[1], exp(-0.03 / (MetaRegression.relativeTemperature * 0.30)), accuracy: 1e-9)
        XCTAssertGreaterThan(spread[1], 0.6, "a fixed temperature of 0.02 would give it 0.22")
        // No neighbours: equal weights.
        XCTAssertEqual(MetaRegression.localWeights([], candidates: candidates, heldOut: heldOut, accuracies: y), [1, 1, 1, 1, 1, 1])
        let points: [[Double]] = [[3, 0], [1, 0], [-1, 0]]
        XCTAssertEqual(MetaRegression.nearestRows(2, to: [0, 0], among: [0, 1, 2]) { points[$0] }.map(\.row), [1, 2], "ties to the lower index")
    }

    func testATargetWhoseRowsDidNotMoveIsWeightedOnSetsThatDidNotMove() {
        // The pool: resampling sets (0–3) moved 0–0.02 (range widened to −0.01…0.03); eight others as little, four farther or
        // (row 12: shrunk toward the mean) nearer.
        let movement = [0.0, 0.01, 0.02, 0.015, 0.01, 0.0, 0.02, 0.005, 0.01, 0.01, 0.0, 0.02, -0.5, 0.8, 1.2, 2.0]
        let resamples = (0 ..< 16).map { $0 < 4 }
        let rows = Array(0 ..< 16)
        let unmoved = MetaRegression.unmovedPool(0.015, among: rows, movements: movement, resamples: resamples)
        XCTAssertEqual(unmoved, Array(0 ..< 12))
        XCTAssertEqual(MetaRegression.unmovedPool(0.025, among: rows, movements: movement, resamples: resamples), Array(0 ..< 12),
                       "within the resampling range widened by half its width (0.01) on each side")
        XCTAssertEqual(MetaRegression.unmovedPool(0.035, among: rows, movements: movement, resamples: resamples), rows,
                       "beyond the widened range")
        XCTAssertEqual(MetaRegression.unmovedPool(0.3, among: rows, movements: movement, resamples: resamples), rows, "it moved")
        XCTAssertEqual(MetaRegression.unmovedPool(-0.3, among: rows, movements: movement, resamples: resamples), rows,
                       "it came nearer the source's rows than any resampling: it moved too")
        XCTAssertEqual(MetaRegression.unmovedPool(0.0, among: rows, movements: nil, resamples: resamples), rows, "no movement input")
        XCTAssertEqual(MetaRegression.unmovedPool(0.0, among: Array(8 ..< 16), movements: movement, resamples: resamples), Array(8 ..< 16),
                       "no resampling set among the rows: no bound")
        XCTAssertEqual(MetaRegression.unmovedPool(0.0, among: Array(0 ..< 4) + Array(12 ..< 16), movements: movement, resamples: resamples),
                       Array(0 ..< 4) + Array(12 ..< 16), "fewer unmoved sets than a neighbourhood: all of them")
        XCTAssertTrue(["label-shift", "subpopulation", "none", "confidence-strata"].allSatisfy(MetaRegression.resamplingFamilies.contains))
        XCTAssertFalse(MetaRegression.resamplingFamilies.contains("fgsm-linf"))
        XCTAssertFalse(MetaRegression.resamplingFamilies.contains("gaussian-noise"))

        // A map whose attacks share an unmoved target's score (as a sub-population can read like
        // damage to COT): its neighbours are the resamplings, and it reads their accuracy.
        var g = SeededGenerator(seed: 12)
        var observations: [MetaObservation] = []
        for i in 0 ..< 24 {
            let family = ["label-shift", "none"][i % 2]
            observations.append(MetaObservation(id: "r\(i)", families: [family], trueAccuracy: g.uniform(0.88, 0.92),
                                                values: ["doc": g.uniform(0.88, 0.92), "cot": g.uniform(0.3, 0.6),
                                                         MetaRegression.movementInput: g.uniform(-0.02, 0.02)]))
        }
        for i in 0 ..< 24 {
            let family = ["fgsm-linf", "pgd-linf", "gaussian-noise"][i % 3]
            observations.append(MetaObservation(id: "a\(i)", families: [family], trueAccuracy: g.uniform(0.2, 0.5),
                                                values: ["doc": g.uniform(0.85, 0.92), "cot": g.uniform(0.55, 0.6),
                                                         MetaRegression.movementInput: g.uniform(0.1, 0.2)]))
        }
        let map = MetaRegression(observations: observations, inputs: ["doc", "cot", MetaRegression.movementInput], isScore: [false, true, true])
        let unmovedTarget = map.predict([0.9, 0.58, 0.0])
        XCTAssertTrue(unmovedTarget.neighbourFamilies.allSatisfy { $0.allSatisfy(MetaRegression.resamplingFamilies.contains) },
                      "\(unmovedTarget.neighbourFamilies)")
        XCTAssertEqual(unmovedTarget.accuracy, 0.9, accuracy: 0.05)
        // The same outputs on rows that moved as far as the attacks: weighted on the attacks.
        let movedTarget = map.predict([0.9, 0.58, 0.15])
        XCTAssertFalse(movedTarget.neighbourFamilies.allSatisfy { $0.allSatisfy(MetaRegression.resamplingFamilies.contains) })
    }

    func testNeighbourhoodsJoinTheEmbeddedInputsAndTheMapsReadings() {
        let map = MetaRegression(observations: observations(seed: 1), inputs: ["good", "bad", "score"], isScore: [false, false, true])
        let maps = MetaRegression.Method.allCases
        // A meta-set's point: its embedded inputs, then its maps' held-out readings times the weight.
        for i in map.heldOutRows {
            let expected = map.full.embeddedRows[i] + maps.map { map.heldOut[.map($0)]![i] * MetaRegression.readingWeight }
            XCTAssertEqual(map.neighbourhoodPoints[i], expected)
        }
        XCTAssertEqual(MetaRegression.neighbourhoodPoint(embedded: [1, -2], mapReadings: [0.5, 0.04]),
                       [1, -2, 0.5 * MetaRegression.readingWeight, 0.04 * MetaRegression.readingWeight])
        // A target's neighbours are the nearest in that space, its readings from the maps fitted on every set.
        var differ = 0
        for o in observations(seed: 2) {
            let raw = [o.values["good"]!, o.values["bad"]!, o.values["score"]!]
            let z = map.full.embedded(raw)
            let here = MetaRegression.neighbourhoodPoint(embedded: z, mapReadings: maps.map { clip(map.full.predict(raw, method: $0)) })
            let expected = MetaRegression.nearestRows(MetaRegression.neighbourCount, to: here, among: map.heldOutRows) { map.neighbourhoodPoints[$0] }.map(\.row)
            XCTAssertEqual(map.predict(raw).neighbourFamilies, expected.map { map.families[$0] })
            let byInputs = MetaRegression.nearestRows(MetaRegression.neighbourCount, to: z, among: map.heldOutRows) { map.full.embeddedRows[$0] }.map(\.row)
            if byInputs != expected { differ += 1 }
        }
        XCTAssertGreaterThan(differ, 0, "the readings change some neighbourhoods")
    }

    func testNeighboursCountByAnEpanechnikovKernelOfTheirDistance() {
        // h = the farthest distance (4): weights 1 − (d/h)², the farthest almost nothing.
        let w = MetaRegression.kernelWeights([0, 2, 4])
        XCTAssertEqual(w[0], 1, accuracy: 1e-12)
        XCTAssertEqual(w[1], 1 - 0.25 / ((1 + 1e-4) * (1 + 1e-4)), accuracy: 1e-12)
        XCTAssertEqual(w[2], 1 - 1 / ((1 + 1e-4) * (1 + 1e-4)), accuracy: 1e-12)
        XCTAssertLessThan(w[2], 1e-3)
        XCTAssertEqual(MetaRegression.kernelWeights([3, 3, 3]).map { ($0 * 1e6).rounded() }, [200, 200, 200], "equally far: equal weights")
        XCTAssertEqual(MetaRegression.kernelWeights([0, 0]), [1, 1], "all at the target: equal weights")
        XCTAssertEqual(MetaRegression.kernelWeights([]), [])
        // The candidates' local errors are the kernel-weighted means: candidate 0 erred on the far
        // neighbour only, candidate 1 on the near one, so candidate 0 leads.
        let y = [0.5, 0.6, 0.7]
        let candidates: [MetaRegression.Candidate] = [.input(0), .input(1)]
        let heldOut: [MetaRegression.Candidate: [Double]] = [.input(0): [0.5, 0.6, 0.9], .input(1): [0.7, 0.6, 0.7]]
        let closeness = [1.0, 0.5, 0.1]
        let weights = MetaRegression.localWeights([0, 1, 2], closeness: closeness, candidates: candidates, heldOut: heldOut, accuracies: y)
        let errors = [0.1 * 0.2 / 1.6, 1.0 * 0.2 / 1.6]
        XCTAssertEqual(weights[0], 1, accuracy: 1e-12)
        XCTAssertEqual(weights[1], exp(-(errors[1] - errors[0]) / max(MetaRegression.temperature, MetaRegression.relativeTemperature * errors[0])),
                       accuracy: 1e-12)
        let equal = MetaRegression.localWeights([0, 1, 2], candidates: candidates, heldOut: heldOut, accuracies: y)
        XCTAssertEqual(equal[0], equal[1], accuracy: 1e-9, "unweighted, both err 0.2 on one of three")
    }

    func testTheStackedTreesLearnFromTheMapsHeldOutReadings() throws {
        let map = MetaRegression(observations: observations(seed: 1), inputs: ["good", "bad", "score"], isScore: [false, false, true])
        let stacked = try XCTUnwrap(map.stacked)
        let maps = MetaRegression.Method.allCases.map(MetaRegression.Candidate.map)
        let p = map.inputs.count
        func features(_ i: Int) -> [Double] {
            StackedTrees.features(raw: Array(map.points[i * p ..< (i + 1) * p]), mapReadings: maps.map { map.heldOut[$0]![i] })
        }
        // Its held-out reading of a set: trees fitted on the other families' sets, from their maps' held-out readings.
        let rows = map.heldOutRows
        for family in ["f0", "f3"] {
            let train = rows.filter { !map.families[$0].contains(family) }
            let trees = StackedTrees(features: train.map(features), accuracies: train.map { map.accuracies[$0] })
            for i in rows where map.families[i] == [family] {
                XCTAssertEqual(map.heldOut[.stackedTrees]![i], clip(trees.predict(features(i))), accuracy: 1e-12)
            }
        }
        // A target's reading: the trees fitted on every held-out set, on its inputs and the full maps' readings.
        let all = StackedTrees(features: rows.map(features), accuracies: rows.map { map.accuracies[$0] })
        XCTAssertEqual(all.predict(features(5)), stacked.predict(features(5)), accuracy: 1e-12)
        for o in observations(seed: 2).prefix(10) {
            let raw = [o.values["good"]!, o.values["bad"]!, o.values["score"]!]
            let readings = map.readings(raw)
            let expected = clip(all.predict(raw + maps.map { clip(map.full.predict(raw, candidate: $0)) }))
            XCTAssertEqual(readings[.stackedTrees]!, expected, accuracy: 1e-12)
            XCTAssertEqual(readings[.stackedTrees]!, o.trueAccuracy, accuracy: 0.1, "it learned to follow `good`")
        }
        XCTAssertEqual(map.name(of: .stackedTrees), "stacked-trees")
        // Too few held-out sets: no second level, and the candidates are the maps and the inputs.
        let few = MetaRegression(observations: Array(observations(seed: 4).prefix(7)), inputs: ["good", "bad"], isScore: [false, false])
        XCTAssertNil(few.stacked)
        XCTAssertFalse(few.candidates.contains(.stackedTrees))
        XCTAssertTrue(few.predict([0.5, 0.5]).accuracy.isFinite)
    }

    func testAnAccuracyEstimatorThatTracksTheMetaSetsCanLeadOnItsOwn() {
        // `good` is the accuracy itself on every set: as a candidate it has no error, and leads.
        var g = SeededGenerator(seed: 9)
        let observations = (0 ..< 48).map { i in
            let y = g.uniform(0.2, 0.95)
            return MetaObservation(id: "set\(i)", families: ["f\(i % 6)"], trueAccuracy: y,
                                   values: ["good": y, "bad": g.uniform(), "score": g.uniform(0, 5)])
        }
        let map = MetaRegression(observations: observations, inputs: ["good", "bad", "score"], isScore: [false, false, true])
        XCTAssertEqual(map.candidates, MetaRegression.Method.allCases.map(MetaRegression.Candidate.map) + [.stackedTrees, .input(0), .input(1)],
                       "the maps, the stacked trees, then every accuracy input; a score is no accuracy")
        XCTAssertEqual(map.candidateErrors[.input(0)]!, 0, accuracy: 1e-12)
        let p = map.predict([0.63, 0.1, 2])
        XCTAssertEqual(p.lead, "good")
        XCTAssertEqual(p.accuracy, 0.63, accuracy: 0.01, "the maps' errors on the neighbours leave them little weight")
    }

    func testAPriorChangeAloneBarelyMovesThePriorBalancedInputs() throws {
        let t = Self.task
        func evidence(_ x: Tensor) -> Predictions {
            let (logits, features) = t.model.logitsAndFeatures(x)
            return Predictions(trustedLogits: logits, features: features, origin: nil)
        }
        let source = try LabeledPredictions(predictions: evidence(t.validation.features), labels: t.validation.labels!)
        let suite = try EstimatorSuite(estimators: EstimatorRegistry.all().filter { $0.dependsOnClassPriors || $0.id == .differenceOfConfidences },
                                       source: SourceEvidence(predictions: source))
        XCTAssertEqual(Set(suite.fittedEstimators.filter { $0.dependsOnClassPriors }.map { $0.id.name }), ["cot", "cott-mc", "nuclear", "dispersion", "gdscore"])
        // The clean target, and the same rows with class 0 three times as frequent: p(x | y) unchanged.
        let clean = try TargetEvidence(predictions: evidence(t.target))
        let skewed = (0 ..< t.targetLabels.count).flatMap { t.targetLabels[$0] == 0 ? [$0, $0, $0] : [$0] }
        let prior = try TargetEvidence(predictions: clean.predictions.gatheringRows(skewed))
        let scores = Set(suite.scoreEstimators)
        let raw = (clean: HeadlineEstimate.inputs(try suite.estimate(clean).estimates, scores: scores),
                   prior: HeadlineEstimate.inputs(try suite.estimate(prior).estimates, scores: scores))
        let priorOutputs = try HeadlineEstimate.outputs(suite: suite, evidence: prior, seed: 1)
        let balanced = (clean: try HeadlineEstimate.outputs(suite: suite, evidence: clean, seed: 1).inputs, prior: priorOutputs.inputs)
        // The side-by-side columns (what the reliability column is measured on) read the set as it is.
        XCTAssertEqual(priorOutputs.columns, raw.prior.filter { ["cot", "cott-mc", "nuclear", "dispersion", "gdscore"].contains($0.key) })
        for name in ["cot", "cott-mc", "nuclear", "dispersion"] {
            let rawMove = abs(raw.prior[name]! - raw.clean[name]!), balancedMove = abs(balanced.prior[name]! - balanced.clean[name]!)
            XCTAssertLessThan(balancedMove, 0.5 * rawMove, "\(name): raw \(raw.clean[name]!) -> \(raw.prior[name]!), balanced \(balanced.clean[name]!) -> \(balanced.prior[name]!)")
        }
        // An estimator that accounts for the priors reads the target as it is.
        XCTAssertEqual(balanced.prior["doc"], raw.prior["doc"])
        // The balanced copy has the source's predicted-class shares, and is seeded.
        let copy = try HeadlineEstimate.priorBalanced(prior, suite: suite, seed: 1)
        XCTAssertEqual(copy.count, prior.count)
        let counts = (0 ..< suite.classCount).map { c in copy.predictions.predictedClasses.filter { $0 == c }.count }
        let expected = suite.sourcePredictedClassCounts.map { Double($0) * Double(prior.count) / Double(source.count) }
        for (n, e) in zip(counts, expected) { XCTAssertLessThanOrEqual(abs(Double(n) - e), 1, "\(counts) against \(expected)") }
        XCTAssertEqual(copy.predictions, try HeadlineEstimate.priorBalanced(prior, suite: suite, seed: 1).predictions)
        // A class the source never predicts keeps a share (half a prediction's worth) in the copy.
        let twoClass = try LabeledPredictions(predictions: Predictions(probabilities: Tensor(rows: Array(repeating: [0.9, 0.05, 0.05], count: 5)
            + Array(repeating: [0.1, 0.8, 0.1], count: 5))), labels: [0, 0, 0, 0, 0, 1, 1, 1, 1, 1])
        let small = try EstimatorSuite(estimators: [AverageConfidence()], source: SourceEvidence(predictions: twoClass))
        XCTAssertEqual(small.sourcePredictedClassCounts, [5, 5, 0])
        let third = try TargetEvidence(predictions: Predictions(probabilities: Tensor(rows: Array(repeating: [0.1, 0.1, 0.8], count: 11)
            + [[0.9, 0.05, 0.05], [0.1, 0.8, 0.1]])))
        let kept = try HeadlineEstimate.priorBalanced(third, suite: small, seed: 2).predictions.predictedClasses
        XCTAssertEqual(kept.count, 13)
        XCTAssertEqual(kept.filter { $0 == 2 }.count, 1, "shares 10 : 10 : 1 of 13 rows: 6, 6 and 1")
    }

    /// A small model and task: the model form runs end to end, deterministically.
    static let task: (model: MLP, partners: [MLP], validation: Dataset, target: Tensor, targetLabels: [Int]) = {
        let (models, validation, test) = smallTaskWithModels(seed: 90, initSeed: 100, testRows: 200)
        var g = SeededGenerator(seed: 93)
        let noisy = test.features + Tensor.randomNormal(shape: test.features.shape, standardDeviation: 1, using: &g)
        return (models[0], Array(models[1...]), Dataset(features: validation.features, labels: validation.labels), noisy, test.labels)
    }()

    func headline(_ metaSets: Int = 30, saved: HeadlineEstimate.SavedMeta? = nil) throws -> HeadlineEstimate {
        var options = HeadlineEstimate.Options()
        options.metaSetCount = metaSets
        options.projNorm = ProjNormConfiguration(iterations: 20, seed: 2)
        options.seed = 5
        let t = Self.task
        return try HeadlineEstimate(model: t.model, initialization: .seed(100), validation: t.validation, seedModels: t.partners,
                                    options: options, regression: saved)
    }

    func target(_ h: HeadlineEstimate) throws -> TargetEvidence {
        var pending: Tensor? = Self.task.target
        return try h.readTarget(batches: { defer { pending = nil }; return pending }).evidence
    }

    /// The attack note: most of the neighbours adversarial and the headline below the accuracy
    /// estimators' median by more than the half-width — then the reading without an attack is given.
    func testTheAttackNoteNeedsAttackedNeighboursAndAGapToTheAccuracyEstimators() throws {
        let attacked = Array(repeating: ["fgsm-linf"], count: 6) + [["pgd-l2", "contrast"]] + Array(repeating: ["gaussian-noise"], count: 3)
        let note = try XCTUnwrap(HeadlineEstimate.attackNote(neighbourFamilies: attacked, accuracyInputs: [0.9, 0.86, 0.8, 0.95],
                                                             accuracy: 0.05, halfWidth: 0.15))
        XCTAssertTrue(note.hasPrefix("read as an attack on this model (7 of the 10 meta-sets nearest it are adversarial)"), note)
        XCTAssertTrue(note.hasSuffix("the accuracy estimators' median, 0.88, is the reading without an attack"), note)
        // Half the neighbours or fewer, or a gap within the half-width: no note.
        let half = Array(repeating: ["transfer-pgd-linf"], count: 5) + Array(repeating: ["none"], count: 5)
        XCTAssertNil(HeadlineEstimate.attackNote(neighbourFamilies: half, accuracyInputs: [0.9], accuracy: 0.05, halfWidth: 0.15))
        XCTAssertNil(HeadlineEstimate.attackNote(neighbourFamilies: attacked, accuracyInputs: [0.9, 0.8], accuracy: 0.72, halfWidth: 0.15))
        XCTAssertNil(HeadlineEstimate.attackNote(neighbourFamilies: attacked, accuracyInputs: [], accuracy: 0.05, halfWidth: 0.15))
        XCTAssertEqual(HeadlineEstimate.adversarialFamilies, ["fgsm-linf", "pgd-linf", "pgd-l2", "transfer-pgd-linf"])
    }

    /// The headline's ProjNorm input: the recipe's learning rate and seed, class-balanced, half its
    /// iterations — what the fitted suite holds; the recipe kept whole for the file and the estimator.
    func testTheProjNormInputFineTunesHalfTheRecipeClassBalanced() throws {
        var options = HeadlineEstimate.Options()
        XCTAssertEqual(options.projNormInput.iterations, 250)
        options.projNorm = ProjNormConfiguration(iterations: 1, learningRate: 0.05, seed: 9)
        XCTAssertEqual(options.projNormInput, {
            var c = ProjNormConfiguration(iterations: 1, learningRate: 0.05, seed: 9)
            c.balancesPseudoLabels = true
            return c
        }())
        let h = try headline()
        XCTAssertEqual(h.options.projNorm.iterations, 20)
        let fitted = try XCTUnwrap(h.suite.fittedEstimators.compactMap { $0 as? ProjNorm }.first)
        XCTAssertEqual(fitted.configuration.iterations, 10)
        XCTAssertTrue(fitted.configuration.balancesPseudoLabels)
    }

    func testTheModelFormIsDeterministicAndCoversEveryEstimator() throws {
        let h = try headline()
        XCTAssertEqual(h.observations.count, 30)
        XCTAssertTrue(h.families.contains("none") && h.families.contains("label-shift") && h.families.contains("pgd-linf"), "\(h.families)")
        let e = try h.estimate(target(h))
        XCTAssertEqual(e.estimator, .meta)
        let (a, low, high) = (try XCTUnwrap(e.accuracy), try XCTUnwrap(e.intervalLow), try XCTUnwrap(e.intervalHigh))
        XCTAssertTrue(low <= a && a <= high)
        XCTAssertEqual(e.setting("meta_sets"), "30")
        // Same seed, same meta-set and estimate.
        let again = try headline()
        XCTAssertEqual(again.observations, h.observations)
        XCTAssertEqual(try again.estimate(target(again)), e)
        // Every estimator has a reliability; the regression's inputs are named.
        XCTAssertEqual(Set(h.reliability.keys), Set(EstimatorRegistry.ids))
        XCTAssertFalse(h.regression.inputs.isEmpty)
        // knn's distance ratio is an input of its own, right after knn, a score, on a log scale.
        let knn = try XCTUnwrap(h.regression.inputs.firstIndex(of: "knn"))
        XCTAssertEqual(h.regression.inputs[knn + 1], "knn-distance")
        XCTAssertEqual(HeadlineEstimate.scores(["knn", "knn-distance"], h.suite), [false, true])
        let knnEstimate = Estimate(estimator: .nearestNeighbourAgreement, accuracy: 0.8, standardError: 0.01, score: 2.5)
        XCTAssertEqual(HeadlineEstimate.inputs([knnEstimate], scores: [])["knn-distance"]!, log(2.5), accuracy: 1e-12)
        XCTAssertEqual(HeadlineEstimate.inputs([knnEstimate], scores: [])["knn"], 0.8)
        // So is its scale spread, a setting, after the distance ratio.
        XCTAssertEqual(h.regression.inputs[knn + 2], "knn-scale-spread")
        XCTAssertEqual(HeadlineEstimate.scores(["knn-scale-spread"], h.suite), [true])
        let withSpread = Estimate(estimator: .nearestNeighbourAgreement, accuracy: 0.8, standardError: 0.01, score: 2.5,
                                  settings: [.init("scale_spread", number: 0.25)])
        XCTAssertEqual(HeadlineEstimate.inputs([withSpread], scores: [])["knn-scale-spread"], 0.25)
        XCTAssertNil(HeadlineEstimate.inputs([knnEstimate], scores: [])["knn-scale-spread"])
        // From the saved observations: the same estimate without making the meta-set.
        let reused = try headline(saved: h.saved)
        XCTAssertEqual(try reused.estimate(target(reused)), e)
        // Leave-one-family-out: the map is refitted without the family.
        let heldOut = try h.estimate(target(h), excludingFamily: "gaussian-noise")
        XCTAssertNotNil(heldOut.accuracy)
        XCTAssertLessThan(Int(heldOut.setting("meta_sets")!)!, 30)
    }

    /// Estimators that drift with the set's size are read at the meta-sets' size: a smaller
    /// target has the meta-set re-read at its size, a larger one is read on meta-set-sized parts.
    func testTargetsOfAnotherSizeAreReadAtTheMetaSetsSize() throws {
        let h = try headline()
        XCTAssertEqual(h.metaSetRows, 120)
        let sized = h.sizeDependent.map(\.name)
        XCTAssertTrue(sized.contains("projnorm") && sized.contains("cot"), "\(sized)")
        func read(_ x: Tensor) throws -> TargetEvidence {
            var pending: Tensor? = x
            return try h.readTarget(batches: { defer { pending = nil }; return pending }).evidence
        }
        // A 40-row target: every meta-set re-read on random 37-row subsets of its rows
        // (⌊120 · 0.9^11⌋ = 37 ≤ 40) — 8 of each of the 30 sets, for at least 240 observations —
        // each a new observation: every estimator and the true accuracy there.
        XCTAssertEqual(h.rereadCopies, 8)
        let small = try read(Self.task.target.gatheringRows(Array(0 ..< 40)))
        let resized = try XCTUnwrap(try h.observations(atRows: 37))
        XCTAssertEqual(resized.map(\.id), h.observations.flatMap { o in (1 ... 8).map { "\(o.id)/\($0)" } })
        XCTAssertEqual(resized.map(\.families), h.observations.flatMap { o in Array(repeating: o.families, count: 8) })
        for (i, o) in resized.enumerated() {
            // The true accuracy of 37 rows is a multiple of 1/37.
            XCTAssertEqual((o.trueAccuracy * 37).rounded(), o.trueAccuracy * 37, accuracy: 1e-9, o.id)
            XCTAssertEqual(Set(o.values.keys), Set(h.observations[i / 8].values.keys), o.id)
        }
        func mean(_ o: [MetaObservation], _ name: String) -> Double { o.map { $0.values[name]! }.reduce(0, +) / Double(o.count) }
        XCTAssertGreaterThan(mean(resized, "projnorm"), mean(h.observations, "projnorm"), "θ̃ fitted to fewer rows lands farther")
        XCTAssertLessThan(mean(resized, "cot"), mean(h.observations, "cot"), "a smaller sample is farther from the source in transport cost")
        XCTAssertEqual(mean(resized, "doc"), mean(h.observations, "doc"), accuracy: 0.02, "a mean over rows reads the same on average")
        func meanTruth(_ o: [MetaObservation]) -> Double { o.map(\.trueAccuracy).reduce(0, +) / Double(o.count) }
        XCTAssertEqual(meanTruth(resized), meanTruth(h.observations), accuracy: 0.02)
        XCTAssertEqual(try h.observations(atRows: 37), resized, "computed once per size")
        let e = try h.estimate(small)
        XCTAssertTrue(e.note?.contains("a target of 40 rows, fewer than the meta-sets' 120") == true, e.note ?? "")
        XCTAssertTrue(e.note?.contains("re-read on 37-row subsets") == true, "⌊120 · 0.9^11⌋ = 37 ≤ 40: \(e.note ?? "")")
        XCTAssertEqual((1 ... 12).map { HeadlineEstimate.rereadSize([108, 107, 97, 40, 37, 36, 1, 2, 3, 4, 5, 6][$0 - 1], metaSetRows: 120) },
                       [108, 97, 97, 37, 37, 33, 1, 2, 3, 4, 5, 6])
        XCTAssertEqual(e.setting("meta_sets"), "240")
        XCTAssertEqual(e.setting("reread_rows"), "37")
        let again = try headline()
        XCTAssertEqual(try again.estimate(read(Self.task.target.gatheringRows(Array(0 ..< 40)))), e)
        // A set resampled with replacement is as large as its distinct rows: 120 rows, 40 distinct.
        let repeated = try read(Self.task.target.gatheringRows((0 ..< 120).map { $0 % 40 }))
        XCTAssertEqual(HeadlineEstimate.distinctRowCount(repeated.predictions), 40)
        let r = try h.estimate(repeated)
        XCTAssertTrue(r.note?.contains("a target of 40 distinct rows, fewer than the meta-sets' 120") == true, r.note ?? "")
        // A meta-set that cannot be made again (a saved model command's): the size-dependent inputs are left out.
        let frozen = try HeadlineEstimate(form: .model, options: h.options, suite: h.suite, reader: h.reader,
                                          observations: h.observations, metaSetRows: h.metaSetRows, remake: nil)
        let without = try frozen.estimate(small)
        XCTAssertTrue(without.note?.contains("left out of the map") == true, without.note ?? "")
        XCTAssertTrue(Set(try XCTUnwrap(without.setting("inputs")).split(separator: " ").map(String.init)).isDisjoint(with: sized))
        // A 400-row target: the size-dependent inputs are the mean over three 120-row parts; the others read it whole.
        var g = SeededGenerator(seed: 94)
        let big = try read(Tensor.concatenatingRows([Self.task.target, Self.task.target + Tensor.randomNormal(shape: Self.task.target.shape, standardDeviation: 0.3, using: &g)]))
        let whole = try HeadlineEstimate.outputs(suite: h.suite, evidence: big, seed: h.options.seed).inputs
        let matched = try h.targetInputs(big)
        XCTAssertEqual(Set(matched.keys), Set(whole.keys))
        for (name, v) in matched {
            if sized.contains(name) { XCTAssertNotEqual(v, whole[name]!, name) } else { XCTAssertEqual(v, whole[name]!, name) }
        }
        XCTAssertGreaterThan(matched["projnorm"]!, whole["projnorm"]!, "θ̃ fitted to 120-row parts lands farther than on 400 rows")
    }

    /// The predictions form re-reads its resamplings of the meta rows for a smaller target too.
    func testThePredictionsFormReReadsItsMetaSetForASmallTarget() throws {
        let t = Self.task
        func predictions(_ x: Tensor) -> Predictions {
            let (logits, features) = t.model.logitsAndFeatures(x)
            return Predictions(trustedLogits: logits, features: features, origin: nil)
        }
        let source = try SourceEvidence(predictions: LabeledPredictions(predictions: predictions(t.validation.features), labels: t.validation.labels!))
        var options = HeadlineEstimate.Options()
        options.metaSetCount = 20
        options.seed = 3
        let h = try HeadlineEstimate(source: source, options: options)
        XCTAssertEqual(h.metaSetRows, 120)
        let e = try h.estimate(TargetEvidence(predictions: predictions(t.target.gatheringRows(Array(0 ..< 30)))))
        let size = HeadlineEstimate.rereadSize(30, metaSetRows: 120)
        // 20 sets: 12 subsets of each, for at least 240 observations.
        XCTAssertTrue(e.note?.contains("re-read on \(size)-row subsets (12 of each set)") == true, e.note ?? "")
        XCTAssertEqual(e.setting("meta_sets"), "\(12 * h.observations.count)")
        XCTAssertTrue(e.note?.contains("cannot see covariate or adversarial shifts") == true, "the form's own note stays")
        XCTAssertNil(e.note?.range(of: "predictions miss"), "30 rows of 3 classes: every class predicted")
        // A target whose predictions miss a class is warned of: the balanced copy cannot bring it back.
        let classes = predictions(t.target).predictedClasses
        let rows = classes.indices.filter { classes[$0] != 2 }
        let missing = try h.estimate(TargetEvidence(predictions: predictions(t.target.gatheringRows(rows))))
        XCTAssertTrue(missing.note?.contains("the target's predictions miss 1 of the 3 classes (2; under 10 % of their share on the source)") == true, missing.note ?? "")
        // One row of the class among the rest: nearly missing, and read the same way.
        let one = try XCTUnwrap(classes.indices.first { classes[$0] == 2 })
        let nearly = try h.estimate(TargetEvidence(predictions: predictions(t.target.gatheringRows(rows + [one]))))
        XCTAssertTrue(nearly.note?.contains("the target's predictions nearly miss 1 of the 3 classes (2;") == true, nearly.note ?? "")
        XCTAssertEqual(nearly.setting("inputs"), missing.setting("inputs"))
        XCTAssertTrue(missing.note?.hasSuffix("compare with ATC and DoC") == true, "the predictions form has no knn: \(missing.note ?? "")")
        // The inputs read on a balanced copy would read it as damaged: the map goes without them here,
        // and says so once (not as inputs that gave no output).
        let balancing = Set(h.classBalancingInputs)
        XCTAssertFalse(balancing.isEmpty)
        let mapInputs = Set(try XCTUnwrap(missing.setting("inputs")).split(separator: " ").map(String.init))
        XCTAssertTrue(mapInputs.isDisjoint(with: balancing), "\(mapInputs) ∩ \(balancing)")
        XCTAssertTrue(Set(h.regression.inputs).isSuperset(of: mapInputs))
        XCTAssertTrue(missing.note?.contains("so the map leaves them out") == true, missing.note ?? "")
        XCTAssertNil(missing.note?.range(of: "no output"), missing.note ?? "")
        let everyClass = try h.estimate(TargetEvidence(predictions: predictions(t.target.gatheringRows(Array(0 ..< 120)))))
        let full = Set(try XCTUnwrap(everyClass.setting("inputs")).split(separator: " ").map(String.init))
        XCTAssertFalse(full.isDisjoint(with: balancing), "a target with every class keeps them: \(full)")
        // A target as large as the meta-sets is read as it is, on the meta-set as observed.
        let whole = try h.estimate(TargetEvidence(predictions: predictions(t.target.gatheringRows(Array(0 ..< 120)))))
        XCTAssertEqual(whole.setting("meta_sets"), "\(h.observations.count)")
        XCTAssertNil(whole.setting("reread_rows"))
    }

    func testRefusesTooFewRowsAndConstantAccuracies() throws {
        let t = Self.task
        let few = t.validation.selectingRows(0 ..< 30)
        XCTAssertThrowsError(try HeadlineEstimate(model: t.model, initialization: .seed(100), validation: few, seedModels: [])) {
            XCTAssertEqual(($0 as? EstimatorUnavailable)?.reason.description,
                           "needs at least 40 labeled validation rows (half fit the estimators, half make the meta-sets), found 30")
        }
        let constant = (0 ..< 8).map { MetaObservation(id: "\($0)", families: ["f\($0 % 2)"], trueAccuracy: 0.9, values: ["ac": Double($0)]) }
        let suite = try EstimatorSuite(estimators: [AverageConfidence()], source: SourceEvidence(
            predictions: LabeledPredictions(predictions: Predictions(probabilities: Tensor(rows: [[0.6, 0.4], [0.3, 0.7]])), labels: [0, 1])))
        XCTAssertThrowsError(try HeadlineEstimate(form: .predictions, options: .init(), suite: suite, reader: nil, observations: constant, metaSetRows: 120, remake: nil)) {
            XCTAssertTrue(($0 as? EstimatorUnavailable)?.reason.description.hasPrefix("every meta-set has the same accuracy") ?? false, "\($0)")
        }
    }

    func testTheMetaModelFileRoundTripsAndRefusesOtherInputsAndCorruption() throws {
        let temp = TemporaryDirectory()
        defer { temp.remove() }
        let h = try headline(12)
        let a = temp.path + "/a.txt", b = temp.path + "/b.txt"
        try Data("model".utf8).write(to: URL(fileURLWithPath: a))
        try Data("other".utf8).write(to: URL(fileURLWithPath: b))
        let fingerprint = try MetaModelFile.fingerprint(of: [a])
        let path = temp.path + "/meta.json"
        try MetaModelFile(headline: h, fingerprint: fingerprint, inputs: [a]).write(to: path)
        let read = try MetaModelFile.read(from: path)
        XCTAssertEqual(read.observations, h.observations)
        XCTAssertEqual(read.options.seed, 5)
        XCTAssertNoThrow(try read.check(fingerprint: fingerprint, inputs: [a], form: .model, path: path))
        XCTAssertThrowsError(try read.check(fingerprint: MetaModelFile.fingerprint(of: [b]), inputs: [b], form: .model, path: path)) {
            XCTAssertTrue("\($0)".contains("the meta-model was made for \(a)") && "\($0)".contains("found \(b)"), "\($0)")
        }
        XCTAssertThrowsError(try read.check(fingerprint: fingerprint, inputs: [a], form: .predictions, path: path))
        // A file of an earlier version (its meta-set read with another recipe) is refused, with what to do.
        var older = read
        older.version = MetaModelFile.currentVersion - 1
        try older.write(to: path)
        XCTAssertThrowsError(try MetaModelFile.read(from: path)) {
            XCTAssertTrue("\($0)".contains("expected meta-model version \(MetaModelFile.currentVersion), found \(MetaModelFile.currentVersion - 1)")
                          && "\($0)".contains("make it again with --save-meta"), "\($0)")
        }
        try read.write(to: path)
        // A truncated file is named, with what was expected.
        let text = try String(contentsOfFile: path, encoding: .utf8)
        try String(text.prefix(text.count / 2)).write(toFile: path, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try MetaModelFile.read(from: path)) {
            XCTAssertTrue("\($0)".contains("meta.json") && "\($0)".contains("expected a meta-model file written by --save-meta"), "\($0)")
        }
    }

    func testContinuousSeverityMeetsTheIntegerSeverities() throws {
        let t = Self.task
        let context = try ShiftContext(source: t.validation)
        let shift = try ShiftRegistry.shift(named: "gaussian-noise")
        var g = SeededGenerator(seed: 7)
        let two = try shift.apply(to: t.validation, severity: 2, context: context, using: &g)
        XCTAssertEqual(try ContinuousSeverity.apply(shift, to: t.validation, severity: 2, context: context, seed: 7).features, two.features)
        XCTAssertEqual(try ContinuousSeverity.apply(shift, to: t.validation, severity: 0, context: context, seed: 7).features, t.validation.features)
        // Half-way between 2 and 3 is the mean of the two (noise scales linearly with the severity).
        g = SeededGenerator(seed: 7)
        let three = try shift.apply(to: t.validation, severity: 3, context: context, using: &g)
        let half = try ContinuousSeverity.apply(shift, to: t.validation, severity: 2.5, context: context, seed: 7).features
        for i in stride(from: 0, to: half.count, by: 97) {
            XCTAssertEqual(half.scalars[i], (two.features.scalars[i] + three.features.scalars[i]) / 2, accuracy: 1e-5)
        }
        XCTAssertThrowsError(try ContinuousSeverity.apply(shift, to: t.validation, severity: 5.5, context: context, seed: 7))
    }

    func testTheSplitIsStratifiedAndKeepsARowOfEveryClassForTheFit() {
        let labels = Array(repeating: 0, count: 41) + [1] + Array(repeating: 2, count: 9)
        let (fit, meta) = HeadlineEstimate.split(labels: labels, seed: 0)
        XCTAssertEqual((fit + meta).sorted(), Array(0 ..< labels.count))
        XCTAssertTrue(fit.contains(41), "the class of one row is fitted on")
        XCTAssertEqual(Set(fit.map { labels[$0] }), [0, 1, 2])
        XCTAssertEqual(abs(fit.count - meta.count) <= 3, true)
        XCTAssertEqual(HeadlineEstimate.split(labels: labels, seed: 0).fit, fit, "seeded")
    }
}
