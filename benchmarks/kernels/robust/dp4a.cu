// Third-party kernel for the robustness set (benchmarks/kernels/robust.py); body copied verbatim.
// Upstream: HeCBench (github.com/zjin-lcf/HeCBench)
// Path:     src/dp4a-cuda/main.cu
// Commit:   main.cu as stored at f27000a5188f8ac79bd43fc95a1b3f890c18823d (the snapshot the robustness sweep 3 copied)
// Licence:  BSD-3-Clause (LICENSE of zjin-lcf/HeCBench)
// Kernel:   dot_product2<unsigned int, 1> (__dp4a over int4 groups in a size_t grid-stride loop, cub::BlockReduce,
//           one partial a block; 1024 threads upstream)
// Edits (nothing else changed):
//   - <cub/cub.cuh> -> <cub/block/block_reduce.cuh> (NVRTC); cub::BlockReduce<T, 1024> -> <T, block_size_x>
//   - the other kernels and the host code left out

#include <cub/block/block_reduce.cuh>

template <typename T, int M>
__global__
void dot_product2(const T *__restrict__ a,
                  const T *__restrict__ b,
                        T *__restrict__ d,
                  const size_t n)
{
  T sum = 0;
  for(size_t idx = (size_t)blockIdx.x * blockDim.x + threadIdx.x;
             idx < n; idx += gridDim.x * blockDim.x) {
    size_t iInOffset = idx * 4;
    #pragma unroll
    for (int i = 0; i < 4; i++) {
      for (int k = 0; k < M; k++) 
        sum = __dp4a(a[iInOffset + i], b[iInOffset + i], sum);
    }
  }

  using BlockReduce = cub::BlockReduce<T, block_size_x>;
  __shared__ typename BlockReduce::TempStorage temp_storage;
  T aggregate = BlockReduce(temp_storage).Sum(sum);
  if (threadIdx.x == 0)
    d[blockIdx.x] = aggregate;
}
