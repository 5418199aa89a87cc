/* Portable reference path: the template compiled for the baseline ISA. */
#include "ck_internal.h"

#define PATHSUF scalar
#define CK_HALF_TO_FLOAT(h) ((float)(h))
#include "path_instances.inc"

#define SUF f64_scalar
const ck_ops ck_ops_scalar_f64 = CK_TEMPLATE_OPS;
#undef SUF
#define SUF f32_scalar
const ck_ops ck_ops_scalar_f32 = CK_TEMPLATE_OPS;
#undef SUF
#define SUF f16_scalar
const ck_ops ck_ops_scalar_f16 = CK_TEMPLATE_OPS;
#undef SUF
#define SUF f16n_scalar
const ck_ops ck_ops_scalar_f16n = CK_TEMPLATE_OPS;
#undef SUF
