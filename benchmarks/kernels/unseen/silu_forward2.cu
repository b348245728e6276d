// Third-party kernel for the unseen suite (benchmarks/kernels/unseen.py); body copied verbatim.
// Upstream: HeCBench (github.com/zjin-lcf/HeCBench)
// Path:     src/silu-cuda/main.cu
// Commit:   main.cu as stored at 91730100c1fd5c2b3251ea1a740a85c706bf5b9b (not re-diffed)
// Licence:  BSD-3-Clause (LICENSE of zjin-lcf/HeCBench; NVIDIA notices where the file has one)
// Kernel:   silu_forward_kernel2 (float4 body + scalar tail loop)
// Edits (nothing else changed):
//   - #include <cstdint> replaced by <cuda/std/cstdint> (as the corpus does; upstream gets uint64_t from the host)
//   - added extern "C" in front of the kernel; silu_forward_kernel (the scalar version) left out

#include <cuda/std/cstdint>
extern "C" __global__
void silu_forward_kernel2(const float* x, float* out, uint64_t N)
{
  uint64_t i = (uint64_t)blockDim.x * blockIdx.x + threadIdx.x;
  uint64_t vec_count = N / 4;
  if (i < vec_count) {
    float4 x4  = reinterpret_cast<const float4*>(x)[i];
    float4 t4;
    t4.x = x4.x / (1.0f + expf(-x4.x));
    t4.y = x4.y / (1.0f + expf(-x4.y));
    t4.z = x4.z / (1.0f + expf(-x4.z));
    t4.w = x4.w / (1.0f + expf(-x4.w));
    reinterpret_cast<float4*>(out)[i] = t4;
  }
  for (uint64_t j = 4 * vec_count + i; j < N; j += blockDim.x) {
    float x_val = x[j];
    out[j] = x_val / (1.0f + expf(-x_val));
  }
}
