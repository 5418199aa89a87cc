/// Shortest round-trip decimal text of a Double, so written files read back bit-exactly.
@inline(__always)
func formatted(_ x: Double) -> String { x == 0 ? "0" : "\(x)" }
