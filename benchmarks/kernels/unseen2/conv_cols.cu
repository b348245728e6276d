// Third-party kernel for the second unseen suite (benchmarks/kernels/unseen2.py); body copied verbatim.
// Upstream: HeCBench (github.com/zjin-lcf/HeCBench), a port of NVIDIA's convolutionSeparable sample
// Path:     src/convolutionSeparable-cuda/conv.cu (KERNEL_RADIUS from src/convolutionSeparable-cuda/conv.h)
// Commit:   conv.cu as stored at 8fc336b5d2c11783ede6b9002b28e4185f0b4335
// Licence:  BSD-3-Clause (LICENSE of zjin-lcf/HeCBench; the file keeps NVIDIA's 1993-2010 notice, below)
// Kernel:   conv_cols (column pass of the separable convolution; the filter taps come as an argument)
// Edits (nothing else changed):
//   - COLUMNS_BLOCKDIM_X / COLUMNS_BLOCKDIM_Y (upstream 16 and 8) mapped to block_size_x / block_size_y
//   - KERNEL_RADIUS 8 defined here (conv.h); added extern "C" in front of the kernel
//   - conv_rows and the host wrappers (convolutionRows/convolutionColumns) left out; <assert.h>/<cuda.h> dropped

/*
 * Copyright 1993-2010 NVIDIA Corporation.  All rights reserved.
 *
 * Please refer to the NVIDIA end user license agreement (EULA) associated
 * with this source code for terms and conditions that govern your use of
 * this software. Any use, reproduction, disclosure, or distribution of
 * this software and related documentation outside the terms of the EULA
 * is strictly prohibited.
 *
 */

#define KERNEL_RADIUS 8

#define COLUMNS_BLOCKDIM_X    block_size_x
#define COLUMNS_BLOCKDIM_Y    block_size_y
#define COLUMNS_RESULT_STEPS  8
#define COLUMNS_HALO_STEPS    1

extern "C" __global__ void conv_cols(
    float *__restrict__ dst,
    const float *__restrict__ src,
    const float *__restrict__ kernel,
    const int imageW,
    const int imageH,
    const int pitch)
{
  __shared__ float l_Data[COLUMNS_BLOCKDIM_X][(COLUMNS_RESULT_STEPS + 2 * COLUMNS_HALO_STEPS) * COLUMNS_BLOCKDIM_Y + 1];

  int gidX = blockIdx.x;
  int gidY = blockIdx.y;
  int lidX = threadIdx.x;
  int lidY = threadIdx.y;

  //Offset to the upper halo edge
  const int baseX = gidX * COLUMNS_BLOCKDIM_X + lidX;
  const int baseY = (gidY * COLUMNS_RESULT_STEPS - COLUMNS_HALO_STEPS) * COLUMNS_BLOCKDIM_Y + lidY;
  src += baseY * pitch + baseX;
  dst += baseY * pitch + baseX;

  //Load main data
  #pragma unroll
  for(int i = COLUMNS_HALO_STEPS; i < COLUMNS_HALO_STEPS + COLUMNS_RESULT_STEPS; i++)
    l_Data[lidX][lidY + i * COLUMNS_BLOCKDIM_Y] = src[i * COLUMNS_BLOCKDIM_Y * pitch];

  //Load upper halo
  #pragma unroll
  for(int i = 0; i < COLUMNS_HALO_STEPS; i++)
    l_Data[lidX][lidY + i * COLUMNS_BLOCKDIM_Y] = (baseY + i * COLUMNS_BLOCKDIM_Y >= 0) ? src[i * COLUMNS_BLOCKDIM_Y * pitch] : 0;

  //Load lower halo
  #pragma unroll
  for(int i = COLUMNS_HALO_STEPS + COLUMNS_RESULT_STEPS; i < COLUMNS_HALO_STEPS + COLUMNS_RESULT_STEPS + COLUMNS_HALO_STEPS; i++)
    l_Data[lidX][lidY + i * COLUMNS_BLOCKDIM_Y] = (baseY + i * COLUMNS_BLOCKDIM_Y < imageH) ? src[i * COLUMNS_BLOCKDIM_Y * pitch] : 0;

  //Compute and store results
  __syncthreads();

  #pragma unroll
  for(int i = COLUMNS_HALO_STEPS; i < COLUMNS_HALO_STEPS + COLUMNS_RESULT_STEPS; i++) {
    float sum = 0;

    #pragma unroll
    for(int j = -KERNEL_RADIUS; j <= KERNEL_RADIUS; j++)
      sum += kernel[KERNEL_RADIUS - j] * l_Data[lidX][lidY + i * COLUMNS_BLOCKDIM_Y + j];

    dst[i * COLUMNS_BLOCKDIM_Y * pitch] = sum;
  }
}
