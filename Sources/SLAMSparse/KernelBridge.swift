import CKernels

/// Typed access to the C kernels for generic storage: one switch on the storage precision
/// per call, then a direct call of the `_f64`, `_f32`, `_f16` or `_f16n` kernel.
///
/// Callers (the matrix types) have validated shapes before reaching here.
enum KernelBridge {
    @inline(__always)
    static func check(_ status: Int32, _ options: KernelOptions) throws(SparseError) {
        if status == Int32(CK_OK.rawValue) { return }
        if status == Int32(CK_ERR_UNSUPPORTED_PATH.rawValue) {
            throw .unsupportedKernelPath(options.path?.description ?? KernelPath.active.description)
        }
        throw .invalidArgument("kernel returned status \(status)")
    }

    @inline(__always) static func d(_ p: UnsafeRawPointer?) -> UnsafePointer<Double>? { p?.assumingMemoryBound(to: Double.self) }
    @inline(__always) static func f(_ p: UnsafeRawPointer?) -> UnsafePointer<Float>? { p?.assumingMemoryBound(to: Float.self) }
    @inline(__always) static func h(_ p: UnsafeRawPointer?) -> UnsafePointer<Float16>? { p?.assumingMemoryBound(to: Float16.self) }
    @inline(__always) static func md(_ p: UnsafeMutableRawPointer?) -> UnsafeMutablePointer<Double>? { p?.assumingMemoryBound(to: Double.self) }
    @inline(__always) static func mf(_ p: UnsafeMutableRawPointer?) -> UnsafeMutablePointer<Float>? { p?.assumingMemoryBound(to: Float.self) }

    /// y = A x or Aᵀ x (or += ...) for a CSR matrix.
    static func csr<S: SparseScalar>(
        _: S.Type, transposed: Bool, accumulate: Bool, rows: Int, columns: Int,
        rowPointers: UnsafePointer<Int32>?, columnIndices: UnsafePointer<Int32>?,
        values: UnsafeRawPointer?, x: UnsafeRawPointer?, y: UnsafeMutableRawPointer?,
        options: KernelOptions
    ) -> Int32 {
        let p = options.cPath, a: Int32 = accumulate ? 1 : 0, r = Int32(rows), c = Int32(columns)
        switch (S.precision, transposed) {
        case (.fp64, false): return ck_csr_mv_f64(p, a, r, rowPointers, columnIndices, d(values), d(x), md(y))
        case (.fp64, true): return ck_csr_mtv_f64(p, a, r, c, rowPointers, columnIndices, d(values), d(x), md(y))
        case (.fp32, false): return ck_csr_mv_f32(p, a, r, rowPointers, columnIndices, f(values), f(x), mf(y))
        case (.fp32, true): return ck_csr_mtv_f32(p, a, r, c, rowPointers, columnIndices, f(values), f(x), mf(y))
        case (.fp16, false):
            return options.nativeHalf
                ? ck_csr_mv_f16n(p, a, r, rowPointers, columnIndices, h(values), f(x), mf(y))
                : ck_csr_mv_f16(p, a, r, rowPointers, columnIndices, h(values), f(x), mf(y))
        case (.fp16, true):
            return options.nativeHalf
                ? ck_csr_mtv_f16n(p, a, r, c, rowPointers, columnIndices, h(values), f(x), mf(y))
                : ck_csr_mtv_f16(p, a, r, c, rowPointers, columnIndices, h(values), f(x), mf(y))
        }
    }

