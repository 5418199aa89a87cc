/*
 * CKernels: the sparse hot loops of MixedSLAM in fp64, fp32 and fp16.
 *
 * Conventions (they hold for every function below unless its comment says otherwise):
 * - Kernels trust their inputs (the Swift layer validates shapes, indices and finiteness)
 *   and never allocate: the caller owns every buffer. Input and output buffers must not
 *   overlap (`restrict`).
 * - Sparse structures are CSR with int32 row pointers and column indices; block-CSR
 *   (BSR) stores each B×B block as B² consecutive values, row-major inside the block.
 * - `accumulate` = 0 computes y = op(A) x; non-zero computes y += op(A) x.
 * - Value storage and arithmetic per suffix:
 *     _f64  : values double,   vectors double, arithmetic fp64
 *     _f32  : values float,    vectors float,  arithmetic fp32
 *     _f16  : values _Float16, vectors float,  arithmetic fp32 (fp16 storage, F16C convert)
 *     _f16n : values _Float16, vectors float,  arithmetic fp16 (every multiply-add rounds
 *             to fp16; native on AVX512-FP16, emulated elsewhere)
 * - `path` selects the instruction-set path (ck_path). CK_PATH_AUTO uses the active path
 *   (see ck_set_path). A kernel called with a path the CPU lacks returns
 *   CK_ERR_UNSUPPORTED_PATH and writes nothing.
 * - Return value: CK_OK or a ck_status error code.
 */
#ifndef MIXEDSLAM_CKERNELS_H
#define MIXEDSLAM_CKERNELS_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------ dispatch */

/** Instruction-set path of the kernels. */
typedef enum {
    CK_PATH_AUTO = -1,      /**< the active path (best supported, or forced) */
    CK_PATH_SCALAR = 0,     /**< portable C, any CPU */
    CK_PATH_AVX2 = 1,       /**< x86-64 AVX2 + FMA + F16C */
    CK_PATH_AVX512FP16 = 2  /**< x86-64 AVX512-FP16 (+F/BW/VL) with native fp16 FMA */
} ck_path;

/** Status codes returned by kernels and dispatch functions. */
typedef enum {
    CK_OK = 0,
    CK_ERR_UNSUPPORTED_PATH = 1, /**< the requested path is not available on this CPU */
    CK_ERR_BREAKDOWN = 2,        /**< a factorization met a non-positive pivot */
    CK_ERR_ARGUMENT = 3          /**< an argument outside the documented range */
} ck_status;

/** Outcome of reading MIXEDSLAM_KERNEL_PATH when the dispatch table was initialized. */
typedef enum {
    CK_ENV_UNSET = 0,        /**< variable absent or empty: best path selected */
    CK_ENV_APPLIED = 1,      /**< variable named a supported path, now active */
    CK_ENV_UNSUPPORTED = 2,  /**< variable named a path this CPU lacks: best path kept */
    CK_ENV_UNRECOGNIZED = 3  /**< variable is not scalar|avx2|avx512fp16: best path kept */
} ck_env_status;

/** 1 if this CPU (and this build) can run `path`, else 0. CK_PATH_AUTO gives 1. */
int ck_path_supported(ck_path path);

/** The fastest path this CPU supports (checked once with __builtin_cpu_supports). */
ck_path ck_best_path(void);

/** The path CK_PATH_AUTO resolves to: the best path, or the one forced by ck_set_path or by
 *  the environment variable MIXEDSLAM_KERNEL_PATH=scalar|avx2|avx512fp16 (read once). */
ck_path ck_active_path(void);

/** Forces the active path. Returns CK_ERR_UNSUPPORTED_PATH (active path unchanged) when the
 *  CPU lacks it; CK_PATH_AUTO restores the best path. Process-wide: tests that compare paths
 *  should pass an explicit path to each kernel instead. */
int ck_set_path(ck_path path);

/** What the environment variable did at initialization (ck_env_status). */
int ck_env_path_status(void);

/** Static name of a path: "scalar", "avx2", "avx512fp16" (or "auto"). */
const char *ck_path_name(ck_path path);

/* ------------------------------------------------------------- CSR products */

/** y (rows) = A x or += A x; A is rows×cols CSR, x has cols entries. */
int ck_csr_mv_f64(ck_path path, int accumulate, int32_t rows, const int32_t *restrict row_ptr,
                  const int32_t *restrict col_idx, const double *restrict val,
                  const double *restrict x, double *restrict y);
