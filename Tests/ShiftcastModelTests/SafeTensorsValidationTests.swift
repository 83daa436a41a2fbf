import Foundation
import XCTest
@testable import ShiftcastModel

/// Damaged and hostile files: every one must throw an `InputError` naming the
/// problem, never crash, never allocate what the header claims.
final class SafeTensorsValidationTests: XCTestCase {
    typealias H = SafeTensorsTestHelpers

    /// A one-tensor file `w` of F32 with the given shape/offsets text and data bytes.
    func file(_ entry: String, data: [UInt8]) -> Data {
        H.rawFile(header: "{\"w\":\(entry)}", data: data)
    }

    func testTooShortForTheLengthPrefix() {
        H.assertRejects(Data([1, 2, 3]), "file is 3 bytes, too short for a safetensors file")
        H.assertRejects(Data(), "file is 0 bytes")
    }

    func testHeaderLengthBeyondTheFile() {
        let data = H.rawFile(header: "{}", declaredHeaderLength: 100)
        H.assertRejects(data, "header length is 100 bytes, but only 2 bytes follow the 8-byte length")
    }

    func testHeaderClaimingGigabytes() {
        let data = H.rawFile(header: "{}", declaredHeaderLength: 5_000_000_000)
        H.assertRejects(data, "header length is 5000000000 bytes, but only 2 bytes follow")
        let huge = H.rawFile(header: "{}", declaredHeaderLength: UInt64.max)
        H.assertRejects(huge, "header length is 18446744073709551615 bytes")
    }

    func testTruncatedData() {
        let full = SafeTensorsFile(tensors: [("a", Tensor([1, 2])), ("b", Tensor([3, 4, 5]))]).encoded()
        H.assertRejects(full.prefix(full.count - 1), path: "cut.safetensors",
                        "tensor 'b': data_offsets [8, 20] reach beyond the 19-byte data region (file truncated?)")
    }

    func testEveryTruncationAndByteFlipThrowsOrReadsButNeverCrashes() {
        let full = SafeTensorsRoundTripTests.sample().encoded()
        var rejected = 0
        for length in 0 ..< full.count {
            do { _ = try SafeTensorsFile.read(data: full.prefix(length), path: "p") } catch is InputError { rejected += 1 } catch {
                XCTFail("length \(length): \(error)")
            }
        }
        XCTAssertEqual(rejected, full.count, "every proper prefix is invalid")
        var generator = SeededGenerator(seed: 3)
        for _ in 0 ..< 400 {
            var damaged = full
            let position = generator.index(below: full.count)
            damaged[position] = UInt8(truncatingIfNeeded: generator.next())
            do { _ = try SafeTensorsFile.read(data: damaged, path: "p") } catch is InputError {} catch {
                XCTFail("flip at \(position): \(error)")
            }
        }
    }

    func testInvalidJSON() {
        H.assertRejects(H.rawFile(header: "{\"w\": {\"dtype\": }"), "header is not valid UTF-8 JSON")
        H.assertRejects(H.rawFile(header: "[1, 2]"), "header must be a JSON object, found an array")
        H.assertRejects(H.rawFile(header: "\"text\""), "header is not valid UTF-8 JSON")
        var invalidUTF8 = H.rawFile(header: "{\"\u{1}\":1}")
        invalidUTF8[10] = 0xFF
        H.assertRejects(invalidUTF8, "header is not valid UTF-8 JSON")
    }

    func testShapeAndOffsetsDisagreeWithExactMessage() {
        let data = H.rawFile(header: #"{"0.weight":{"dtype":"F32","shape":[64,10],"data_offsets":[0,2552]}}"#,
                             data: [UInt8](repeating: 0, count: 2552))
        XCTAssertThrowsError(try SafeTensorsFile.read(data: data, path: "model.safetensors")) { error in
            XCTAssertEqual("\(error)", "model.safetensors: error: tensor '0.weight': shape [64, 10] needs 2560 bytes of F32, data_offsets [0, 2552] give 2552")
        }
    }

