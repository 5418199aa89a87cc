#ifndef MIXEDSLAM_CLAPACK_SHIM_H
#define MIXEDSLAM_CLAPACK_SHIM_H
#include <cblas.h>
#include <lapacke.h>
// OpenBLAS' thread control; declared here so benchmarks can pin it to one thread.
void openblas_set_num_threads(int num_threads);
#endif