int ck_csr_mv_f32(ck_path path, int accumulate, int32_t rows, const int32_t *restrict row_ptr,
                  const int32_t *restrict col_idx, const float *restrict val,
                  const float *restrict x, float *restrict y);
int ck_csr_mv_f16(ck_path path, int accumulate, int32_t rows, const int32_t *restrict row_ptr,
                  const int32_t *restrict col_idx, const _Float16 *restrict val,
                  const float *restrict x, float *restrict y);
int ck_csr_mv_f16n(ck_path path, int accumulate, int32_t rows, const int32_t *restrict row_ptr,
                   const int32_t *restrict col_idx, const _Float16 *restrict val,
                   const float *restrict x, float *restrict y);

/** y (cols) = Aᵀ x or += Aᵀ x; A is rows×cols CSR, x has rows entries. */
int ck_csr_mtv_f64(ck_path path, int accumulate, int32_t rows, int32_t cols,
                   const int32_t *restrict row_ptr, const int32_t *restrict col_idx,
                   const double *restrict val, const double *restrict x, double *restrict y);
int ck_csr_mtv_f32(ck_path path, int accumulate, int32_t rows, int32_t cols,
                   const int32_t *restrict row_ptr, const int32_t *restrict col_idx,
                   const float *restrict val, const float *restrict x, float *restrict y);
int ck_csr_mtv_f16(ck_path path, int accumulate, int32_t rows, int32_t cols,
                   const int32_t *restrict row_ptr, const int32_t *restrict col_idx,
                   const _Float16 *restrict val, const float *restrict x, float *restrict y);
int ck_csr_mtv_f16n(ck_path path, int accumulate, int32_t rows, int32_t cols,
                    const int32_t *restrict row_ptr, const int32_t *restrict col_idx,
                    const _Float16 *restrict val, const float *restrict x, float *restrict y);

/* ------------------------------------------------------- block CSR products */

/** y (B·brows) = A x or += A x; A is block CSR with B×B blocks (any B ≥ 1; B = 3 and 6
 *  have dedicated code), brow_ptr has brows+1 entries, x has B·(block columns) entries. */
int ck_bsr_mv_f64(ck_path path, int accumulate, int32_t B, int32_t brows,
                  const int32_t *restrict brow_ptr, const int32_t *restrict bcol_idx,
                  const double *restrict val, const double *restrict x, double *restrict y);
int ck_bsr_mv_f32(ck_path path, int accumulate, int32_t B, int32_t brows,
                  const int32_t *restrict brow_ptr, const int32_t *restrict bcol_idx,
                  const float *restrict val, const float *restrict x, float *restrict y);
int ck_bsr_mv_f16(ck_path path, int accumulate, int32_t B, int32_t brows,
                  const int32_t *restrict brow_ptr, const int32_t *restrict bcol_idx,
                  const _Float16 *restrict val, const float *restrict x, float *restrict y);
int ck_bsr_mv_f16n(ck_path path, int accumulate, int32_t B, int32_t brows,
                   const int32_t *restrict brow_ptr, const int32_t *restrict bcol_idx,
                   const _Float16 *restrict val, const float *restrict x, float *restrict y);

/** y (B·bcols) = Aᵀ x or += Aᵀ x; same storage as ck_bsr_mv, x has B·brows entries. */
int ck_bsr_mtv_f64(ck_path path, int accumulate, int32_t B, int32_t brows, int32_t bcols,
                   const int32_t *restrict brow_ptr, const int32_t *restrict bcol_idx,
                   const double *restrict val, const double *restrict x, double *restrict y);
int ck_bsr_mtv_f32(ck_path path, int accumulate, int32_t B, int32_t brows, int32_t bcols,
                   const int32_t *restrict brow_ptr, const int32_t *restrict bcol_idx,
                   const float *restrict val, const float *restrict x, float *restrict y);
int ck_bsr_mtv_f16(ck_path path, int accumulate, int32_t B, int32_t brows, int32_t bcols,
                   const int32_t *restrict brow_ptr, const int32_t *restrict bcol_idx,
                   const _Float16 *restrict val, const float *restrict x, float *restrict y);
