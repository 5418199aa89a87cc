/* Run-time path selection (once, with __builtin_cpu_supports) and the public entry points. */
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include "ck_internal.h"

/* -2 = not initialized yet. Initialization is idempotent, so a race only repeats it. */
static _Atomic int ck_active = -2;
static _Atomic int ck_env_result = CK_ENV_UNSET;

static int ck_cpu_has(ck_path path) {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_cpu_init();
    switch (path) {
    case CK_PATH_SCALAR: return 1;
    case CK_PATH_AVX2:
        return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") &&
               __builtin_cpu_supports("f16c");
    case CK_PATH_AVX512FP16:
        return ck_cpu_has(CK_PATH_AVX2) && __builtin_cpu_supports("avx512f") &&
               __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512vl") &&
               __builtin_cpu_supports("avx512fp16");
    default: return 0;
    }
#else
    return path == CK_PATH_SCALAR;
#endif
}

int ck_path_supported(ck_path path) {
    return path == CK_PATH_AUTO ? 1 : ck_cpu_has(path);
}

ck_path ck_best_path(void) {
    if (ck_cpu_has(CK_PATH_AVX512FP16)) return CK_PATH_AVX512FP16;
    if (ck_cpu_has(CK_PATH_AVX2)) return CK_PATH_AVX2;
    return CK_PATH_SCALAR;
}

static void ck_init(void) {
    ck_path chosen = ck_best_path();
    int status = CK_ENV_UNSET;
    const char *env = getenv("MIXEDSLAM_KERNEL_PATH");
    if (env && *env) {
        ck_path wanted = CK_PATH_AUTO;
        if (strcmp(env, "scalar") == 0) wanted = CK_PATH_SCALAR;
        else if (strcmp(env, "avx2") == 0) wanted = CK_PATH_AVX2;
        else if (strcmp(env, "avx512fp16") == 0) wanted = CK_PATH_AVX512FP16;
        if (wanted == CK_PATH_AUTO) status = CK_ENV_UNRECOGNIZED;
        else if (!ck_cpu_has(wanted)) status = CK_ENV_UNSUPPORTED;
        else {
            status = CK_ENV_APPLIED;
            chosen = wanted;
        }
    }
    atomic_store(&ck_env_result, status);
    int expected = -2;
    atomic_compare_exchange_strong(&ck_active, &expected, (int)chosen);
}

ck_path ck_active_path(void) {
    int p = atomic_load(&ck_active);
    if (p == -2) {
        ck_init();
        p = atomic_load(&ck_active);
    }
    return (ck_path)p;
}

int ck_set_path(ck_path path) {
    ck_active_path();
    if (path == CK_PATH_AUTO) {
        atomic_store(&ck_active, (int)ck_best_path());
        return CK_OK;
    }
    if (path < CK_PATH_SCALAR || path > CK_PATH_AVX512FP16 || !ck_cpu_has(path))
        return CK_ERR_UNSUPPORTED_PATH;
    atomic_store(&ck_active, (int)path);
    return CK_OK;
}

int ck_env_path_status(void) {
    ck_active_path();
    return atomic_load(&ck_env_result);
}

const char *ck_path_name(ck_path path) {
    switch (path) {
    case CK_PATH_SCALAR: return "scalar";
    case CK_PATH_AVX2: return "avx2";
    case CK_PATH_AVX512FP16: return "avx512fp16";
    default: return "auto";
    }
}

int ck_resolve_path(ck_path path, ck_path *resolved) {
    if (path == CK_PATH_AUTO) {
        *resolved = ck_active_path();
        return CK_OK;
    }
    if (path < CK_PATH_SCALAR || path > CK_PATH_AVX512FP16 || !ck_cpu_has(path))
        return CK_ERR_UNSUPPORTED_PATH;
    *resolved = path;
    return CK_OK;
}

enum { CK_KIND_F64, CK_KIND_F32, CK_KIND_F16, CK_KIND_F16N };

static const ck_ops *ck_ops_for(ck_path p, int kind) {
    static const ck_ops *const scalar[4] = {&ck_ops_scalar_f64, &ck_ops_scalar_f32,
                                            &ck_ops_scalar_f16, &ck_ops_scalar_f16n};
    static const ck_ops *const avx2[4] = {&ck_ops_avx2_f64, &ck_ops_avx2_f32,
                                          &ck_ops_avx2_f16, &ck_ops_avx2_f16n};
    static const ck_ops *const avx512[4] = {&ck_ops_avx2_f64, &ck_ops_avx2_f32,
                                            &ck_ops_avx2_f16, &ck_ops_avx512fp16_f16n};
    switch (p) {
    case CK_PATH_AVX512FP16: return avx512[kind];
    case CK_PATH_AVX2: return avx2[kind];
    default: return scalar[kind];
    }
}

#define CK_OPS(kind)                                                                       \
    ck_path p_;                                                                            \
    const int status_ = ck_resolve_path(path, &p_);                                        \
    if (status_ != CK_OK) return status_;                                                  \
    const ck_ops *ops_ = ck_ops_for(p_, kind)

