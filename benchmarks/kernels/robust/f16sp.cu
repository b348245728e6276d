// Third-party kernel for the robustness set (benchmarks/kernels/robust.py); body copied verbatim.
// Upstream: HeCBench (github.com/zjin-lcf/HeCBench)
// Path:     src/f16sp-cuda/kernels.h
// Commit:   kernels.h as stored at f27000a5188f8ac79bd43fc95a1b3f890c18823d (the snapshot the robustness sweep 3 copied)
// Licence:  BSD-3-Clause (LICENSE of zjin-lcf/HeCBench)
// Kernel:   scalarProductKernel_intrinsics (half2 __hfma2 grid-stride loop over a fixed grid, shared-memory tree, a
//           float atomicAdd a block; NUM_OF_THREADS 128 upstream)
// Edits (nothing else changed):
//   - NUM_OF_THREADS defined as block_size_x (and <cuda_fp16.h> included)
//   - added extern "C" in front of the kernel
//   - the other scalar-product kernels and their reductions left out

#include <cuda_fp16.h>
#define NUM_OF_THREADS block_size_x

// fp16 reduction
__forceinline__ __device__
void reduceInShared_intrinsics(half2 * const v)
{
  int lid = threadIdx.x;
  #pragma unroll
  for (int i = NUM_OF_THREADS/2; i >= 1; i = i / 2) {
    if(lid<i) v[lid] = __hadd2(v[lid], v[lid+i]);
    __syncthreads();
  }
}

extern "C" __global__
void scalarProductKernel_intrinsics(
    half2 const *__restrict__ const a,
    half2 const *__restrict__ const b,
    float *__restrict__ const results,
    size_t const size)
{
  const int stride = gridDim.x*blockDim.x;
  __shared__ half2 shArray[NUM_OF_THREADS];

  half2 value = __float2half2_rn(0.f);

  for (int i = threadIdx.x + blockDim.x * blockIdx.x; i < size; i+=stride)
  {
    value = __hfma2(a[i], b[i], value);
  }

  shArray[threadIdx.x] = value;
  __syncthreads();
  reduceInShared_intrinsics(shArray);

  if (threadIdx.x == 0)
  {
    half2 result = shArray[0];
    float f_result = __low2float(result) + __high2float(result);
    atomicAdd(results, f_result);
  }
}