    /// y = A x or Aᵀ x (or += ...) for a block CSR matrix.
    static func bsr<S: SparseScalar>(
        _: S.Type, transposed: Bool, accumulate: Bool, blockSize: Int, blockRows: Int,
        blockColumns: Int, rowPointers: UnsafePointer<Int32>?, columnIndices: UnsafePointer<Int32>?,
        values: UnsafeRawPointer?, x: UnsafeRawPointer?, y: UnsafeMutableRawPointer?,
        options: KernelOptions
    ) -> Int32 {
        let p = options.cPath, a: Int32 = accumulate ? 1 : 0, b = Int32(blockSize)
        let r = Int32(blockRows), c = Int32(blockColumns)
        switch (S.precision, transposed) {
        case (.fp64, false): return ck_bsr_mv_f64(p, a, b, r, rowPointers, columnIndices, d(values), d(x), md(y))
        case (.fp64, true): return ck_bsr_mtv_f64(p, a, b, r, c, rowPointers, columnIndices, d(values), d(x), md(y))
        case (.fp32, false): return ck_bsr_mv_f32(p, a, b, r, rowPointers, columnIndices, f(values), f(x), mf(y))
        case (.fp32, true): return ck_bsr_mtv_f32(p, a, b, r, c, rowPointers, columnIndices, f(values), f(x), mf(y))
        case (.fp16, false):
            return options.nativeHalf
                ? ck_bsr_mv_f16n(p, a, b, r, rowPointers, columnIndices, h(values), f(x), mf(y))
                : ck_bsr_mv_f16(p, a, b, r, rowPointers, columnIndices, h(values), f(x), mf(y))
        case (.fp16, true):
            return options.nativeHalf
                ? ck_bsr_mtv_f16n(p, a, b, r, c, rowPointers, columnIndices, h(values), f(x), mf(y))
                : ck_bsr_mtv_f16(p, a, b, r, c, rowPointers, columnIndices, h(values), f(x), mf(y))
        }
    }

    /// r = J [xp; xl] (or +=) for the bundle-adjustment layout.
    static func baProduct<S: SparseScalar>(
        _: S.Type, accumulate: Bool, observations: Int, poseIndices: UnsafePointer<Int32>?,
        landmarkIndices: UnsafePointer<Int32>?, blocks: UnsafeRawPointer?,
        posePart: UnsafeRawPointer?, landmarkPart: UnsafeRawPointer?, r: UnsafeMutableRawPointer?,
        options: KernelOptions
    ) -> Int32 {
        let p = options.cPath, a: Int32 = accumulate ? 1 : 0, n = Int32(observations)
        switch S.precision {
        case .fp64: return ck_ba_jp_f64(p, a, n, poseIndices, landmarkIndices, d(blocks), d(posePart), d(landmarkPart), md(r))
        case .fp32: return ck_ba_jp_f32(p, a, n, poseIndices, landmarkIndices, f(blocks), f(posePart), f(landmarkPart), mf(r))
        case .fp16:
            return options.nativeHalf
                ? ck_ba_jp_f16n(p, a, n, poseIndices, landmarkIndices, h(blocks), f(posePart), f(landmarkPart), mf(r))
                : ck_ba_jp_f16(p, a, n, poseIndices, landmarkIndices, h(blocks), f(posePart), f(landmarkPart), mf(r))
        }
    }

    /// [gp; gl] = Jᵀ q (or +=) for the bundle-adjustment layout.
    static func baTransposedProduct<S: SparseScalar>(
        _: S.Type, accumulate: Bool, observations: Int, poses: Int, landmarks: Int,
        poseIndices: UnsafePointer<Int32>?, landmarkIndices: UnsafePointer<Int32>?,
        blocks: UnsafeRawPointer?, q: UnsafeRawPointer?, posePart: UnsafeMutableRawPointer?,
        landmarkPart: UnsafeMutableRawPointer?, options: KernelOptions
    ) -> Int32 {
        let p = options.cPath, a: Int32 = accumulate ? 1 : 0, n = Int32(observations)
        let np = Int32(poses), nl = Int32(landmarks)
        switch S.precision {
        case .fp64: return ck_ba_jtq_f64(p, a, n, np, nl, poseIndices, landmarkIndices, d(blocks), d(q), md(posePart), md(landmarkPart))
        case .fp32: return ck_ba_jtq_f32(p, a, n, np, nl, poseIndices, landmarkIndices, f(blocks), f(q), mf(posePart), mf(landmarkPart))
        case .fp16:
            return options.nativeHalf
                ? ck_ba_jtq_f16n(p, a, n, np, nl, poseIndices, landmarkIndices, h(blocks), f(q), mf(posePart), mf(landmarkPart))
                : ck_ba_jtq_f16(p, a, n, np, nl, poseIndices, landmarkIndices, h(blocks), f(q), mf(posePart), mf(landmarkPart))
        }
    }

