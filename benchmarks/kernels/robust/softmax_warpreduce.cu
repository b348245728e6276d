// Third-party kernel for the robustness set (benchmarks/kernels/robust.py); body copied verbatim.
// Upstream: HeCBench (github.com/zjin-lcf/HeCBench)
// Path:     src/softmax-online-cuda/main.cu
// Commit:   main.cu as stored at f27000a5188f8ac79bd43fc95a1b3f890c18823d (the snapshot robustness sweep 6 copied)
// Licence:  BSD-3-Clause (LICENSE of zjin-lcf/HeCBench)
// Kernel:   softmax_forward_baseline_kernel (a warp a row: cub::WarpReduce with a templated functor struct using
//           std::common_type, __syncwarp, __shfl_sync broadcast, three passes over the row; grid N x 32 / block)
// Edits (nothing else changed):
//   - <stdio.h>, <stdlib.h>, <assert.h>, <cuda_runtime.h>, <cooperative_groups*.h>, "common.h", "reference.h" left
//     out; <cub/cub.cuh> -> <cub/warp/warp_reduce.cuh> (NVRTC); <type_traits> added for std::common_type
//   - the other kernels (online 1-3, kept in the corpus) and the host code left out; added extern "C"
#include <type_traits>
#include <cub/warp/warp_reduce.cuh>

struct Max
{
  template <typename T, typename U>
  __device__ __forceinline__
  typename std::common_type<T, U>::type
    operator()(T &&t, U &&u) const
  {
    return ((t) > (u)) ? (t) : (u);
  }
};

// Baseline softmax
extern "C" __global__ void softmax_forward_baseline_kernel(float* out, const float* inp, int N, int C) {
  int tid = threadIdx.x;
  if (tid >= C) return;

  int warpId = tid / warpSize;
  const int warpsPerBlock = blockDim.x / warpSize;
  int row = blockIdx.x * warpsPerBlock + warpId;

  if (row >= N) return;

  int laneId = tid % warpSize;
  const float* x = inp + row * C;
  float* const y = out + row * C;

  using WarpReduce = cub::WarpReduce<float>;
  __shared__ typename WarpReduce::TempStorage temp[32];

  float maxval = -INFINITY;
  for (int i = laneId; i < C; i += warpSize) {
    maxval = max(x[i], maxval);
  }
  maxval = WarpReduce(temp[warpId]).Reduce(maxval, Max());

  __syncwarp();

  maxval = __shfl_sync(0xFFFFFFFF, maxval, 0);
  
  float sumval = 0;
  for (int i = laneId; i < C; i += warpSize) {
    sumval += expf(x[i] - maxval);
  }
  sumval = WarpReduce(temp[warpId]).Sum(sumval);

  sumval = __shfl_sync(0xFFFFFFFF, sumval, 0);

  for (int i = laneId; i < C; i += warpSize) {
    y[i] = expf(x[i] - maxval) / sumval;
  }
}
