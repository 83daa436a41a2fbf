import XCTest
import ShiftcastModel
@testable import ShiftcastData

final class AdversarialShiftTests: XCTestCase {
    /// A model trained on the default Gaussian-mixture task, its test set, and a context whose
    /// gradients come from the model (and, for transfer, from a second seed's model).
    static let setup: (MLP, Dataset, ShiftContext) = {
        var g = SeededGenerator(seed: 40)
        let task = GaussianMixtureTask(using: &g)
        let train = task.sample(count: 2000, using: &g)
        let test = task.sample(count: 500, using: &g)
        let arch = MLPArchitecture(inputs: task.featureCount, hidden: [64], classes: task.classCount)
        let config = TrainingConfiguration(length: .epochs(15), batchSize: 64, learningRate: 3e-3)
        let models = try! SeedEnsemble.train(count: 2, architecture: arch, features: train.features,
                                             labels: train.labels!, configuration: config, baseSeed: 1)
        let (model, surrogate) = (models[0], models[1])
        var context = try! ShiftContext(source: train)
        context.inputGradient = { model.inputGradient($0, labels: $1) }
        context.surrogateInputGradient = { surrogate.inputGradient($0, labels: $1) }
        return (model, test, context)
    }()

    func accuracy(_ model: MLP, _ data: Dataset) -> Double { model.accuracy(data.features, labels: data.labels!) }

    func testPGDAtTheLargestSeverityBreaksTheModelWithinItsBudget() throws {
        let (model, test, context) = Self.setup
        let clean = accuracy(model, test)
        XCTAssertGreaterThan(clean, 0.9)
        // L∞ at its full budget breaks the model; L2, a quarter of the L∞ ball's half-diagonal,
        // costs it a tenth of its accuracy or more (0.786 here).
        for (name, below) in [("pgd-linf", 0.10), ("pgd-l2", clean - 0.1)] {
            let shift = try XCTUnwrap(ShiftRegistry.adversarialFamilies.first { $0.name == name } as? AdversarialShift)
            var g = SeededGenerator(seed: 1)
            let shifted = try shift.apply(to: test, severity: 5, context: context, using: &g)
            XCTAssertLessThan(accuracy(model, shifted), below, name)
            if shift.norm == .l2 {
                let lInfinity = try XCTUnwrap(ShiftRegistry.adversarialFamilies.first { $0.name == "pgd-linf" } as? AdversarialShift)
                let halfDiagonal = try lInfinity.epsilon(severity: 5, context: context) * Float(test.featureCount).squareRoot()
                XCTAssertEqual(try shift.epsilon(severity: 5, context: context), halfDiagonal / 4, accuracy: 1e-4)
            }
            XCTAssertEqual(shifted.labels, test.labels)
            let eps = try shift.epsilon(severity: 5, context: context)
            let bounds = AdversarialShift.bounds(for: context)
            let origin = bounds.clipping(test.features)
            let d = test.featureCount
            for i in 0 ..< test.rowCount {
                var linf: Float = 0, l2 = 0.0
                for j in 0 ..< d {
                    let v = shifted.features[i, j] - origin[i, j]
                    linf = max(linf, abs(v)); l2 += Double(v * v)
                }
                let size = shift.norm == .lInfinity ? linf : Float(l2.squareRoot())
                XCTAssertLessThanOrEqual(size, eps * (1 + 1e-5), "\(name) row \(i)")
            }
            XCTAssertEqual(bounds.clipping(shifted.features), shifted.features, name)
        }
    }

    func testSeverityIsMonotoneAndTransferIsWeakerThanWhiteBox() throws {
        let (model, test, context) = Self.setup
        var previous = accuracy(model, test)
        for severity in 1 ... 5 {
            var g = SeededGenerator(seed: 2)
            let shifted = try ShiftRegistry.shift(named: "pgd-linf").apply(to: test, severity: severity, context: context, using: &g)
            let acc = accuracy(model, shifted)
            XCTAssertLessThanOrEqual(acc, previous + 0.02, "severity \(severity)")
            previous = acc
        }
        var g1 = SeededGenerator(seed: 3), g2 = SeededGenerator(seed: 3)
        let white = try ShiftRegistry.shift(named: "pgd-linf").apply(to: test, severity: 3, context: context, using: &g1)
        let transfer = try ShiftRegistry.shift(named: "transfer-pgd-linf").apply(to: test, severity: 3, context: context, using: &g2)
        XCTAssertLessThan(accuracy(model, white), accuracy(model, transfer))
        XCTAssertLessThan(accuracy(model, transfer), accuracy(model, test))
    }

    func testNeedsAModelAndLabels() throws {
        let (_, test, context) = Self.setup
        var bare = context
        bare.inputGradient = nil
        var g = SeededGenerator(seed: 4)
        XCTAssertThrowsError(try ShiftRegistry.shift(named: "fgsm-linf").apply(to: test, severity: 1, context: bare, using: &g)) {
            XCTAssertTrue("\($0)".contains("needs a model"), "\($0)")
        }
        XCTAssertThrowsError(try ShiftRegistry.shift(named: "fgsm-linf").apply(to: test.unlabeled, severity: 1, context: context, using: &g))
    }
}
