import XCTest
import Foundation
@testable import ShiftcastTensor

/// `SIMD16.exponential` against the C library's `expf`.
final class VectorExponentialTests: XCTestCase {
    /// Distance in units in the last place between two finite floats of the same sign.
    func ulps(_ a: Float, _ b: Float) -> Int {
        a == b ? 0 : abs(Int(a.bitPattern) - Int(b.bitPattern))
    }

    /// Every normal result: 800,000 points over [−87.3, 88.7], each lane a different input.
    func testWithinOneUlpOfTheCLibraryOverTheNormalRange() {
        var worst = 0, worstInput: Float = 0
        var x: Float = -87.3
        while x < 88.7 {
            var v = SIMD16<Float>()
            for l in 0 ..< 16 { v[l] = x + Float(l) * 1.3e-5 }
            let e = v.exponential()
            for l in 0 ..< 16 {
                let u = ulps(e[l], expf(v[l]))
                if u > worst { (worst, worstInput) = (u, v[l]) }
            }
            x += 3.5e-3
        }
        XCTAssertLessThanOrEqual(worst, 1, "worst at \(worstInput)")
    }

    func testEdgesOfTheRange() {
        let inputs: [Float] = [0, -0.0, 1, -1, 1e-8, -1e-8, 88.72, 88.7228, 89, 1000, .infinity,
                               -87.4, -100, -103.9, -104, -1000, -.infinity]
        var v = SIMD16<Float>(repeating: 0)
        for (l, x) in inputs.prefix(16).enumerated() { v[l] = x }
        let e = v.exponential()
        for (l, x) in inputs.prefix(16).enumerated() {
            // Overflow, underflow and subnormal results included: equal, or within 1 ulp.
            let want = expf(x)
            XCTAssertLessThanOrEqual(ulps(e[l], want), 1, "exp(\(x)) = \(e[l]), expected \(want)")
        }
        XCTAssertEqual(SIMD16<Float>(repeating: -.infinity).exponential(), SIMD16(repeating: 0))
        XCTAssertEqual(SIMD16<Float>(repeating: 0).exponential(), SIMD16(repeating: 1))
        XCTAssertEqual(SIMD16<Float>(repeating: 89).exponential(), SIMD16(repeating: .infinity))
    }

    func testNaNStaysNaNInItsLaneOnly() {
        var v = SIMD16<Float>(repeating: 1)
        v[3] = .nan
        let e = v.exponential()
        XCTAssertTrue(e[3].isNaN)
        for l in 0 ..< 16 where l != 3 { XCTAssertEqual(e[l], expf(1)) }
    }
}
