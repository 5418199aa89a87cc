/* Bundle-adjustment CGNR kernels (fp32 vectors): the block-Jacobi preconditioner product and
 * the normal-equation product g = Jᵀ (J x) in one pass over J stored in pose panels. */
#include <immintrin.h>
#include <math.h>
#include "ck_internal.h"

#define CK_IDENTITY(v) (v)
#define CK_HALF(v) ((float)(v))

/* z = blockdiag(M) r for the BA block-Jacobi preconditioner: ncams c×c blocks, then npoints
 * 3×3 blocks, each column-major fp32. Each z entry sums its row's products in column order,
 * as the AVX2 kernel does lane-wise. */
static inline __attribute__((always_inline)) void ck_bdiag_body(
    const int32_t c, int32_t ncams, int32_t npoints, const float *restrict inv,
    const float *restrict r, float *restrict z) {
    for (int32_t i = 0; i < ncams; i++) {
        const float *restrict block = inv + (int64_t)i * c * c;
        const float *restrict ri = r + (int64_t)i * c;
        float *restrict zi = z + (int64_t)i * c;
        for (int32_t row = 0; row < c; row++) {
            float sum = 0;
            for (int32_t j = 0; j < c; j++) sum += block[j * c + row] * ri[j];
            zi[row] = sum;
        }
    }
    const float *restrict points = inv + (int64_t)ncams * c * c;
    const float *restrict rp = r + (int64_t)ncams * c;
    float *restrict zp = z + (int64_t)ncams * c;
    for (int32_t i = 0; i < npoints; i++) {
        const float *restrict block = points + (int64_t)i * 9;
        for (int row = 0; row < 3; row++) {
            float sum = 0;
            for (int j = 0; j < 3; j++) sum += block[3 * j + row] * rp[3 * i + j];
            zp[3 * i + row] = sum;
        }
    }
}

static void ck_bdiag_scalar(int32_t c, int32_t ncams, int32_t npoints, const float *restrict inv,
                            const float *restrict r, float *restrict z) {
    if (c == 6) ck_bdiag_body(6, ncams, npoints, inv, r, z);
    else ck_bdiag_body(c, ncams, npoints, inv, r, z);
}

#if defined(__x86_64__) || defined(__i386__)
/* The same sums as ck_bdiag_body, a block's columns scaled by broadcasts of r: 6×6 camera
 * blocks in 8-lane vectors (lanes 6, 7 unused), 3×3 point blocks in 4-lane vectors (lane 3
 * unused). Every load stays inside its block. (The compiler's own vectorization of the body
 * assembled the columns lane by lane.) */
__attribute__((target("avx2,fma,f16c"))) static void ck_bdiag6_avx2(
    int32_t ncams, int32_t npoints, const float *restrict inv, const float *restrict r,
    float *restrict z) {
    for (int32_t i = 0; i < ncams; i++) {
        const float *restrict b = inv + (int64_t)i * 36;
        const float *restrict ri = r + (int64_t)i * 6;
        __m256 s = _mm256_mul_ps(_mm256_loadu_ps(b), _mm256_broadcast_ss(ri));
        for (int j = 1; j < 5; j++)
            s = _mm256_fmadd_ps(_mm256_loadu_ps(b + 6 * j), _mm256_broadcast_ss(ri + j), s);
        const __m256 last = _mm256_insertf128_ps(
            _mm256_castps128_ps256(_mm_loadu_ps(b + 30)),
            _mm_castpd_ps(_mm_load_sd((const double *)(b + 34))), 1);
        s = _mm256_fmadd_ps(last, _mm256_broadcast_ss(ri + 5), s);
        float *restrict zi = z + (int64_t)i * 6;
        _mm_storeu_ps(zi, _mm256_castps256_ps128(s));
        _mm_store_sd((double *)(zi + 4), _mm_castps_pd(_mm256_extractf128_ps(s, 1)));
    }
    const float *restrict points = inv + (int64_t)ncams * 36;
    const float *restrict rp = r + (int64_t)ncams * 6;
    float *restrict zp = z + (int64_t)ncams * 6;
    for (int32_t i = 0; i < npoints; i++) {
        const float *restrict b = points + (int64_t)i * 9;
        const float *restrict ri = rp + (int64_t)i * 3;
        const __m128 c2 = _mm_loadu_ps(b + 5); /* b5 b6 b7 b8 */
        __m128 s = _mm_mul_ps(_mm_loadu_ps(b), _mm_broadcast_ss(ri));
        s = _mm_fmadd_ps(_mm_loadu_ps(b + 3), _mm_broadcast_ss(ri + 1), s);
        s = _mm_fmadd_ps(_mm_shuffle_ps(c2, c2, _MM_SHUFFLE(3, 3, 2, 1)), _mm_broadcast_ss(ri + 2), s);
        float *restrict zi = zp + (int64_t)i * 3;
        _mm_store_sd((double *)zi, _mm_castps_pd(s));
        _mm_store_ss(zi + 2, _mm_movehl_ps(s, s));
    }
}

