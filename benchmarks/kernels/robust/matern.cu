// Third-party kernel for the robustness set (benchmarks/kernels/robust.py); body copied verbatim.
// Upstream: HeCBench (github.com/zjin-lcf/HeCBench)
// Path:     src/matern-cuda/main.cu (+ the defines of reference.h)
// Commit:   main.cu as stored at f27000a5188f8ac79bd43fc95a1b3f890c18823d (the snapshot the robustness sweep 3 copied)
// Licence:  BSD-3-Clause (LICENSE of zjin-lcf/HeCBench)
// Kernel:   matern_kernel (2-D block (SX, >= SY = 50 sources): Matern 5/2 terms in shared memory, row ty == 0 sums
//           them; block (16, 64) upstream)
// Edits (nothing else changed):
//   - SX 16 defined as block_size_x (nsources 50, SY nsources, <math.h>); blockDim.y is block_size_y
//   - added extern "C" in front of the kernel
//   - the host code left out

#include <math.h>
#define nsources 50
#define SX block_size_x
#define SY nsources
extern "C" __global__ void matern_kernel (
  const int num_targets,
  const float l,
  const float *__restrict__ sources,
  const float *__restrict__ targets,
  const float *__restrict__ weights,
        float *__restrict__ result)
{
  int tx = threadIdx.x;
  int px = blockIdx.x * blockDim.x + tx; // range [0:ntargets)
  if (px >= num_targets) return;

  int ty = threadIdx.y;
  int py = ty; // range [0:nsources)
  if (py >= SY) return;

  __shared__ float local_result[SX * SY];
  __shared__ float local_targets[SX * 3];
  __shared__ float local_sources[SY * 3];
  __shared__ float local_weights[SY];

  if (ty == 0) {
    for (int i = 0; i < 3; i++)
      local_targets[tx * 3 + i] = targets[px * 3 + i];
  }

  if (tx == 0) {
    for (int i = 0; i < 3; i++)
      local_sources[ty * 3 + i] = sources[py * 3 + i];
    local_weights[ty] = weights[ty];
  }

  __syncthreads();

  float squared_diff = 0.f;
  
  for (int i = 0; i < 3; i++) {
    squared_diff += (local_targets[tx * 3 + i] - local_sources[ty * 3 + i]) *
                    (local_targets[tx * 3 + i] - local_sources[ty * 3 + i]);
  } 
  float diff = sqrtf(squared_diff);

  local_result[tx * SY + ty] = 
    (1.f + sqrtf(5.f) * diff / l + 5.f * squared_diff / (3.f * l * l)) *  
    expf(-sqrtf(5.f) * diff  / l) * local_weights[ty];
   
  __syncthreads();

  if (ty == 0) {
    float res = 0.f;
    for (int i = 0; i < SY; i++)
      res += local_result[tx * SY + i];
    result[px] = res;
  }
}
