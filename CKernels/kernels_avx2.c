/* AVX2 + FMA + F16C path: the template compiled for that ISA (fp16 loads become
 * vcvtph2ps), and for fp32/fp16 storage hand-written kernels for the SLAM block shapes
 * (kernels_avx2_blocks.inc). */
#include <immintrin.h>
#include "ck_internal.h"

#pragma clang attribute push(__attribute__((target("avx2,fma,f16c"))), apply_to = function)

/* One fp16 value to fp32 through a zeroing vmovd. Left alone, the compiler inserts the value
 * into whatever register is live (vpinsrw merges, it does not zero), which chains every
 * load onto the previous arithmetic: latency-bound loops such as the triangular solves ran
 * 4× slower. The empty asm makes the zero upper lanes observable, so the zeroing move stays. */
static inline float ck_half_to_float(_Float16 h) {
    __m128i bits = _mm_cvtsi32_si128(__builtin_bit_cast(uint16_t, h));
    __asm__("" : "+x"(bits));
    return _mm_cvtss_f32(_mm_cvtph_ps(bits));
}

#define PATHSUF avx2
#define CK_HALF_TO_FLOAT(h) ck_half_to_float(h)
#include "path_instances.inc"

#include "kernels_avx2_f64.inc"
const ck_ops ck_ops_avx2_f64 = {
    csr_mv_f64_avx2, csr_mtv_f64_avx2, bsr_mv_f64_avx2_hand, bsr_mtv_f64_avx2, ba_jp_f64_avx2,
    ba_jtq_f64_avx2, trsv_l_f64_avx2, trsv_lt_f64_avx2, btrsv_l_f64_avx2, btrsv_lt_f64_avx2};
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
#define LOAD1(p) ck_half_to_float(*(p))
#include "kernels_avx2_blocks.inc"
const ck_ops ck_ops_avx2_f16 = CK_HAND_OPS;
#undef SUF

#pragma clang attribute pop