__attribute__((target("avx2,fma,f16c"))) static void ck_bdiag_avx2(
    int32_t c, int32_t ncams, int32_t npoints, const float *restrict inv, const float *restrict r,
    float *restrict z) {
    if (c == 6) ck_bdiag6_avx2(ncams, npoints, inv, r, z);
    else ck_bdiag_body(c, ncams, npoints, inv, r, z);
}
#endif

int ck_ba_block_diag_mv_f32(ck_path path, int32_t c, int32_t ncams, int32_t npoints,
                            const float *restrict inv, const float *restrict r, float *restrict z) {
    ck_path p;
    const int status = ck_resolve_path(path, &p);
    if (status != CK_OK) return status;
#if defined(__x86_64__) || defined(__i386__)
    if (p != CK_PATH_SCALAR) {
        ck_bdiag_avx2(c, ncams, npoints, inv, r, z);
        return CK_OK;
    }
#endif
    ck_bdiag_scalar(c, ncams, npoints, inv, r, z);
    return CK_OK;
}

/* ------------------------------------------------------------------ pose panels */

/* The panel kernels come in three parts of Ĵᵀ Ĵ, chosen by four compile-time flags: which
 * inputs they read (XC: xp, XL: xl) and which outputs they write (GC: gp, GL: gl). The full
 * product reads and writes both; the coupling blocks Ĵ_cᵀ Ĵ_l (xl → gp) and Ĵ_lᵀ Ĵ_c
 * (xp → gl) skip half the multiply-adds and either the landmark gather or the scatter. */
#define CK_PANEL_SCALAR(NAME, VAL, CVT, XC, XL, GC, GL)                                       \
    static void NAME(int32_t npanels, int32_t nposes, int32_t nlms,                          \
                     const int32_t *restrict panel_pose, const int32_t *restrict panel_lm,    \
                     const VAL *restrict b, const float *restrict xp, const float *restrict xl, \
                     float *restrict gp, float *restrict gl) {                                \
        if (GC) for (int64_t i = 0; i < (int64_t)nposes * 6; i++) gp[i] = 0;                  \
        if (GL) for (int64_t i = 0; i < (int64_t)nlms * 4; i++) gl[i] = 0;                    \
        for (int32_t q = 0; q < npanels; q++) {                                               \
            const VAL *restrict a = b + (int64_t)q * 144;                                     \
            const int64_t pose = (int64_t)panel_pose[q] * 6;                                  \
            for (int lane = 0; lane < 8; lane++) {                                            \
                const int64_t l = (int64_t)panel_lm[8 * q + lane] * 4;                        \
                float r0 = 0, r1 = 0;                                                         \
                for (int c = XC ? 0 : 6; c < (XL ? 9 : 6); c++) {                             \
                    const float x = c < 6 ? xp[pose + c] : xl[l + c - 6];                     \
                    r0 += CVT(a[c * 8 + lane]) * x;                                           \
                    r1 += CVT(a[(9 + c) * 8 + lane]) * x;                                     \
                }                                                                             \
                for (int c = GC ? 0 : 6; c < (GL ? 9 : 6); c++) {                             \
                    const float v = CVT(a[c * 8 + lane]) * r0 + CVT(a[(9 + c) * 8 + lane]) * r1; \
                    if (c < 6) gp[pose + c] += v;                                             \
                    else gl[l + c - 6] += v;                                                  \
                }                                                                             \
            }                                                                                 \
        }                                                                                     \
    }

