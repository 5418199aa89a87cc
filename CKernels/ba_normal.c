/* The bundle-adjustment normal-equation product g = Jᵀ (J x) in one pass over the
 * observations (fp32 vectors, fp32 or fp16 storage): each 2×9 block is read once, its two
 * residual rows stay in registers, and the pose part of Jᵀ r is summed in a register while
 * consecutive observations share a pose (observations arrive grouped by keyframe), so the
 * pose accumulator is not a chain of stores and reloads. */
#include <immintrin.h>
#include "ck_internal.h"

#define CK_NORMAL_SCALAR(NAME, VAL, CVT)                                                      \
    static void NAME(int32_t nobs, int32_t nposes, int32_t nlms, const int32_t *restrict pose, \
                     const int32_t *restrict lm, const VAL *restrict b,                       \
                     const float *restrict xp, const float *restrict xl, float *restrict gp,  \
                     float *restrict gl) {                                                    \
        for (int64_t i = 0; i < (int64_t)nposes * 6; i++) gp[i] = 0;                          \
        for (int64_t i = 0; i < (int64_t)nlms * 3; i++) gl[i] = 0;                            \
        for (int32_t k = 0; k < nobs; k++) {                                                  \
            const VAL *restrict a = b + (int64_t)k * 18;                                      \
            const float *restrict p = xp + (int64_t)pose[k] * 6;                              \
            const float *restrict l = xl + (int64_t)lm[k] * 3;                                \
            float r0 = 0, r1 = 0;                                                             \
            for (int c = 0; c < 6; c++) {                                                     \
                r0 += CVT(a[c]) * p[c];                                                       \
                r1 += CVT(a[9 + c]) * p[c];                                                   \
            }                                                                                 \
            for (int c = 0; c < 3; c++) {                                                     \
                r0 += CVT(a[6 + c]) * l[c];                                                   \
                r1 += CVT(a[15 + c]) * l[c];                                                  \
            }                                                                                 \
            float *restrict gpk = gp + (int64_t)pose[k] * 6;                                  \
            float *restrict glk = gl + (int64_t)lm[k] * 3;                                    \
            for (int c = 0; c < 6; c++) gpk[c] += CVT(a[c]) * r0 + CVT(a[9 + c]) * r1;        \
            for (int c = 0; c < 3; c++) glk[c] += CVT(a[6 + c]) * r0 + CVT(a[15 + c]) * r1;   \
        }                                                                                     \
    }

#define CK_IDENTITY(v) (v)
#define CK_HALF(v) ((float)(v))
CK_NORMAL_SCALAR(ck_ba_jtjx_f32_scalar, float, CK_IDENTITY)
CK_NORMAL_SCALAR(ck_ba_jtjx_f16_scalar, _Float16, CK_HALF)

#if defined(__x86_64__) || defined(__i386__)
#pragma clang attribute push(__attribute__((target("avx2,fma,f16c"))), apply_to = function)

/* One fp16 value to fp32 through a zeroing vmovd (the empty asm keeps the compiler from
 * merging the value into a live register with vpinsrw, which chains the loads; see
 * kernels_avx2.c). */
static inline float ck_nrm_half(_Float16 h) {
    __m128i bits = _mm_cvtsi32_si128(__builtin_bit_cast(uint16_t, h));
    __asm__("" : "+x"(bits));
    return _mm_cvtss_f32(_mm_cvtph_ps(bits));
}
static inline __m256 ck_nrm_load6(const float *restrict p) {
    const __m128 lo = _mm_loadu_ps(p);
    const __m128 hi = _mm_castpd_ps(_mm_load_sd((const double *)(p + 4)));
    return _mm256_insertf128_ps(_mm256_castps128_ps256(lo), hi, 1);
}
static inline void ck_nrm_store6(float *restrict p, __m256 v) {
    _mm_storeu_ps(p, _mm256_castps256_ps128(v));
    _mm_store_sd((double *)(p + 4), _mm_castps_pd(_mm256_extractf128_ps(v, 1)));
}

/* The AVX2 body for one storage type: r for four observations at a time (eight 8-lane
 * products reduced by a horizontal-add transpose, the ninth column separately, as
 * ck_ba_jp), then v = r0·row0 + r1·row1 per observation into the pose register and the
 * landmark; r0, r1 are broadcast from the reduced vector by lane permutes (no round trip
 * through memory). Remaining observations (< 4) go through the scalar step. */
