// Third-party kernel for the unseen suite (benchmarks/kernels/unseen.py); body copied verbatim.
// Upstream: HeCBench (github.com/zjin-lcf/HeCBench)
// Path:     src/babelstream-cuda/main.cu (CUDAStream dot_kernel)
// Commit:   not recorded when collected (default branch, 2026-12); bodies not re-diffed against a pinned commit
// Licence:  BSD-3-Clause (LICENSE of zjin-lcf/HeCBench; NVIDIA notices where the file has one)
// Kernel:   dot_kernel<float> (template kept; DOT_NUM_BLOCKS 256 blocks)
// Edits (nothing else changed):
//   - TBSIZE (upstream 1024) mapped to block_size_x

#define TBSIZE block_size_x

template <class T>
__global__ void dot_kernel(
  const T *__restrict__ a,
  const T *__restrict__ b,
        T *__restrict__ sum,
  int array_size)
{
  __shared__ T tb_sum[TBSIZE];

  const size_t local_i = threadIdx.x;

  tb_sum[local_i] = 0.0;
  for (int i = blockDim.x * blockIdx.x + threadIdx.x;
       i < array_size; i += blockDim.x*gridDim.x)
    tb_sum[local_i] += a[i] * b[i];

  for (int offset = blockDim.x / 2; offset > 0; offset /= 2)
  {
    __syncthreads();
    if (local_i < offset)
    {
      tb_sum[local_i] += tb_sum[local_i+offset];
    }
  }

  if (local_i == 0)
    sum[blockIdx.x] = tb_sum[local_i];
}