CK_PANEL_SCALAR(ck_ba_panel_f32_scalar, float, CK_IDENTITY, 1, 1, 1, 1)
CK_PANEL_SCALAR(ck_ba_panel_f16_scalar, _Float16, CK_HALF, 1, 1, 1, 1)
CK_PANEL_SCALAR(ck_ba_panel_hcl_f32_scalar, float, CK_IDENTITY, 0, 1, 1, 0)
CK_PANEL_SCALAR(ck_ba_panel_hcl_f16_scalar, _Float16, CK_HALF, 0, 1, 1, 0)
CK_PANEL_SCALAR(ck_ba_panel_hlc_f32_scalar, float, CK_IDENTITY, 1, 0, 0, 1)
CK_PANEL_SCALAR(ck_ba_panel_hlc_f16_scalar, _Float16, CK_HALF, 1, 0, 0, 1)

#if defined(__x86_64__) || defined(__i386__)
#pragma clang attribute push(__attribute__((target("avx2,fma,f16c"))), apply_to = function)

#define CK_F32_LOAD8(p) _mm256_loadu_ps(p)
#define CK_F16_LOAD8(p) _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(p)))

/* Adds the six lane sums of acc[0..5] to g[0..5]. */
static inline void ck_panel_flush(float *restrict g, const __m256 *acc) {
    const __m256 h01 = _mm256_hadd_ps(acc[0], acc[1]), h23 = _mm256_hadd_ps(acc[2], acc[3]);
    const __m256 h45 = _mm256_hadd_ps(acc[4], acc[5]);
    const __m256 q0 = _mm256_hadd_ps(h01, h23); /* [s0 s1 s2 s3 | s0' s1' s2' s3'] halves */
    const __m256 q1 = _mm256_hadd_ps(h45, h45); /* [s4 s5 s4 s5 | s4' s5' ...] */
    const __m128 lo = _mm_add_ps(_mm256_castps256_ps128(q0), _mm256_extractf128_ps(q0, 1));
    const __m128 hi = _mm_add_ps(_mm256_castps256_ps128(q1), _mm256_extractf128_ps(q1, 1));
    _mm_storeu_ps(g, _mm_add_ps(_mm_loadu_ps(g), lo));
    _mm_store_sd((double *)(g + 4),
                 _mm_castps_pd(_mm_add_ps(_mm_castpd_ps(_mm_load_sd((const double *)(g + 4))), hi)));
}

/* Per panel: the three landmark coordinates of its eight observations gathered by a 4×8
 * transpose of the (stride-4) landmark vectors, r0 and r1 of all eight observations by 18
 * lane-wise multiply-adds, the pose part summed lane-wise in six registers until the pose
 * changes, the landmark part transposed back and added to the eight landmarks (each step
 * only where the flags ask for it; see CK_PANEL_SCALAR). */
