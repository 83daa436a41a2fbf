#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

@usableFromInline func _tanhf(_ x: Float) -> Float { tanhf(x) }
@usableFromInline func _expf(_ x: Float) -> Float { expf(x) }
@usableFromInline func _logf(_ x: Float) -> Float { logf(x) }
@usableFromInline func _cos(_ x: Double) -> Double { cos(x) }
@usableFromInline func _log(_ x: Double) -> Double { log(x) }
@usableFromInline func _pow(_ x: Double, _ y: Double) -> Double { pow(x, y) }
