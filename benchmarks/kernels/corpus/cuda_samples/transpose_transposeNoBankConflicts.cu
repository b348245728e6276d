// Third-party kernel, copied verbatim (issue 10 corpus).
// Upstream: NVIDIA/cuda-samples
// Commit:   c94ff366aed18c797b8a85dfaac7817b0228b420
// Path:     Samples/6_Performance/transpose/transpose.cu
// Licence:  BSD-3-Clause (LICENSE of NVIDIA/cuda-samples, Copyright (c) 2022 NVIDIA CORPORATION)
// Edits (nothing else changed):
//   - #define TILE_DIM 32 -> #define TILE_DIM block_size_x (the block is TILE_DIM x BLOCK_ROWS)
//   - #define BLOCK_ROWS 16 -> #define BLOCK_ROWS block_size_y
//   - added extern "C" in front of the kernel

#include <cooperative_groups.h>

namespace cg = cooperative_groups;

// Each block transposes/copies a tile of TILE_DIM x TILE_DIM elements
// using TILE_DIM x BLOCK_ROWS threads, so that each thread transposes
// TILE_DIM/BLOCK_ROWS elements.  TILE_DIM must be an integral multiple of
// BLOCK_ROWS

#define TILE_DIM   block_size_x
#define BLOCK_ROWS block_size_y

// Coalesced transpose with no bank conflicts

extern "C" __global__ void transposeNoBankConflicts(float *odata, float *idata, int width, int height)
{
    // Handle to thread block group
    cg::thread_block cta = cg::this_thread_block();
    __shared__ float tile[TILE_DIM][TILE_DIM + 1];

    int xIndex   = blockIdx.x * TILE_DIM + threadIdx.x;
    int yIndex   = blockIdx.y * TILE_DIM + threadIdx.y;
    int index_in = xIndex + (yIndex)*width;

    xIndex        = blockIdx.y * TILE_DIM + threadIdx.x;
    yIndex        = blockIdx.x * TILE_DIM + threadIdx.y;
    int index_out = xIndex + (yIndex)*height;

    for (int i = 0; i < TILE_DIM; i += BLOCK_ROWS) {
        tile[threadIdx.y + i][threadIdx.x] = idata[index_in + i * width];
    }

    cg::sync(cta);

    for (int i = 0; i < TILE_DIM; i += BLOCK_ROWS) {
        odata[index_out + i * height] = tile[threadIdx.x][threadIdx.y + i];
    }
}
