// ShiftcastBench: see Docs/Architecture.md
@_exported import ShiftcastTensor
