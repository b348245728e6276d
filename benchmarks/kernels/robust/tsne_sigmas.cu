// Third-party kernel for the robustness set (benchmarks/kernels/robust.py); body copied verbatim.
// Upstream: HeCBench (github.com/zjin-lcf/HeCBench)
// Path:     src/perplexity-cuda/main.cu
// Commit:   main.cu as stored at f27000a5188f8ac79bd43fc95a1b3f890c18823d (the snapshot copied; the file last changed in 8fc336b5d)
// Licence:  BSD-3-Clause (LICENSE of zjin-lcf/HeCBench; the code from RAPIDS cuML, Apache-2.0, as the file's notice says)
// Kernel:   sigmas_kernel<int, float> (t-SNE's perplexity search, cuML: a thread a point, a bisection over the Gaussian
//           bandwidth beta for up to epochs (100) rounds with an early break once the entropy is within tol (1e-8),
//           each round exponentiating, normalising and rewriting the point's k = 4 x perplexity row of P in place;
//           the rows strided by k floats across a warp; 256 threads and grid (n + 255) / 256 upstream, 10000
//           points at perplexity 50 (k 200) in the Makefile's run)
// Edits (nothing else changed):
//   - <stdio.h>, <stdlib.h>, <chrono>, <vector>, <cuda.h>, "reference.cpp", perplexity_search and main left out
//     (<math.h> and <float.h> kept: the kernel uses INFINITY and FLT_EPSILON)

/*
 * Copyright (c) 2021, NVIDIA CORPORATION.
 *
 * Licensed under the Apache License, Version 2.0 (the "License");
 * you may not use this file except in compliance with the License.
 * You may obtain a copy of the License at
 *
 *     http://www.apache.org/licenses/LICENSE-2.0
 *
 * Unless required by applicable law or agreed to in writing, software
 * distributed under the License is distributed on an "AS IS" BASIS,
 * WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
 * See the License for the specific language governing permissions and
 * limitations under the License.
 */

#include <math.h>
#include <float.h>

// Find the best Gaussian bandwidth for each row in the dataset 
template <typename value_idx, typename value_t>
__global__
void sigmas_kernel(const value_t* __restrict__ distances,
                         value_t* __restrict__ P,
                   const float perplexity,
                   const float desired_entropy,
                   const int epochs,
                   const float tol,
                   const value_idx n,
                   const int k)
{
  // For every item in row
  const int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i >= n) return;

  value_t beta_min = -INFINITY, beta_max = INFINITY;
  value_t beta = 1;
  const int ik = i * k;
  int step;

  for (step = 0; step < epochs; step++) {
    value_t sum_Pi = FLT_EPSILON;

    // Exponentiate to get Gaussian
    for (int j = 0; j < k; j++) {
      P[ik + j] = __expf(-distances[ik + j] * beta);
      sum_Pi += P[ik + j];
    }

    // Normalize
    value_t sum_disti_Pi = 0;
    const value_t div    = __fdividef(1.0f, sum_Pi);
    for (int j = 0; j < k; j++) {
      P[ik + j] *= div;
      sum_disti_Pi += distances[ik + j] * P[ik + j];
    }

    const value_t entropy      = __logf(sum_Pi) + beta * sum_disti_Pi;
    const value_t entropy_diff = entropy - desired_entropy;
    if (fabsf(entropy_diff) <= tol) {
      break;
    }

    // Bisection search
    if (entropy_diff > 0) {
      beta_min = beta;
      if (isinf(beta_max))
        beta *= 2.0f;
      else
        beta = (beta + beta_max) * 0.5f;
    } else {
      beta_max = beta;
      if (isinf(beta_min))
        beta *= 0.5f;
      else
        beta = (beta + beta_min) * 0.5f;
    }
  }
}
