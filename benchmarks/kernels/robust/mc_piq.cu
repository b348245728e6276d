// Third-party kernel for the robustness set (benchmarks/kernels/robust.py); body copied verbatim.
// Upstream: NVIDIA cuda-samples (github.com/NVIDIA/cuda-samples)
// Path:     Samples/2_Concepts_and_Techniques/MC_EstimatePiQ/src/piestimator.cu
// Commit:   piestimator.cu as stored at c94ff366aed18c797b8a85dfaac7817b0228b420 (the snapshot robustness sweep 7 copied)
// Licence:  BSD-3-Clause (NVIDIA, the file's notice below)
// Kernel:   computeValue<float> (template kept: Monte Carlo pi over curand's Sobol points (x then y, numSims each):
//           two pointers bumped by the grid stride in the loop, a data-dependent count, then reduce_sum's
//           cooperative-groups shared-memory tree (extern __shared__, blockDim x 4 bytes dynamic); the grid
//           numSims / block halved to <= 20 x SMs upstream, block 128 by default)
// Edits (nothing else changed):
//   - <cuda_runtime.h>, <numeric>, <stdexcept>, <string>, <typeinfo>, <vector>, "../inc/piestimator.h", <curand.h>
//     (host API only: the points' generator) and the using declarations left out; the PiEstimator class left out
//   - the MC_EstimatePiInlineP sample's kernels (curand device API: initRNG, computeValue) were the first choice;
//     this environment's NVRTC toolkit has no curand headers (curand_kernel.h: "cannot open source file")
/* Copyright (c) 2022, NVIDIA CORPORATION. All rights reserved.
 *
 * Redistribution and use in source and binary forms, with or without
 * modification, are permitted provided that the following conditions
 * are met:
 *  * Redistributions of source code must retain the above copyright
 *    notice, this list of conditions and the following disclaimer.
 *  * Redistributions in binary form must reproduce the above copyright
 *    notice, this list of conditions and the following disclaimer in the
 *    documentation and/or other materials provided with the distribution.
 *  * Neither the name of NVIDIA CORPORATION nor the names of its
 *    contributors may be used to endorse or promote products derived
 *    from this software without specific prior written permission.
 *
 * THIS SOFTWARE IS PROVIDED BY THE COPYRIGHT HOLDERS ``AS IS'' AND ANY
 * EXPRESS OR IMPLIED WARRANTIES, INCLUDING, BUT NOT LIMITED TO, THE
 * IMPLIED WARRANTIES OF MERCHANTABILITY AND FITNESS FOR A PARTICULAR
 * PURPOSE ARE DISCLAIMED.  IN NO EVENT SHALL THE COPYRIGHT OWNER OR
 * CONTRIBUTORS BE LIABLE FOR ANY DIRECT, INDIRECT, INCIDENTAL, SPECIAL,
 * EXEMPLARY, OR CONSEQUENTIAL DAMAGES (INCLUDING, BUT NOT LIMITED TO,
 * PROCUREMENT OF SUBSTITUTE GOODS OR SERVICES; LOSS OF USE, DATA, OR
 * PROFITS; OR BUSINESS INTERRUPTION) HOWEVER CAUSED AND ON ANY THEORY
 * OF LIABILITY, WHETHER IN CONTRACT, STRICT LIABILITY, OR TORT
 * (INCLUDING NEGLIGENCE OR OTHERWISE) ARISING IN ANY WAY OUT OF THE USE
 * OF THIS SOFTWARE, EVEN IF ADVISED OF THE POSSIBILITY OF SUCH DAMAGE.
 */

#include <cooperative_groups.h>

namespace cg = cooperative_groups;

__device__ unsigned int reduce_sum(unsigned int in, cg::thread_block cta)
{
    extern __shared__ unsigned int sdata[];

    // Perform first level of reduction:
    // - Write to shared memory
    unsigned int ltid = threadIdx.x;

    sdata[ltid] = in;
    cg::sync(cta);

    // Do reduction in shared mem
    for (unsigned int s = blockDim.x / 2; s > 0; s >>= 1) {
        if (ltid < s) {
            sdata[ltid] += sdata[ltid + s];
        }

        cg::sync(cta);
    }

    return sdata[0];
}

// Estimator kernel
template <typename Real>
__global__ void computeValue(unsigned int *const results, const Real *const points, const unsigned int numSims)
{
    // Handle to thread block group
    cg::thread_block cta = cg::this_thread_block();
    // Determine thread ID
    unsigned int bid  = blockIdx.x;
    unsigned int tid  = blockIdx.x * blockDim.x + threadIdx.x;
    unsigned int step = gridDim.x * blockDim.x;

    // Shift the input/output pointers
    const Real *pointx = points + tid;
    const Real *pointy = pointx + numSims;

    // Count the number of points which lie inside the unit quarter-circle
    unsigned int pointsInside = 0;

    for (unsigned int i = tid; i < numSims; i += step, pointx += step, pointy += step) {
        Real x       = *pointx;
        Real y       = *pointy;
        Real l2norm2 = x * x + y * y;

        if (l2norm2 < static_cast<Real>(1)) {
            pointsInside++;
        }
    }

    // Reduce within the block
    pointsInside = reduce_sum(pointsInside, cta);

    // Store the result
    if (threadIdx.x == 0) {
        results[bid] = pointsInside;
    }
}
