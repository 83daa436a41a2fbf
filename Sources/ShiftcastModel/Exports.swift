@_exported import ShiftcastTensor