#define CK_PANEL_AVX2(NAME, VAL, LOAD8, XC, XL, GC, GL)                                       \
    static void NAME(int32_t npanels, int32_t nposes, int32_t nlms,                          \
                     const int32_t *restrict panel_pose, const int32_t *restrict panel_lm,    \
                     const VAL *restrict b, const float *restrict xp, const float *restrict xl, \
                     float *restrict gp, float *restrict gl) {                                \
        if (GC) for (int64_t i = 0; i < (int64_t)nposes * 6; i++) gp[i] = 0;                  \
        if (GL) for (int64_t i = 0; i < (int64_t)nlms * 4; i++) gl[i] = 0;                    \
        __m256 acc[6];                                                                        \
        for (int c = 0; c < 6; c++) acc[c] = _mm256_setzero_ps();                             \
        int32_t current = npanels > 0 ? panel_pose[0] : 0;                                    \
        for (int32_t q = 0; q < npanels; q++) {                                               \
            if (panel_pose[q] != current) {                                                   \
                if (GC) {                                                                     \
                    ck_panel_flush(gp + (int64_t)current * 6, acc);                           \
                    for (int c = 0; c < 6; c++) acc[c] = _mm256_setzero_ps();                 \
                }                                                                             \
                current = panel_pose[q];                                                      \
            }                                                                                 \
            const VAL *restrict a = b + (int64_t)q * 144;                                     \
            const int32_t *restrict lm = panel_lm + (int64_t)q * 8;                           \
            __m256 x[9];                                                                      \
            if (XC) {                                                                         \
                const float *restrict p = xp + (int64_t)current * 6;                          \
                for (int c = 0; c < 6; c++) x[c] = _mm256_broadcast_ss(p + c);                \
            }                                                                                 \
            if (XL) {                                                                         \
                const __m256 w0 = _mm256_insertf128_ps(                                       \
                    _mm256_castps128_ps256(_mm_loadu_ps(xl + (int64_t)lm[0] * 4)),            \
                    _mm_loadu_ps(xl + (int64_t)lm[4] * 4), 1);                                \
                const __m256 w1 = _mm256_insertf128_ps(                                       \
                    _mm256_castps128_ps256(_mm_loadu_ps(xl + (int64_t)lm[1] * 4)),            \
                    _mm_loadu_ps(xl + (int64_t)lm[5] * 4), 1);                                \
                const __m256 w2 = _mm256_insertf128_ps(                                       \
                    _mm256_castps128_ps256(_mm_loadu_ps(xl + (int64_t)lm[2] * 4)),            \
                    _mm_loadu_ps(xl + (int64_t)lm[6] * 4), 1);                                \
                const __m256 w3 = _mm256_insertf128_ps(                                       \
                    _mm256_castps128_ps256(_mm_loadu_ps(xl + (int64_t)lm[3] * 4)),            \
                    _mm_loadu_ps(xl + (int64_t)lm[7] * 4), 1);                                \
                const __m256 t0 = _mm256_unpacklo_ps(w0, w1), t1 = _mm256_unpackhi_ps(w0, w1); \
                const __m256 t2 = _mm256_unpacklo_ps(w2, w3), t3 = _mm256_unpackhi_ps(w2, w3); \
                x[6] = _mm256_shuffle_ps(t0, t2, 0x44);                                       \
                x[7] = _mm256_shuffle_ps(t0, t2, 0xEE);                                       \
                x[8] = _mm256_shuffle_ps(t1, t3, 0x44);                                       \
            }                                                                                 \
            __m256 row0[9], row1[9];                                                          \
            for (int c = 0; c < 9; c++) {                                                     \
                row0[c] = LOAD8(a + c * 8);                                                   \
                row1[c] = LOAD8(a + (9 + c) * 8);                                             \
            }                                                                                 \
            const int first = XC ? 0 : 6, last = XL ? 9 : 6;                                  \
            __m256 r0 = _mm256_mul_ps(row0[first], x[first]);                                 \
            __m256 r1 = _mm256_mul_ps(row1[first], x[first]);                                 \
            for (int c = first + 1; c < last; c++) {                                          \
                r0 = _mm256_fmadd_ps(row0[c], x[c], r0);                                      \
                r1 = _mm256_fmadd_ps(row1[c], x[c], r1);                                      \
            }                                                                                 \
            if (GC)                                                                           \
                for (int c = 0; c < 6; c++)                                                   \
                    acc[c] = _mm256_fmadd_ps(row1[c], r1, _mm256_fmadd_ps(row0[c], r0, acc[c])); \
            if (GL) {                                                                         \
                const __m256 g0 = _mm256_fmadd_ps(row1[6], r1, _mm256_mul_ps(row0[6], r0));   \
                const __m256 g1 = _mm256_fmadd_ps(row1[7], r1, _mm256_mul_ps(row0[7], r0));   \
                const __m256 g2 = _mm256_fmadd_ps(row1[8], r1, _mm256_mul_ps(row0[8], r0));   \
                const __m256 zero = _mm256_setzero_ps();                                      \
                const __m256 s0 = _mm256_unpacklo_ps(g0, g1), s1 = _mm256_unpackhi_ps(g0, g1); \
                const __m256 s2 = _mm256_unpacklo_ps(g2, zero), s3 = _mm256_unpackhi_ps(g2, zero); \
                const __m256 u[4] = {_mm256_shuffle_ps(s0, s2, 0x44), _mm256_shuffle_ps(s0, s2, 0xEE), \
                                     _mm256_shuffle_ps(s1, s3, 0x44), _mm256_shuffle_ps(s1, s3, 0xEE)}; \
                for (int j = 0; j < 4; j++) {                                                 \
                    float *restrict lo = gl + (int64_t)lm[j] * 4;                             \
                    _mm_storeu_ps(lo, _mm_add_ps(_mm_loadu_ps(lo), _mm256_castps256_ps128(u[j]))); \
                    float *restrict hi = gl + (int64_t)lm[j + 4] * 4;                         \
                    _mm_storeu_ps(hi, _mm_add_ps(_mm_loadu_ps(hi), _mm256_extractf128_ps(u[j], 1))); \
                }                                                                             \
            }                                                                                 \
        }                                                                                     \
        if (GC && npanels > 0) ck_panel_flush(gp + (int64_t)current * 6, acc);                \
    }

