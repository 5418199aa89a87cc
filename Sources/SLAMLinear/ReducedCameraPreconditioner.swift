import CLapack

/// M⁻¹ for CGNR's equilibrated system Â = C (JᵀJ + D) C from its block factorization with the
/// points eliminated (``CGNR/Preconditioning/laggedSchur``):
///
///     y_l = Â_ll⁻¹ r_l,   x_c = Ŝ⁻¹ (r_c − Â_cl y_l),   x_l = y_l − Â_ll⁻¹ Â_lc x_c,
///
/// with the current point blocks (the block-Jacobi preconditioner's) and the current coupling
/// products Â_cl, Â_lc (CGNR's own Ĵ, at its product precision), and
/// Ŝ⁻¹ = C_c⁻¹ S⁻¹ C_c⁻¹ from a dense Cholesky factor of an earlier linearization's reduced camera
/// system S. With the current S this is Â⁻¹ (CG converges in one iteration); a lagged S keeps
/// it symmetric positive definite.
struct ReducedCameraPreconditioner: Preconditioner {
    let dimension: Int
    private let cameraColumns: Int
    private let points: BlockJacobiPreconditioner
    private var product: BAKernelOperator
    /// L of S = L Lᵀ, column-major, cameraColumns².
    private let factor: [Float]
    private let cameraScale: [Float]
    private var v: [Float], y: [Float], t: [Float], w: [Float], b: [Float]

    init(points: BlockJacobiPreconditioner, product: BAKernelOperator, factor: [Float], cameraScale: [Float]) {
        precondition(factor.count == cameraScale.count * cameraScale.count, "reduced factor shape")
        dimension = product.dimension
        cameraColumns = cameraScale.count
        self.points = points
        self.product = product
        self.factor = factor
        self.cameraScale = cameraScale
        v = [Float](repeating: 0, count: dimension)
        y = v
        t = v
        w = v
        b = [Float](repeating: 0, count: cameraColumns)
    }

    mutating func apply(_ r: [Float], into z: inout [Float]) throws {
        let nc = cameraColumns
        // y_l = Â_ll⁻¹ r_l (the camera blocks' output is not read).
        try points.apply(r, into: &y)
        try product.applyCameraPointBlock(y, into: &t)
        for i in 0..<nc { b[i] = (r[i] - t[i]) / cameraScale[i] }
        if nc > 0 {
            let order = Int32(nc)
            cblas_strsv(CblasColMajor, CblasLower, CblasNoTrans, CblasNonUnit, order, factor, order, &b, 1)
            cblas_strsv(CblasColMajor, CblasLower, CblasTrans, CblasNonUnit, order, factor, order, &b, 1)
        }
        for i in 0..<nc { v[i] = b[i] / cameraScale[i] }
        // t_l = Â_lc x_c; t_c still holds Â_cl y_l, whose block-Jacobi image w_c is not read.
        try product.applyPointCameraBlock(v, into: &t)
        try points.apply(t, into: &w)
        y.withUnsafeBufferPointer { y in
            w.withUnsafeBufferPointer { w in
                v.withUnsafeBufferPointer { v in
                    z.withUnsafeMutableBufferPointer { z in
                        for i in 0..<nc { z[i] = v[i] }
                        for i in nc..<dimension { z[i] = y[i] - w[i] }
                    }
                }
            }
        }
    }
}
