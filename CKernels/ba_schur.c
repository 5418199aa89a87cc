/* Bundle-adjustment normal-equation kernels: the dense Schur complement of the points (S in
 * fp64 with its right-hand side, or S alone in fp32) and the fp64 block-Jacobi blocks. One
 * body each, compiled for the portable path and for AVX2+FMA; the 6-dof, 2-row case is
 * instantiated with constant sizes so the 6×6 block updates unroll and vectorize. */
#include "ck_internal.h"

/* Inverse of the symmetric 3×3 matrix h by its adjugate; 0 if h is not positive definite. */
static inline __attribute__((always_inline)) int ck_inverse3(const double *restrict h,
                                                              double *restrict inv) {
    const double a = h[0], b = h[1], c = h[2], d = h[4], e = h[5], f = h[8];
    const double c00 = d * f - e * e, c01 = c * e - b * f, c02 = b * e - c * d;
    const double det = a * c00 + b * c01 + c * c02;
    if (!(a > 0 && a * d - b * b > 0 && det > 0 && det < __builtin_inf())) return 0;
    const double c11 = a * f - c * c, c12 = b * c - a * e, c22 = a * d - b * b;
    const double s = 1 / det;
    inv[0] = c00 * s, inv[1] = c01 * s, inv[2] = c02 * s;
    inv[3] = c01 * s, inv[4] = c11 * s, inv[5] = c12 * s;
    inv[6] = c02 * s, inv[7] = c12 * s, inv[8] = c22 * s;
    return 1;
}

#define SCHUR_BODY ck_ba_schur_body_f64
#define S_T double
#define SCHUR_RHS 1
#define SCHUR_PACKED 0
#include "ba_schur_body.inc"
#undef SCHUR_BODY
#undef S_T
#undef SCHUR_RHS
#undef SCHUR_PACKED
#define SCHUR_BODY ck_ba_schur_body_f32
#define S_T float
#define SCHUR_RHS 0
#define SCHUR_PACKED 1
#include "ba_schur_body.inc"
#undef SCHUR_BODY
#undef S_T
#undef SCHUR_RHS
#undef SCHUR_PACKED

#define CK_SCHUR_ARGS(T)                                                                      \
    int32_t ncams, int32_t npoints, int32_t nobs, const int32_t *restrict cam,               \
        const int32_t *restrict point_start, const int32_t *restrict obs_by_point,            \
        const double *restrict cblocks, const double *restrict pblocks,                       \
        const double *restrict damping, const double *restrict g, T *restrict s,              \
        double *restrict rhs, double *restrict pinv, T *restrict packed, T *restrict work,    \
        int32_t *restrict cols
#define CK_SCHUR_PASS                                                                         \
    ncams, npoints, nobs, cam, point_start, obs_by_point, cblocks, pblocks, damping, g, s, rhs, \
        pinv, packed, work, cols

/* The scalar and AVX2 instances of one precision's body; the 6-dof, 2-row case with
 * constant sizes. */
#define CK_SCHUR_PATHS(T, BODY, NAME)                                                          \
    static int NAME##_scalar(int32_t c, int32_t m, CK_SCHUR_ARGS(T)) {                        \
        if (c == 6 && m == 2) return BODY(6, 2, CK_SCHUR_PASS);                               \
        return BODY(c, m, CK_SCHUR_PASS);                                                     \
    }                                                                                         \
    CK_SCHUR_AVX2(T, BODY, NAME)                                                              \
    static int NAME(ck_path path, int32_t c, int32_t m, CK_SCHUR_ARGS(T),                     \
                    int32_t *restrict failed) {                                               \
        ck_path p;                                                                            \
        const int status = ck_resolve_path(path, &p);                                         \
        if (status != CK_OK) return status;                                                   \
        const int result = CK_SCHUR_CALL_AVX2(NAME) NAME##_scalar(c, m, CK_SCHUR_PASS);       \
        *failed = result - 1;                                                                 \
        return result == 0 ? CK_OK : CK_ERR_BREAKDOWN;                                        \
    }
