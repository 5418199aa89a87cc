/* Narrowing conversions that count overflow and flush-to-zero/subnormal, per path. */
#include <immintrin.h>
#include <math.h>
#include "ck_internal.h"

#define CK_F16_MIN_NORMAL 0x1p-14f

void ck_cvt_f32_f16_scalar(int64_t n, const float *restrict src, _Float16 *restrict dst,
                           ck_convert_counts *restrict c) {
    int64_t over = 0, flushed = 0;
    for (int64_t i = 0; i < n; i++) {
        const float f = src[i];
        const _Float16 h = (_Float16)f;
        const float back = (float)h;
        over += isinf(back) && isfinite(f);
        flushed += f != 0.0f && fabsf(back) < CK_F16_MIN_NORMAL;
        dst[i] = h;
    }
    c->overflow += over;
    c->flushed += flushed;
}

void ck_cvt_f16_f32_scalar(int64_t n, const _Float16 *restrict src, float *restrict dst) {
    for (int64_t i = 0; i < n; i++) dst[i] = (float)src[i];
}

__attribute__((target("avx2,fma,f16c")))
void ck_cvt_f32_f16_avx2(int64_t n, const float *restrict src, _Float16 *restrict dst,
                         ck_convert_counts *restrict c) {
    const __m256 abs_mask = _mm256_castsi256_ps(_mm256_set1_epi32(0x7fffffff));
    const __m256 inf = _mm256_set1_ps(INFINITY);
    const __m256 min_normal = _mm256_set1_ps(CK_F16_MIN_NORMAL);
    const __m256 zero = _mm256_setzero_ps();
    __m256i over = _mm256_setzero_si256(), flushed = _mm256_setzero_si256();
    int64_t i = 0;
    for (; i + 8 <= n; i += 8) {
        const __m256 f = _mm256_loadu_ps(src + i);
        const __m128i h = _mm256_cvtps_ph(f, _MM_FROUND_TO_NEAREST_INT);
        _mm_storeu_si128((__m128i *)(dst + i), h);
        const __m256 back = _mm256_and_ps(_mm256_cvtph_ps(h), abs_mask);
        const __m256 fa = _mm256_and_ps(f, abs_mask);
        const __m256 o = _mm256_and_ps(_mm256_cmp_ps(back, inf, _CMP_EQ_OQ),
                                       _mm256_cmp_ps(fa, inf, _CMP_LT_OQ));
        const __m256 z = _mm256_and_ps(_mm256_cmp_ps(back, min_normal, _CMP_LT_OQ),
                                       _mm256_cmp_ps(fa, zero, _CMP_GT_OQ));
        over = _mm256_sub_epi32(over, _mm256_castps_si256(o));
        flushed = _mm256_sub_epi32(flushed, _mm256_castps_si256(z));
    }
    int32_t lanes[8];
    _mm256_storeu_si256((__m256i *)lanes, over);
    for (int k = 0; k < 8; k++) c->overflow += lanes[k];
    _mm256_storeu_si256((__m256i *)lanes, flushed);
    for (int k = 0; k < 8; k++) c->flushed += lanes[k];
    ck_cvt_f32_f16_scalar(n - i, src + i, dst + i, c);
}

__attribute__((target("avx2,fma,f16c")))
void ck_cvt_f16_f32_avx2(int64_t n, const _Float16 *restrict src, float *restrict dst) {
    int64_t i = 0;
    for (; i + 8 <= n; i += 8)
        _mm256_storeu_ps(dst + i, _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(src + i))));
    for (; i < n; i++) dst[i] = (float)src[i];
}

int ck_convert_f32_to_f16(ck_path path, int64_t n, const float *restrict src,
                          _Float16 *restrict dst, ck_convert_counts *restrict counts) {
    ck_path p;
    const int status = ck_resolve_path(path, &p);
    if (status != CK_OK) return status;
    if (p == CK_PATH_SCALAR) ck_cvt_f32_f16_scalar(n, src, dst, counts);
    else ck_cvt_f32_f16_avx2(n, src, dst, counts);
    return CK_OK;
}

