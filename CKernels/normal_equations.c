/* Normal equations of a least-squares problem with dense per-factor Jacobian blocks (fp64).
 * One body; the 3- and 6-dof block sizes of pose graphs are instantiated with constant sizes
 * so the B×B block products unroll. */
#include "ckernels.h"

static inline __attribute__((always_inline)) void ck_normal_blocks_body(
    const int32_t B, const ptrdiff_t M, ptrdiff_t nfactors, const ptrdiff_t *restrict residual_offsets,
    const ptrdiff_t *restrict factor_blocks, const ptrdiff_t *restrict block_offsets,
    const ptrdiff_t *restrict block_vars, const ptrdiff_t *restrict scatter_offsets,
    const int32_t *restrict scatter, const double *restrict jac, const double *restrict res,
    double *restrict h, double *restrict g) {
    const ptrdiff_t bb = (ptrdiff_t)B * B;
    double p[81];
    for (ptrdiff_t f = 0; f < nfactors; f++) {
        /* M > 0: every factor has M rows (a constant the compiler unrolls); else read it. */
        const ptrdiff_t m = M > 0 ? M : residual_offsets[f + 1] - residual_offsets[f];
        const double *restrict r = res + residual_offsets[f];
        const ptrdiff_t first = factor_blocks[f], nb = factor_blocks[f + 1] - first;
        const int32_t *restrict pairs = scatter + scatter_offsets[f];
        for (ptrdiff_t a = 0; a < nb; a++) {
            const double *restrict ja = jac + block_offsets[first + a];
            double *restrict ga = g + block_vars[first + a] * B;
            for (int32_t i = 0; i < B; i++) {
                double sum = 0;
                for (ptrdiff_t row = 0; row < m; row++) sum += ja[row * B + i] * r[row];
                ga[i] += sum;
            }
            for (ptrdiff_t b = a; b < nb; b++) {
                const double *restrict jb = jac + block_offsets[first + b];
                for (ptrdiff_t k = 0; k < bb; k++) p[k] = 0;
                for (ptrdiff_t row = 0; row < m; row++)
                    for (int32_t i = 0; i < B; i++)
                        for (int32_t j = 0; j < B; j++) p[i * B + j] += ja[row * B + i] * jb[row * B + j];
                double *restrict hab = h + pairs[a * nb + b] * bb;
                for (ptrdiff_t k = 0; k < bb; k++) hab[k] += p[k];
                if (b == a) continue;
                double *restrict hba = h + pairs[b * nb + a] * bb;
                for (int32_t i = 0; i < B; i++)
                    for (int32_t j = 0; j < B; j++) hba[j * B + i] += p[i * B + j];
            }
        }
    }
}

int ck_normal_blocks_f64(int32_t B, ptrdiff_t nfactors, const ptrdiff_t *restrict residual_offsets,
                         const ptrdiff_t *restrict factor_blocks, const ptrdiff_t *restrict block_offsets,
                         const ptrdiff_t *restrict block_vars, const ptrdiff_t *restrict scatter_offsets,
                         const int32_t *restrict scatter, const double *restrict jac,
                         const double *restrict res, double *restrict h, double *restrict g) {
    if (B < 1 || B > 9) return CK_ERR_ARGUMENT;
    /* Pose graphs of one kind have B residual rows per factor: instantiate that case. */
    int square = 1;
    for (ptrdiff_t f = 0; f < nfactors && square; f++)
        square = residual_offsets[f + 1] - residual_offsets[f] == B;
    if (square && B == 3)
        ck_normal_blocks_body(3, 3, nfactors, residual_offsets, factor_blocks, block_offsets, block_vars,
                              scatter_offsets, scatter, jac, res, h, g);
    else if (square && B == 6)
        ck_normal_blocks_body(6, 6, nfactors, residual_offsets, factor_blocks, block_offsets, block_vars,
                              scatter_offsets, scatter, jac, res, h, g);
    else
        ck_normal_blocks_body(B, 0, nfactors, residual_offsets, factor_blocks, block_offsets, block_vars,
                              scatter_offsets, scatter, jac, res, h, g);
    return CK_OK;
}