#define CK_NORMAL_AVX2(NAME, VAL, LOAD8, LOAD1)                                               \
    static void NAME(int32_t nobs, int32_t nposes, int32_t nlms, const int32_t *restrict pose, \
                     const int32_t *restrict lm, const VAL *restrict b,                       \
                     const float *restrict xp, const float *restrict xl, float *restrict gp,  \
                     float *restrict gl) {                                                    \
        for (int64_t i = 0; i < (int64_t)nposes * 6; i++) gp[i] = 0;                          \
        for (int64_t i = 0; i < (int64_t)nlms * 3; i++) gl[i] = 0;                            \
        int32_t current = nobs > 0 ? pose[0] : 0;                                             \
        __m256 sum = _mm256_setzero_ps();                                                     \
        int32_t k = 0;                                                                        \
        for (; k + 4 <= nobs; k += 4) {                                                       \
            __m256 m[8], row[8];                                                              \
            float e[8], last[8];                                                              \
            _Pragma("clang loop unroll(full)")                                                \
            for (int t = 0; t < 4; t++) {                                                     \
                const VAL *restrict a = b + (int64_t)(k + t) * 18;                            \
                const float *restrict p = xp + (int64_t)pose[k + t] * 6;                      \
                const float *restrict l = xl + (int64_t)lm[k + t] * 3;                        \
                const __m128 lo = _mm_loadu_ps(p);                                            \
                const __m128 hi = _mm_loadh_pi(                                               \
                    _mm_castpd_ps(_mm_load_sd((const double *)(p + 4))), (const __m64 *)l);   \
                const __m256 z = _mm256_insertf128_ps(_mm256_castps128_ps256(lo), hi, 1);     \
                row[2 * t] = LOAD8(a);                                                        \
                row[2 * t + 1] = LOAD8(a + 9);                                                \
                last[2 * t] = LOAD1(a + 8);                                                   \
                last[2 * t + 1] = LOAD1(a + 17);                                              \
                m[2 * t] = _mm256_mul_ps(row[2 * t], z);                                      \
                m[2 * t + 1] = _mm256_mul_ps(row[2 * t + 1], z);                              \
                e[2 * t] = last[2 * t] * l[2];                                                \
                e[2 * t + 1] = last[2 * t + 1] * l[2];                                        \
            }                                                                                 \
            const __m256 t0 = _mm256_hadd_ps(m[0], m[1]), t1 = _mm256_hadd_ps(m[2], m[3]);    \
            const __m256 t2 = _mm256_hadd_ps(m[4], m[5]), t3 = _mm256_hadd_ps(m[6], m[7]);    \
            const __m256 u0 = _mm256_hadd_ps(t0, t1), u1 = _mm256_hadd_ps(t2, t3);            \
            __m256 s = _mm256_add_ps(_mm256_permute2f128_ps(u0, u1, 0x20),                    \
                                     _mm256_permute2f128_ps(u0, u1, 0x31));                   \
            s = _mm256_add_ps(s, _mm256_loadu_ps(e));                                         \
            _Pragma("clang loop unroll(full)")                                                \
            for (int t = 0; t < 4; t++) {                                                     \
                const __m256 q0 = _mm256_permutevar8x32_ps(s, _mm256_set1_epi32(2 * t));      \
                const __m256 q1 = _mm256_permutevar8x32_ps(s, _mm256_set1_epi32(2 * t + 1));  \
                const __m256 v = _mm256_fmadd_ps(row[2 * t + 1], q1, _mm256_mul_ps(row[2 * t], q0)); \
                if (pose[k + t] != current) {                                                 \
                    float *restrict out = gp + (int64_t)current * 6;                          \
                    ck_nrm_store6(out, _mm256_add_ps(ck_nrm_load6(out), sum));                \
                    sum = _mm256_setzero_ps();                                                \
                    current = pose[k + t];                                                    \
                }                                                                             \
                sum = _mm256_add_ps(sum, v);                                                  \
                float *restrict l = gl + (int64_t)lm[k + t] * 3;                              \
                const __m128 high = _mm256_extractf128_ps(v, 1);                              \
                const __m128 l01 = _mm_castpd_ps(_mm_load_sd((const double *)l));             \
                _mm_store_sd((double *)l, _mm_castps_pd(_mm_add_ps(l01, _mm_movehl_ps(high, high)))); \
                l[2] += last[2 * t] * _mm256_cvtss_f32(q0) + last[2 * t + 1] * _mm256_cvtss_f32(q1); \
            }                                                                                 \
        }                                                                                     \
        if (nobs > 0) {                                                                       \
            float *restrict out = gp + (int64_t)current * 6;                                  \
            ck_nrm_store6(out, _mm256_add_ps(ck_nrm_load6(out), sum));                        \
        }                                                                                     \
        for (; k < nobs; k++) {                                                               \
            const VAL *restrict a = b + (int64_t)k * 18;                                      \
            const float *restrict p = xp + (int64_t)pose[k] * 6;                              \
            const float *restrict l = xl + (int64_t)lm[k] * 3;                                \
            float r0 = 0, r1 = 0;                                                             \
            for (int c = 0; c < 6; c++) {                                                     \
                r0 += LOAD1(a + c) * p[c];                                                    \
                r1 += LOAD1(a + 9 + c) * p[c];                                                \
            }                                                                                 \
            for (int c = 0; c < 3; c++) {                                                     \
                r0 += LOAD1(a + 6 + c) * l[c];                                                \
                r1 += LOAD1(a + 15 + c) * l[c];                                               \
            }                                                                                 \
            float *restrict gpk = gp + (int64_t)pose[k] * 6;                                  \
            float *restrict glk = gl + (int64_t)lm[k] * 3;                                    \
            for (int c = 0; c < 6; c++) gpk[c] += LOAD1(a + c) * r0 + LOAD1(a + 9 + c) * r1;  \
            for (int c = 0; c < 3; c++) glk[c] += LOAD1(a + 6 + c) * r0 + LOAD1(a + 15 + c) * r1; \
        }                                                                                     \
    }