int ck_bsr_mtv_f16n(ck_path path, int accumulate, int32_t B, int32_t brows, int32_t bcols,
                    const int32_t *restrict brow_ptr, const int32_t *restrict bcol_idx,
                    const _Float16 *restrict val, const float *restrict x, float *restrict y);

/* ---------------------------------------------- bundle-adjustment Jacobian */

/*
 * BA Jacobian layout: observation k owns residual rows 2k, 2k+1 and 18 values
 * blocks[18k ..< 18k+18] = the 2×9 row-major matrix [P_k | L_k], P_k the 2×6 block on pose
 * pose_idx[k] and L_k the 2×3 block on landmark lm_idx[k]. The unknowns are split into
 * pose parameters xp (6 per pose) and landmark parameters xl (3 per landmark).
 */

/** r (2·nobs) = J [xp; xl] or += ...: r_k = P_k xp[pose_k] + L_k xl[lm_k]. */
int ck_ba_jp_f64(ck_path path, int accumulate, int32_t nobs, const int32_t *restrict pose_idx,
                 const int32_t *restrict lm_idx, const double *restrict blocks,
                 const double *restrict xp, const double *restrict xl, double *restrict r);
int ck_ba_jp_f32(ck_path path, int accumulate, int32_t nobs, const int32_t *restrict pose_idx,
                 const int32_t *restrict lm_idx, const float *restrict blocks,
                 const float *restrict xp, const float *restrict xl, float *restrict r);
int ck_ba_jp_f16(ck_path path, int accumulate, int32_t nobs, const int32_t *restrict pose_idx,
                 const int32_t *restrict lm_idx, const _Float16 *restrict blocks,
                 const float *restrict xp, const float *restrict xl, float *restrict r);
int ck_ba_jp_f16n(ck_path path, int accumulate, int32_t nobs, const int32_t *restrict pose_idx,
                  const int32_t *restrict lm_idx, const _Float16 *restrict blocks,
                  const float *restrict xp, const float *restrict xl, float *restrict r);

/** [gp (6·nposes); gl (3·nlms)] = Jᵀ q or += ...: gp[pose_k] += P_kᵀ q_k, gl[lm_k] += L_kᵀ q_k;
 *  q has 2·nobs entries. */
int ck_ba_jtq_f64(ck_path path, int accumulate, int32_t nobs, int32_t nposes, int32_t nlms,
                  const int32_t *restrict pose_idx, const int32_t *restrict lm_idx,
                  const double *restrict blocks, const double *restrict q,
                  double *restrict gp, double *restrict gl);
int ck_ba_jtq_f32(ck_path path, int accumulate, int32_t nobs, int32_t nposes, int32_t nlms,
                  const int32_t *restrict pose_idx, const int32_t *restrict lm_idx,
                  const float *restrict blocks, const float *restrict q,
                  float *restrict gp, float *restrict gl);
int ck_ba_jtq_f16(ck_path path, int accumulate, int32_t nobs, int32_t nposes, int32_t nlms,
                  const int32_t *restrict pose_idx, const int32_t *restrict lm_idx,
                  const _Float16 *restrict blocks, const float *restrict q,
                  float *restrict gp, float *restrict gl);
int ck_ba_jtq_f16n(ck_path path, int accumulate, int32_t nobs, int32_t nposes, int32_t nlms,
                   const int32_t *restrict pose_idx, const int32_t *restrict lm_idx,
                   const _Float16 *restrict blocks, const float *restrict q,
                   float *restrict gp, float *restrict gl);

/*
 * Dense Schur complement of the points of the damped BA normal equations (JᵀJ + D) δ = −g,
 * fp64. Observation k has an m×c row-major camera block cblocks[k·m·c ..] on camera cam[k]
 * (−1: fixed camera, no columns) and an m×3 point block pblocks[k·m·3 ..]; the unknowns are
 * ncams cameras (c each, n = c·ncams) then npoints points (3 each). obs_by_point lists the
 * observations of point j in obs_by_point[point_start[j] ..< point_start[j+1]].
 * damping (n + 3·npoints) is diag(D); g (n + 3·npoints) is Jᵀr. Computes
 *   S   = Hcc + Dc − Σ_j Hcp_j Hpp_j⁻¹ Hpcⱼ   (n×n column-major; only the lower camera-block
 *                                             triangle, cam_a ≥ cam_b, is written)
 *   rhs = −g_c + Σ_j Hcp_j Hpp_j⁻¹ g_pj      (n)
 *   pinv[9j ..] = Hpp_j⁻¹ = (Σ P_kᵀP_k + Dp_j)⁻¹  (3×3 row-major)
 * Scratch: work holds 6·c·q doubles and cols q ints, q the largest observation count of a
 * point. Returns CK_ERR_BREAKDOWN with *failed = j when Hpp_j is not positive definite.
 */
