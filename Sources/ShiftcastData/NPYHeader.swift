/// The parsed header of a NumPy `.npy` file (format versions 1.0, 2.0, 3.0).
///
/// Layout (numpy/lib/format.py, NEP 1): the magic `\x93NUMPY`, a major and a
/// minor version byte, the header length (uint16 LE in v1, uint32 LE in v2/v3),
/// then an ASCII (v3: UTF-8) Python dict literal such as
/// `{'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }`, padded with
/// spaces and a final newline; the raw array data follows.
struct NPYHeader: Equatable {
    /// The element type.
    var dtype: NPYElementType
    /// Whether the data is stored column-major (not supported by the readers).
    var fortranOrder: Bool
    /// The array's shape (empty for a 0-d scalar).
    var shape: [Int]
    /// Where the array data starts in the file.
    var dataOffset: Int

    static let magic: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59]  // "\x93NUMPY"

    /// The file offset where the header ends (= where the data starts), read from the first
    /// 10 or 12 bytes of a file; `nil` if they are not a valid preamble (`parse` says why).
    static func headerEnd(_ preamble: [UInt8]) -> Int? {
        guard preamble.count >= 10, Array(preamble[0 ..< 6]) == magic else { return nil }
        switch preamble[6] {
        case 1: return 10 + (Int(preamble[8]) | Int(preamble[9]) << 8)
        case 2 where preamble.count >= 12, 3 where preamble.count >= 12:
            return 12 + (Int(preamble[8]) | Int(preamble[9]) << 8 | Int(preamble[10]) << 16 | Int(preamble[11]) << 24)
        default: return nil
        }
    }

    /// Parses the header at the start of `bytes` (the whole file).
    static func parse(_ bytes: UnsafeRawBufferPointer, path: String) throws -> NPYHeader {
        guard bytes.count >= 10, Array(bytes[0 ..< 6]) == magic else {
            let found = bytes.prefix(6).map { String(format2: $0) }.joined(separator: " ")
            throw InputError(file: path, "expected the NumPy .npy magic bytes 0x93 'NUMPY', found \(bytes.isEmpty ? "an empty file" : found)")
        }
        let major = bytes[6], minor = bytes[7]
        let headerLength: Int
        let headerStart: Int
        switch major {
        case 1:
            headerLength = Int(bytes[8]) | Int(bytes[9]) << 8
            headerStart = 10
        case 2, 3:
            guard bytes.count >= 12 else {
                throw InputError(file: path, "expected a 4-byte header length, found the end of the file")
            }
            headerLength = Int(bytes[8]) | Int(bytes[9]) << 8 | Int(bytes[10]) << 16 | Int(bytes[11]) << 24
            headerStart = 12
        default:
            throw InputError(file: path, "expected .npy format version 1.0, 2.0 or 3.0, found \(major).\(minor)")
        }
        guard headerStart + headerLength <= bytes.count else {
            throw InputError(file: path, "header: expected \(headerLength) header bytes, found only \(bytes.count - headerStart) (file is \(bytes.count) bytes)")
        }
        let headerBytes = Array(bytes[headerStart ..< headerStart + headerLength])
        guard let text = String(validating: headerBytes, as: UTF8.self) else {
            throw InputError(file: path, "header: expected ASCII/UTF-8 text, found other bytes")
        }
        var parser = NPYDictParser(text: text, path: path)
        let entries = try parser.parseDict()
        guard let descrValue = entries["descr"] else { throw InputError(file: path, "header: expected a 'descr' key, found \(text.trimmed)") }
        guard case .string(let descr) = descrValue else {
            throw InputError(file: path, "unsupported dtype: structured array (descr \(descrValue)); expected a plain numeric dtype such as '<f4'")
        }
        guard case .bool(let fortran)? = entries["fortran_order"] else {
            throw InputError(file: path, "header: expected 'fortran_order': True or False, found \(text.trimmed)")
        }
        guard case .tuple(let shape)? = entries["shape"] else {
            throw InputError(file: path, "header: expected a 'shape' tuple, found \(text.trimmed)")
        }
        let dtype = try NPYElementType(descr: descr, path: path)
        return NPYHeader(dtype: dtype, fortranOrder: fortran, shape: shape, dataOffset: headerStart + headerLength)
    }

    /// The header bytes (version 1.0, padded so the data starts at a multiple of 64).
    static func encode(descr: String, shape: [Int]) -> [UInt8] {
        let shapeText = shape.count == 1 ? "(\(shape[0]),)" : "(" + shape.map(String.init).joined(separator: ", ") + ")"
        var dict = Array("{'descr': '\(descr)', 'fortran_order': False, 'shape': \(shapeText), }".utf8)
        let unpadded = 10 + dict.count + 1
        let padding = (64 - unpadded % 64) % 64
        dict.append(contentsOf: [UInt8](repeating: 32, count: padding))
        dict.append(10)
        var out = magic + [1, 0]
        out.append(UInt8(dict.count & 0xFF))
        out.append(UInt8(dict.count >> 8))
        return out + dict
    }
}

/// The element types the readers understand (little-endian only).
enum NPYElementType: Equatable {
    case float32, float64
    case signed(bytes: Int)
    case unsigned(bytes: Int)

    var byteCount: Int {
        switch self {
        case .float32: 4
        case .float64: 8
        case .signed(let b), .unsigned(let b): b
        }
    }

