import XCTest
@testable import ShiftcastBench

/// Kendall τ, granulated Ψ and sign-error of the generalization study on hand-made populations.
final class StudyRankingTests: XCTestCase {
    /// A model of a 2 × 2 grid (width × optimizer) with a given test accuracy and measure value.
    func model(width: Int, optimizer: StudyOptimizer, test: Double, measure: Double?, rule: StoppingRule = .fixedEpochs,
               converged: Bool = true, rows: Int = 10_000, perModel: Bool = false) -> StudyResult {
        let h = StudyHyperparameters(width: width, depth: 1, learningRateScale: 1, batchSize: 32, weightDecay: 0, optimizer: optimizer)
        return StudyResult(unit: StudyUnit(task: "t", rule: rule, hyperparameters: h), configuration: "c", epochs: 5, trainingLoss: 0.1,
                           converged: converged, trainAccuracy: 1, validationAccuracy: test,
                           targets: [target(test, rows: rows, perModel: perModel)],
                           measures: [StudyMeasure(measure: "m", value: measure, reason: measure == nil ? "undefined" : nil)],
                           estimates: [StudyEstimate(family: "none", estimator: "e", predictedAccuracy: 1 - test / 2, skipReason: nil)])
    }

    /// A target set on which the first `accuracy · rows` rows are right (so two models' right rows nest).
    func target(_ accuracy: Double, rows: Int, perModel: Bool = false) -> StudyTarget {
        let right = Int((accuracy * Double(rows)).rounded())
        return StudyTarget(family: "none", kind: "none", accuracy: Double(right) / Double(rows), perModel: perModel,
                           correct: (0 ..< rows).map { $0 < right })
    }

    func ranking(_ results: [StudyResult], _ heuristic: String = "m") -> StudyRanking {
        StudyRankings.compute(results).first { $0.heuristic == heuristic && $0.target == "none" }!
    }

    func testAMeasureThatOrdersTheGapsPerfectlyScoresOneAndNoSignError() {
        // Gaps 0.1, 0.2, 0.3, 0.4; the measure increases with them.
        let population = [model(width: 8, optimizer: .sgd, test: 0.9, measure: 1), model(width: 16, optimizer: .sgd, test: 0.8, measure: 2),
                          model(width: 8, optimizer: .adam, test: 0.7, measure: 3), model(width: 16, optimizer: .adam, test: 0.6, measure: 4)]
        let r = ranking(population)
        XCTAssertEqual(r.tau, 1)
        XCTAssertEqual(r.psi, 1)
        XCTAssertEqual(r.psiByAxis, ["width": 1, "optimizer": 1])
        XCTAssertEqual(r.signErrorMean, 0)
        XCTAssertEqual(r.pairs, 4)
        XCTAssertEqual(r.models, 4)
        // The reversed measure: τ = Ψ = −1, every kept pair wrong.
        let reversed = ranking(population.map { var m = $0; m.measures[0].value = -m.measures[0].value!; return m })
        XCTAssertEqual(reversed.tau, -1)
        XCTAssertEqual(reversed.psi, -1)
        XCTAssertEqual(reversed.signErrorMean, 1)
        XCTAssertEqual(reversed.signErrorWorst, 1)
        // An estimator is read as train accuracy − its prediction: here 1 − (1 − test/2) = test/2, the
        // opposite of the gap 1 − test. The empirical baseline train − validation accuracy is the gap itself.
        XCTAssertEqual(ranking(population, "e").tau, -1)
        XCTAssertEqual(ranking(population, StudyRankings.validationGap).tau, 1)
    }

