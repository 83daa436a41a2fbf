import Foundation
import ShiftcastTensor

/// The validated JSON header of a safetensors file: where each tensor's bytes
/// are, and the metadata.
///
/// `parse` checks everything the reference implementation checks, before any
/// tensor memory is allocated: every entry has a known `dtype`, a `shape` of
/// non-negative integers and two `data_offsets`; shape × element size equals
/// `end − begin` (with overflow checks); the tensors lie inside the data
/// region, do not overlap, and cover it without holes. So a header can never
/// make the reader allocate more than the file's own size.
struct SafeTensorsHeader {
    /// One tensor's description from the header.
    struct Entry {
        var name: String
        var dtype: SafeTensorsDType
        var shape: [Int]
        /// Byte range in the data region (after the header).
        var byteRange: Range<Int>
    }

    /// Entries sorted by their position in the data region.
    var entries: [Entry]
    var metadata: [String: String]

    /// The header's key for the metadata object.
    static let metadataKey = "__metadata__"

    /// Validates `json` (the header bytes) against a data region of `dataByteCount` bytes.
    /// - Throws: `InputError` in `path`, naming the tensor and what was expected and found.
    static func parse(json: Data, dataByteCount: Int, path: String) throws -> SafeTensorsHeader {
        func fail(_ message: String) -> InputError { InputError(file: path, message) }

        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: json, options: [])
        } catch {
            let detail = (error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String ?? "\(error)"
            throw fail("header is not valid UTF-8 JSON: \(detail)")
        }
        guard let root = object as? [String: Any] else {
            throw fail("header must be a JSON object, found \(JSONValueDescription.kind(of: object))")
        }

        var metadata: [String: String] = [:]
        if let rawMetadata = root[metadataKey], !(rawMetadata is NSNull) {
            guard let dictionary = rawMetadata as? [String: Any] else {
                throw fail("'\(metadataKey)' must be an object of strings, found \(JSONValueDescription.kind(of: rawMetadata))")
            }
            for key in dictionary.keys.sorted() {
                guard let value = dictionary[key] as? String else {
                    throw fail("'\(metadataKey)' key '\(key)': expected a string, found \(JSONValueDescription.describe(dictionary[key]!))")
                }
                metadata[key] = value
            }
        }

        var entries: [Entry] = []
        for name in root.keys.sorted() where name != metadataKey {
            entries.append(try parseEntry(name: name, value: root[name]!, dataByteCount: dataByteCount, path: path))
        }

        // Sort by position, then require the ranges to tile the data region exactly.
        entries.sort { ($0.byteRange.lowerBound, $0.byteRange.upperBound, $0.name)
            < ($1.byteRange.lowerBound, $1.byteRange.upperBound, $1.name) }
        var covered = 0
        var previous: Entry?
        for entry in entries {
            let begin = entry.byteRange.lowerBound
            if begin < covered, let previous {
                throw fail("tensor '\(entry.name)': data_offsets \(offsets(entry)) overlap tensor '\(previous.name)' data_offsets \(offsets(previous))")
            }
            if begin > covered {
                throw fail("data region bytes \(covered)..<\(begin) belong to no tensor (a safetensors file has no holes); next tensor is '\(entry.name)' at data_offsets \(offsets(entry))")
            }
            covered = entry.byteRange.upperBound
            previous = entry
        }
        if covered != dataByteCount {
            throw fail("data region is \(dataByteCount) bytes but the tensors cover only \(covered); bytes \(covered)..<\(dataByteCount) belong to no tensor")
        }
        return SafeTensorsHeader(entries: entries, metadata: metadata)
    }

    private static func offsets(_ entry: Entry) -> String {
        "[\(entry.byteRange.lowerBound), \(entry.byteRange.upperBound)]"
    }

    private static func parseEntry(name: String, value: Any, dataByteCount: Int, path: String) throws -> Entry {
        func fail(_ message: String) -> InputError { InputError(file: path, "tensor '\(name)': \(message)") }

        guard let fields = value as? [String: Any] else {
            throw fail("expected an object with \"dtype\", \"shape\" and \"data_offsets\", found \(JSONValueDescription.kind(of: value))")
        }
        guard let rawDType = fields["dtype"] else { throw fail("missing \"dtype\"") }
        guard let dtypeName = rawDType as? String else {
            throw fail("\"dtype\" must be a string, found \(JSONValueDescription.describe(rawDType))")
        }
        guard let dtype = SafeTensorsDType(rawValue: dtypeName) else {
            let known = SafeTensorsDType.allCases.map(\.rawValue).joined(separator: ", ")
            throw fail("unsupported dtype \"\(dtypeName)\"; expected one of \(known)")
        }
        guard let rawShape = fields["shape"] else { throw fail("missing \"shape\"") }
        guard let shapeArray = rawShape as? [Any],
              case let shape = shapeArray.compactMap(JSONValueDescription.nonNegativeInteger),
              shape.count == shapeArray.count
        else {
            throw fail("\"shape\" must be an array of non-negative integers, found \(JSONValueDescription.describe(rawShape))")
        }
        guard let rawOffsets = fields["data_offsets"] else { throw fail("missing \"data_offsets\"") }
        guard let offsetArray = rawOffsets as? [Any], offsetArray.count == 2,
              let begin = JSONValueDescription.nonNegativeInteger(offsetArray[0]),
              let end = JSONValueDescription.nonNegativeInteger(offsetArray[1])
        else {
            throw fail("\"data_offsets\" must be two non-negative integers [begin, end], found \(JSONValueDescription.describe(rawOffsets))")
        }
        guard begin <= end else {
            throw fail("data_offsets [\(begin), \(end)] end before they begin")
        }

        var elementCount = 1
        for extent in shape {
            let (product, overflow) = elementCount.multipliedReportingOverflow(by: extent)
            guard !overflow else { throw fail("shape \(shape) has too many elements to address") }
            elementCount = product
        }
        let (byteCount, overflow) = elementCount.multipliedReportingOverflow(by: dtype.byteCount)
        guard !overflow else { throw fail("shape \(shape) of \(dtype.rawValue) has too many bytes to address") }
        guard byteCount == end - begin else {
            throw fail("shape \(shape) needs \(byteCount) bytes of \(dtype.rawValue), data_offsets [\(begin), \(end)] give \(end - begin)")
        }
        guard end <= dataByteCount else {
            throw fail("data_offsets [\(begin), \(end)] reach beyond the \(dataByteCount)-byte data region (file truncated?)")
        }
        return Entry(name: name, dtype: dtype, shape: shape, byteRange: begin ..< end)
    }
}

