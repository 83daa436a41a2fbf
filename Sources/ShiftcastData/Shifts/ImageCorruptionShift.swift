/// Corruptions of small grey-scale images whose pixels (row-major, values in
/// [0, 1], background 0) are the features, as in the digits fixture. Modelled
/// on Hendrycks & Dietterich's ImageNet-C/CIFAR-10-C corruptions (ICLR 2019),
/// scaled for 8 × 8 images. Each image draws its own random offsets/angles/patches.
public struct ImageCorruptionShift: Shift {
    /// The six corruptions.
    public enum Corruption: String, Sendable, CaseIterable {
        /// Gaussian pixel noise with std σ, clipped to [0, 1].
        case pixelNoise = "image-pixel-noise"
        /// Gaussian blur with std σ pixels (taps outside the image are dropped and the kernel renormalised).
        case blur = "image-blur"
        /// Sub-pixel translation by t pixels in a random direction (bilinear, zero fill).
        case translation = "image-translation"
        /// Rotation by ±θ about the image centre (random sign; bilinear, zero fill).
        case rotation = "image-rotation"
        /// Contrast reduction around each image's own mean: x ← m + c (x − m).
        case contrast = "image-contrast"
        /// A square patch of side s pixels, at a random position, set to 0.
        case occlusion = "image-occlusion"
    }

    public let corruption: Corruption
    public var name: String { corruption.rawValue }
    public var kind: ShiftKind { .image }

    /// The parameter per severity 1…5, in the unit of `parameterDescription`.
    public var parameters: [Double] {
        switch corruption {
        case .pixelNoise: [0.04, 0.08, 0.12, 0.18, 0.26]
        case .blur: [0.5, 0.7, 0.9, 1.1, 1.4]
        case .translation: [0.5, 1.0, 1.5, 2.0, 2.5]
        case .rotation: [8, 15, 25, 35, 45]
        case .contrast: [0.7, 0.55, 0.4, 0.3, 0.2]
        case .occlusion: [0.25, 0.35, 0.45, 0.55, 0.65]
        }
    }

    public var summary: String {
        switch corruption {
        case .pixelNoise: "images: add Gaussian pixel noise (std σ), clip to [0, 1]"
        case .blur: "images: Gaussian blur with std σ pixels"
        case .translation: "images: shift by t pixels in a random direction (bilinear, zero fill)"
        case .rotation: "images: rotate by ±θ degrees about the centre (bilinear, zero fill)"
        case .contrast: "images: shrink pixels toward the image's mean by a factor c"
        case .occlusion: "images: black out a random square of side ⌈s × width⌉"
        }
    }

    public init(_ corruption: Corruption) { self.corruption = corruption }

    /// All six image families.
    public static var all: [ImageCorruptionShift] { Corruption.allCases.map(ImageCorruptionShift.init) }

    public func parameterDescription(severity: Int) -> String {
        let p = parameters[severity - 1]
        switch corruption {
        case .pixelNoise: return "σ = \(p)"
        case .blur: return "σ = \(p) px"
        case .translation: return "t = \(p) px"
        case .rotation: return "θ = ±\(Int(p))°"
        case .contrast: return "c = \(p)"
        case .occlusion: return "s = \(p) (side \(Self.occlusionSide(fraction: p, width: 8)) px at 8×8)"
        }
    }

    static func occlusionSide(fraction: Double, width: Int) -> Int {
        Swift.max(1, Swift.min(width, Int((fraction * Double(width)).rounded(.up))))
    }

