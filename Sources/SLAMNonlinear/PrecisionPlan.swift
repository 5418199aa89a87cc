import SLAMSparse

/// Which precision each component of a nonlinear solve uses.
///
/// The state update x ⊞ δ is not a field: it is fp64 in every plan, because lower precision
/// must never write the state. Create plans with ``preset(_:for:)`` or by name with
/// ``init(name:for:)``; the fields can then be adjusted one by one.
public struct PrecisionPlan: Sendable, Equatable, Codable, CustomStringConvertible {
    /// The named plans users choose between.
    public enum Preset: String, Sendable, Codable, CaseIterable {
        /// Everything fp64: the reference.
        case fp64
        /// Residuals, products, solves and vectors fp32; state update fp64.
        case fp32
        /// Residuals, products and triangular solves fp16 without scaling, for comparison only
        /// (it is expected to degrade); Krylov vectors fp32, as in every iterative plan.
        case fp16
        /// fp16 where it is safe for the problem kind (BA: Jacobian products; PGO: the
        /// preconditioner's triangular solves), fp32 elsewhere, fp64 state update.
        case mixed
        /// `mixed`, escalating components to higher precision when casts overflow, CG
        /// stagnates, steps are rejected, or progress reaches the fp16 noise floor.
        case adaptive
    }

    /// The kind of problem a plan is resolved for, since `mixed` differs between them.
    public enum ProblemKind: String, Sendable, Codable {
        /// Pose-graph optimization (loop closure).
        case poseGraph
        /// Bundle adjustment (visual odometry).
        case bundleAdjustment
    }

    /// The preset this plan came from.
    public var preset: Preset
    /// Precision of residual and Jacobian evaluation.
    public var residual: Precision
    /// Storage and arithmetic precision of matrix-vector products (Hessian or Jacobian).
    public var matrixVector: Precision
    /// Precision of the preconditioner's triangular solves.
    public var triangularSolve: Precision
    /// Precision of Krylov vectors (dot products, axpy): fp32 in every iterative solve (there
    /// is no fp16 vector path, so fp16 here runs as fp32), fp64 for the direct solve.
    public var vectors: Precision
    /// Whether precision switching is on (the `adaptive` preset).
    public var switching: Bool
    /// Whether values are scaled (column equilibration, Jacobi scaling) before an fp16 cast.
    /// Off only in the naive `fp16` preset.
    public var scalesBeforeHalfCast: Bool

    /// The state update precision: always fp64.
    public var stateUpdate: Precision { .fp64 }

    /// The plan for a preset and a problem kind, as in the table of docs/precision.md.
    public static func preset(_ preset: Preset, for kind: ProblemKind) -> PrecisionPlan {
        switch preset {
        case .fp64:
            return PrecisionPlan(preset, .fp64, .fp64, .fp64, .fp64, switching: false, scales: true)
        case .fp32:
            return PrecisionPlan(preset, .fp32, .fp32, .fp32, .fp32, switching: false, scales: true)
        case .fp16:
            return PrecisionPlan(preset, .fp16, .fp16, .fp16, .fp32, switching: false, scales: false)
        case .mixed, .adaptive:
            let halfProducts = kind == .bundleAdjustment
            return PrecisionPlan(
                preset, .fp32, halfProducts ? .fp16 : .fp32, halfProducts ? .fp32 : .fp16, .fp32,
                switching: preset == .adaptive, scales: true)
        }
    }

    /// The plan named `name` (`fp64`, `fp32`, `fp16`, `mixed`, `adaptive`), or `nil`.
    public init?(name: String, for kind: ProblemKind) {
        guard let preset = Preset(rawValue: name.lowercased()) else { return nil }
        self = Self.preset(preset, for: kind)
    }

    private init(
        _ preset: Preset, _ residual: Precision, _ matrixVector: Precision, _ triangularSolve: Precision,
        _ vectors: Precision, switching: Bool, scales: Bool
    ) {
        self.preset = preset
        self.residual = residual
        self.matrixVector = matrixVector
        self.triangularSolve = triangularSolve
        self.vectors = vectors
        self.switching = switching
        self.scalesBeforeHalfCast = scales
    }

    /// The lowest precision any component uses.
    public var lowest: Precision { min(residual, matrixVector, triangularSolve, vectors) }

    /// `name(residual/matvec/trisolve/vectors/update)`, e.g. `mixed(fp32/fp32/fp16/fp32/fp64)`.
    public var description: String {
        "\(preset.rawValue)(\(residual)/\(matrixVector)/\(triangularSolve)/\(vectors)/\(stateUpdate))"
    }
}
