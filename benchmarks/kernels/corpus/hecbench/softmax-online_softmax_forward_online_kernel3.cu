// HeCBench (github.com/zjin-lcf/HeCBench) softmax-online_softmax_forward_online_kernel3
// upstream: src/softmax-online-cuda/main.cu at commit f27000a5188f8ac79bd43fc95a1b3f890c18823d
// licence: src/softmax-online-cuda/LICENSE (MIT, Andrej Karpathy)
// Kernel body and the helpers it needs copied verbatim; edits: extern "C".
// Launch: grid = N, block_size = warp_size, 2*warp_size, ..., 1024 (the tree reduction needs a power of two).
#include <cuda/std/cmath>  // INFINITY (upstream gets it from the host's <math.h>)

extern "C" __global__ void softmax_forward_online_kernel3(float* __restrict__ out, const float* __restrict__ inp, int N, int C) {
  __shared__ float smem[1024];

  int row = blockIdx.x;
  if (row >= N) return;

  const float* x = inp + row * C;
  float* y = out + row * C;
  float maxval = -INFINITY;
  float sumval = 0.0f;

  int tid = threadIdx.x;
  for (int i = tid; i < C; i += blockDim.x) {
      float v = x[i];
      if (v > maxval) {
          sumval *= expf(maxval - v);
          maxval = v;
      }
      sumval += expf(v - maxval);
  }

  smem[tid] = maxval;
  __syncthreads();

  for (int stride = blockDim.x / 2; stride > 0; stride /= 2) {
      if (tid < stride) {
          smem[tid] = fmaxf(smem[tid], smem[tid + stride]);
      }
      __syncthreads();
  }

  float row_max = smem[0];
  __syncthreads();

  smem[tid] = sumval * expf(maxval - row_max);
  __syncthreads();

  for (int stride = blockDim.x / 2; stride > 0; stride >>= 1) {
      if (tid < stride) {
          smem[tid] += smem[tid + stride];
      }
      __syncthreads();
  }
  float row_sum = smem[0];
  __syncthreads();

  for (int i = tid; i < C; i += blockDim.x) {
      y[i] = expf(x[i] - row_max) / row_sum;
  }
}