CK_PANEL_AVX2(ck_ba_panel_f32_avx2, float, CK_F32_LOAD8, 1, 1, 1, 1)
CK_PANEL_AVX2(ck_ba_panel_f16_avx2, _Float16, CK_F16_LOAD8, 1, 1, 1, 1)
CK_PANEL_AVX2(ck_ba_panel_hcl_f32_avx2, float, CK_F32_LOAD8, 0, 1, 1, 0)
CK_PANEL_AVX2(ck_ba_panel_hcl_f16_avx2, _Float16, CK_F16_LOAD8, 0, 1, 1, 0)
CK_PANEL_AVX2(ck_ba_panel_hlc_f32_avx2, float, CK_F32_LOAD8, 1, 0, 0, 1)
CK_PANEL_AVX2(ck_ba_panel_hlc_f16_avx2, _Float16, CK_F16_LOAD8, 1, 0, 0, 1)

#pragma clang attribute pop
#endif

#if defined(__x86_64__) || defined(__i386__)
#define CK_PANEL_PICK(KERNEL, ARGS)                                                           \
    if (p == CK_PATH_SCALAR) KERNEL##_scalar ARGS;                                            \
    else KERNEL##_avx2 ARGS;
#else
#define CK_PANEL_PICK(KERNEL, ARGS) KERNEL##_scalar ARGS;
#endif

#define CK_PANEL_DISPATCH(S, VAL)                                                             \
    int ck_ba_panel_jtjx_##S(ck_path path, int32_t npanels, int32_t nposes, int32_t nlms,    \
                             const int32_t *restrict panel_pose,                              \
                             const int32_t *restrict panel_lm, const VAL *restrict blocks,    \
                             const float *restrict xp, const float *restrict xl,              \
                             float *restrict gp, float *restrict gl) {                        \
        ck_path p;                                                                            \
        const int status = ck_resolve_path(path, &p);                                         \
        if (status != CK_OK) return status;                                                   \
        CK_PANEL_PICK(ck_ba_panel_##S, (npanels, nposes, nlms, panel_pose, panel_lm, blocks, xp, xl, gp, gl)) \
        return CK_OK;                                                                         \
    }
CK_PANEL_DISPATCH(f32, float)
CK_PANEL_DISPATCH(f16, _Float16)

/* xp, xl from CG's vector x; y from gp, gl plus d ∘ x (see ck_ba_panel_normal_mv_f32). */
static void ck_panel_spread(int32_t ncams, int32_t npoints, const float *restrict x,
                            float *restrict xp, float *restrict xl) {
    const int64_t nc = 6 * (int64_t)ncams;
    for (int64_t i = 0; i < nc; i++) xp[i] = x[i];
    for (int64_t l = 0; l < npoints; l++)
        for (int c = 0; c < 3; c++) xl[4 * l + c] = x[nc + 3 * l + c];
}

static void ck_panel_gather(int32_t ncams, int32_t npoints, const float *restrict x,
                            const float *restrict d, const float *restrict gp,
                            const float *restrict gl, float *restrict y) {
    const int64_t nc = 6 * (int64_t)ncams;
    for (int64_t i = 0; i < nc; i++) y[i] = gp[i] + d[i] * x[i];
    for (int64_t l = 0; l < npoints; l++)
        for (int c = 0; c < 3; c++) {
            const int64_t i = nc + 3 * l + c;
            y[i] = gl[4 * l + c] + d[i] * x[i];
        }
}

#define CK_PANEL_NORMAL_MV(S, VAL)                                                            \
    int ck_ba_panel_normal_mv_##S(ck_path path, int32_t npanels, int32_t ncams,               \
                                  int32_t npoints, const int32_t *restrict panel_pose,        \
                                  const int32_t *restrict panel_lm, const VAL *restrict blocks, \
                                  const float *restrict d, const float *restrict x,           \
                                  float *restrict y, float *restrict xp, float *restrict xl,  \
                                  float *restrict gp, float *restrict gl) {                   \
        ck_path p;                                                                            \
        const int status = ck_resolve_path(path, &p);                                         \
        if (status != CK_OK) return status;                                                   \
        ck_panel_spread(ncams, npoints, x, xp, xl);                                           \
        CK_PANEL_PICK(ck_ba_panel_##S, (npanels, ncams + 1, npoints + 1, panel_pose, panel_lm,     \
                                         blocks, xp, xl, gp, gl))                             \
        ck_panel_gather(ncams, npoints, x, d, gp, gl, y);                                     \
        return CK_OK;                                                                         \
    }
