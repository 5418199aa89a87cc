/* Incomplete Cholesky IC(0), scalar and block, in fp64 (row-oriented, "up-looking"). */
#include <math.h>
#include "ck_internal.h"

int ck_ichol0_csr(int32_t n, const int32_t *restrict rp, const int32_t *restrict ci,
                  const double *restrict a, double shift, double *restrict l,
                  int32_t *restrict breakdown_row) {
    *breakdown_row = -1;
    for (int32_t i = 0; i < n; i++) {
        const int32_t diag_i = rp[i + 1] - 1;
        if (diag_i < rp[i] || ci[diag_i] != i) {
            *breakdown_row = i;
            return CK_ERR_ARGUMENT;
        }
        for (int32_t k = rp[i]; k < diag_i; k++) {
            const int32_t j = ci[k];
            const int32_t diag_j = rp[j + 1] - 1;
            double s = a[k];
            /* Σ_{m<j} L_im L_jm over the columns rows i and j share. */
            int32_t p = rp[i], q = rp[j];
            while (p < k && q < diag_j) {
                if (ci[p] == ci[q]) s -= l[p++] * l[q++];
                else if (ci[p] < ci[q]) p++;
                else q++;
            }
            l[k] = s / l[diag_j];
        }
        double d = a[diag_i] + shift;
        for (int32_t k = rp[i]; k < diag_i; k++) d -= l[k] * l[k];
        if (!(d > 0.0) || !isfinite(d)) {
            *breakdown_row = i;
            return CK_ERR_BREAKDOWN;
        }
        l[diag_i] = sqrt(d);
    }
    return CK_OK;
}

int ck_ichol0_bsr(int32_t B, int32_t nb, const int32_t *restrict rp,
                  const int32_t *restrict ci, const double *restrict a, double shift,
                  double *restrict l, int32_t *restrict breakdown_row) {
    *breakdown_row = -1;
    if (B < 1 || B > 8) return CK_ERR_ARGUMENT;
    const int64_t BB = (int64_t)B * B;
    double s[64];
    for (int32_t i = 0; i < nb; i++) {
        const int32_t diag_i = rp[i + 1] - 1;
        if (diag_i < rp[i] || ci[diag_i] != i) {
            *breakdown_row = i;
            return CK_ERR_ARGUMENT;
        }
        for (int32_t k = rp[i]; k <= diag_i; k++) {
            const int32_t j = ci[k];
            const int32_t diag_j = rp[j + 1] - 1;
            for (int64_t t = 0; t < BB; t++) s[t] = a[k * BB + t];
            /* S = A_ij − Σ_m L_im L_jmᵀ over the block columns m < j both rows hold. */
            int32_t p = rp[i], q = rp[j];
            while (p < k && q < diag_j) {
                if (ci[p] == ci[q]) {
                    const double *restrict lim = l + p * BB, *restrict ljm = l + q * BB;
                    for (int32_t r = 0; r < B; r++)
                        for (int32_t c = 0; c < B; c++) {
                            double dot = 0;
                            for (int32_t t = 0; t < B; t++) dot += lim[r * B + t] * ljm[c * B + t];
                            s[r * B + c] -= dot;
                        }
                    p++;
                    q++;
                } else if (ci[p] < ci[q]) p++;
                else q++;
            }
            double *restrict out = l + k * BB;
            if (k < diag_i) {
                /* L_ij = S L_jj⁻ᵀ: forward substitution on each row of S. */
                const double *restrict ljj = l + diag_j * BB;
                for (int32_t r = 0; r < B; r++)
                    for (int32_t c = 0; c < B; c++) {
                        double v = s[r * B + c];
                        for (int32_t t = 0; t < c; t++) v -= out[r * B + t] * ljj[c * B + t];
                        out[r * B + c] = v / ljj[c * B + c];
                    }
            } else {
                /* L_ii = chol(S + shift·I), dense lower Cholesky. */
                for (int32_t c = 0; c < B; c++) {
                    double d = s[c * B + c] + shift;
                    for (int32_t t = 0; t < c; t++) d -= out[c * B + t] * out[c * B + t];
                    if (!(d > 0.0) || !isfinite(d)) {
                        *breakdown_row = i;
                        return CK_ERR_BREAKDOWN;
                    }
                    const double lcc = sqrt(d);
                    out[c * B + c] = lcc;
                    for (int32_t r = c + 1; r < B; r++) {
                        double v = s[r * B + c];
                        for (int32_t t = 0; t < c; t++) v -= out[r * B + t] * out[c * B + t];
                        out[r * B + c] = v / lcc;
                    }
                    for (int32_t r = 0; r < c; r++) out[r * B + c] = 0.0;
                }
            }
        }
    }
    return CK_OK;
}
