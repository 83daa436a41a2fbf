// fuzz-modules: ShiftcastTensor ShiftcastModel ShiftcastData
//
// libFuzzer harness for the NumPy .npy readers (see Docs/Reliability.md, "Fuzzing").
// Every input is read, in memory, as a feature matrix (`NPY.readMatrix`), as labels
// (`NPY.readLabels`) and as a vector (`NPY.readVector`). Each must return a value or
// throw `InputError`. Beyond "no crash" it checks what a successful read promises:
// a matrix is 2-D with finite values, labels are non-negative, a vector is finite.
// A violated check is a `fatalError`, which libFuzzer reports as a crash.
import ShiftcastData

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzNPY(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = size > 0 && data != nil ? Array(UnsafeBufferPointer(start: data, count: size)) : []
    if let matrix = attempt({ try NPY.readMatrix(bytes: bytes) }) {
        if matrix.rank != 2 || matrix.scalars.count != matrix.shape.reduce(1, *) { fatalError("bad matrix shape \(matrix.shape)") }
        if !matrix.scalars.allSatisfy(\.isFinite) { fatalError("non-finite value in a matrix that was read") }
    }
    if let labels = attempt({ try NPY.readLabels(bytes: bytes) }) {
        if labels.contains(where: { $0 < 0 }) { fatalError("negative label in labels that were read") }
    }
    if let vector = attempt({ try NPY.readVector(bytes: bytes) }) {
        if !vector.allSatisfy(\.isFinite) { fatalError("non-finite value in a vector that was read") }
    }
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
