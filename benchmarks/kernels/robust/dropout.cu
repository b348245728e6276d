// Third-party kernel for the robustness set (benchmarks/kernels/robust.py); body copied verbatim.
// Upstream: HeCBench (github.com/zjin-lcf/HeCBench)
// Path:     src/dropout-cuda/main.cu
// Commit:   main.cu as stored at f27000a5188f8ac79bd43fc95a1b3f890c18823d (the snapshot copied; the file last changed in 79cc39afb)
// Licence:  BSD-3-Clause (LICENSE of zjin-lcf/HeCBench; the kernel taken from PyTorch's fused dropout)
// Kernel:   fused_dropout_kernel<float, float, unsigned int, uint8_t> (PyTorch's fused dropout: curand_init of a
//           Philox4_32_10 state in the kernel (seed, the thread's subsequence, an offset), then a grid-stride loop
//           that draws a float4 with curand_uniform4 a trip and keeps four elements by it, storing the scaled float
//           and a uint8_t mask; the seeds a std::pair<uint64_t, uint64_t> passed by value (<utility>); block 256,
//           the fixed grid of 512 blocks (grid_vec1); nelem 16777216 the Makefile's, p = 1 / repeat ... 1)
// Edits (nothing else changed):
//   - <cstdio>, <chrono>, <cuda.h>, the vectorised kernel and its aligned_vector, and main left out

#include <utility>  // std::pair
#include <curand_kernel.h>

// philox generates 128 bits of randomness at a time. 
// Kernel uses this explicitly by putting suitably transformed result into float4
// for all members of float4 to be consumed UNROLL has to be 4. Don't change!
const int UNROLL = 4;

template <typename scalar_t,
          typename accscalar_t,
          typename IndexType,
          typename mask_t>
__global__ void
fused_dropout_kernel(
  const scalar_t *__restrict__ a,
        scalar_t *__restrict__ b,
         mask_t *__restrict__ c,
  IndexType totalElements,
  accscalar_t p,
  std::pair<uint64_t, uint64_t> seeds) 
{
  accscalar_t scale = accscalar_t(1)/p;
  IndexType idx = blockIdx.x * blockDim.x + threadIdx.x;

  curandStatePhilox4_32_10_t state;
  curand_init(seeds.first, idx, seeds.second, &state);

  IndexType rounded_size = ((totalElements - 1)/(blockDim.x * gridDim.x * UNROLL)+1) *
                           blockDim.x * gridDim.x * UNROLL;

  for (IndexType linearIndex = idx;
       linearIndex < rounded_size;
       linearIndex += gridDim.x * blockDim.x * UNROLL) {

    float4 rand = curand_uniform4(&state);
    scalar_t src[UNROLL];
    rand.x = rand.x < p;
    rand.y = rand.y < p;
    rand.z = rand.z < p;
    rand.w = rand.w < p;

    #pragma unroll
    for (int ii = 0; ii < UNROLL; ii++) {
      IndexType li = linearIndex + blockDim.x * gridDim.x * ii;
      if (li < totalElements) {
        const IndexType aOffset = li;
        src[ii] = a[aOffset];
      }
    }

    #pragma unroll
    for (int ii = 0; ii < UNROLL; ii++) {
      IndexType li = linearIndex + blockDim.x * gridDim.x * ii;
      if (li < totalElements) {
        const IndexType bOffset = li;
        b[bOffset] = src[ii]*(&rand.x)[ii]*scale;
        c[bOffset] = (mask_t)(&rand.x)[ii];
      }
    }
    __syncthreads();
  }
}
