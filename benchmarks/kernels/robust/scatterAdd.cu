// Third-party kernel for the robustness set (benchmarks/kernels/robust.py); body copied verbatim.
// Upstream: HeCBench (github.com/zjin-lcf/HeCBench)
// Path:     src/scatterAdd-cuda/kernels.h
// Commit:   kernels.h as stored at f27000a5188f8ac79bd43fc95a1b3f890c18823d (the snapshot the robustness sweep 3 copied)
// Licence:  BSD-3-Clause (LICENSE of zjin-lcf/HeCBench)
// Kernel:   scatterAdd2_kernel (dynamic shared accumulators, shared atomicAdd at data-dependent rows, global
//           atomicAdd; blockDim.x == warpSize asserted, MAX_THREADS_PER_BLOCK 512 upstream)
// Edits (nothing else changed):
//   - MAX_THREADS_PER_BLOCK 512 -> (32 * block_size_y) (block (32, block_size_y)); WORK_SIZE 8192 as upstream
//   - added extern "C" in front of the kernel
//   - scatterAdd_kernel and the host code left out

#define MAX_THREADS_PER_BLOCK (32 * block_size_y)
#define WORK_SIZE 8192

//
// simplify address generations in the kernel
//
extern "C" __global__ void scatterAdd2_kernel(
  const int   *indexes,// [batch_size]
  const float *source, // [batch_size, vector_dim]
  float *outputs,      // [output_size, vector_dim]
  const int batch_size,
  const int output_size,
  const int vector_dim
) 
{
  int thread_idx = threadIdx.y * warpSize + threadIdx.x;
  int batch_idx_start = blockIdx.x * WORK_SIZE;

  extern __shared__ float buffer[];
  float *output_buffer = buffer;
  int *index_buffer = (int*)&buffer[output_size * vector_dim];

  for (int idx = thread_idx; idx < output_size * vector_dim; idx += MAX_THREADS_PER_BLOCK) {
    output_buffer[idx] = 0;
  }

  for (int idx_start = 0; idx_start < WORK_SIZE; idx_start = idx_start + MAX_THREADS_PER_BLOCK) {
    int batch_idx = batch_idx_start + idx_start + thread_idx;
    if (batch_idx < batch_size) {
      index_buffer[thread_idx] = indexes[batch_idx];
    }
    __syncthreads();
    for (int buffer_idx_start = 0; buffer_idx_start < MAX_THREADS_PER_BLOCK;
             buffer_idx_start = buffer_idx_start + MAX_THREADS_PER_BLOCK / warpSize) {
      int buffer_idx = buffer_idx_start + threadIdx.y;
      int batch_idx = batch_idx_start + idx_start + buffer_idx;
      if (batch_idx < batch_size) {
        int index = index_buffer[buffer_idx];
        for (int j = threadIdx.x; j < vector_dim; j += warpSize) {
          atomicAdd(&output_buffer[index * vector_dim + j], source[(size_t)batch_idx * (size_t)vector_dim + (size_t)j]);
        }
      }
    }
    __syncthreads();
  }

  for (int idx = thread_idx; idx < output_size * vector_dim; idx += MAX_THREADS_PER_BLOCK) {
    atomicAdd(&outputs[idx], output_buffer[idx]);
  }
}
