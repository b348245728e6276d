// Third-party kernel for the robustness set (benchmarks/kernels/robust.py); body copied verbatim.
// Upstream: HeCBench (github.com/zjin-lcf/HeCBench)
// Path:     src/simpleSpmv-cuda/kernels.cu (REAL from src/simpleSpmv-cuda/mv.h)
// Commit:   both files as stored at f27000a5188f8ac79bd43fc95a1b3f890c18823d (the snapshot robustness sweep 9 copied)
// Licence:  BSD-3-Clause (LICENSE of zjin-lcf/HeCBench); the folder's LICENSE: HPCAS Lab, UNC Charlotte (BSD-style)
// Kernel:   vector_mv_csr<block_size_x> (CSR SpMV, "vector" flavour: template <int BS> threads a row, blockDim.y rows
//           a block, size_t row offsets and column indices, x gathered by column index, a sub-warp
//           __shfl_down_sync tree of width BS; the program takes BS = prevPowerOf2(nnz / rows) capped at 32 and
//           bs / BS rows a block (bs 256: 32 x 8 upstream for its dense-enough random matrices))
// Edits (nothing else changed):
//   - #define REAL float from mv.h (the program's choice) in place of #include "mv.h"
//   - <stdlib.h>, <chrono>, <cuda.h>, the other kernels (mv_csr, mv_dense) and the host code left out

#define REAL float

// vector sparse matrix vector multiply using the CSR format
template <int BS>
__global__ void vector_mv_csr(const size_t num_rows,
                              const size_t *row_indices,
                              const size_t *col_indices,
                              const REAL *values,
                              const REAL *x,
                                    REAL *y)
{
  size_t m = blockIdx.x * blockDim.y + threadIdx.y;
  if (m < num_rows) {
    size_t row_start = row_indices[m];
    size_t row_end = row_indices[m+1];

    REAL temp = 0;
    for(size_t n = row_start + threadIdx.x; n < row_end; n += BS){
      temp += values[n] * x[col_indices[n]];
    }
    #pragma unroll
    for (int i = BS >> 1; i > 0; i >>= 1)
      temp += __shfl_down_sync(0xFFFFFFFF, temp, i, BS);

    y[m] = temp;
  }
}