int ck_convert_f16_to_f32(ck_path path, int64_t n, const _Float16 *restrict src,
                          float *restrict dst) {
    ck_path p;
    const int status = ck_resolve_path(path, &p);
    if (status != CK_OK) return status;
    if (p == CK_PATH_SCALAR) ck_cvt_f16_f32_scalar(n, src, dst);
    else ck_cvt_f16_f32_avx2(n, src, dst);
    return CK_OK;
}

/* fp64 sources are converted once per factorization or linearization, never in an inner
 * loop, so one portable loop serves every path. */
int ck_convert_f64_to_f16(ck_path path, int64_t n, const double *restrict src,
                          _Float16 *restrict dst, ck_convert_counts *restrict counts) {
    ck_path p;
    const int status = ck_resolve_path(path, &p);
    if (status != CK_OK) return status;
    int64_t over = 0, flushed = 0;
    for (int64_t i = 0; i < n; i++) {
        const double f = src[i];
        const _Float16 h = (_Float16)f;
        const double back = (double)h;
        over += isinf(back) && isfinite(f);
        flushed += f != 0.0 && fabs(back) < (double)CK_F16_MIN_NORMAL;
        dst[i] = h;
    }
    counts->overflow += over;
    counts->flushed += flushed;
    return CK_OK;
}

void ck_cvt_f64_f32_scalar(int64_t n, const double *restrict src, float *restrict dst,
                           ck_convert_counts *restrict c) {
    int64_t over = 0, flushed = 0;
    for (int64_t i = 0; i < n; i++) {
        const double f = src[i];
        const float h = (float)f;
        over += isinf(h) && isfinite(f);
        flushed += f != 0.0 && fabsf(h) < 0x1p-126f;
        dst[i] = h;
    }
    c->overflow += over;
    c->flushed += flushed;
}

/* Converts while tracking the largest and the smallest non-zero magnitude; only when these
 * leave fp32's normal range (rare) are the values counted one by one, by the scalar loop. */
__attribute__((target("avx2,fma,f16c")))
void ck_cvt_f64_f32_avx2(int64_t n, const double *restrict src, float *restrict dst,
                         ck_convert_counts *restrict c) {
    const __m256d abs_mask = _mm256_castsi256_pd(_mm256_set1_epi64x(0x7fffffffffffffffLL));
    const __m256d inf = _mm256_set1_pd(INFINITY), zero = _mm256_setzero_pd();
    __m256d hi = zero, lo = inf;
    int64_t i = 0;
    for (; i + 4 <= n; i += 4) {
        const __m256d v = _mm256_loadu_pd(src + i);
        _mm_storeu_ps(dst + i, _mm256_cvtpd_ps(v));
        const __m256d a = _mm256_and_pd(v, abs_mask);
        hi = _mm256_max_pd(hi, a); /* a NaN a propagates (second operand) */
        lo = _mm256_min_pd(lo, _mm256_blendv_pd(inf, a, _mm256_cmp_pd(a, zero, _CMP_NEQ_UQ)));
    }
    double h[4], l[4];
    _mm256_storeu_pd(h, hi);
    _mm256_storeu_pd(l, lo);
    int in_range = 1;
    for (int k = 0; k < 4; k++) in_range &= h[k] <= 0x1.fffffep127 && l[k] >= 0x1p-126;
    if (!in_range) ck_cvt_f64_f32_scalar(i, src, dst, c);
    ck_cvt_f64_f32_scalar(n - i, src + i, dst + i, c);
}

int ck_convert_f64_to_f32(ck_path path, int64_t n, const double *restrict src,
                          float *restrict dst, ck_convert_counts *restrict counts) {
    ck_path p;
    const int status = ck_resolve_path(path, &p);
    if (status != CK_OK) return status;
    if (p == CK_PATH_SCALAR) ck_cvt_f64_f32_scalar(n, src, dst, counts);
    else ck_cvt_f64_f32_avx2(n, src, dst, counts);
    return CK_OK;
}
