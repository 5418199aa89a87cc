import RealModule

/// A robust loss ρ applied to one factor's squared whitened error s = ‖S e‖².
///
/// The factor contributes ½ ρ(s) to the cost (½ s without a kernel). Linearization follows
/// iteratively reweighted least squares: residual and Jacobian are both scaled by √ρ′(s),
/// so the Gauss-Newton step on the scaled system is the IRLS step for the robust cost. The
/// second-order term ρ″ (Triggs' correction, used by Ceres) is deliberately left out: it
/// can make the normal equations indefinite, and IRLS converges to the same minimizers.
public enum RobustKernel: Sendable, Equatable, Hashable {
    /// No kernel: ρ(s) = s.
    case none
    /// Huber with threshold k on the whitened error norm: ρ(s) = s for s ≤ k²,
    /// 2k√s − k² beyond; quadratic for inliers, linear for outliers.
    case huber(threshold: Double)
    /// Cauchy with scale c: ρ(s) = c² log(1 + s/c²); outliers grow logarithmically.
    case cauchy(scale: Double)
    /// Geman-McClure with scale c: ρ(s) = s c²/(c² + s); redescending, so gross outliers
    /// stop pulling at all (ρ tends to c²).
    case gemanMcClure(scale: Double)

    /// Whether the kernel's parameter is finite and positive (always true for `.none`).
    public var isValid: Bool {
        switch self {
        case .none: return true
        case .huber(let k): return k.isFinite && k > 0
        case .cauchy(let c), .gemanMcClure(let c): return c.isFinite && c > 0
        }
    }

    /// ρ(s) and √ρ′(s) for a squared whitened error s ≥ 0.
    @inlinable
    public func evaluate(_ s: Double) -> (rho: Double, weight: Double) {
        switch self {
        case .none:
            return (s, 1)
        case .huber(let k):
            if s <= k * k { return (s, 1) }
            let r = s.squareRoot()
            return (2 * k * r - k * k, (k / r).squareRoot())
        case .cauchy(let c):
            let c2 = c * c
            return (c2 * Double.log(onePlus: s / c2), (1 / (1 + s / c2)).squareRoot())
        case .gemanMcClure(let c):
            let c2 = c * c
            let d = c2 + s
            return (s * c2 / d, c2 / d)
        }
    }
}
