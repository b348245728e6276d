// Third-party kernel for the robustness set (benchmarks/kernels/robust.py); body copied verbatim.
// Upstream: HeCBench (github.com/zjin-lcf/HeCBench)
// Path:     src/gibbs-cuda/main.cu
// Commit:   main.cu as stored at f27000a5188f8ac79bd43fc95a1b3f890c18823d (the snapshot copied; the file last changed in 8fc336b5d)
// Licence:  BSD-3-Clause (LICENSE of zjin-lcf/HeCBench; original author Zebulun Arendsee, 2013)
// Kernel:   sample_theta (a Gibbs sampler's Monte Carlo step through the cuRAND device API: a thread a sample reads
//           its 48-byte XORWOW curandState from global memory, draws a gamma variate by Marsaglia-Tsang rejection
//           (a data-dependent while loop of curand_normal and curand_uniform, about 1.03 trips expected, each
//           normal Box-Muller with a cached second value), stores theta and never writes the state back;
//           THREADS_PER_BLOCK 256, grid (N + 255) / 256; a = 20, b = 1 the program's starting values)
// Edits (nothing else changed):
//   - extern "C" added to sample_theta (an unmangled name to predict it by)
//   - <stdio.h>, <stdlib.h>, <chrono>, <cuda.h>, CUDA_CALL, the host functions (rnorm, rgamma on the CPU, sample_a,
//     sample_b), setup_kernel, sum_blocks and main left out

#include <math.h>
#include <curand_kernel.h>
#define PI 3.14159265359f
#define THREADS_PER_BLOCK 256
#define THREADS_PER_BLOCK_ADD 256

/* 
   Generate a single Gamma distributed random variable by the Marsoglia 
   algorithm (George Marsaglia, Wai Wan Tsang; 2001).
 */
__device__ float rgamma(curandState *state, float a, float b)
{
  float d = a - 1.f / 3.f;
  float c = 1.f / sqrtf(9.f * d);
  bool flag = true;
  float V;

  while (flag) {
    // Generate a standard normal random variable
    float Z = curand_normal(state);
    if (Z > -1.f / c) {
      V = powf(1.f + c * Z, 3.f);
      float U = curand_uniform(state);
      flag = logf(U) > (0.5f * Z * Z + d - d * V + d * logf(V));
    }
  }
  return d * V / b;
}

/*
   Sample each theta from the appropriate gamma distribution
 */
extern "C" __global__ void sample_theta(
    curandState *__restrict__ state, 
    float *__restrict__ theta,
    const int *__restrict__ y,
    const float *__restrict__ n, 
    float a, float b, int num_sample)
{
  int id = threadIdx.x + blockIdx.x * blockDim.x;
  if(id < num_sample) {
    curandState *s = state + id;
    const float hyperA = a + y[id];
    const float hyperB = b + n[id];
    theta[id] = (hyperA < 1.f) ?
      rgamma(s, hyperA + 1.f, hyperB) * powf(curand_uniform(s), 1.f / hyperA) : 
      rgamma(s, hyperA, hyperB);
  }
}
