// The shiftcast executable: check the CPU, then hand over to ShiftcastCLI.
// This file is compiled for any x86-64 CPU; the kernels it calls may not be.
import ShiftcastCLI
import Foundation

CPUCheck.requireKernelFeatures()
AllocatorTuning.apply(environment: ProcessInfo.processInfo.environment)
exit(ShiftcastCommand.main(arguments: Array(CommandLine.arguments.dropFirst())))
