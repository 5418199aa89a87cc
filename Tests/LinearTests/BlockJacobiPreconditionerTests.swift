import Testing
@testable import SLAMLinear
import SLAMSparse
import MixedSLAMTestSupport

@Suite struct BlockJacobiPreconditionerTests {
    /// z = M⁻¹ r solves every diagonal block of JᵀJ + D on its own, to fp32 storage of the
    /// inverse: the residual of block i is about u_fp32 κ_i ‖r_i‖. D = 0.1 diag(JᵀJ) + 1e-3
    /// keeps each κ_i below about 1e3, so the bound 1e-3 ‖r_i‖∞ leaves a factor of 10, and a
    /// missing damping or a wrong block fails it.
    @Test(arguments: [6, 9])
    func applySolvesEachDampedDiagonalBlock(cameraSize c: Int) throws {
        let system = try randomBundleAdjustmentSystem(cameraSize: c, seed: UInt64(10 + c))
        let h = try system.normalMatrix().dense()
        let damping = try system.hessianDiagonal().map { 0.1 * $0 + 1e-3 }
        let n = system.columnCount
        let preconditioner = try BlockJacobiPreconditioner(
            system, damping: damping, columnScale: [Double](repeating: 1, count: n))
        var random = SeededGenerator(seed: 3)
        let r = (0..<n).map { _ in Float(random.uniform()) }
        var z = [Float](repeating: .nan, count: n)
        try preconditioner.apply(r, into: &z)
        let blocks = (0..<system.cameraCount).map { $0 * c..<($0 + 1) * c }
            + (0..<system.pointCount).map { system.cameraCount * c + 3 * $0..<system.cameraCount * c + 3 * ($0 + 1) }
        #expect(blocks.count == system.cameraCount + system.pointCount)
        for block in blocks {
            let scale = block.map { Double(abs(r[$0])) }.max()!
            for i in block {
                var residual = -Double(r[i]) + damping[i] * Double(z[i])
                for j in block { residual += h[i][j] * Double(z[j]) }
                #expect(abs(residual) <= 1e-3 * scale, "row \(i), c = \(c): residual \(residual)")
            }
        }
    }
}