    /// Solves L y = b or Lᵀ y = b; block size 1 uses the scalar CSR kernels.
    static func triangular<S: SparseScalar>(
        _: S.Type, transposed: Bool, blockSize: Int, blockCount: Int,
        rowPointers: UnsafePointer<Int32>?, columnIndices: UnsafePointer<Int32>?,
        values: UnsafeRawPointer?, inverseDiagonal: UnsafeRawPointer?, b: UnsafeRawPointer?,
        y: UnsafeMutableRawPointer?, options: KernelOptions
    ) -> Int32 {
        let p = options.cPath, n = Int32(blockCount), B = Int32(blockSize)
        let rp = rowPointers, ci = columnIndices
        if blockSize == 1 {
            switch (S.precision, transposed) {
            case (.fp64, false): return ck_trsv_l_f64(p, n, rp, ci, d(values), d(inverseDiagonal), d(b), md(y))
            case (.fp64, true): return ck_trsv_lt_f64(p, n, rp, ci, d(values), d(inverseDiagonal), d(b), md(y))
            case (.fp32, false): return ck_trsv_l_f32(p, n, rp, ci, f(values), f(inverseDiagonal), f(b), mf(y))
            case (.fp32, true): return ck_trsv_lt_f32(p, n, rp, ci, f(values), f(inverseDiagonal), f(b), mf(y))
            case (.fp16, false):
                return options.nativeHalf
                    ? ck_trsv_l_f16n(p, n, rp, ci, h(values), h(inverseDiagonal), f(b), mf(y))
                    : ck_trsv_l_f16(p, n, rp, ci, h(values), h(inverseDiagonal), f(b), mf(y))
            case (.fp16, true):
                return options.nativeHalf
                    ? ck_trsv_lt_f16n(p, n, rp, ci, h(values), h(inverseDiagonal), f(b), mf(y))
                    : ck_trsv_lt_f16(p, n, rp, ci, h(values), h(inverseDiagonal), f(b), mf(y))
            }
        }
        switch (S.precision, transposed) {
        case (.fp64, false): return ck_btrsv_l_f64(p, B, n, rp, ci, d(values), d(inverseDiagonal), d(b), md(y))
        case (.fp64, true): return ck_btrsv_lt_f64(p, B, n, rp, ci, d(values), d(inverseDiagonal), d(b), md(y))
        case (.fp32, false): return ck_btrsv_l_f32(p, B, n, rp, ci, f(values), f(inverseDiagonal), f(b), mf(y))
        case (.fp32, true): return ck_btrsv_lt_f32(p, B, n, rp, ci, f(values), f(inverseDiagonal), f(b), mf(y))
        case (.fp16, false):
            return options.nativeHalf
                ? ck_btrsv_l_f16n(p, B, n, rp, ci, h(values), h(inverseDiagonal), f(b), mf(y))
                : ck_btrsv_l_f16(p, B, n, rp, ci, h(values), h(inverseDiagonal), f(b), mf(y))
        case (.fp16, true):
            return options.nativeHalf
                ? ck_btrsv_lt_f16n(p, B, n, rp, ci, h(values), h(inverseDiagonal), f(b), mf(y))
                : ck_btrsv_lt_f16(p, B, n, rp, ci, h(values), h(inverseDiagonal), f(b), mf(y))
        }
    }
}
