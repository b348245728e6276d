// Third-party kernel for the second unseen suite (benchmarks/kernels/unseen2.py); body copied verbatim.
// Upstream: HeCBench (github.com/zjin-lcf/HeCBench)
// Path:     src/dense-embedding-cuda/main.cu
// Commit:   main.cu as stored at 239aa4c6b713792138c0191c1e35ad2058351df1
// Licence:  BSD-3-Clause (LICENSE of zjin-lcf/HeCBench)
// Kernel:   dense_esuhm<float> (template kept; one block a batch, whose rows the offsets delimit)
// Edits (nothing else changed):
//   - dense_esuhm2, dense_esuhm3, the CPU reference, the host code and headers left out

template <typename T>
__global__ void dense_esuhm(
    const T* __restrict__ input,
    const T* __restrict__ dense,
          T* output,
    int embedding_dim,
    const int* __restrict__ offset)
{
  const int batch_idx  = blockIdx.x; // each batch is handled by a block
  const int grain_size = blockDim.x;
  const int tid = threadIdx.x;
  const int range = offset[batch_idx + 1] - offset[batch_idx];
  for (int idx = tid; idx < embedding_dim; idx += grain_size) {
    const T dense_elem = dense[batch_idx * embedding_dim + idx];
    for (int nested_idx = idx; nested_idx < range; nested_idx += embedding_dim) {
      output[offset[batch_idx] + nested_idx] = input[offset[batch_idx] + nested_idx] + dense_elem;
    }
  }
}
