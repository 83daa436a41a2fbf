/// An element type of a safetensors tensor, spelled as in the file's header.
///
/// Only the types shiftcast can read are listed; any other `dtype` string
/// (F8_E4M3, C64, ...) is reported as unsupported when reading.
public enum SafeTensorsDType: String, Sendable, CaseIterable {
    case f64 = "F64", f32 = "F32", f16 = "F16", bf16 = "BF16"
    case i64 = "I64", i32 = "I32", i16 = "I16", i8 = "I8"
    case u64 = "U64", u32 = "U32", u16 = "U16", u8 = "U8"
    case bool = "BOOL"

    /// Bytes per element.
    public var byteCount: Int {
        switch self {
        case .f64, .i64, .u64: return 8
        case .f32, .i32, .u32: return 4
        case .f16, .bf16, .i16, .u16: return 2
        case .i8, .u8, .bool: return 1
        }
    }

    /// Whether elements are read as `Float` (into `SafeTensorsFile.tensors`).
    public var isFloatingPoint: Bool {
        switch self {
        case .f64, .f32, .f16, .bf16: return true
        default: return false
        }
    }
}

extension SafeTensorsDType {
    /// The little-endian element at byte `offset` of `bytes`, as a `Double`
    /// (exact for every floating-point dtype). Only for floating-point dtypes.
    @inline(__always)
    func floatingPointElement(_ bytes: UnsafeRawBufferPointer, at offset: Int) -> Double {
        switch self {
        case .f64: return Double(bitPattern: UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self)))
        case .f32: return Double(Float(bitPattern: UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt32.self))))
        case .f16: return Double(Self.floatFromHalf(UInt16(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt16.self))))
        case .bf16:
            let bits = UInt16(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt16.self))
            return Double(Float(bitPattern: UInt32(bits) << 16))
        default: preconditionFailure("floatingPointElement called for \(rawValue)")
        }
    }

    /// The little-endian element at byte `offset` of `bytes` as an integer, or
    /// nil if it does not fit in `Int64` (only U64 values above `Int64.max`).
    /// Only for integer and boolean dtypes.
    @inline(__always)
    func integerElement(_ bytes: UnsafeRawBufferPointer, at offset: Int) -> Int64? {
        switch self {
        case .i64: return Int64(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: Int64.self))
        case .i32: return Int64(Int32(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: Int32.self)))
        case .i16: return Int64(Int16(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: Int16.self)))
        case .i8: return Int64(bytes.load(fromByteOffset: offset, as: Int8.self))
        case .u64: return Int64(exactly: UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self)))
        case .u32: return Int64(UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt32.self)))
        case .u16: return Int64(UInt16(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt16.self)))
        case .u8: return Int64(bytes[offset])
        case .bool: return bytes[offset] == 0 ? 0 : 1
        default: preconditionFailure("integerElement called for \(rawValue)")
        }
    }

    /// IEEE 754 binary16 to binary32, exact (every half is a float), by bit manipulation
    /// so it does not depend on the platform's `Float16` support.
    static func floatFromHalf(_ half: UInt16) -> Float {
        let sign = UInt32(half >> 15) << 31
        let exponent = UInt32(half >> 10) & 0x1F
        let mantissa = UInt32(half) & 0x3FF
        switch exponent {
        case 0:
            // Zero or subnormal: mantissa × 2^-24.
            let magnitude = Float(mantissa) * 0x1p-24
            return sign == 0 ? magnitude : -magnitude
        case 0x1F:
            // Infinity or NaN (payload kept).
            return Float(bitPattern: sign | 0x7F80_0000 | (mantissa << 13))
        default:
            return Float(bitPattern: sign | ((exponent + 112) << 23) | (mantissa << 13))
        }
    }
}
