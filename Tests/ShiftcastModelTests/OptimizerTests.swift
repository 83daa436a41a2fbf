import XCTest
@testable import ShiftcastModel

final class OptimizerTests: XCTestCase {
    func testSGDMomentumMatchesPyTorchByHand() {
        // torch.optim.SGD(lr=0.1, momentum=0.9): v1 = g1, θ1 = θ0 − 0.1·g1; v2 = 0.9·v1 + g2.
        var sgd = SGD(momentum: 0.9)
        var params = [Tensor([1, 2])]
        sgd.update(&params, gradients: [Tensor([1, -1])], learningRate: 0.1)
        XCTAssertEqual(params[0].scalars, [0.9, 2.1])
        sgd.update(&params, gradients: [Tensor([1, -1])], learningRate: 0.1)
        XCTAssertEqual(params[0].scalars[0], 0.9 - 0.1 * 1.9, accuracy: 1e-6)
        XCTAssertEqual(params[0].scalars[1], 2.1 + 0.1 * 1.9, accuracy: 1e-6)
    }

    func testSGDNesterovAndWeightDecay() {
        var sgd = SGD(momentum: 0.5, nesterov: true, weightDecay: 0.1)
        var params = [Tensor([2])]
        sgd.update(&params, gradients: [Tensor([1])], learningRate: 1)
        // g = 1 + 0.1·2 = 1.2; v = 1.2; step = g + 0.5·v = 1.8.
        XCTAssertEqual(params[0].scalars[0], 0.2, accuracy: 1e-6)
    }

    func testAdamFirstStepIsLearningRateTimesSign() {
        var adam = Adam()
        var params = [Tensor([1, 1, 1])]
        adam.update(&params, gradients: [Tensor([3, -0.5, 0])], learningRate: 0.01)
        XCTAssertEqual(params[0].scalars[0], 0.99, accuracy: 1e-5)
        XCTAssertEqual(params[0].scalars[1], 1.01, accuracy: 1e-5)
        XCTAssertEqual(params[0].scalars[2], 1.0, accuracy: 1e-7)
        XCTAssertEqual(adam.state.step, 1)
    }

    func testSchedules() {
        XCTAssertEqual(LearningRateSchedule.constant.rate(at: 99, base: 0.1), 0.1)
        XCTAssertEqual(LearningRateSchedule.step(every: 10, factor: 0.5).rate(at: 25, base: 1), 0.25)
        let cosine = LearningRateSchedule.cosine(total: 100)
        XCTAssertEqual(cosine.rate(at: 0, base: 1), 1)
        XCTAssertEqual(cosine.rate(at: 50, base: 1), 0.5, accuracy: 1e-6)
        XCTAssertEqual(cosine.rate(at: 100, base: 1), 0)
        XCTAssertLessThan(cosine.rate(at: 75, base: 1), cosine.rate(at: 25, base: 1))
    }
}
