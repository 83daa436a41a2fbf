import XCTest
import ShiftcastTestSupport
import ShiftcastModel
@testable import ShiftcastEvaluation

/// Closed forms and properties of the parameter-based generalization measures.
final class GeneralizationMeasuresTests: XCTestCase {
    func twoLayer(scale: Float = 1) -> MLP {
        MLP(layers: [Dense(weight: Tensor(shape: [2, 2], scalars: [1, 2, 3, 4].map { $0 * scale }), bias: Tensor([1, -1])),
                     Dense(weight: Tensor(shape: [1, 2], scalars: [1, -1].map { $0 * scale }), bias: Tensor([0.5]))],
            activation: .relu)
    }

    func testPathNormOfAKnownNetwork() {
        // Squared weights [[1, 4], [9, 16]] on ones give (5, 25); then [1, 1] gives 30.
        XCTAssertEqual(GeneralizationMeasures.pathNorm(twoLayer()), 30, accuracy: 1e-12)
    }

    func testSpectralNormOfADiagonalAndARankOneMatrix() {
        XCTAssertEqual(SpectralNorm.of(Tensor(shape: [3, 3], scalars: [3, 0, 0, 0, -5, 0, 0, 0, 2])), 5, accuracy: 1e-6)
        // u vᵀ with |u| = 5, |v| = √2: σ = 5√2.
        XCTAssertEqual(SpectralNorm.of(Tensor(shape: [2, 2], scalars: [3, 3, 4, 4])), 5 * 2.0.squareRoot(), accuracy: 1e-6)
    }

    /// A linear model on separable data: the measures' closed forms, θ0, and flatness growing with the margin.
    func testLinearModelOnSeparableData() throws {
        let rows: [[Float]] = (0 ..< 200).map { i -> [Float] in
            let sign: Float = i % 2 == 0 ? 1 : -1
            let first: Float = sign + Float(i % 7) * 0.01
            return [first, Float(i % 5) * 0.1]
        }
        let x = Tensor(rows: rows)
        let y = (0 ..< 200).map { $0 % 2 == 0 ? 1 : 0 }  // class 1 where x₀ > 0
        func linear(_ c: Float) -> MLP {
            MLP(layers: [Dense(weight: Tensor(shape: [2, 2], scalars: [-c, 0, c, 0]), bias: Tensor([0, 0]))], activation: .relu)
        }
        let small = try GeneralizationMeasures(model: linear(1), initial: linear(1), features: x, labels: y)
        let large = try GeneralizationMeasures(model: linear(4), initial: linear(1), features: x, labels: y)
        XCTAssertEqual(small.value("dist-init"), 0)
        XCTAssertEqual(try XCTUnwrap(large.value("dist-init")), 2 * 9, accuracy: 1e-9, "two weights moved from ±1 to ±4")
        XCTAssertEqual(try XCTUnwrap(small.value("log-fro-prod")), log(2), accuracy: 1e-9)
        XCTAssertEqual(try XCTUnwrap(small.value("log-spec-prod")), log(2), accuracy: 1e-6, "‖W‖₂ = √2")
        // Margins z_y − z_other = 2|x₀| ∈ [1.88, 2.12]: spec-over-margin is log 2 − 2 log γ with γ in that range.
        let specOverMargin = try XCTUnwrap(small.value("spec-over-margin"))
        XCTAssertTrue((log(2) - 2 * log(2.12) ... log(2) - 2 * log(1.88)).contains(specOverMargin), "\(specOverMargin)")
        // Scaling the weights up scales the margin: the same noise hurts less, so 1/σ′² falls.
        XCTAssertLessThan(try XCTUnwrap(large.value("pacbayes-flatness")), try XCTUnwrap(small.value("pacbayes-flatness")))
        for name in GeneralizationMeasures.names { XCTAssertTrue(small.value(name)?.isFinite ?? false, name) }
        // Deterministic.
        let again = try GeneralizationMeasures(model: linear(1), initial: linear(1), features: x, labels: y)
        XCTAssertEqual(again.values.map { $0.value ?? .nan }, small.values.map { $0.value ?? .nan })
    }

    func testUndefinedMeasuresSayWhy() throws {
        let x = Tensor(rows: [[1, 0], [0, 1], [1, 1], [0, 0]])
        let measures = try GeneralizationMeasures(model: twoLayer(), initial: nil, features: Tensor(rows: [[1, 0], [0, 1]]), labels: [0, 0])
        XCTAssertNil(measures.value("dist-init"))
        XCTAssertEqual(measures.values.first { $0.measure == "dist-init" }?.reason, "needs the initialisation θ0 (the model file records none)")
        XCTAssertThrowsError(try GeneralizationMeasures(model: twoLayer(), initial: nil, features: x, labels: [0, 1, 0, 3])) {
            XCTAssertTrue("\($0)".contains("label 1 at data row 2 is outside the model's classes 0..<1"), "\($0)")
        }
    }
}