#define CK_DEFINE_PRECISION(S, KIND, VAL, VEC)                                               \
    int ck_csr_mv_##S(ck_path path, int accumulate, int32_t rows,                            \
                      const int32_t *restrict row_ptr, const int32_t *restrict col_idx,      \
                      const VAL *restrict val, const VEC *restrict x, VEC *restrict y) {     \
        CK_OPS(KIND);                                                                        \
        ops_->csr_mv(accumulate, rows, row_ptr, col_idx, val, x, y);                         \
        return CK_OK;                                                                        \
    }                                                                                        \
    int ck_csr_mtv_##S(ck_path path, int accumulate, int32_t rows, int32_t cols,             \
                       const int32_t *restrict row_ptr, const int32_t *restrict col_idx,     \
                       const VAL *restrict val, const VEC *restrict x, VEC *restrict y) {    \
        CK_OPS(KIND);                                                                        \
        ops_->csr_mtv(accumulate, rows, cols, row_ptr, col_idx, val, x, y);                  \
        return CK_OK;                                                                        \
    }                                                                                        \
    int ck_bsr_mv_##S(ck_path path, int accumulate, int32_t B, int32_t brows,                \
                      const int32_t *restrict brow_ptr, const int32_t *restrict bcol_idx,    \
                      const VAL *restrict val, const VEC *restrict x, VEC *restrict y) {     \
        CK_OPS(KIND);                                                                        \
        if (B < 1) return CK_ERR_ARGUMENT;                                                   \
        ops_->bsr_mv(accumulate, B, brows, brow_ptr, bcol_idx, val, x, y);                   \
        return CK_OK;                                                                        \
    }                                                                                        \
    int ck_bsr_mtv_##S(ck_path path, int accumulate, int32_t B, int32_t brows, int32_t bcols, \
                       const int32_t *restrict brow_ptr, const int32_t *restrict bcol_idx,   \
                       const VAL *restrict val, const VEC *restrict x, VEC *restrict y) {    \
        CK_OPS(KIND);                                                                        \
        if (B < 1) return CK_ERR_ARGUMENT;                                                   \
        ops_->bsr_mtv(accumulate, B, brows, bcols, brow_ptr, bcol_idx, val, x, y);           \
        return CK_OK;                                                                        \
    }                                                                                        \
    int ck_ba_jp_##S(ck_path path, int accumulate, int32_t nobs,                             \
                     const int32_t *restrict pose_idx, const int32_t *restrict lm_idx,       \
                     const VAL *restrict blocks, const VEC *restrict xp,                     \
                     const VEC *restrict xl, VEC *restrict r) {                              \
        CK_OPS(KIND);                                                                        \
        ops_->ba_jp(accumulate, nobs, pose_idx, lm_idx, blocks, xp, xl, r);                  \
        return CK_OK;                                                                        \
    }                                                                                        \
    int ck_ba_jtq_##S(ck_path path, int accumulate, int32_t nobs, int32_t nposes,            \
                      int32_t nlms, const int32_t *restrict pose_idx,                        \
                      const int32_t *restrict lm_idx, const VAL *restrict blocks,            \
                      const VEC *restrict q, VEC *restrict gp, VEC *restrict gl) {           \
        CK_OPS(KIND);                                                                        \
        ops_->ba_jtq(accumulate, nobs, nposes, nlms, pose_idx, lm_idx, blocks, q, gp, gl);   \
        return CK_OK;                                                                        \
    }                                                                                        \
    int ck_trsv_l_##S(ck_path path, int32_t n, const int32_t *restrict row_ptr,              \
                      const int32_t *restrict col_idx, const VAL *restrict val,              \
                      const VAL *restrict dinv, const VEC *restrict b, VEC *restrict y) {    \
        CK_OPS(KIND);                                                                        \
        ops_->trsv_l(n, row_ptr, col_idx, val, dinv, b, y);                                  \
        return CK_OK;                                                                        \
    }                                                                                        \
    int ck_trsv_lt_##S(ck_path path, int32_t n, const int32_t *restrict row_ptr,             \
                       const int32_t *restrict col_idx, const VAL *restrict val,             \
                       const VAL *restrict dinv, const VEC *restrict b, VEC *restrict y) {   \
        CK_OPS(KIND);                                                                        \
        ops_->trsv_lt(n, row_ptr, col_idx, val, dinv, b, y);                                 \
        return CK_OK;                                                                        \
    }                                                                                        \
    int ck_btrsv_l_##S(ck_path path, int32_t B, int32_t nb, const int32_t *restrict brow_ptr, \
                       const int32_t *restrict bcol_idx, const VAL *restrict val,            \
                       const VAL *restrict dinv, const VEC *restrict b, VEC *restrict y) {   \
        CK_OPS(KIND);                                                                        \
        if (B < 1) return CK_ERR_ARGUMENT;                                                   \
        ops_->btrsv_l(B, nb, brow_ptr, bcol_idx, val, dinv, b, y);                           \
        return CK_OK;                                                                        \
    }                                                                                        \
    int ck_btrsv_lt_##S(ck_path path, int32_t B, int32_t nb,                                 \
                        const int32_t *restrict brow_ptr, const int32_t *restrict bcol_idx,  \
                        const VAL *restrict val, const VAL *restrict dinv,                   \
                        const VEC *restrict b, VEC *restrict y) {                            \
        CK_OPS(KIND);                                                                        \
        if (B < 1) return CK_ERR_ARGUMENT;                                                   \
        ops_->btrsv_lt(B, nb, brow_ptr, bcol_idx, val, dinv, b, y);                          \
        return CK_OK;                                                                        \
    }

CK_DEFINE_PRECISION(f64, CK_KIND_F64, double, double)
CK_DEFINE_PRECISION(f32, CK_KIND_F32, float, float)
CK_DEFINE_PRECISION(f16, CK_KIND_F16, _Float16, float)
CK_DEFINE_PRECISION(f16n, CK_KIND_F16N, _Float16, float)