int ck_ba_schur_f64(ck_path path, int32_t c, int32_t m, int32_t ncams, int32_t npoints,
                    int32_t nobs, const int32_t *restrict cam, const int32_t *restrict point_start,
                    const int32_t *restrict obs_by_point, const double *restrict cblocks,
                    const double *restrict pblocks, const double *restrict damping,
                    const double *restrict g, double *restrict s, double *restrict rhs,
                    double *restrict pinv, double *restrict work, int32_t *restrict cols,
                    int32_t *restrict failed);

/*
 * S = Hcc + Dc − Σ_j Hcp_j Hpp_j⁻¹ Hpcⱼ as ck_ba_schur_f64 (same inputs, fp64; same lower
 * camera-block triangle of the n×n column-major s), accumulated and stored in fp32: the
 * lagged Schur preconditioner's S, which needs neither the right-hand side nor Hpp⁻¹. Each
 * Hpp_j is inverted in fp64; C_kᵀP_k and C_kᵀP_k Hpp_j⁻¹ are rounded to fp32 and the pair
 * updates, the bulk of the work, run in fp32 (half of the fp64 kernel's memory traffic).
 * Scratch, caller-owned: packed holds ncams·(ncams+1)/2 · c·cp floats (S's lower block
 * triangle while it is accumulated, block columns padded to cp = c rounded up to a multiple
 * of 8 rows), work 6·cp·q floats and cols q ints, q the largest observation count of a point.
 * Returns CK_ERR_BREAKDOWN with *failed = j when Hpp_j is not positive definite.
 */
int ck_ba_schur_s_f32(ck_path path, int32_t c, int32_t m, int32_t ncams, int32_t npoints,
                      int32_t nobs, const int32_t *restrict cam,
                      const int32_t *restrict point_start, const int32_t *restrict obs_by_point,
                      const double *restrict cblocks, const double *restrict pblocks,
                      const double *restrict damping, float *restrict s, float *restrict packed,
                      float *restrict work, int32_t *restrict cols, int32_t *restrict failed);

/** The diagonal blocks of JᵀJ for the same BA layout as ck_ba_schur_f64, fp64:
 *  hcc[c²·i ..] = Σ_{cam[k]=i} C_kᵀC_k (c×c row-major, ncams blocks) and
 *  hpp[9·j ..] = Σ_{pt[k]=j} P_kᵀP_k (3×3, npoints blocks); index −1 skips a block. */
int ck_ba_diag_blocks_f64(ck_path path, int32_t c, int32_t m, int32_t ncams, int32_t npoints,
                          int32_t nobs, const int32_t *restrict cam, const int32_t *restrict pt,
                          const double *restrict cblocks, const double *restrict pblocks,
                          double *restrict hcc, double *restrict hpp);

/** g = Jᵀ r and d = diag(JᵀJ), fp64, for the same BA layout as ck_ba_diag_blocks_f64 with
 *  residuals r[k·m + row]; g and d (c·ncams + 3·npoints, cameras first) are overwritten. */
int ck_ba_gradient_diag_f64(int32_t c, int32_t m, int32_t ncams, int32_t npoints, int32_t nobs,
                            const int32_t *restrict cam, const int32_t *restrict pt,
                            const double *restrict cblocks, const double *restrict pblocks,
                            const double *restrict r, double *restrict g, double *restrict d);

/** Returns ‖J x‖² = Σ_k Σ_row (C_k,row · x_cam[k] + P_k,row · x_pt[k])², fp64, same layout;
 *  x has c·ncams + 3·npoints entries, cameras first. */
double ck_ba_jx_norm2_f64(int32_t c, int32_t m, int32_t ncams, int32_t nobs,
                          const int32_t *restrict cam, const int32_t *restrict pt,
                          const double *restrict cblocks, const double *restrict pblocks,
                          const double *restrict x);

