// Third-party kernel for the robustness set (benchmarks/kernels/robust.py); body copied verbatim.
// Upstream: Rodinia 3.1 (GitHub mirror yuhc/gpu-rodinia)
// Path:     cuda/lud/cuda/lud_kernel.cu
// Commit:   lud_kernel.cu as stored at 9c10d3ea16ddba2ba057cc3951a9efc4c2cc18a4 (the snapshot robustness sweep 8 copied; the file last changed in 487a9b9)
// Licence:  Rodinia's BSD-style licence (LICENSE of yuhc/gpu-rodinia, Copyright (c) 2008-2011 University of Virginia)
// Kernel:   lud_diagonal (a blocked LU step's diagonal tile: ONE block of BLOCK_SIZE threads, the tile copied to a
//           static shared array, a serial in-shared-memory Doolittle factorisation with triangular inner loops and
//           two __syncthreads a step, and the tile's rows 1 .. BLOCK_SIZE - 1 written back in place; launched
//           <<<1, BLOCK_SIZE>>> at each offset, BLOCK_SIZE 16 upstream)
// Edits (nothing else changed):
//   - BLOCK_SIZE (RD_WG_SIZE, default 16) defined as block_size_x
//   - extern "C" added and the kernel's two-line signature joined on one line
//   - #include <cuda.h>/<stdio.h>, lud_perimeter, lud_internal and lud_cuda left out

#define BLOCK_SIZE block_size_x
extern "C"
__global__ void lud_diagonal(float *m, int matrix_dim, int offset)
{
  int i,j;
  __shared__ float shadow[BLOCK_SIZE][BLOCK_SIZE];

  int array_offset = offset*matrix_dim+offset;
  for(i=0; i < BLOCK_SIZE; i++){
    shadow[i][threadIdx.x]=m[array_offset+threadIdx.x];
    array_offset += matrix_dim;
  }
  __syncthreads();
  for(i=0; i < BLOCK_SIZE-1; i++) {

    if (threadIdx.x>i){
      for(j=0; j < i; j++)
        shadow[threadIdx.x][i] -= shadow[threadIdx.x][j]*shadow[j][i];
      shadow[threadIdx.x][i] /= shadow[i][i];
    }

    __syncthreads();
    if (threadIdx.x>i){

      for(j=0; j < i+1; j++)
        shadow[i+1][threadIdx.x] -= shadow[i+1][j]*shadow[j][threadIdx.x];
    }
    __syncthreads();
  }

  /* 
     The first row is not modified, it
     is no need to write it back to the
     global memory

   */
  array_offset = (offset+1)*matrix_dim+offset;
  for(i=1; i < BLOCK_SIZE; i++){
    m[array_offset+threadIdx.x]=shadow[i][threadIdx.x];
    array_offset += matrix_dim;
  }
}
