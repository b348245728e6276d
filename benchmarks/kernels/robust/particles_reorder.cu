// Third-party kernel for the robustness set (benchmarks/kernels/robust.py); body copied verbatim.
// Upstream: NVIDIA/cuda-samples (github.com/NVIDIA/cuda-samples)
// Path:     Samples/2_Concepts_and_Techniques/particles/particles_kernel_impl.cuh
// Commit:   particles_kernel_impl.cuh as stored at c94ff366aed18c797b8a85dfaac7817b0228b420 (the snapshot the robustness sweep 3 copied)
// Licence:  BSD-3-Clause (LICENSE of NVIDIA/cuda-samples, Copyright (c) 2022 NVIDIA CORPORATION)
// Kernel:   reorderDataAndFindCellStartD (shared hash of the previous thread, data-dependent cellStart/cellEnd
//           stores, float4 gather by the sorted index; min(256, n) threads upstream)
// Edits (nothing else changed):
//   - uint typedef'd
//   - extern "C" on the kernel
//   - the other particle kernels left out

#include <cooperative_groups.h>
namespace cg = cooperative_groups;
typedef unsigned int uint;
// rearrange particle data into sorted order, and find the start of each cell
// in the sorted hash array
extern "C" __global__ void reorderDataAndFindCellStartD(uint   *cellStart,         // output: cell start index
                                             uint   *cellEnd,           // output: cell end index
                                             float4 *sortedPos,         // output: sorted positions
                                             float4 *sortedVel,         // output: sorted velocities
                                             uint   *gridParticleHash,  // input: sorted grid hashes
                                             uint   *gridParticleIndex, // input: sorted particle indices
                                             float4 *oldPos,            // input: sorted position array
                                             float4 *oldVel,            // input: sorted velocity array
                                             uint    numParticles)
{
    // Handle to thread block group
    cg::thread_block       cta = cg::this_thread_block();
    extern __shared__ uint sharedHash[]; // blockSize + 1 elements
    uint                   index = __umul24(blockIdx.x, blockDim.x) + threadIdx.x;

    uint hash;

    // handle case when no. of particles not multiple of block size
    if (index < numParticles) {
        hash = gridParticleHash[index];

        // Load hash data into shared memory so that we can look
        // at neighboring particle's hash value without loading
        // two hash values per thread
        sharedHash[threadIdx.x + 1] = hash;

        if (index > 0 && threadIdx.x == 0) {
            // first thread in block must load neighbor particle hash
            sharedHash[0] = gridParticleHash[index - 1];
        }
    }

    cg::sync(cta);

    if (index < numParticles) {
        // If this particle has a different cell index to the previous
        // particle then it must be the first particle in the cell,
        // so store the index of this particle in the cell.
        // As it isn't the first particle, it must also be the cell end of
        // the previous particle's cell

        if (index == 0 || hash != sharedHash[threadIdx.x]) {
            cellStart[hash] = index;

            if (index > 0)
                cellEnd[sharedHash[threadIdx.x]] = index;
        }

        if (index == numParticles - 1) {
            cellEnd[hash] = index + 1;
        }

        // Now use the sorted index to reorder the pos and vel data
        uint   sortedIndex = gridParticleIndex[index];
        float4 pos         = oldPos[sortedIndex];
        float4 vel         = oldVel[sortedIndex];

        sortedPos[index] = pos;
        sortedVel[index] = vel;
    }
}