/// Small helpers to check and describe values from `JSONSerialization` for error messages.
enum JSONValueDescription {
    /// A JSON integer ≥ 0 that fits in `Int`; nil for booleans, fractions, negatives and strings.
    static func nonNegativeInteger(_ value: Any) -> Int? {
        guard let number = value as? NSNumber, !isBoolean(number) else { return nil }
        switch String(cString: number.objCType) {
        case "q", "l", "i", "s", "c":
            let signed = number.int64Value
            return signed >= 0 ? Int(exactly: signed) : nil
        case "Q", "L", "I", "S", "C":
            return Int(exactly: number.uint64Value)
        default:
            return nil // "d", "f": a JSON number with a fraction or exponent, or too large.
        }
    }

    private static func isBoolean(_ number: NSNumber) -> Bool {
        #if canImport(Darwin)
        return CFGetTypeID(number) == CFBooleanGetTypeID()
        #else
        return type(of: number) != NSNumber.self && "\(type(of: number))".contains("Boolean")
        #endif
    }

    /// "a string", "an array", ... for messages.
    static func kind(of value: Any) -> String {
        switch value {
        case is String: return "a string"
        case is [Any]: return "an array"
        case is [String: Any]: return "an object"
        case is NSNull: return "null"
        case let number as NSNumber: return isBoolean(number) ? "a boolean" : "a number"
        default: return "\(type(of: value))"
        }
    }

    /// A short JSON-like rendering of `value` for messages.
    static func describe(_ value: Any, depth: Int = 0) -> String {
        switch value {
        case let string as String:
            return "\"" + (string.count > 40 ? String(string.prefix(40)) + "…" : string) + "\""
        case let array as [Any]:
            if depth > 1 { return "[…]" }
            let shown = array.prefix(8).map { describe($0, depth: depth + 1) }
            return "[" + shown.joined(separator: ", ") + (array.count > 8 ? ", …" : "") + "]"
        case is [String: Any]: return "an object"
        case is NSNull: return "null"
        case let number as NSNumber: return isBoolean(number) ? (number.boolValue ? "true" : "false") : "\(number)"
        default: return "\(value)"
        }
    }
}
