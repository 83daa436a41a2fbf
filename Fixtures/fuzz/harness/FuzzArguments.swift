// fuzz-modules: ShiftcastTensor ShiftcastModel ShiftcastData ShiftcastEstimators ShiftcastBench ShiftcastCLI
//
// libFuzzer harness for the command-line parser (see Docs/Reliability.md, "Fuzzing").
// The input is split at NUL and newline bytes into argument words (invalid UTF-8 is repaired,
// as the OS would hand it to Swift). Every word list is resolved and parsed — help printed,
// usage errors reported — but no command runs. It must return 0, 64 or 1 and never crash.
import Foundation
import ShiftcastCLI

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzArguments(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = size > 0 && data != nil ? Array(UnsafeBufferPointer(start: data!, count: size)) : []
    let words = bytes.split(omittingEmptySubsequences: false, whereSeparator: { $0 == 0 || $0 == 10 })
        .map { String(decoding: $0, as: UTF8.self) }
    let status = ShiftcastCommand.parseOnly(arguments: words.count == 1 && words[0].isEmpty ? [] : words, console: .capturing())
    if ![0, 1, 64].contains(status) { fatalError("unexpected exit status \(status) for \(words)") }
    return 0
}