    func testUnknownDType() {
        H.assertRejects(file(#"{"dtype":"F8_E4M3","shape":[2],"data_offsets":[0,2]}"#, data: [0, 0]),
                        "tensor 'w': unsupported dtype \"F8_E4M3\"; expected one of F64, F32, F16, BF16, I64")
        H.assertRejects(file(#"{"dtype":32,"shape":[2],"data_offsets":[0,8]}"#, data: []),
                        "tensor 'w': \"dtype\" must be a string, found 32")
    }

    func testMalformedEntries() {
        H.assertRejects(H.rawFile(header: #"{"w":[1,2]}"#), "tensor 'w': expected an object with \"dtype\", \"shape\" and \"data_offsets\", found an array")
        H.assertRejects(file(#"{"shape":[1],"data_offsets":[0,4]}"#, data: []), "tensor 'w': missing \"dtype\"")
        H.assertRejects(file(#"{"dtype":"F32","data_offsets":[0,4]}"#, data: []), "tensor 'w': missing \"shape\"")
        H.assertRejects(file(#"{"dtype":"F32","shape":[1]}"#, data: []), "tensor 'w': missing \"data_offsets\"")
        H.assertRejects(file(#"{"dtype":"F32","shape":[2,-1],"data_offsets":[0,4]}"#, data: []),
                        "tensor 'w': \"shape\" must be an array of non-negative integers, found [2, -1]")
        H.assertRejects(file(#"{"dtype":"F32","shape":[1.5],"data_offsets":[0,4]}"#, data: []), "\"shape\" must be an array")
        H.assertRejects(file(#"{"dtype":"F32","shape":[true],"data_offsets":[0,4]}"#, data: []), "found [true]")
        H.assertRejects(file(#"{"dtype":"F32","shape":"1","data_offsets":[0,4]}"#, data: []), "found \"1\"")
        H.assertRejects(file(#"{"dtype":"F32","shape":[1],"data_offsets":[0]}"#, data: []),
                        "\"data_offsets\" must be two non-negative integers [begin, end], found [0]")
        H.assertRejects(file(#"{"dtype":"F32","shape":[1],"data_offsets":[-4,0]}"#, data: []), "found [-4, 0]")
        H.assertRejects(file(#"{"dtype":"F32","shape":[1],"data_offsets":[0,1e30]}"#, data: []), "\"data_offsets\" must be")
        H.assertRejects(file(#"{"dtype":"F32","shape":[0],"data_offsets":[8,4]}"#, data: []),
                        "tensor 'w': data_offsets [8, 4] end before they begin")
    }

    func testMetadataMustBeStrings() {
        H.assertRejects(H.rawFile(header: #"{"__metadata__":{"epochs":3}}"#), "'__metadata__' key 'epochs': expected a string, found 3")
        H.assertRejects(H.rawFile(header: #"{"__metadata__":[1]}"#), "'__metadata__' must be an object of strings, found an array")
        XCTAssertEqual(try SafeTensorsFile.read(data: H.rawFile(header: #"{"__metadata__":null}"#), path: "p").metadata, [:])
    }

    func testShapeWhoseByteCountOverflows() {
        H.assertRejects(file(#"{"dtype":"F32","shape":[4294967296,4294967296],"data_offsets":[0,4]}"#, data: [0, 0, 0, 0]),
                        "tensor 'w': shape [4294967296, 4294967296] has too many elements to address")
        H.assertRejects(file(#"{"dtype":"F64","shape":[2305843009213693952],"data_offsets":[0,4]}"#, data: [0, 0, 0, 0]),
                        "shape [2305843009213693952] of F64 has too many bytes to address")
        // Huge shape with zero extent: zero bytes, valid.
        let zero = file(#"{"dtype":"F32","shape":[0,9223372036854775807],"data_offsets":[0,0]}"#, data: [])
        XCTAssertEqual(try SafeTensorsFile.read(data: zero, path: "p")["w"]?.shape, [0, Int.max])
    }

    func testOffsetsOutOfRange() {
        H.assertRejects(file(#"{"dtype":"F32","shape":[100],"data_offsets":[0,400]}"#, data: H.f32Bytes([1, 2])),
                        "tensor 'w': data_offsets [0, 400] reach beyond the 8-byte data region")
        H.assertRejects(file(#"{"dtype":"F32","shape":[1],"data_offsets":[9223372036854775803,9223372036854775807]}"#, data: []),
                        "reach beyond the 0-byte data region")
    }

    func testOverlappingTensors() {
        let header = #"{"a":{"dtype":"F32","shape":[4],"data_offsets":[0,16]},"b":{"dtype":"F32","shape":[4],"data_offsets":[8,24]}}"#
        H.assertRejects(H.rawFile(header: header, data: [UInt8](repeating: 0, count: 24)),
                        "tensor 'b': data_offsets [8, 24] overlap tensor 'a' data_offsets [0, 16]")
        let same = #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"I32","shape":[2],"data_offsets":[0,8]}}"#
        H.assertRejects(H.rawFile(header: same, data: [UInt8](repeating: 0, count: 8)), "overlap tensor 'a'")
    }

    func testHolesAndTrailingBytes() {
        let hole = #"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"b":{"dtype":"F32","shape":[1],"data_offsets":[8,12]}}"#
        H.assertRejects(H.rawFile(header: hole, data: [UInt8](repeating: 0, count: 12)),
                        "data region bytes 4..<8 belong to no tensor (a safetensors file has no holes); next tensor is 'b'")
        H.assertRejects(file(#"{"dtype":"F32","shape":[1],"data_offsets":[0,4]}"#, data: [0, 0, 0, 0, 9]),
                        "data region is 5 bytes but the tensors cover only 4; bytes 4..<5 belong to no tensor")
    }

    func testNonFiniteWeightsNameTheTensorAndIndex() {
        let header = #"{"b":{"dtype":"F32","shape":[2,3],"data_offsets":[0,24]}}"#
        H.assertRejects(H.rawFile(header: header, data: H.f32Bytes([0, 1, 2, 3, .nan, 5])),
                        "tensor 'b': element 4 (index [1, 1]) is nan; expected finite weights")
        H.assertRejects(H.rawFile(header: header, data: H.f32Bytes([0, 1, 2, 3, 4, -.infinity])),
                        "tensor 'b': element 5 (index [1, 2]) is -inf")
        H.assertRejects(file(#"{"dtype":"F16","shape":[2],"data_offsets":[0,4]}"#, data: [0x00, 0x3C, 0x00, 0x7C]),
                        "tensor 'w': element 1 (index [1]) is inf")
        let big = withUnsafeBytes(of: (1e300 as Double).bitPattern.littleEndian) { Array($0) }
        H.assertRejects(file(#"{"dtype":"F64","shape":[1],"data_offsets":[0,8]}"#, data: big),
                        "tensor 'w': element 0 (index [0]) is 1e+300, outside the Float32 range")
    }

    func testU64AboveInt64MaxIsRejected() {
        H.assertRejects(file(#"{"dtype":"U64","shape":[1],"data_offsets":[0,8]}"#, data: [UInt8](repeating: 0xFF, count: 8)),
                        "tensor 'w': element 0 (index [0]) of U64 does not fit in Int64")
    }

    func testHeaderPaddingAndUnalignedDataAreAccepted() throws {
        // Spaces after the JSON, and a data region at an odd file offset.
        let data = H.rawFile(header: #"{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}"# + "   ", data: H.f32Bytes([1.5, -2]))
        XCTAssertEqual(try SafeTensorsFile.read(data: data, path: "p")["w"], Tensor([1.5, -2]))
        // A Data slice whose startIndex is not zero.
        let sliced = (Data([9, 9, 9]) + data).dropFirst(3)
        XCTAssertEqual(try SafeTensorsFile.read(data: sliced, path: "p")["w"], Tensor([1.5, -2]))
    }
}
