// Third-party kernel for the robustness set (benchmarks/kernels/robust.py); body copied verbatim.
// Upstream: HeCBench (github.com/zjin-lcf/HeCBench)
// Path:     src/channelSum-cuda/main.cu
// Commit:   main.cu as stored at f27000a5188f8ac79bd43fc95a1b3f890c18823d (the snapshot the robustness sweep 3 copied)
// Licence:  BSD-3-Clause (LICENSE of zjin-lcf/HeCBench); the folder's LICENSE: PyTorch BSD-style
// Kernel:   ChannelSumNCHW<int, block_size_x, block_size_y> (one block a channel, nested block-stride loops with
//           __ldg, 2-D cub::BlockReduce; the program dispatches (1, 128), (2, 64), (4, 32), (8, 16))
// Edits (nothing else changed):
//   - <cub/cub.cuh> -> <cub/block/block_reduce.cuh> (NVRTC); NUM_THREADS 256 and scalar_t int defined here
//   - the NHWC kernel and the host code left out

#include <cub/block/block_reduce.cuh>
#define NUM_THREADS 256
typedef int scalar_t;

template <typename T, int kBlockDimX, int kBlockDimY>
__device__ void BlockReduce(T &input1, T &input2) {
  using BlockReduce = cub::BlockReduce<T,
                                       kBlockDimX,
                                       cub::BLOCK_REDUCE_WARP_REDUCTIONS,
                                       kBlockDimY>;
  __shared__ typename BlockReduce::TempStorage temp_storage1;
  __shared__ typename BlockReduce::TempStorage temp_storage2;
  input1 = BlockReduce(temp_storage1).Sum(input1);
  input2 = BlockReduce(temp_storage2).Sum(input2);
}

template <typename T>
__device__ void BlockReduce(T &input1, T &input2) {
  using BlockReduce = cub::BlockReduce<T, NUM_THREADS>;
  __shared__ typename BlockReduce::TempStorage temp_storage1;
  __shared__ typename BlockReduce::TempStorage temp_storage2;
  input1 = BlockReduce(temp_storage1).Sum(input1);
  input2 = BlockReduce(temp_storage2).Sum(input2);
}

template <typename T, int kBlockDimX, int kBlockDimY>
__global__
void ChannelSumNCHW(
    const int N,
    const int C,
    const int HxW,
    const T* X,
    T*__restrict__ sum,
    T*__restrict__ sumsq)
{

  T m_val = 0;
  T v_val = 0;
  const int c = blockIdx.x;

  // sum batches from different channels
  for (int n = threadIdx.x; n < N; n += blockDim.x) {
    for (int hw = threadIdx.y; hw < HxW; hw += blockDim.y) {
      const int index = (n * C + c) * HxW + hw;
      m_val += __ldg(X + index);
      v_val += __ldg(X + index) * __ldg(X + index);
    }
  }
  BlockReduce<T, kBlockDimX, kBlockDimY>(m_val, v_val);
  if (threadIdx.x == 0 && threadIdx.y == 0) {
    sum[c] = m_val;
    sumsq[c] = v_val;
  }
}
