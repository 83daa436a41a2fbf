// fuzz-modules: ShiftcastTensor ShiftcastModel ShiftcastData
//
// libFuzzer harness for the NumPy .npy readers (see Docs/Reliability.md, "Fuzzing").
// Every input is read, in memory, as a feature matrix (`NPY.readMatrix`), as labels
// (`NPY.readLabels`) and as a vector (`NPY.readVector`). Each must return a value or
// throw `InputError`. Beyond "no crash" it checks what a successful read promises:
// a matrix is 2-D with finite values, labels are non-negative, a vector is finite.
// Differential: the input is also written to a scratch file and read by the block reader
// `NPYMatrixReader` in batches of 1–3 rows; the batches must equal the in-memory matrix, or
// both readers must throw the same message.
// A violated check is a `fatalError`, which libFuzzer reports as a crash.
import ShiftcastData
import ShiftcastTensor
#if canImport(Glibc)
import Glibc
#endif

/// One scratch file per fuzzing process.
let scratchPath = "/tmp/shiftcast-fuzz-npy-\(getpid()).npy"

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzNPY(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = size > 0 && data != nil ? Array(UnsafeBufferPointer(start: data, count: size)) : []
    if let matrix = attempt({ try NPY.readMatrix(bytes: bytes) }) {
        if matrix.rank != 2 || matrix.scalars.count != matrix.shape.reduce(1, *) { fatalError("bad matrix shape \(matrix.shape)") }
        if !matrix.scalars.allSatisfy(\.isFinite) { fatalError("non-finite value in a matrix that was read") }
    }
    checkBlockReader(bytes, whole: Result { try NPY.readMatrix(bytes: bytes, path: scratchPath) })
    if let labels = attempt({ try NPY.readLabels(bytes: bytes) }) {
        if labels.contains(where: { $0 < 0 }) { fatalError("negative label in labels that were read") }
    }
    if let vector = attempt({ try NPY.readVector(bytes: bytes) }) {
        if !vector.allSatisfy(\.isFinite) { fatalError("non-finite value in a vector that was read") }
    }
    return 0
}

/// Reads `bytes` from a file with `NPYMatrixReader` and compares with the in-memory read.
func checkBlockReader(_ bytes: [UInt8], whole: Result<Tensor, any Error>) {
    let fd = open(scratchPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
    guard fd >= 0 else { fatalError("cannot write \(scratchPath)") }
    _ = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
    close(fd)
    let batch = 1 + Int(bytes.last ?? 0) % 3
    let streamed = Result { () throws -> Tensor in
        let reader = try NPYMatrixReader(path: scratchPath)
        var parts: [Tensor] = []
        while let rows = try reader.nextRows(maxRows: batch) {
            if rows.rowCount > batch { fatalError("a batch of \(rows.rowCount) rows, asked for \(batch)") }
            parts.append(rows)
        }
        return parts.isEmpty ? Tensor(zeros: [0, reader.columnCount]) : Tensor.concatenatingRows(parts)
    }
    switch (whole, streamed) {
    case let (.success(a), .success(b)):
        if a != b { fatalError("block reader read \(b.shape), in-memory reader \(a.shape) with other values") }
    case let (.failure(a as InputError), .failure(b as InputError)):
        if a.message != b.message { fatalError("block reader: \(b.message); in-memory reader: \(a.message)") }
    case let (.failure(e), _) where !(e is InputError), let (_, .failure(e)) where !(e is InputError):
        fatalError("a reader threw \(type(of: e)) instead of InputError: \(e)")
    default:
        fatalError("one reader succeeded, the other failed: in-memory \(whole), block \(streamed)")
    }
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
