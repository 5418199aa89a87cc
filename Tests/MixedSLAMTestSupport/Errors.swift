/// γ_k(u) = k u / (1 − k u): the classic bound on k accumulated roundings of unit roundoff u.
public func gamma(_ k: Int, _ u: Double) -> Double { Double(k) * u / (1 - Double(k) * u) }

/// The larger of two errors, NaN when either is NaN: `Swift.max` returns its first argument
/// when the second is NaN, so a NaN result would pass a `worst <= bound` check.
public func largerError(_ a: Double, _ b: Double) -> Double { a.isNaN || b.isNaN ? .nan : max(a, b) }

/// The largest entrywise |a − b| of two equally shaped matrices given as rows (NaN if any
/// difference is NaN).
public func maxAbsDifference(_ a: [[Double]], _ b: [[Double]]) -> Double {
    zip(a, b).reduce(0) { worst, rows in zip(rows.0, rows.1).reduce(worst) { largerError($0, abs($1.0 - $1.1)) } }
}
