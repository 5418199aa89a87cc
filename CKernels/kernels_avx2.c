/* AVX2 + FMA + F16C path: the template compiled for that ISA (fp16 loads become
 * vcvtph2ps), with hand-written kernels for the SLAM block shapes (kernels_avx2_blocks.inc). */
#include <immintrin.h>
#include "ck_internal.h"

#pragma clang attribute push(__attribute__((target("avx2,fma,f16c"))), apply_to = function)

#define PATHSUF avx2
#include "path_instances.inc"

#define SUF f64_avx2
const ck_ops ck_ops_avx2_f64 = CK_TEMPLATE_OPS;
#undef SUF
#define SUF f32_avx2
const ck_ops ck_ops_avx2_f32 = CK_TEMPLATE_OPS;
#undef SUF
#define SUF f16_avx2
const ck_ops ck_ops_avx2_f16 = CK_TEMPLATE_OPS;
#undef SUF
#define SUF f16n_avx2
const ck_ops ck_ops_avx2_f16n = CK_TEMPLATE_OPS;
#undef SUF

#pragma clang attribute pop
