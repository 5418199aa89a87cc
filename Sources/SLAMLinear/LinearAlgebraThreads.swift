import CLapack

/// Thread control of the BLAS behind CHOLMOD's supernodal factorization and LAPACK.
public enum LinearAlgebraThreads {
    /// Sets OpenBLAS' thread count; benchmarks use 1 so ratios are single-thread ratios.
    public static func setCount(_ count: Int) {
        openblas_set_num_threads(Int32(max(1, count)))
    }
}
