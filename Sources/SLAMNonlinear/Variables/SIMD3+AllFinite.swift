extension SIMD3 where Scalar: FloatingPoint {
    /// Whether every component is finite. Checked per component: a point near the top of the
    /// range (1e200) is finite although its squared norm overflows.
    var allFinite: Bool { x.isFinite && y.isFinite && z.isFinite }
}