CK_PANEL_NORMAL_MV(f32, float)
CK_PANEL_NORMAL_MV(f16, _Float16)

/* The coupling blocks of CGNR's product (no damping: it is diagonal) in CG's vector layout. */
#define CK_PANEL_COUPLING_MV(S, VAL)                                                          \
    int ck_ba_panel_hcl_mv_##S(ck_path path, int32_t npanels, int32_t ncams, int32_t npoints, \
                               const int32_t *restrict panel_pose,                            \
                               const int32_t *restrict panel_lm, const VAL *restrict blocks,  \
                               const float *restrict x, float *restrict y, float *restrict xl, \
                               float *restrict gp) {                                          \
        ck_path p;                                                                            \
        const int status = ck_resolve_path(path, &p);                                         \
        if (status != CK_OK) return status;                                                   \
        const int64_t nc = 6 * (int64_t)ncams;                                                \
        for (int64_t l = 0; l < npoints; l++)                                                 \
            for (int c = 0; c < 3; c++) xl[4 * l + c] = x[nc + 3 * l + c];                    \
        CK_PANEL_PICK(ck_ba_panel_hcl_##S, (npanels, ncams + 1, npoints + 1, panel_pose,      \
                                             panel_lm, blocks, NULL, xl, gp, NULL))           \
        for (int64_t i = 0; i < nc; i++) y[i] = gp[i];                                        \
        return CK_OK;                                                                         \
    }                                                                                         \
    int ck_ba_panel_hlc_mv_##S(ck_path path, int32_t npanels, int32_t ncams, int32_t npoints, \
                               const int32_t *restrict panel_pose,                            \
                               const int32_t *restrict panel_lm, const VAL *restrict blocks,  \
                               const float *restrict x, float *restrict y, float *restrict xp, \
                               float *restrict gl) {                                          \
        ck_path p;                                                                            \
        const int status = ck_resolve_path(path, &p);                                         \
        if (status != CK_OK) return status;                                                   \
        const int64_t nc = 6 * (int64_t)ncams;                                                \
        for (int64_t i = 0; i < nc; i++) xp[i] = x[i];                                        \
        CK_PANEL_PICK(ck_ba_panel_hlc_##S, (npanels, ncams + 1, npoints + 1, panel_pose,      \
                                             panel_lm, blocks, xp, NULL, NULL, gl))           \
        for (int64_t l = 0; l < npoints; l++)                                                 \
            for (int c = 0; c < 3; c++) y[nc + 3 * l + c] = gl[4 * l + c];                    \
        return CK_OK;                                                                         \
    }
CK_PANEL_COUPLING_MV(f32, float)
CK_PANEL_COUPLING_MV(f16, _Float16)

/* One panel's 144 values of Ĵ in fp64 (see ck_ba_pack_panels_f32), narrowed afterwards in
 * one pass: testing each value for overflow or flush as it was written cost more than the
 * products. */