/*
 * Normal equations H += Σ_f Σ_{a,b} J_faᵀ J_fb and g += Σ_f Σ_a J_faᵀ r_f, fp64, for factors
 * whose Jacobian blocks all have B columns (one tangent dimension). Factor f has residual rows
 * res[residual_offsets[f] ..< residual_offsets[f+1]] (m of them) and blocks
 * factor_blocks[f] ..< factor_blocks[f+1]; block k is m×B row-major at jac[block_offsets[k] ..],
 * on variable block_vars[k] (g[B·block_vars[k] ..]). The (a, b) pair of a factor's blocks adds
 * into the B×B row-major block h[B²·scatter[scatter_offsets[f] + a·nb + b] ..] (nb blocks,
 * both triangles stored). h and g are accumulated into, not cleared. 1 ≤ B ≤ 9.
 */
int ck_normal_blocks_f64(int32_t B, ptrdiff_t nfactors, const ptrdiff_t *restrict residual_offsets,
                         const ptrdiff_t *restrict factor_blocks, const ptrdiff_t *restrict block_offsets,
                         const ptrdiff_t *restrict block_vars, const ptrdiff_t *restrict scatter_offsets,
                         const int32_t *restrict scatter, const double *restrict jac,
                         const double *restrict res, double *restrict h, double *restrict g);

/** z = blockdiag(M) r, fp32: ncams c×c blocks then npoints 3×3 blocks in inv (column-major,
 *  consecutive), r and z of length c·ncams + 3·npoints: the BA block-Jacobi preconditioner. */
int ck_ba_block_diag_mv_f32(ck_path path, int32_t c, int32_t ncams, int32_t npoints,
                            const float *restrict inv, const float *restrict r, float *restrict z);

/*
 * BA normal-equation product in pose panels: [gp; gl] = Jᵀ J [xp; xl], the observations
 * grouped by pose in panels of eight. Panel q belongs to pose panel_pose[q] (panels of one
 * pose consecutive), its lanes to landmarks panel_lm[8q ..< 8q+8], and blocks[144q + (9·row + c)·8 + lane] is entry (row, c) of that observation's 2×9 block
 * [P | L]. Unused lanes carry zero blocks. Landmark vectors xl, gl have stride 4 (the fourth
 * entry is padding: ignored in xl, left 0 in gl). gp (6·nposes) and gl (4·nlms) are
 * overwritten. fp32 arithmetic; the lane-wise layout needs no horizontal sums per observation.
 */
int ck_ba_panel_jtjx_f32(ck_path path, int32_t npanels, int32_t nposes, int32_t nlms,
                         const int32_t *restrict panel_pose, const int32_t *restrict panel_lm,
                         const float *restrict blocks, const float *restrict xp,
                         const float *restrict xl, float *restrict gp, float *restrict gl);
int ck_ba_panel_jtjx_f16(ck_path path, int32_t npanels, int32_t nposes, int32_t nlms,
                         const int32_t *restrict panel_pose, const int32_t *restrict panel_lm,
                         const _Float16 *restrict blocks, const float *restrict xp,
                         const float *restrict xl, float *restrict gp, float *restrict gl);

/*
 * CGNR's damped product y = Ĵᵀ Ĵ x + d ∘ x with Ĵ in pose panels (ck_ba_panel_jtjx_*) over
 * ncams cameras and npoints points: x, d and y (length 6·ncams + 3·npoints) are cameras, then
 * points packed by three; the panels use pose ncams and landmark npoints as their zero slots.
 * Workspace owned by the caller: xp, gp of 6·(ncams + 1) and xl, gl of 4·(npoints + 1) floats.
 * The entries of xp and xl this function never writes (pose ncams, landmark npoints, the
 * fourth entry of every landmark) must be zero.
 */
int ck_ba_panel_normal_mv_f32(ck_path path, int32_t npanels, int32_t ncams, int32_t npoints,
                              const int32_t *restrict panel_pose, const int32_t *restrict panel_lm,
                              const float *restrict blocks, const float *restrict d,
                              const float *restrict x, float *restrict y, float *restrict xp,
                              float *restrict xl, float *restrict gp, float *restrict gl);