#define CK_F32_LOAD8(p) _mm256_loadu_ps(p)
#define CK_F32_LOAD1(p) (*(p))
#define CK_F16_LOAD8(p) _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(p)))
#define CK_F16_LOAD1(p) ck_nrm_half(*(p))
CK_NORMAL_AVX2(ck_ba_jtjx_f32_avx2, float, CK_F32_LOAD8, CK_F32_LOAD1)
CK_NORMAL_AVX2(ck_ba_jtjx_f16_avx2, _Float16, CK_F16_LOAD8, CK_F16_LOAD1)

#pragma clang attribute pop
#endif

#if defined(__x86_64__) || defined(__i386__)
#define CK_NORMAL_DISPATCH(S, VAL)                                                            \
    int ck_ba_jtjx_##S(ck_path path, int32_t nobs, int32_t nposes, int32_t nlms,             \
                       const int32_t *restrict pose_idx, const int32_t *restrict lm_idx,     \
                       const VAL *restrict blocks, const float *restrict xp,                 \
                       const float *restrict xl, float *restrict gp, float *restrict gl) {   \
        ck_path p;                                                                            \
        const int status = ck_resolve_path(path, &p);                                         \
        if (status != CK_OK) return status;                                                   \
        if (p == CK_PATH_SCALAR)                                                              \
            ck_ba_jtjx_##S##_scalar(nobs, nposes, nlms, pose_idx, lm_idx, blocks, xp, xl, gp, gl); \
        else ck_ba_jtjx_##S##_avx2(nobs, nposes, nlms, pose_idx, lm_idx, blocks, xp, xl, gp, gl); \
        return CK_OK;                                                                         \
    }
#else
#define CK_NORMAL_DISPATCH(S, VAL)                                                            \
    int ck_ba_jtjx_##S(ck_path path, int32_t nobs, int32_t nposes, int32_t nlms,             \
                       const int32_t *restrict pose_idx, const int32_t *restrict lm_idx,     \
                       const VAL *restrict blocks, const float *restrict xp,                 \
                       const float *restrict xl, float *restrict gp, float *restrict gl) {   \
        ck_path p;                                                                            \
        const int status = ck_resolve_path(path, &p);                                         \
        if (status != CK_OK) return status;                                                   \
        ck_ba_jtjx_##S##_scalar(nobs, nposes, nlms, pose_idx, lm_idx, blocks, xp, xl, gp, gl); \
        return CK_OK;                                                                         \
    }
#endif
CK_NORMAL_DISPATCH(f32, float)
CK_NORMAL_DISPATCH(f16, _Float16)

/* z = blockdiag(M) r for the BA block-Jacobi preconditioner: ncams c×c blocks, then npoints
 * 3×3 blocks, each row-major fp32. */
static inline __attribute__((always_inline)) void ck_bdiag_body(
    const int32_t c, int32_t ncams, int32_t npoints, const float *restrict inv,
    const float *restrict r, float *restrict z) {
    for (int32_t i = 0; i < ncams; i++) {
        const float *restrict block = inv + (int64_t)i * c * c;
        const float *restrict ri = r + (int64_t)i * c;
        float *restrict zi = z + (int64_t)i * c;
        for (int32_t row = 0; row < c; row++) {
            float sum = 0;
            for (int32_t j = 0; j < c; j++) sum += block[row * c + j] * ri[j];
            zi[row] = sum;
        }
    }
    const float *restrict points = inv + (int64_t)ncams * c * c;
    const float *restrict rp = r + (int64_t)ncams * c;
    float *restrict zp = z + (int64_t)ncams * c;
    for (int32_t i = 0; i < npoints; i++) {
        const float *restrict block = points + (int64_t)i * 9;
        const float r0 = rp[3 * i], r1 = rp[3 * i + 1], r2 = rp[3 * i + 2];
        zp[3 * i] = block[0] * r0 + block[1] * r1 + block[2] * r2;
        zp[3 * i + 1] = block[3] * r0 + block[4] * r1 + block[5] * r2;
        zp[3 * i + 2] = block[6] * r0 + block[7] * r1 + block[8] * r2;
    }
}

static void ck_bdiag_scalar(int32_t c, int32_t ncams, int32_t npoints, const float *restrict inv,
                            const float *restrict r, float *restrict z) {
    if (c == 6) ck_bdiag_body(6, ncams, npoints, inv, r, z);
    else ck_bdiag_body(c, ncams, npoints, inv, r, z);
}

#if defined(__x86_64__) || defined(__i386__)
__attribute__((target("avx2,fma,f16c"))) static void ck_bdiag_avx2(
    int32_t c, int32_t ncams, int32_t npoints, const float *restrict inv, const float *restrict r,
    float *restrict z) {
    if (c == 6) ck_bdiag_body(6, ncams, npoints, inv, r, z);
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