static inline __attribute__((always_inline)) void ck_pack_panel(
    int32_t q, int32_t ncams, const int32_t *restrict lane_obs, const int32_t *restrict obs_cam,
    const int32_t *restrict obs_pt, const double *restrict cam_blocks,
    const double *restrict pt_blocks, const double *restrict scale, double *restrict v) {
    for (int i = 0; i < 144; i++) v[i] = 0.0;
    for (int t = 0; t < 8; t++) {
        const int32_t k = lane_obs[8 * q + t];
        if (k < 0) continue;
        const int32_t cam = obs_cam[k], pt = obs_pt[k];
        if (cam >= 0) {
            const double *restrict a = cam_blocks + 12 * (int64_t)k;
            const double *restrict s = scale + 6 * (int64_t)cam;
            for (int row = 0; row < 2; row++)
                for (int c = 0; c < 6; c++) v[(9 * row + c) * 8 + t] = a[6 * row + c] * s[c];
        }
        if (pt >= 0) {
            const double *restrict a = pt_blocks + 6 * (int64_t)k;
            const double *restrict s = scale + 6 * (int64_t)ncams + 3 * (int64_t)pt;
            for (int row = 0; row < 2; row++)
                for (int c = 0; c < 3; c++) v[(9 * row + 6 + c) * 8 + t] = a[3 * row + c] * s[c];
        }
    }
}

/* Every panel in fp32, then (half != NULL) in fp16. */
#define CK_PACK_PANELS(NAME, TARGET, CVT64, CVT16)                                              \
    TARGET static void NAME(int32_t npanels, int32_t ncams, const int32_t *restrict lane_obs,   \
                            const int32_t *restrict obs_cam, const int32_t *restrict obs_pt,    \
                            const double *restrict cam_blocks, const double *restrict pt_blocks, \
                            const double *restrict scale, float *restrict single,              \
                            _Float16 *restrict half, ck_convert_counts *restrict counts) {      \
        double v[144];                                                                        \
        float panel[144];                                                                     \
        for (int32_t q = 0; q < npanels; q++) {                                               \
            ck_pack_panel(q, ncams, lane_obs, obs_cam, obs_pt, cam_blocks, pt_blocks, scale, v); \
            if (half) {                                                                       \
                CVT64(144, v, panel, counts);                                                 \
                CVT16(144, panel, half + 144 * (int64_t)q, counts);                           \
            } else {                                                                          \
                CVT64(144, v, single + 144 * (int64_t)q, counts);                             \
            }                                                                                 \
        }                                                                                     \
    }
CK_PACK_PANELS(ck_pack_panels_scalar, , ck_cvt_f64_f32_scalar, ck_cvt_f32_f16_scalar)
#if defined(__x86_64__) || defined(__i386__)
CK_PACK_PANELS(ck_pack_panels_avx2, __attribute__((target("avx2,fma,f16c"))), ck_cvt_f64_f32_avx2,
               ck_cvt_f32_f16_avx2)
#define CK_PACK_PICK(ARGS)                                                                    \
    if (p == CK_PATH_SCALAR) ck_pack_panels_scalar ARGS;                                      \
    else ck_pack_panels_avx2 ARGS;
#else
#define CK_PACK_PICK(ARGS) ck_pack_panels_scalar ARGS;
#endif

int ck_ba_pack_panels_f32(ck_path path, int32_t npanels, int32_t ncams,
                          const int32_t *restrict lane_obs, const int32_t *restrict obs_cam,
                          const int32_t *restrict obs_pt, const double *restrict cam_blocks,
                          const double *restrict pt_blocks, const double *restrict scale,
                          float *restrict blocks, ck_convert_counts *restrict counts) {
    ck_path p;
    const int status = ck_resolve_path(path, &p);
    if (status != CK_OK) return status;
    CK_PACK_PICK((npanels, ncams, lane_obs, obs_cam, obs_pt, cam_blocks, pt_blocks, scale, blocks,
                  NULL, counts))
    return CK_OK;
}

int ck_ba_pack_panels_f16(ck_path path, int32_t npanels, int32_t ncams,
                          const int32_t *restrict lane_obs, const int32_t *restrict obs_cam,
                          const int32_t *restrict obs_pt, const double *restrict cam_blocks,
                          const double *restrict pt_blocks, const double *restrict scale,
                          _Float16 *restrict blocks, ck_convert_counts *restrict counts) {
    ck_path p;
    const int status = ck_resolve_path(path, &p);
    if (status != CK_OK) return status;
    CK_PACK_PICK((npanels, ncams, lane_obs, obs_cam, obs_pt, cam_blocks, pt_blocks, scale, NULL,
                  blocks, counts))
    return CK_OK;
}
