// Third-party kernel for the robustness set (benchmarks/kernels/robust.py); body copied verbatim.
// Upstream: Rodinia 3.1 (GitHub mirror yuhc/gpu-rodinia)
// Path:     cuda/lud/cuda/lud_kernel.cu
// Commit:   lud_kernel.cu as stored at 9c10d3ea16ddba2ba057cc3951a9efc4c2cc18a4 (the snapshot copied; the file last changed in 487a9b966e)
// Licence:  Rodinia's BSD-style licence (LICENSE of yuhc/gpu-rodinia, Copyright (c) 2008-2011 University of Virginia)
// Kernel:   lud_internal (trailing-matrix update of a blocked LU step: square BLOCK_SIZE tiles, 16 upstream)
// Edits (nothing else changed):
//   - BLOCK_SIZE (RD_WG_SIZE, default 16) defined as block_size_x
//   - extern "C" added and the kernel's two-line signature joined on one line
//   - #include <cuda.h>/<stdio.h>, lud_diagonal, lud_perimeter and lud_cuda left out

#define BLOCK_SIZE block_size_x
extern "C"
__global__ void lud_internal(float *m, int matrix_dim, int offset)
{
  __shared__ float peri_row[BLOCK_SIZE][BLOCK_SIZE];
  __shared__ float peri_col[BLOCK_SIZE][BLOCK_SIZE];

  int i;
  float sum;

  int global_row_id = offset + (blockIdx.y+1)*BLOCK_SIZE;
  int global_col_id = offset + (blockIdx.x+1)*BLOCK_SIZE;

  peri_row[threadIdx.y][threadIdx.x] = m[(offset+threadIdx.y)*matrix_dim+global_col_id+threadIdx.x];
  peri_col[threadIdx.y][threadIdx.x] = m[(global_row_id+threadIdx.y)*matrix_dim+offset+threadIdx.x];

  __syncthreads();

  sum = 0;
  for (i=0; i < BLOCK_SIZE; i++)
    sum += peri_col[threadIdx.y][i] * peri_row[i][threadIdx.x];
  m[(global_row_id+threadIdx.y)*matrix_dim+global_col_id+threadIdx.x] -= sum;


}
