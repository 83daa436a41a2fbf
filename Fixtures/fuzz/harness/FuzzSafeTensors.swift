// fuzz-modules: ShiftcastTensor ShiftcastModel
//
// libFuzzer harness for the safetensors reader (see Docs/Reliability.md, "Fuzzing").
// Every input is read in memory with `SafeTensorsFile.read(data:path:)`; it must return
// a file or throw `InputError`. A file that was read must encode (`encoded()`) and read
// back equal. A violated check is a `fatalError`, which libFuzzer reports as a crash.
import Foundation
import ShiftcastTensor
import ShiftcastModel

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSafeTensors(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = size > 0 && data != nil ? Data(bytes: data!, count: size) : Data()
    guard let file = attempt({ try SafeTensorsFile.read(data: bytes, path: "<memory>") }) else { return 0 }
    let written = file.encoded()
    guard let reread = attempt({ try SafeTensorsFile.read(data: written, path: "<encoded>") }) else {
        fatalError("a file that was read did not read back after encoded()")
    }
    if reread != file { fatalError("encoded() then read changed the file: \(file.tensors.map(\.name)) -> \(reread.tensors.map(\.name))") }
    return 0
}

/// The value `body` returns, or `nil` if it threw InputError (any other error is a finding).
func attempt<T>(_ body: () throws -> T) -> T? {
    do {
        return try body()
    } catch is InputError {
        return nil
    } catch {
        fatalError("a reader threw \(type(of: error)) instead of InputError: \(error)")
    }
}
