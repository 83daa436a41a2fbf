// fuzz-modules: ShiftcastTensor ShiftcastModel ShiftcastData
//
// libFuzzer harness for the CSV reader (see Docs/Reliability.md, "Fuzzing").
// Every input is parsed as CSV text in four ways, all in memory:
//   1. `CSV.read` with the default options (label column `label`);
//   2. `CSV.read` with no label column (every column a feature);
//   3. `CSV.read` requiring labels, `classCount: 3`, `allowEmpty: true`;
//   4. the streaming `CSVReader` with batches of 1, 2 or 3 rows.
// Each must return a dataset or throw `InputError`. Beyond "no crash" it checks:
//   - the streamed batches, concatenated, equal the whole-file read (or both throw
//     the same InputError);
//   - a dataset that was read writes (`CSV.encode`) and reads back unchanged.
// A violated check is a `fatalError`, which libFuzzer reports as a crash.
import ShiftcastData

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCSV(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = size > 0 && data != nil ? Array(UnsafeBufferPointer(start: data, count: size)) : []
    let optionSets = [
        CSVReadOptions(),
        CSVReadOptions(labelColumn: nil),
        CSVReadOptions(requireLabels: true, allowEmpty: true, classCount: 3),
    ]
    for options in optionSets {
        let whole = outcome { try CSV.read(bytes: bytes, options: options) }
        if case .read(let dataset) = whole { checkRoundTrip(dataset, options: options) }
        if options == optionSets[0] {
            let batchRows = 1 + (bytes.first.map { Int($0) % 3 } ?? 0)
            let streamed = outcome { try readStreaming(bytes, options: options, batchRows: batchRows) }
            if streamed != whole {
                fatalError("streaming (batches of \(batchRows)) gave \(streamed), whole-file read gave \(whole)")
            }
        }
    }
    return 0
}

/// What a read did: a dataset, or the InputError it threw.
enum Outcome: Equatable {
    case read(Dataset)
    case failed(InputError)
}

func outcome(_ body: () throws -> Dataset) -> Outcome {
    do {
        return .read(try body())
    } catch let error as InputError {
        return .failed(error)
    } catch {
        fatalError("a reader threw \(type(of: error)) instead of InputError: \(error)")
    }
}

func readStreaming(_ bytes: [UInt8], options: CSVReadOptions, batchRows: Int) throws -> Dataset {
    let reader = try CSVReader(bytes: bytes, options: options)
    var batches: [Dataset] = []
    while let batch = try reader.nextBatch(maxRows: batchRows) {
        if batch.rowCount > batchRows { fatalError("batch of \(batch.rowCount) rows, asked for at most \(batchRows)") }
        batches.append(batch)
    }
    if try reader.nextBatch(maxRows: batchRows) != nil { fatalError("a batch after the end") }
    guard !batches.isEmpty else {
        return Dataset(features: Tensor(zeros: [0, reader.featureNames.count]),
                       labels: reader.hasLabels ? [] : nil, featureNames: reader.featureNames,
                       classCount: options.classCount)
    }
    return Dataset.concatenating(batches)
}

func checkRoundTrip(_ dataset: Dataset, options: CSVReadOptions) {
    let text = CSV.encode(dataset, labelColumn: options.labelColumn ?? "label")
    var again = options
    again.classCount = dataset.classCount
    switch outcome({ try CSV.read(bytes: text, options: again) }) {
    case .read(let reread):
        // A written file has at least its own classCount; labels and features must survive exactly.
        if reread.features != dataset.features || reread.labels != dataset.labels
            || reread.featureNames != dataset.featureNames {
            fatalError("round trip changed the dataset: \(dataset) -> \(reread)")
        }
    case .failed(let error):
        if dataset.rowCount > 0 || !options.allowEmpty {
            fatalError("re-reading the written dataset failed: \(error)\n\(String(decoding: text, as: UTF8.self))")
        }
    }
}
