/* AVX2 + FMA + F16C path: the template compiled for that ISA (fp16 loads become
 * vcvtph2ps), and for fp32/fp16 storage hand-written kernels for the SLAM block shapes
 * (kernels_avx2_blocks.inc). */
#include <immintrin.h>
#include "ck_internal.h"

#pragma clang attribute push(__attribute__((target("avx2,fma,f16c"))), apply_to = function)

#define PATHSUF avx2
#include "path_instances.inc"

#define SUF f64_avx2
const ck_ops ck_ops_avx2_f64 = CK_TEMPLATE_OPS;
#undef SUF
#define SUF f16n_avx2
const ck_ops ck_ops_avx2_f16n = CK_TEMPLATE_OPS;
#undef SUF

#define SUF f32_avx2
#define HSUF f32_avx2
#define HVAL float
#define LOAD8(p) _mm256_loadu_ps(p)
#define LOAD4(p) _mm_loadu_ps(p)
#define LOAD6(p) HK(vload6)(p)
#define LOAD1(p) (*(p))
#include "kernels_avx2_blocks.inc"
const ck_ops ck_ops_avx2_f32 = CK_HAND_OPS;
#undef SUF
#undef HSUF
#undef HVAL
#undef LOAD8
#undef LOAD4
#undef LOAD6
#undef LOAD1

static inline __m256 ck_load6_f16(const _Float16 *restrict p) {
    const __m128i lo = _mm_loadl_epi64((const __m128i *)p);
    const __m128i hi = _mm_loadu_si32(p + 4);
    return _mm256_cvtph_ps(_mm_unpacklo_epi64(lo, hi));
}

#define SUF f16_avx2
#define HSUF f16_avx2
#define HVAL _Float16
#define LOAD8(p) _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(p)))
#define LOAD4(p) _mm_cvtph_ps(_mm_loadl_epi64((const __m128i *)(p)))
#define LOAD6(p) ck_load6_f16(p)
#define LOAD1(p) ((float)*(p))
#include "kernels_avx2_blocks.inc"
const ck_ops ck_ops_avx2_f16 = CK_HAND_OPS;
#undef SUF

#pragma clang attribute pop