int ck_ba_panel_normal_mv_f16(ck_path path, int32_t npanels, int32_t ncams, int32_t npoints,
                              const int32_t *restrict panel_pose, const int32_t *restrict panel_lm,
                              const _Float16 *restrict blocks, const float *restrict d,
                              const float *restrict x, float *restrict y, float *restrict xp,
                              float *restrict xl, float *restrict gp, float *restrict gl);

/*
 * The coupling blocks of ck_ba_panel_normal_mv_* (the same layout, panels, zero slots and
 * workspace rules; no damping):
 *   hcl: y_c = Ĵ_cᵀ Ĵ_l x_l, reading only x's point part and writing only y's camera part
 *        (workspace xl of 4·(npoints + 1), gp of 6·(ncams + 1) floats);
 *   hlc: y_l = Ĵ_lᵀ Ĵ_c x_c, reading only x's camera part and writing only y's point part
 *        (workspace xp of 6·(ncams + 1), gl of 4·(npoints + 1) floats).
 * Half the multiply-adds of the full product, and no landmark scatter (hcl) or gather (hlc):
 * the Schur-complement preconditioner needs only these blocks.
 */
int ck_ba_panel_hcl_mv_f32(ck_path path, int32_t npanels, int32_t ncams, int32_t npoints,
                           const int32_t *restrict panel_pose, const int32_t *restrict panel_lm,
                           const float *restrict blocks, const float *restrict x,
                           float *restrict y, float *restrict xl, float *restrict gp);
int ck_ba_panel_hcl_mv_f16(ck_path path, int32_t npanels, int32_t ncams, int32_t npoints,
                           const int32_t *restrict panel_pose, const int32_t *restrict panel_lm,
                           const _Float16 *restrict blocks, const float *restrict x,
                           float *restrict y, float *restrict xl, float *restrict gp);
int ck_ba_panel_hlc_mv_f32(ck_path path, int32_t npanels, int32_t ncams, int32_t npoints,
                           const int32_t *restrict panel_pose, const int32_t *restrict panel_lm,
                           const float *restrict blocks, const float *restrict x,
                           float *restrict y, float *restrict xp, float *restrict gl);
int ck_ba_panel_hlc_mv_f16(ck_path path, int32_t npanels, int32_t ncams, int32_t npoints,
                           const int32_t *restrict panel_pose, const int32_t *restrict panel_lm,
                           const _Float16 *restrict blocks, const float *restrict x,
                           float *restrict y, float *restrict xp, float *restrict gl);

/* ------------------------------------------------------ triangular solves */

/*
 * Triangular factors are stored in unit form L = D (I + W):
 * - scalar: W strictly lower n×n CSR (col < row), D diagonal given by dinv[i] = 1 / D_i;
 * - block: W strictly lower block CSR (B×B blocks, bcol < brow), D block diagonal given by
 *   dinv (nb blocks of B×B, row-major), dinv[i] = D_i⁻¹, lower triangular.
 * (From L = D + S: W = D⁻¹ S.) The forward solve is then y_i = D_i⁻¹ b_i − Σ_j W_ij y_j,
 * so consecutive rows depend on each other through one product with W only.
 * b and y have n (resp. B·nb) entries and must not overlap.
 */

/** Solves L y = b (forward substitution). */
int ck_trsv_l_f64(ck_path path, int32_t n, const int32_t *restrict row_ptr,
                  const int32_t *restrict col_idx, const double *restrict val,
                  const double *restrict dinv, const double *restrict b, double *restrict y);
int ck_trsv_l_f32(ck_path path, int32_t n, const int32_t *restrict row_ptr,
                  const int32_t *restrict col_idx, const float *restrict val,
                  const float *restrict dinv, const float *restrict b, float *restrict y);
int ck_trsv_l_f16(ck_path path, int32_t n, const int32_t *restrict row_ptr,
                  const int32_t *restrict col_idx, const _Float16 *restrict val,
                  const _Float16 *restrict dinv, const float *restrict b, float *restrict y);
int ck_trsv_l_f16n(ck_path path, int32_t n, const int32_t *restrict row_ptr,
                   const int32_t *restrict col_idx, const _Float16 *restrict val,
                   const _Float16 *restrict dinv, const float *restrict b, float *restrict y);

