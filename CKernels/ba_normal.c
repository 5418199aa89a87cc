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

static inline float ck_nrm_half(_Float16 h) {
    return _mm_cvtss_f32(_mm_cvtph_ps(_mm_cvtsi32_si128(__builtin_bit_cast(uint16_t, h))));
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
 * landmark. */
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
        for (; k < nobs; k += 4) {                                                            \
            const int32_t count = nobs - k < 4 ? nobs - k : 4;                                \
            __m256 m[8];                                                                      \
            float e[8] = {0, 0, 0, 0, 0, 0, 0, 0};                                            \
            for (int t = 0; t < 4; t++) {                                                     \
                if (t >= count) {                                                             \
                    m[2 * t] = m[2 * t + 1] = _mm256_setzero_ps();                            \
                    continue;                                                                 \
                }                                                                             \
                const VAL *restrict a = b + (int64_t)(k + t) * 18;                            \
                const float *restrict p = xp + (int64_t)pose[k + t] * 6;                      \
                const float *restrict l = xl + (int64_t)lm[k + t] * 3;                        \
                const __m128 lo = _mm_loadu_ps(p);                                            \
                const __m128 hi = _mm_loadh_pi(                                               \
                    _mm_castpd_ps(_mm_load_sd((const double *)(p + 4))), (const __m64 *)l);   \
                const __m256 z = _mm256_insertf128_ps(_mm256_castps128_ps256(lo), hi, 1);     \
                m[2 * t] = _mm256_mul_ps(LOAD8(a), z);                                        \
                m[2 * t + 1] = _mm256_mul_ps(LOAD8(a + 9), z);                                \
                e[2 * t] = LOAD1(a + 8) * l[2];                                               \
                e[2 * t + 1] = LOAD1(a + 17) * l[2];                                          \
            }                                                                                 \
            const __m256 t0 = _mm256_hadd_ps(m[0], m[1]), t1 = _mm256_hadd_ps(m[2], m[3]);    \
            const __m256 t2 = _mm256_hadd_ps(m[4], m[5]), t3 = _mm256_hadd_ps(m[6], m[7]);    \
            const __m256 u0 = _mm256_hadd_ps(t0, t1), u1 = _mm256_hadd_ps(t2, t3);            \
            __m256 s = _mm256_add_ps(_mm256_permute2f128_ps(u0, u1, 0x20),                    \
                                     _mm256_permute2f128_ps(u0, u1, 0x31));                   \
            s = _mm256_add_ps(s, _mm256_loadu_ps(e));                                         \
            float r[8];                                                                       \
            _mm256_storeu_ps(r, s);                                                           \
            for (int t = 0; t < count; t++) {                                                 \
                const VAL *restrict a = b + (int64_t)(k + t) * 18;                            \
                const float q0 = r[2 * t], q1 = r[2 * t + 1];                                 \
                const __m256 v = _mm256_fmadd_ps(LOAD8(a + 9), _mm256_set1_ps(q1),            \
                                                 _mm256_mul_ps(LOAD8(a), _mm256_set1_ps(q0))); \
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
                l[2] += LOAD1(a + 8) * q0 + LOAD1(a + 17) * q1;                               \
            }                                                                                 \
        }                                                                                     \
        if (nobs > 0) {                                                                       \
            float *restrict out = gp + (int64_t)current * 6;                                  \
            ck_nrm_store6(out, _mm256_add_ps(ck_nrm_load6(out), sum));                        \
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
