/* Bundle-adjustment normal-equation kernels (fp64): the dense Schur complement of the points
 * and the block-Jacobi blocks. One body, compiled for
 * the portable path and for AVX2+FMA; the 6-dof, 2-row case is instantiated with constant
 * sizes so the 6×6 block updates unroll and vectorize. */
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

static inline __attribute__((always_inline)) int ck_ba_schur_body(
    const int32_t c, const int32_t m, int32_t ncams, int32_t npoints, int32_t nobs,
    const int32_t *restrict cam, const int32_t *restrict point_start,
    const int32_t *restrict obs_by_point, const double *restrict cblocks,
    const double *restrict pblocks, const double *restrict damping, const double *restrict g,
    double *restrict s, double *restrict rhs, double *restrict pinv, double *restrict work,
    int32_t *restrict cols) {
    const int64_t n = (int64_t)c * ncams;
    for (int64_t i = 0; i < n * n; i++) s[i] = 0;
    for (int64_t i = 0; i < n; i++) rhs[i] = -g[i];
    /* Hcc: Σ C_kᵀ C_k into the diagonal camera blocks (lower triangle is enough). */
    for (int32_t k = 0; k < nobs; k++) {
        if (cam[k] < 0) continue;
        const int64_t o = (int64_t)cam[k] * c;
        const double *restrict ck = cblocks + (int64_t)k * m * c;
        for (int32_t j = 0; j < c; j++) {
            double *restrict column = s + (o + j) * n + o;
            for (int32_t row = 0; row < m; row++) {
                const double a = ck[row * c + j];
                for (int32_t i = 0; i < c; i++) column[i] += ck[row * c + i] * a;
            }
        }
    }
    for (int64_t i = 0; i < n; i++) s[i * n + i] += damping[i];

    double *restrict hcp = work; /* c × 3 row-major per observation of the current point */
    for (int32_t j = 0; j < npoints; j++) {
        const int32_t first = point_start[j], last = point_start[j + 1];
        double h[9] = {0, 0, 0, 0, 0, 0, 0, 0, 0};
        for (int32_t t = first; t < last; t++) {
            const double *restrict pk = pblocks + (int64_t)obs_by_point[t] * m * 3;
            for (int32_t row = 0; row < m; row++)
                for (int32_t a = 0; a < 3; a++)
                    for (int32_t b = 0; b < 3; b++) h[a * 3 + b] += pk[row * 3 + a] * pk[row * 3 + b];
        }
        const double *restrict dp = damping + n + (int64_t)j * 3;
        h[0] += dp[0], h[4] += dp[1], h[8] += dp[2];
        double *restrict inv = pinv + (int64_t)j * 9;
        if (!ck_inverse3(h, inv)) return 1 + j;
        const double *restrict gj = g + n + (int64_t)j * 3;
        /* For each observation by a free camera: H = C_kᵀ P_k (c × 3) and Wᵀ = (H Hpp⁻¹)ᵀ
         * (3 × c, so the update below runs along the rows of a camera). */
        const int32_t count = last - first;
        double *restrict w = work + (int64_t)count * c * 3;
        int32_t used = 0;
        for (int32_t t = first; t < last; t++) {
            const int32_t k = obs_by_point[t];
            if (cam[k] < 0) continue;
            const double *restrict ck = cblocks + (int64_t)k * m * c;
            const double *restrict pk = pblocks + (int64_t)k * m * 3;
            double *restrict hk = hcp + (int64_t)used * c * 3;
            double *restrict wk = w + (int64_t)used * c * 3;
            for (int32_t i = 0; i < c; i++)
                for (int32_t b = 0; b < 3; b++) {
                    double sum = 0;
                    for (int32_t row = 0; row < m; row++) sum += ck[row * c + i] * pk[row * 3 + b];
                    hk[i * 3 + b] = sum;
                }
            double *restrict r = rhs + (int64_t)cam[k] * c;
            for (int32_t i = 0; i < c; i++) {
                double gw = 0;
                for (int32_t b = 0; b < 3; b++) {
                    const double v = hk[i * 3] * inv[b] + hk[i * 3 + 1] * inv[3 + b] +
                                     hk[i * 3 + 2] * inv[6 + b];
                    wk[b * c + i] = v;
                    gw += v * gj[b];
                }
                r[i] += gw;
            }
            cols[used] = cam[k] * c;
            used++;
        }
        /* S −= W_a H_bᵀ for camera pairs in the lower block triangle (cam_a ≥ cam_b). */
        for (int32_t a = 0; a < used; a++) {
            const double *restrict wa = w + (int64_t)a * c * 3;
            const int64_t ca = cols[a];
            for (int32_t b = 0; b < used; b++) {
                if (cols[b] > ca) continue;
                const double *restrict hb = hcp + (int64_t)b * c * 3;
                for (int32_t jj = 0; jj < c; jj++) {
                    double *restrict column = s + ((int64_t)cols[b] + jj) * n + ca;
                    const double h0 = hb[jj * 3], h1 = hb[jj * 3 + 1], h2 = hb[jj * 3 + 2];
                    for (int32_t i = 0; i < c; i++)
                        column[i] -= wa[i] * h0 + wa[c + i] * h1 + wa[2 * c + i] * h2;
                }
            }
        }
    }
    return 0;
}

#define CK_SCHUR_ARGS                                                                         \
    int32_t ncams, int32_t npoints, int32_t nobs, const int32_t *restrict cam,               \
        const int32_t *restrict point_start, const int32_t *restrict obs_by_point,            \
        const double *restrict cblocks, const double *restrict pblocks,                       \
        const double *restrict damping, const double *restrict g, double *restrict s,         \
        double *restrict rhs, double *restrict pinv, double *restrict work,                   \
        int32_t *restrict cols
#define CK_SCHUR_PASS                                                                         \
    ncams, npoints, nobs, cam, point_start, obs_by_point, cblocks, pblocks, damping, g, s, rhs, \
        pinv, work, cols

static int ck_ba_schur_scalar(int32_t c, int32_t m, CK_SCHUR_ARGS) {
    if (c == 6 && m == 2) return ck_ba_schur_body(6, 2, CK_SCHUR_PASS);
    return ck_ba_schur_body(c, m, CK_SCHUR_PASS);
}

#if defined(__x86_64__) || defined(__i386__)
__attribute__((target("avx2,fma"))) static int ck_ba_schur_avx2(int32_t c, int32_t m,
                                                                CK_SCHUR_ARGS) {
    if (c == 6 && m == 2) return ck_ba_schur_body(6, 2, CK_SCHUR_PASS);
    return ck_ba_schur_body(c, m, CK_SCHUR_PASS);
}
#endif

int ck_ba_schur_f64(ck_path path, int32_t c, int32_t m, CK_SCHUR_ARGS, int32_t *restrict failed) {
    ck_path p;
    const int status = ck_resolve_path(path, &p);
    if (status != CK_OK) return status;
    int result;
#if defined(__x86_64__) || defined(__i386__)
    if (p != CK_PATH_SCALAR) result = ck_ba_schur_avx2(c, m, CK_SCHUR_PASS);
    else
#endif
        result = ck_ba_schur_scalar(c, m, CK_SCHUR_PASS);
    *failed = result - 1;
    return result == 0 ? CK_OK : CK_ERR_BREAKDOWN;
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