#if defined(__x86_64__) || defined(__i386__)
#define CK_SCHUR_AVX2(T, BODY, NAME)                                                           \
    __attribute__((target("avx2,fma"))) static int NAME##_avx2(int32_t c, int32_t m,          \
                                                               CK_SCHUR_ARGS(T)) {            \
        if (c == 6 && m == 2) return BODY(6, 2, CK_SCHUR_PASS);                               \
        return BODY(c, m, CK_SCHUR_PASS);                                                     \
    }
#define CK_SCHUR_CALL_AVX2(NAME) p != CK_PATH_SCALAR ? NAME##_avx2(c, m, CK_SCHUR_PASS) :
#else
#define CK_SCHUR_AVX2(T, BODY, NAME)
#define CK_SCHUR_CALL_AVX2(NAME)
#endif

CK_SCHUR_PATHS(double, ck_ba_schur_body_f64, ck_ba_schur64)
CK_SCHUR_PATHS(float, ck_ba_schur_body_f32, ck_ba_schur32)

int ck_ba_schur_f64(ck_path path, int32_t c, int32_t m, int32_t ncams, int32_t npoints,
                    int32_t nobs, const int32_t *restrict cam, const int32_t *restrict point_start,
                    const int32_t *restrict obs_by_point, const double *restrict cblocks,
                    const double *restrict pblocks, const double *restrict damping,
                    const double *restrict g, double *restrict s, double *restrict rhs,
                    double *restrict pinv, double *restrict work, int32_t *restrict cols,
                    int32_t *restrict failed) {
    double *restrict packed = 0;
    return ck_ba_schur64(path, c, m, CK_SCHUR_PASS, failed);
}

int ck_ba_schur_s_f32(ck_path path, int32_t c, int32_t m, int32_t ncams, int32_t npoints,
                      int32_t nobs, const int32_t *restrict cam,
                      const int32_t *restrict point_start, const int32_t *restrict obs_by_point,
                      const double *restrict cblocks, const double *restrict pblocks,
                      const double *restrict damping, float *restrict s, float *restrict packed,
                      float *restrict work, int32_t *restrict cols, int32_t *restrict failed) {
    const double *restrict g = 0;
    double *restrict rhs = 0, *restrict pinv = 0;
    return ck_ba_schur32(path, c, m, CK_SCHUR_PASS, failed);
}

/* Block-Jacobi blocks of JᵀJ: Σ C_kᵀC_k per camera and Σ P_kᵀP_k per point. */
static inline __attribute__((always_inline)) void ck_ba_blocks_body(
    const int32_t c, const int32_t m, int32_t ncams, int32_t npoints, int32_t nobs,
    const int32_t *restrict cam, const int32_t *restrict pt, const double *restrict cblocks,
    const double *restrict pblocks, double *restrict hcc, double *restrict hpp) {
    for (int64_t i = 0; i < (int64_t)ncams * c * c; i++) hcc[i] = 0;
    for (int64_t i = 0; i < (int64_t)npoints * 9; i++) hpp[i] = 0;
    for (int32_t k = 0; k < nobs; k++) {
        if (cam[k] >= 0) {
            double *restrict out = hcc + (int64_t)cam[k] * c * c;
            const double *restrict a = cblocks + (int64_t)k * m * c;
            for (int32_t row = 0; row < m; row++)
                for (int32_t i = 0; i < c; i++)
                    for (int32_t j = 0; j < c; j++) out[i * c + j] += a[row * c + i] * a[row * c + j];
        }
        if (pt[k] >= 0) {
            double *restrict out = hpp + (int64_t)pt[k] * 9;
            const double *restrict a = pblocks + (int64_t)k * m * 3;
            for (int32_t row = 0; row < m; row++)
                for (int32_t i = 0; i < 3; i++)
                    for (int32_t j = 0; j < 3; j++) out[i * 3 + j] += a[row * 3 + i] * a[row * 3 + j];
        }
    }
}

#define CK_BLOCKS_ARGS                                                                        \
    int32_t ncams, int32_t npoints, int32_t nobs, const int32_t *restrict cam,               \
        const int32_t *restrict pt, const double *restrict cblocks,                           \
        const double *restrict pblocks, double *restrict hcc, double *restrict hpp