    var isInteger: Bool {
        switch self {
        case .float32, .float64: false
        case .signed, .unsigned: true
        }
    }

    init(descr: String, path: String) throws {
        let chars = Array(descr)
        guard chars.count >= 3, let size = Int(String(chars[2...])) else {
            throw InputError(file: path, "unsupported dtype '\(descr)'; expected float32/float64 ('<f4', '<f8') for features or an integer type ('<i8', '|u1', …) for features or labels")
        }
        let order = chars[0], kind = chars[1]
        if order == ">" && size > 1 {
            throw InputError(file: path, "unsupported dtype '\(descr)': big-endian; expected little-endian ('<\(kind)\(size)'); convert with numpy: a.astype('<\(kind)\(size)')")
        }
        guard order == "<" || order == "|" || order == "=" || order == ">" else {
            throw InputError(file: path, "unsupported dtype '\(descr)': unknown byte order '\(order)'")
        }
        switch (kind, size) {
        case ("f", 4): self = .float32
        case ("f", 8): self = .float64
        case ("i", 1), ("i", 2), ("i", 4), ("i", 8): self = .signed(bytes: size)
        case ("u", 1), ("u", 2), ("u", 4), ("u", 8): self = .unsigned(bytes: size)
        default:
            let name: String
            switch kind {
            case "f": name = "float\(size * 8)"
            case "c": name = "complex\(size * 8)"
            case "b": name = "bool"
            case "U", "S": name = "string"
            case "O": name = "Python object"
            case "M", "m": name = "datetime"
            default: name = "kind '\(kind)'"
            }
            throw InputError(file: path, "unsupported dtype '\(descr)' (\(name)); expected float32/float64 ('<f4', '<f8') for features or an integer type ('<i8', '|u1', …) for features or labels")
        }
    }
}

/// A parser for the tiny subset of Python literals in .npy headers:
/// dicts with string keys and values that are strings, True/False, or int tuples.
struct NPYDictParser {
    enum Value: Equatable, CustomStringConvertible {
        case string(String), bool(Bool), tuple([Int]), other(String)
        var description: String {
            switch self {
            case .string(let s): "'\(s)'"
            case .bool(let b): b ? "True" : "False"
            case .tuple(let t): "(" + t.map(String.init).joined(separator: ", ") + ")"
            case .other(let s): s
            }
        }
    }

    let chars: [Character]
    let path: String
    var i = 0

    init(text: String, path: String) {
        chars = Array(text)
        self.path = path
    }

    mutating func parseDict() throws -> [String: Value] {
        skipSpace()
        try expect("{")
        var result: [String: Value] = [:]
        while true {
            skipSpace()
            if peek == "}" { i += 1; break }
            let key = try parseString()
            skipSpace()
            try expect(":")
            skipSpace()
            result[key] = try parseValue()
            skipSpace()
            if peek == "," { i += 1; continue }
            skipSpace()
            try expect("}")
            break
        }
        return result
    }

    var peek: Character? { i < chars.count ? chars[i] : nil }

    mutating func skipSpace() { while let c = peek, c.isWhitespace { i += 1 } }

    mutating func expect(_ c: Character) throws {
        guard peek == c else { throw failure("'\(c)'") }
        i += 1
    }

    func failure(_ expected: String) -> InputError {
        let found = peek.map { "'\($0)' at character \(i + 1)" } ?? "the end of the header"
        return InputError(file: path, "header: expected \(expected), found \(found) in \(String(chars).trimmed)")
    }

    mutating func parseString() throws -> String {
        guard let quote = peek, quote == "'" || quote == "\"" else { throw failure("a quoted string") }
        i += 1
        var s = ""
        while let c = peek, c != quote { s.append(c); i += 1 }
        try expect(quote)
        return s
    }

    mutating func parseValue() throws -> Value {
        switch peek {
        case "'", "\"": return .string(try parseString())
        case "(":
            i += 1
            var items: [Int] = []
            while true {
                skipSpace()
                if peek == ")" { i += 1; break }
                var digits = ""
                while let c = peek, c.isNumber || c == "L" { if c != "L" { digits.append(c) }; i += 1 }
                guard let n = Int(digits), n >= 0 else { throw failure("a non-negative integer in the shape") }
                items.append(n)
                skipSpace()
                if peek == "," { i += 1 }
            }
            return .tuple(items)
        default:
            var word = ""
            var depth = 0
            while let c = peek {
                if c == "[" || c == "(" || c == "{" { depth += 1 }
                if c == "]" || c == ")" || c == "}" { if depth == 0 { break }; depth -= 1 }
                if c == "," && depth == 0 { break }
                word.append(c); i += 1
            }
            let trimmedWord = word.trimmed
            if trimmedWord == "True" { return .bool(true) }
            if trimmedWord == "False" { return .bool(false) }
            return .other(trimmedWord)
        }
    }
}

extension String {
    init(format2 byte: UInt8) {
        let hex = String(byte, radix: 16, uppercase: true)
        self = "0x" + (hex.count == 1 ? "0" + hex : hex)
    }

    var trimmed: String {
        var s = Substring(self)
        while let f = s.first, f.isWhitespace { s = s.dropFirst() }
        while let l = s.last, l.isWhitespace { s = s.dropLast() }
        return String(s)
    }
}