    func testPsiAveragesAlongEachAxisAndTheWorstEnvironmentIsNamed() {
        // Along width, the sgd pair is concordant and the adam pair discordant: ψ_width = 0.
        // Along optimizer, both pairs are concordant: ψ_optimizer = 1. Ψ = 0.5.
        let population = [model(width: 8, optimizer: .sgd, test: 0.9, measure: 1), model(width: 16, optimizer: .sgd, test: 0.8, measure: 2),
                          model(width: 8, optimizer: .adam, test: 0.6, measure: 4), model(width: 16, optimizer: .adam, test: 0.7, measure: 5)]
        let r = ranking(population)
        XCTAssertEqual(r.psiByAxis["width"], 0)
        XCTAssertEqual(r.psiByAxis["optimizer"], 1)
        XCTAssertEqual(r.psi, 0.5)
        // Sign-error: width pairs 0 and 1 (mean 0.5), optimizer pairs 0 and 0; overall 1/4.
        XCTAssertEqual(r.signErrorMean, 0.25)
        XCTAssertEqual(r.signErrorWorst, 0.5)
        XCTAssertEqual(r.worstAxis, "width")
        XCTAssertEqual(r.signErrorByAxis, ["width": 0.5, "optimizer": 0])
        XCTAssertEqual(r.pairsByAxis, ["width": 2, "optimizer": 2])
        // Pooled over two tasks, each pair counts once; an environment needs enough pairs to be judged.
        var other = r
        (other.signErrorMean, other.pairs, other.signErrorByAxis, other.pairsByAxis) = (1, 2, ["width": 1], ["width": 2])
        XCTAssertEqual(StudyReport.pooledSignError([r, other]).error!, (0.25 * 4 + 1 * 2) / 6, accuracy: 1e-12)
        XCTAssertEqual(StudyReport.pooledSignError([r, other]).pairs, 6)
        XCTAssertEqual(StudyReport.worstEnvironment([r, other], minimumPairs: 4)!.axis, "width")
        XCTAssertEqual(StudyReport.worstEnvironment([r, other], minimumPairs: 4)!.error, (0.5 * 2 + 1 * 2) / 4, accuracy: 1e-12)
        XCTAssertNil(StudyReport.worstEnvironment([r], minimumPairs: 3))
        // τ over all six pairs: only (w16 adam, w8 adam) is discordant → (5 − 1)/6.
        XCTAssertEqual(r.tau!, 4.0 / 6.0, accuracy: 1e-12)
    }

    func testPairsWithinMonteCarloNoiseAreDroppedFromTheSignError() {
        // 100 test rows: accuracies 0.80 and 0.81 differ in one row, and the paired standard error of
        // their difference is √(0.99)/100 ≈ 0.01, so gaps 0.01 apart are noise.
        let population = [model(width: 8, optimizer: .sgd, test: 0.80, measure: 2, rows: 100),
                          model(width: 16, optimizer: .sgd, test: 0.81, measure: 1, rows: 100)]
        let r = ranking(population)
        XCTAssertEqual(r.pairs, 0)
        XCTAssertNil(r.signErrorMean)
        XCTAssertEqual(r.tau, 1, "τ itself keeps every pair")
    }

    func testUnconvergedModelsAndUndefinedMeasuresAreLeftOut() {
        let population = [model(width: 8, optimizer: .sgd, test: 0.9, measure: 1, rule: .lossThreshold),
                          model(width: 16, optimizer: .sgd, test: 0.8, measure: 2, rule: .lossThreshold),
                          model(width: 8, optimizer: .adam, test: 0.5, measure: 0, rule: .lossThreshold, converged: false),
                          model(width: 16, optimizer: .adam, test: 0.7, measure: nil, rule: .lossThreshold)]
        let r = ranking(population)
        XCTAssertEqual(r.models, 2)
        XCTAssertEqual(r.tau, 1)
        XCTAssertEqual(r.psiByAxis, ["width": 1])
        XCTAssertEqual(r.rule, "loss-threshold")
    }

    func testTheNoiseOfAPairIsPairedOnSharedSetsAndBinomialOnPerModelSets() {
        // 1,000 rows, accuracies 0.80 and 0.82 with nested right rows: 20 rows differ, so the paired
        // variance is (20 − 1000·0.02²)/1000² and twice its root (0.0089) is below the 0.02 difference;
        // independent binomials (twice √(0.8·0.2/1000 + 0.82·0.18/1000) = 0.035) are not.
        let (a, b) = (target(0.80, rows: 1000), target(0.82, rows: 1000))
        XCTAssertEqual(StudyTarget.pairedVariance(a, b)!, (20 - 1000 * 0.02 * 0.02) / 1e6, accuracy: 1e-12)
        XCTAssertEqual(a.correctRows, (0 ..< 1000).map { $0 < 800 })
        XCTAssertEqual(target(0.8, rows: 5).correct.count, 2)
        let shared = [model(width: 8, optimizer: .sgd, test: 0.82, measure: 1, rows: 1000),
                      model(width: 16, optimizer: .sgd, test: 0.80, measure: 2, rows: 1000)]
        XCTAssertEqual(ranking(shared).pairs, 1)
        XCTAssertEqual(ranking(shared).signErrorMean, 0)
        let perModel = shared.map { r -> StudyResult in var r = r; r.targets[0].perModel = true; return r }
        XCTAssertNil(StudyTarget.pairedVariance(perModel[0].targets[0], perModel[1].targets[0]))
        XCTAssertEqual(ranking(perModel).pairs, 0)
    }
}
