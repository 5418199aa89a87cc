/* AVX512-FP16 path: native fp16 arithmetic (the _f16n kernels) compiled for vfmadd*ph.
 * The other storage kinds reuse the AVX2 kernels (every AVX512-FP16 CPU has AVX2/F16C). */
#include "ck_internal.h"

#pragma clang attribute push(__attribute__((target("avx512fp16,avx512vl,avx512bw,avx512f,avx2,fma,f16c"))), apply_to = function)

#define SUF f16n_avx512fp16
#define VAL_T _Float16
#define VEC_T float
#define ACC_T _Float16
#define LD(v) (v)
#define XV(v) ((_Float16)(v))
#include "kernel_template.inc"
const ck_ops ck_ops_avx512fp16_f16n = CK_TEMPLATE_OPS;

#pragma clang attribute pop