/** Solves Lᵀ y = b: (I + Wᵀ) w = b by backward column sweeps over the rows of W, then
 *  y_i = D_i⁻ᵀ w_i. */
int ck_trsv_lt_f64(ck_path path, int32_t n, const int32_t *restrict row_ptr,
                   const int32_t *restrict col_idx, const double *restrict val,
                   const double *restrict dinv, const double *restrict b, double *restrict y);
int ck_trsv_lt_f32(ck_path path, int32_t n, const int32_t *restrict row_ptr,
                   const int32_t *restrict col_idx, const float *restrict val,
                   const float *restrict dinv, const float *restrict b, float *restrict y);
int ck_trsv_lt_f16(ck_path path, int32_t n, const int32_t *restrict row_ptr,
                   const int32_t *restrict col_idx, const _Float16 *restrict val,
                   const _Float16 *restrict dinv, const float *restrict b, float *restrict y);
int ck_trsv_lt_f16n(ck_path path, int32_t n, const int32_t *restrict row_ptr,
                    const int32_t *restrict col_idx, const _Float16 *restrict val,
                    const _Float16 *restrict dinv, const float *restrict b, float *restrict y);

/** Solves L y = b for a block factor (B×B blocks, B ≥ 1; 3 and 6 have dedicated code). */
int ck_btrsv_l_f64(ck_path path, int32_t B, int32_t nb, const int32_t *restrict brow_ptr,
                   const int32_t *restrict bcol_idx, const double *restrict val,
                   const double *restrict dinv, const double *restrict b, double *restrict y);
int ck_btrsv_l_f32(ck_path path, int32_t B, int32_t nb, const int32_t *restrict brow_ptr,
                   const int32_t *restrict bcol_idx, const float *restrict val,
                   const float *restrict dinv, const float *restrict b, float *restrict y);
int ck_btrsv_l_f16(ck_path path, int32_t B, int32_t nb, const int32_t *restrict brow_ptr,
                   const int32_t *restrict bcol_idx, const _Float16 *restrict val,
                   const _Float16 *restrict dinv, const float *restrict b, float *restrict y);
int ck_btrsv_l_f16n(ck_path path, int32_t B, int32_t nb, const int32_t *restrict brow_ptr,
                    const int32_t *restrict bcol_idx, const _Float16 *restrict val,
                    const _Float16 *restrict dinv, const float *restrict b, float *restrict y);

/** Solves Lᵀ y = b for a block factor. */
int ck_btrsv_lt_f64(ck_path path, int32_t B, int32_t nb, const int32_t *restrict brow_ptr,
                    const int32_t *restrict bcol_idx, const double *restrict val,
                    const double *restrict dinv, const double *restrict b, double *restrict y);
int ck_btrsv_lt_f32(ck_path path, int32_t B, int32_t nb, const int32_t *restrict brow_ptr,
                    const int32_t *restrict bcol_idx, const float *restrict val,
                    const float *restrict dinv, const float *restrict b, float *restrict y);
int ck_btrsv_lt_f16(ck_path path, int32_t B, int32_t nb, const int32_t *restrict brow_ptr,
                    const int32_t *restrict bcol_idx, const _Float16 *restrict val,
                    const _Float16 *restrict dinv, const float *restrict b, float *restrict y);
int ck_btrsv_lt_f16n(ck_path path, int32_t B, int32_t nb, const int32_t *restrict brow_ptr,
                     const int32_t *restrict bcol_idx, const _Float16 *restrict val,
                     const _Float16 *restrict dinv, const float *restrict b, float *restrict y);

/* -------------------------------------------------- incomplete Cholesky */

/** IC(0), fp64: A + shift·I ≈ L Lᵀ on the pattern of the lower triangle of A.
 *  Input: lower triangle of A (n×n CSR, col ≤ row, sorted, diagonal present and last in
 *  each row), values a. Output: l (same pattern and length as a) holding L, diagonal
 *  included. On a non-positive or non-finite pivot returns CK_ERR_BREAKDOWN and stores the
 *  row in *breakdown_row (else -1); l is then partial. No workspace needed. */
int ck_ichol0_csr(int32_t n, const int32_t *restrict row_ptr, const int32_t *restrict col_idx,
                  const double *restrict a, double shift, double *restrict l,
                  int32_t *restrict breakdown_row);