    public func apply(to data: Dataset, severity: Int, context: ShiftContext, using generator: inout SeededGenerator) throws -> Dataset {
        let p = parameters[try severityIndex(severity)]
        try requireSourceColumns(data, context)
        guard let shape = context.imageShape, shape.height * shape.width == data.featureCount else {
            throw InputError("shift '\(name)': expected image features (a square number of pixel columns, e.g. 64 for 8×8, with values in [0, 1]), found \(data.featureCount) features that are not an image")
        }
        let (h, w) = (shape.height, shape.width)
        var scratch = [Float](repeating: 0, count: h * w)
        let kernel = corruption == .blur ? Self.gaussianKernel(sigma: p) : []
        return data.editingRows { _, x in
            switch corruption {
            case .pixelNoise:
                for j in 0 ..< x.count { x[j] = Swift.min(1, Swift.max(0, x[j] + Float(p * generator.gaussian()))) }
            case .contrast:
                var m: Float = 0
                for j in 0 ..< x.count { m += x[j] }
                m /= Float(x.count)
                for j in 0 ..< x.count { x[j] = m + Float(p) * (x[j] - m) }
            case .occlusion:
                let side = Self.occlusionSide(fraction: p, width: Swift.min(h, w))
                let top = generator.index(below: h - side + 1), left = generator.index(below: w - side + 1)
                for r in top ..< top + side { for c in left ..< left + side { x[r * w + c] = 0 } }
            case .blur:
                Self.blur(x, h, w, kernel, &scratch)
            case .translation:
                let angle = generator.uniform(0, 2 * Double.pi)
                let (dy, dx) = (p * sine(angle), p * cosine(angle))
                // Output pixel (r, c) samples the input at (r − dy, c − dx).
                Self.resample(x, h, w, &scratch) { r, c in (r - dy, c - dx) }
            case .rotation:
                let theta = (generator.uniform() < 0.5 ? -p : p) * Double.pi / 180
                let (cy, cx) = (Double(h - 1) / 2, Double(w - 1) / 2)
                let (cs, sn) = (cosine(theta), sine(theta))
                Self.resample(x, h, w, &scratch) { r, c in
                    let (y, xx) = (r - cy, c - cx)
                    return (cy + cs * y + sn * xx, cx - sn * y + cs * xx)
                }
            }
        }
    }

    /// A normalised 1-D Gaussian kernel of radius ⌈3σ⌉.
    static func gaussianKernel(sigma: Double) -> [Float] {
        let radius = Swift.max(1, Int((3 * sigma).rounded(.up)))
        let taps = (-radius ... radius).map { exponential(-Double($0 * $0) / (2 * sigma * sigma)) }
        let total = taps.reduce(0, +)
        return taps.map { Float($0 / total) }
    }

    /// Separable blur; taps outside the image are dropped and the rest renormalised.
    static func blur(_ x: UnsafeMutableBufferPointer<Float>, _ h: Int, _ w: Int, _ kernel: [Float], _ scratch: inout [Float]) {
        let radius = kernel.count / 2
        for r in 0 ..< h {
            for c in 0 ..< w {
                var s: Float = 0, weight: Float = 0
                for k in -radius ... radius where c + k >= 0 && c + k < w {
                    s += kernel[k + radius] * x[r * w + c + k]; weight += kernel[k + radius]
                }
                scratch[r * w + c] = s / weight
            }
        }
        for r in 0 ..< h {
            for c in 0 ..< w {
                var s: Float = 0, weight: Float = 0
                for k in -radius ... radius where r + k >= 0 && r + k < h {
                    s += kernel[k + radius] * scratch[(r + k) * w + c]; weight += kernel[k + radius]
                }
                x[r * w + c] = s / weight
            }
        }
    }

    /// Replaces the image by bilinear samples at `source(r, c)` (zero outside the image).
    static func resample(_ x: UnsafeMutableBufferPointer<Float>, _ h: Int, _ w: Int, _ scratch: inout [Float],
                         _ source: (Double, Double) -> (Double, Double)) {
        for j in 0 ..< h * w { scratch[j] = x[j] }
        func pixel(_ r: Int, _ c: Int) -> Float { r >= 0 && r < h && c >= 0 && c < w ? scratch[r * w + c] : 0 }
        for r in 0 ..< h {
            for c in 0 ..< w {
                let (sy, sx) = source(Double(r), Double(c))
                let (y0, x0) = (floorValue(sy), floorValue(sx))
                let (fy, fx) = (Float(sy - y0), Float(sx - x0))
                let (iy, ix) = (Int(y0), Int(x0))
                let top = pixel(iy, ix) * (1 - fx) + pixel(iy, ix + 1) * fx
                let bottom = pixel(iy + 1, ix) * (1 - fx) + pixel(iy + 1, ix + 1) * fx
                x[r * w + c] = top * (1 - fy) + bottom * fy
            }
        }
    }
}
