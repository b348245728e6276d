// Third-party kernel for the robustness set (benchmarks/kernels/robust.py); body copied verbatim.
// Upstream: HeCBench (github.com/zjin-lcf/HeCBench)
// Path:     src/michalewicz-cuda/main.cu
// Commit:   main.cu as stored at f27000a5188f8ac79bd43fc95a1b3f890c18823d (the snapshot the robustness sweep 3 copied)
// Licence:  BSD-3-Clause (LICENSE of zjin-lcf/HeCBench)
// Kernel:   eval (one thread a vector: sinf/powf over dim, then a float-min atomicCAS loop on one address; 256
//           threads upstream)
// Edits (nothing else changed):
//   - added extern "C" in front of the kernel
//   - the host code left out

#include <math.h>
#include <cuda.h>

__device__ __forceinline__
float atomicMin(float *addr, float value)
{
  unsigned *ptr = (unsigned *)addr;
  #if CUDA_VERSION >= 12080
  unsigned ret = __nv_atomic_load_n(ptr, __NV_ATOMIC_RELAXED);
  #else
  unsigned ret = *ptr;
  #endif
  while(value < __uint_as_float(ret))
  {
    unsigned old = ret;
    if((ret = atomicCAS(ptr, old, __float_as_uint(value))) == old)
      break;
  }
  return __uint_as_float(ret);
}

__device__ __forceinline__
float michalewicz(const float *xValues, const int dim) {
  float result = 0;
  for (int i = 0; i < dim; ++i) {
    float a = sinf(xValues[i]);
    float b = sinf(((i + 1) * xValues[i] * xValues[i]) / (float)M_PI);
    float c = powf(b, 20); // m = 10
    result += a * c;
  }
  return -1.0f * result;
}

extern "C" __global__ void eval (const float *values, float *minima,
                      const size_t nVectors, const int dim)
{
  size_t n = blockIdx.x * blockDim.x + threadIdx.x;
  if (n < nVectors) {
    atomicMin(minima, michalewicz(values + n * dim, dim));
  }
}
