/// A validated information matrix Ω (n×n, symmetric positive semidefinite) and its square
/// root S with SᵀS = Ω, which whitens a factor's error: cost ½ eᵀΩe = ½‖S e‖².
///
/// S is the upper Cholesky factor when Ω is positive definite; for a singular PSD Ω (for
/// example one projected from an indefinite file matrix) it is diag(√λ) Vᵀ from the
/// eigen-decomposition, which has the same SᵀS.
public struct InformationMatrix: Sendable, Equatable {
    /// The dimension n.
    public let dimension: Int
    /// Ω, row-major n×n.
    public let matrix: [Double]
    /// S with SᵀS = Ω, row-major n×n.
    public let squareRoot: [Double]

    /// How the symmetric part of a candidate matrix relates to positive semidefiniteness.
    public enum Defect: Error, Equatable, Sendable, CustomStringConvertible {
        /// Wrong number of entries.
        case wrongSize(expected: Int, actual: Int)
        /// The dimension is not in 1...64.
        case invalidDimension(Int)
        /// An entry is NaN or infinite.
        case nonFinite
        /// Ω differs from Ωᵀ by more than 10⁻⁹ relative.
        case asymmetric(maxDifference: Double)
        /// Ω has an eigenvalue below −10⁻¹² of its largest magnitude.
        case indefinite(smallestEigenvalue: Double)

        /// A one-line explanation for logs and error messages.
        public var description: String {
            switch self {
            case .wrongSize(let e, let a): return "information has \(a) entries, expected \(e)"
            case .invalidDimension(let n): return "information dimension \(n) is not in 1...64"
            case .nonFinite: return "information has a NaN or infinite entry"
            case .asymmetric(let d): return "information is not symmetric (max |Ω − Ωᵀ| = \(d))"
            case .indefinite(let l): return "information is indefinite (smallest eigenvalue \(l))"
            }
        }
    }

    /// Ω = I. `n` must be in 1...64 (a literal in code, so another value is a programming
    /// error); ``isotropic(sigma:dimension:)`` throws instead.
    public static func identity(dimension n: Int) -> InformationMatrix {
        precondition((1...64).contains(n), "information dimension \(n) is not in 1...64")
        var m = [Double](repeating: 0, count: n * n)
        for i in 0..<n { m[i * n + i] = 1 }
        return InformationMatrix(validated: m, dimension: n, squareRoot: m)
    }

    /// Ω = diag(1/σ²) for standard deviations σ.
    public static func isotropic(sigma: Double, dimension n: Int) throws(Defect) -> InformationMatrix {
        guard (1...64).contains(n) else { throw .invalidDimension(n) }
        var m = [Double](repeating: 0, count: n * n)
        for i in 0..<n { m[i * n + i] = 1 / (sigma * sigma) }
        return try InformationMatrix(m, dimension: n)
    }

    /// Validates a row-major n×n matrix: finite, symmetric to 10⁻⁹ relative, PSD to 10⁻¹²
    /// relative. Use ``projected(_:dimension:)`` first to repair a defective matrix.
    public init(_ matrix: [Double], dimension n: Int) throws(Defect) {
        guard (1...64).contains(n) else { throw .invalidDimension(n) }
        guard matrix.count == n * n else { throw .wrongSize(expected: n * n, actual: matrix.count) }
        guard matrix.allSatisfy(\.isFinite) else { throw .nonFinite }
        let scale = matrix.reduce(0) { max($0, abs($1)) }
        var asym = 0.0
        for i in 0..<n { for j in 0..<n { asym = max(asym, abs(matrix[i * n + j] - matrix[j * n + i])) } }
        if asym > 1e-9 * scale { throw .asymmetric(maxDifference: asym) }
        if let s = Self.cholesky(matrix, n) {
            self.init(validated: matrix, dimension: n, squareRoot: s)
            return
        }
        let eigen = try SymmetricEigen(symmetric: matrix, dimension: n)
        let smallest = eigen.eigenvalues.min() ?? 0
        if smallest < -1e-12 * scale { throw .indefinite(smallestEigenvalue: smallest) }
        var s = [Double](repeating: 0, count: n * n)
        for k in 0..<n {
            let root = max(eigen.eigenvalues[k], 0).squareRoot()
            for j in 0..<n { s[k * n + j] = root * eigen.eigenvectors[j * n + k] }
        }
        self.init(validated: matrix, dimension: n, squareRoot: s)
    }

    /// An Ω and S already known to be valid, with SᵀS = Ω.
    init(validated matrix: [Double], dimension: Int, squareRoot: [Double]) {
        self.matrix = matrix
        self.dimension = dimension
        self.squareRoot = squareRoot
    }

    /// The nearest (Frobenius) symmetric PSD matrix: symmetrize, then clamp negative
    /// eigenvalues to zero. Returns the input unchanged when it is already symmetric PSD.
    ///
    /// - Throws: as ``SymmetricEigen/init(symmetric:dimension:)``: a dimension outside
    ///   1...64, a matrix without n² entries, or a non-finite entry cannot be repaired.
    public static func projected(_ matrix: [Double], dimension n: Int) throws(Defect) -> [Double] {
        let eigen = try SymmetricEigen(symmetric: matrix, dimension: n)
        return eigen.reconstructed { max($0, 0) }
    }

    /// Upper Cholesky factor U (UᵀU = A) or nil if A is not numerically positive definite.
    static func cholesky(_ a: [Double], _ n: Int) -> [Double]? {
        var u = [Double](repeating: 0, count: n * n)
        let scale = (0..<n).reduce(0.0) { max($0, abs(a[$1 * n + $1])) }
        for i in 0..<n {
            var d = a[i * n + i]
            for k in 0..<i { d -= u[k * n + i] * u[k * n + i] }
            guard d > 1e-14 * scale else { return nil }
            let r = d.squareRoot()
            u[i * n + i] = r
            for j in (i + 1)..<max(i + 1, n) {
                var s = a[i * n + j]
                for k in 0..<i { s -= u[k * n + i] * u[k * n + j] }
                u[i * n + j] = s / r
            }
        }
        return u
    }
}
