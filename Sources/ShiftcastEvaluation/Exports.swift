@_exported import ShiftcastEstimators
