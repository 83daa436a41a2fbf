#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Parsing numbers straight from bytes, without making a `String` per cell.
///
/// Fast path (Clinger 1990, "How to read floating point numbers accurately"):
/// a decimal `m × 10^e` with `m ≤ 2^24` and `|e| ≤ 10` is converted exactly,
/// because both `m` and `10^|e|` are exact `Float`s and one IEEE multiply or
/// divide rounds correctly. Everything else (long mantissas, large exponents,
/// hex, `nan`, `inf`) goes to the C library's `strtof`, which also rounds
/// correctly. So the result always equals `strtof` on the same text.
enum DecimalParsing {
    @usableFromInline static let powersOfTen: [Float] = [1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10]

    /// The `Float` spelled by `bytes[start..<end]` (no surrounding spaces), or `nil`
    /// when the text is not a whole number. May return NaN or ±infinity (for
    /// `nan`, `inf` or an overflowing literal); callers decide whether to accept them.
    @inlinable
    static func parseFloat(_ base: UnsafePointer<UInt8>, _ start: Int, _ end: Int) -> Float? {
        var i = start
        guard i < end else { return nil }
        var negative = false
        if base[i] == UInt8(ascii: "-") { negative = true; i += 1 } else if base[i] == UInt8(ascii: "+") { i += 1 }
        var mantissa: UInt64 = 0
        var digits = 0          // significant digits accumulated (leading zeros skipped)
        var sawDigit = false
        var exponent = 0
        while i < end, base[i] &- 48 < 10 {
            sawDigit = true
            let d = UInt64(base[i] &- 48)
            if mantissa != 0 || d != 0 { digits += 1 }
            if digits <= 19 { mantissa = mantissa &* 10 &+ d } else { exponent += 1 }
            i += 1
        }
        if i < end, base[i] == UInt8(ascii: ".") {
            i += 1
            while i < end, base[i] &- 48 < 10 {
                sawDigit = true
                let d = UInt64(base[i] &- 48)
                if mantissa != 0 || d != 0 { digits += 1 }
                if digits <= 19 { mantissa = mantissa &* 10 &+ d; exponent -= 1 }
                i += 1
            }
        }
        guard sawDigit else { return slowParse(base, start, end) }
        if i < end, base[i] | 0x20 == UInt8(ascii: "e") {
            i += 1
            var expNegative = false
            if i < end, base[i] == UInt8(ascii: "-") { expNegative = true; i += 1 } else if i < end, base[i] == UInt8(ascii: "+") { i += 1 }
            guard i < end, base[i] &- 48 < 10 else { return nil }
            var e = 0
            while i < end, base[i] &- 48 < 10 {
                if e < 100_000 { e = e * 10 + Int(base[i] &- 48) }
                i += 1
            }
            exponent += expNegative ? -e : e
        }
        guard i == end else { return slowParse(base, start, end) }
        if digits > 19 { return slowParse(base, start, end) }
        if mantissa <= 1 << 24 && exponent >= -10 && exponent <= 10 {
            var value = Float(mantissa)
            if exponent < 0 { value /= powersOfTen[-exponent] } else { value *= powersOfTen[exponent] }
            return negative ? -value : value
        }
        if mantissa == 0 { return negative ? -0.0 : 0.0 }
        return slowParse(base, start, end)
    }

    /// `strtof` on a NUL-terminated copy; `nil` unless it consumes every byte.
    @usableFromInline
    static func slowParse(_ base: UnsafePointer<UInt8>, _ start: Int, _ end: Int) -> Float? {
        let length = end - start
        guard length > 0, length < 512 else { return nil }
        // strtof skips leading white space; the caller has trimmed it, so any left is an error.
        if base[start] == UInt8(ascii: " ") || base[start] == UInt8(ascii: "\t") { return nil }
        return withUnsafeTemporaryAllocation(of: CChar.self, capacity: length + 1) { buffer -> Float? in
            for k in 0 ..< length { buffer[k] = CChar(bitPattern: base[start + k]) }
            buffer[length] = 0
            var endPointer: UnsafeMutablePointer<CChar>? = nil
            let value = strtof(buffer.baseAddress!, &endPointer)
            guard let endPointer, endPointer - buffer.baseAddress! == length else { return nil }
            return value
        }
    }

    /// A non-negative integer class index spelled by the bytes: `7`, `+7`, or an
    /// integral decimal such as `7.0` / `7e0` (numpy's `savetxt` writes labels that way).
    /// `nil` for anything else (negative, fractional, non-numeric, too large).
    static func parseClassIndex(_ base: UnsafePointer<UInt8>, _ start: Int, _ end: Int) -> Int? {
        var i = start
        if i < end, base[i] == UInt8(ascii: "+") { i += 1 }
        var value = 0
        var sawDigit = false
        while i < end, base[i] &- 48 < 10 {
            sawDigit = true
            value = value * 10 + Int(base[i] &- 48)
            if value > 1 << 31 { return nil }
            i += 1
        }
        if i == end { return sawDigit ? value : nil }
        // Integral decimal: fall back to the float parser and accept exact integers.
        guard let f = parseFloat(base, start, end), f.isFinite, f >= 0, f < Float(1 << 24), f.rounded() == f else { return nil }
        return Int(f)
    }
}
