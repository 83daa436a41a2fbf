#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

// Thin wrappers so files need not import the C library.
@inline(__always) func sine(_ x: Double) -> Double { sin(x) }
@inline(__always) func cosine(_ x: Double) -> Double { cos(x) }
@inline(__always) func exponential(_ x: Double) -> Double { exp(x) }
@inline(__always) func floorValue(_ x: Double) -> Double { floor(x) }