/** Block IC(0), fp64, B×B blocks (1 ≤ B ≤ 8): A + shift·I ≈ L Lᵀ on the block pattern of the
 *  lower block triangle of A (block CSR, bcol ≤ brow, sorted, diagonal block present and last
 *  in each block row). Diagonal blocks of the output are lower-triangular Cholesky factors
 *  (their upper part is stored as 0). Breakdown as in ck_ichol0_csr (block row index). */
int ck_ichol0_bsr(int32_t B, int32_t nb, const int32_t *restrict brow_ptr,
                  const int32_t *restrict bcol_idx, const double *restrict a, double shift,
                  double *restrict l, int32_t *restrict breakdown_row);

/* ------------------------------------------------------------- conversion */

/** Counts of one narrowing conversion. */
typedef struct {
    int64_t overflow; /**< finite inputs that became ±inf */
    int64_t flushed;  /**< non-zero inputs that became zero or subnormal */
} ck_convert_counts;

/** dst[i] = fp16(src[i]) (round to nearest even), n values; counts are added to *counts. */
int ck_convert_f32_to_f16(ck_path path, int64_t n, const float *restrict src,
                          _Float16 *restrict dst, ck_convert_counts *restrict counts);
/** dst[i] = fp16(src[i]) with a single rounding from fp64; counts added to *counts. */
int ck_convert_f64_to_f16(ck_path path, int64_t n, const double *restrict src,
                          _Float16 *restrict dst, ck_convert_counts *restrict counts);
/** dst[i] = fp32(src[i]); counts added to *counts. */
int ck_convert_f64_to_f32(ck_path path, int64_t n, const double *restrict src,
                          float *restrict dst, ck_convert_counts *restrict counts);
/** dst[i] = fp32(src[i]) (exact). */
int ck_convert_f16_to_f32(ck_path path, int64_t n, const _Float16 *restrict src,
                          float *restrict dst);

/*
 * Lays out Ĵ = J·diag(scale) in the pose panels of ck_ba_panel_jtjx_*: lane t of panel q holds
 * observation lane_obs[8q + t] (−1: unused lane, zero block), entry (row, c) of its 2×9 block
 * [P | L] at blocks[144q + (9·row + c)·8 + t]. The observation's 2×6 camera block is
 * cam_blocks[12k ..] (row-major, fp64, zero when obs_cam[k] < 0: fixed camera) times
 * scale[6·obs_cam[k] + c]; its 2×3 point block pt_blocks[6k ..] times
 * scale[6·ncams + 3·obs_pt[k] + c] (zero when obs_pt[k] < 0). Every value is rounded to fp32
 * (then, for _f16, from fp32 to fp16); narrowing overflows and flushes are added to *counts.
 * blocks (144·npanels entries) is overwritten; the caller owns every buffer.
 */
int ck_ba_pack_panels_f32(ck_path path, int32_t npanels, int32_t ncams,
                          const int32_t *restrict lane_obs, const int32_t *restrict obs_cam,
                          const int32_t *restrict obs_pt, const double *restrict cam_blocks,
                          const double *restrict pt_blocks, const double *restrict scale,
                          float *restrict blocks, ck_convert_counts *restrict counts);
int ck_ba_pack_panels_f16(ck_path path, int32_t npanels, int32_t ncams,
                          const int32_t *restrict lane_obs, const int32_t *restrict obs_cam,
                          const int32_t *restrict obs_pt, const double *restrict cam_blocks,
                          const double *restrict pt_blocks, const double *restrict scale,
                          _Float16 *restrict blocks, ck_convert_counts *restrict counts);

/* --------------------------------------------------------- fp32 vector ops */

/** Returns Σ x[i] y[i] over n entries, fp32 arithmetic with 8-way (lane) partial sums. Has no
 *  status: an unsupported `path` computes on the active path. */
float ck_dot_f32(ck_path path, int64_t n, const float *restrict x, const float *restrict y);
/** y[i] += a x[i] for n entries. */
int ck_axpy_f32(ck_path path, int64_t n, float a, const float *restrict x, float *restrict y);
/** y[i] = x[i] + b y[i] for n entries (CG search-direction update). */
int ck_xpby_f32(ck_path path, int64_t n, const float *restrict x, float b, float *restrict y);

#ifdef __cplusplus
}
#endif

#endif
