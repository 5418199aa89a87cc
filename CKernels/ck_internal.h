/* Internal to CKernels: the per-path operation tables behind the public entry points. */
#ifndef MIXEDSLAM_CK_INTERNAL_H
#define MIXEDSLAM_CK_INTERNAL_H

#include "ckernels.h"

/* One precision's kernels on one path. Pointers are typed void so one table type serves
 * every storage kind; the entry points in dispatch.c restore the types. */
typedef struct {
    void (*csr_mv)(int acc, int32_t rows, const int32_t *rp, const int32_t *ci, const void *val,
                   const void *x, void *y);
    void (*csr_mtv)(int acc, int32_t rows, int32_t cols, const int32_t *rp, const int32_t *ci,
                    const void *val, const void *x, void *y);
    void (*bsr_mv)(int acc, int32_t B, int32_t brows, const int32_t *rp, const int32_t *ci,
                   const void *val, const void *x, void *y);
    void (*bsr_mtv)(int acc, int32_t B, int32_t brows, int32_t bcols, const int32_t *rp,
                    const int32_t *ci, const void *val, const void *x, void *y);
    void (*ba_jp)(int acc, int32_t nobs, const int32_t *pose, const int32_t *lm,
                  const void *blocks, const void *xp, const void *xl, void *r);
    void (*ba_jtq)(int acc, int32_t nobs, int32_t nposes, int32_t nlms, const int32_t *pose,
                   const int32_t *lm, const void *blocks, const void *q, void *gp, void *gl);
    void (*trsv_l)(int32_t n, const int32_t *rp, const int32_t *ci, const void *val,
                   const void *dinv, const void *b, void *y);
    void (*trsv_lt)(int32_t n, const int32_t *rp, const int32_t *ci, const void *val,
                    const void *dinv, const void *b, void *y);
    void (*btrsv_l)(int32_t B, int32_t nb, const int32_t *rp, const int32_t *ci, const void *val,
                    const void *dinv, const void *b, void *y);
    void (*btrsv_lt)(int32_t B, int32_t nb, const int32_t *rp, const int32_t *ci,
                     const void *val, const void *dinv, const void *b, void *y);
} ck_ops;

extern const ck_ops ck_ops_scalar_f64, ck_ops_scalar_f32, ck_ops_scalar_f16, ck_ops_scalar_f16n;
extern const ck_ops ck_ops_avx2_f64, ck_ops_avx2_f32, ck_ops_avx2_f16, ck_ops_avx2_f16n;
extern const ck_ops ck_ops_avx512fp16_f16n;

/* Conversions and vector operations per path (convert.c, vector.c). */
void ck_cvt_f64_f32_scalar(int64_t n, const double *src, float *dst, ck_convert_counts *c);
void ck_cvt_f64_f32_avx2(int64_t n, const double *src, float *dst, ck_convert_counts *c);
void ck_cvt_f32_f16_scalar(int64_t n, const float *src, _Float16 *dst, ck_convert_counts *c);
void ck_cvt_f32_f16_avx2(int64_t n, const float *src, _Float16 *dst, ck_convert_counts *c);
void ck_cvt_f16_f32_scalar(int64_t n, const _Float16 *src, float *dst);
void ck_cvt_f16_f32_avx2(int64_t n, const _Float16 *src, float *dst);
float ck_dot_f32_scalar(int64_t n, const float *x, const float *y);
float ck_dot_f32_avx2(int64_t n, const float *x, const float *y);
void ck_axpy_f32_scalar(int64_t n, float a, const float *x, float *y);
void ck_axpy_f32_avx2(int64_t n, float a, const float *x, float *y);
void ck_xpby_f32_scalar(int64_t n, const float *x, float b, float *y);
void ck_xpby_f32_avx2(int64_t n, const float *x, float b, float *y);

/* Resolves `path` (CK_PATH_AUTO → active); returns CK_ERR_UNSUPPORTED_PATH if unavailable. */
int ck_resolve_path(ck_path path, ck_path *resolved);

#endif
