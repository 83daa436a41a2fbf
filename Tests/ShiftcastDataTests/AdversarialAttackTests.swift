import XCTest
import ShiftcastTestSupport
import ShiftcastModel
@testable import ShiftcastData

final class AdversarialAttackTests: XCTestCase {
    static let trained: (MLP, Tensor, [Int]) = {
        let train = gaussianMixture(count: 1500, classes: 3, dimensions: 8, separation: 1.5, seed: 20)
        let test = gaussianMixture(count: 400, classes: 3, dimensions: 8, separation: 1.5, seed: 21)
        var model = MLP(MLPArchitecture(inputs: 8, hidden: [32], classes: 3), initSeed: 5)
        try! Trainer.train(&model, features: train.features, labels: train.labels,
                           configuration: TrainingConfiguration(length: .epochs(10), batchSize: 64, learningRate: 3e-3))
        return (model, test.features, test.labels)
    }()

    func maxNorm(_ a: Tensor, _ b: Tensor, _ norm: PerturbationNorm) -> Float {
        let d = a.columnCount
        var worst: Float = 0
        for i in 0 ..< a.rowCount {
            var linf: Float = 0, l2: Double = 0
            for j in 0 ..< d {
                let v = a[i, j] - b[i, j]
                linf = max(linf, abs(v)); l2 += Double(v) * Double(v)
            }
            worst = max(worst, norm == .lInfinity ? linf : Float(l2.squareRoot()))
        }
        return worst
    }

    func testPGDBreaksTheModelInsideTheBall() {
        let (model, x, y) = Self.trained
        let clean = model.accuracy(x, labels: y)
        XCTAssertGreaterThan(clean, 0.9)
        let bounds = InputBounds(observedIn: x)
        for (norm, eps) in [(PerturbationNorm.lInfinity, Float(2.0)), (.l2, Float(5.0))] {
            var g = SeededGenerator(seed: 1)
            let adv = AdversarialAttack.pgd(norm: norm, epsilon: eps, steps: 20).perturb(x, labels: y, model: model, bounds: bounds, using: &g)
            XCTAssertLessThan(model.accuracy(adv, labels: y), 0.10, "\(norm)")
            XCTAssertLessThanOrEqual(maxNorm(adv, x, norm), eps * (1 + 1e-5), "\(norm)")
            XCTAssertEqual(bounds.clipping(adv), adv, "adversarial rows must lie inside the bounds")
        }
    }

    func testFGSMLowersAccuracyAndIsBounded() {
        let (model, x, y) = Self.trained
        var g = SeededGenerator(seed: 2)
        let bounds = InputBounds(observedIn: x)
        let attack = AdversarialAttack(method: .fgsm, norm: .lInfinity, epsilon: 0.3)
        let adv = attack.perturb(x, labels: y, model: model, bounds: bounds, using: &g)
        XCTAssertLessThan(model.accuracy(adv, labels: y), model.accuracy(x, labels: y) - 0.05)
        XCTAssertLessThanOrEqual(maxNorm(adv, x, .lInfinity), 0.3 + 1e-6)
    }

    func testStrongerAttacksDoNotRaiseAccuracy() {
        let (model, x, y) = Self.trained
        let bounds = InputBounds(observedIn: x)
        var last = 1.0
        for eps: Float in [0.1, 0.3, 0.6, 1.0] {
            var g = SeededGenerator(seed: 3)
            let adv = AdversarialAttack.pgd(norm: .lInfinity, epsilon: eps).perturb(x, labels: y, model: model, bounds: bounds, using: &g)
            let acc = model.accuracy(adv, labels: y)
            XCTAssertLessThanOrEqual(acc, last + 0.02, "ε \(eps)")
            last = acc
        }
    }

    func testSameSeedSameExamples() {
        let (model, x, y) = Self.trained
        let bounds = InputBounds(observedIn: x)
        let attack = AdversarialAttack.pgd(norm: .l2, epsilon: 1)
        var g1 = SeededGenerator(seed: 9), g2 = SeededGenerator(seed: 9)
        XCTAssertEqual(attack.perturb(x, labels: y, model: model, bounds: bounds, using: &g1),
                       attack.perturb(x, labels: y, model: model, bounds: bounds, using: &g2))
    }
}