#define CK_BLOCKS_PASS ncams, npoints, nobs, cam, pt, cblocks, pblocks, hcc, hpp

static void ck_ba_blocks_scalar(int32_t c, int32_t m, CK_BLOCKS_ARGS) {
    if (c == 6 && m == 2) ck_ba_blocks_body(6, 2, CK_BLOCKS_PASS);
    else ck_ba_blocks_body(c, m, CK_BLOCKS_PASS);
}

#if defined(__x86_64__) || defined(__i386__)
__attribute__((target("avx2,fma"))) static void ck_ba_blocks_avx2(int32_t c, int32_t m,
                                                                  CK_BLOCKS_ARGS) {
    if (c == 6 && m == 2) ck_ba_blocks_body(6, 2, CK_BLOCKS_PASS);
    else ck_ba_blocks_body(c, m, CK_BLOCKS_PASS);
}
#endif

int ck_ba_diag_blocks_f64(ck_path path, int32_t c, int32_t m, CK_BLOCKS_ARGS) {
    ck_path p;
    const int status = ck_resolve_path(path, &p);
    if (status != CK_OK) return status;
#if defined(__x86_64__) || defined(__i386__)
    if (p != CK_PATH_SCALAR) {
        ck_ba_blocks_avx2(c, m, CK_BLOCKS_PASS);
        return CK_OK;
    }
#endif
    ck_ba_blocks_scalar(c, m, CK_BLOCKS_PASS);
    return CK_OK;
}

int ck_ba_gradient_diag_f64(int32_t c, int32_t m, int32_t ncams, int32_t npoints, int32_t nobs,
                            const int32_t *restrict cam, const int32_t *restrict pt,
                            const double *restrict cblocks, const double *restrict pblocks,
                            const double *restrict r, double *restrict g, double *restrict d) {
    const int64_t n = (int64_t)c * ncams + 3 * (int64_t)npoints;
    for (int64_t i = 0; i < n; i++) g[i] = d[i] = 0;
    double *restrict gp = g + (int64_t)c * ncams, *restrict dp = d + (int64_t)c * ncams;
    for (int32_t k = 0; k < nobs; k++) {
        for (int32_t row = 0; row < m; row++) {
            const double rk = r[(int64_t)k * m + row];
            if (cam[k] >= 0) {
                const double *restrict a = cblocks + ((int64_t)k * m + row) * c;
                double *restrict go = g + (int64_t)cam[k] * c, *restrict dout = d + (int64_t)cam[k] * c;
                for (int32_t j = 0; j < c; j++) {
                    go[j] += a[j] * rk;
                    dout[j] += a[j] * a[j];
                }
            }
            if (pt[k] >= 0) {
                const double *restrict a = pblocks + ((int64_t)k * m + row) * 3;
                double *restrict go = gp + (int64_t)pt[k] * 3, *restrict dout = dp + (int64_t)pt[k] * 3;
                for (int32_t j = 0; j < 3; j++) {
                    go[j] += a[j] * rk;
                    dout[j] += a[j] * a[j];
                }
            }
        }
    }
    return CK_OK;
}

double ck_ba_jx_norm2_f64(int32_t c, int32_t m, int32_t ncams, int32_t nobs,
                          const int32_t *restrict cam, const int32_t *restrict pt,
                          const double *restrict cblocks, const double *restrict pblocks,
                          const double *restrict x) {
    const double *restrict xp = x + (int64_t)c * ncams;
    double sum = 0;
    for (int32_t k = 0; k < nobs; k++) {
        for (int32_t row = 0; row < m; row++) {
            double e = 0;
            if (cam[k] >= 0) {
                const double *restrict a = cblocks + ((int64_t)k * m + row) * c;
                const double *restrict xc = x + (int64_t)cam[k] * c;
                for (int32_t j = 0; j < c; j++) e += a[j] * xc[j];
            }
            if (pt[k] >= 0) {
                const double *restrict a = pblocks + ((int64_t)k * m + row) * 3;
                const double *restrict xl = xp + (int64_t)pt[k] * 3;
                e += a[0] * xl[0] + a[1] * xl[1] + a[2] * xl[2];
            }
            sum += e * e;
        }
    }
    return sum;
}
