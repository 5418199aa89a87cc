/* fp32 vector operations for CG: dot, axpy, xpby. */
#include <immintrin.h>
#include "ck_internal.h"

float ck_dot_f32_scalar(int64_t n, const float *restrict x, const float *restrict y) {
    float s[8] = {0, 0, 0, 0, 0, 0, 0, 0};
    int64_t i = 0;
    for (; i + 8 <= n; i += 8)
        for (int k = 0; k < 8; k++) s[k] += x[i + k] * y[i + k];
    for (int k = 0; i < n; i++, k++) s[k] += x[i] * y[i];
    return ((s[0] + s[4]) + (s[1] + s[5])) + ((s[2] + s[6]) + (s[3] + s[7]));
}

__attribute__((target("avx2,fma,f16c")))
float ck_dot_f32_avx2(int64_t n, const float *restrict x, const float *restrict y) {
    __m256 s = _mm256_setzero_ps();
    int64_t i = 0;
    for (; i + 8 <= n; i += 8)
        s = _mm256_fmadd_ps(_mm256_loadu_ps(x + i), _mm256_loadu_ps(y + i), s);
    float lanes[8];
    _mm256_storeu_ps(lanes, s);
    for (int k = 0; i < n; i++, k++) lanes[k] += x[i] * y[i];
    return ((lanes[0] + lanes[4]) + (lanes[1] + lanes[5])) +
           ((lanes[2] + lanes[6]) + (lanes[3] + lanes[7]));
}

void ck_axpy_f32_scalar(int64_t n, float a, const float *restrict x, float *restrict y) {
    for (int64_t i = 0; i < n; i++) y[i] += a * x[i];
}

__attribute__((target("avx2,fma,f16c")))
void ck_axpy_f32_avx2(int64_t n, float a, const float *restrict x, float *restrict y) {
    for (int64_t i = 0; i < n; i++) y[i] += a * x[i];
}

void ck_xpby_f32_scalar(int64_t n, const float *restrict x, float b, float *restrict y) {
    for (int64_t i = 0; i < n; i++) y[i] = x[i] + b * y[i];
}

__attribute__((target("avx2,fma,f16c")))
void ck_xpby_f32_avx2(int64_t n, const float *restrict x, float b, float *restrict y) {
    for (int64_t i = 0; i < n; i++) y[i] = x[i] + b * y[i];
}

float ck_dot_f32(ck_path path, int64_t n, const float *restrict x, const float *restrict y) {
    ck_path p;
    if (ck_resolve_path(path, &p) != CK_OK) p = ck_active_path();
    return p == CK_PATH_SCALAR ? ck_dot_f32_scalar(n, x, y) : ck_dot_f32_avx2(n, x, y);
}

int ck_axpy_f32(ck_path path, int64_t n, float a, const float *restrict x, float *restrict y) {
    ck_path p;
    const int status = ck_resolve_path(path, &p);
    if (status != CK_OK) return status;
    if (p == CK_PATH_SCALAR) ck_axpy_f32_scalar(n, a, x, y);
    else ck_axpy_f32_avx2(n, a, x, y);
    return CK_OK;
}

int ck_xpby_f32(ck_path path, int64_t n, const float *restrict x, float b, float *restrict y) {
    ck_path p;
    const int status = ck_resolve_path(path, &p);
    if (status != CK_OK) return status;
    if (p == CK_PATH_SCALAR) ck_xpby_f32_scalar(n, x, b, y);
    else ck_xpby_f32_avx2(n, x, b, y);
    return CK_OK;
}
