extension Duration {
    /// The duration in seconds as a `Double`, for timings in summaries and reports.
    public var seconds: Double {
        let (s, attoseconds) = components
        return Double(s) + Double(attoseconds) * 1e-18
    }
}
