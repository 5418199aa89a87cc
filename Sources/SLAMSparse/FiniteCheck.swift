extension Array where Element: SparseScalar {
    /// The index of the first NaN or infinite element, or nil.
    ///
    /// Validation runs on every matrix built from another module, where generic code is not
    /// specialized; a loop per concrete type keeps it at memory speed instead of paying a
    /// witness call (and, with `enumerated()`, tuple metadata) per element.
    func firstNonFiniteIndex() -> Int? {
        withUnsafeBufferPointer { buffer -> Int? in
            switch Element.precision {
            case .fp64: return buffer.withMemoryRebound(to: Double.self) { Self.firstNonFinite($0) }
            case .fp32: return buffer.withMemoryRebound(to: Float.self) { Self.firstNonFinite($0) }
            case .fp16: return buffer.withMemoryRebound(to: Float16.self) { Self.firstNonFinite($0) }
            }
        }
    }

    // One overload per type, not one generic function: a generic one is itself left
    // unspecialized and calls `isFinite` through a witness per element.
    private static func firstNonFinite(_ values: UnsafeBufferPointer<Double>) -> Int? {
        for k in 0..<values.count where !values[k].isFinite { return k }
        return nil
    }

    private static func firstNonFinite(_ values: UnsafeBufferPointer<Float>) -> Int? {
        for k in 0..<values.count where !values[k].isFinite { return k }
        return nil
    }

    private static func firstNonFinite(_ values: UnsafeBufferPointer<Float16>) -> Int? {
        for k in 0..<values.count where !values[k].isFinite { return k }
        return nil
    }
}
