// HeCBench (github.com/zjin-lcf/HeCBench) gelu_gelu_bias_loop
// upstream: src/gelu-cuda/main.cu at commit f27000a5188f8ac79bd43fc95a1b3f890c18823d
// licence: Apache-2.0 (NVIDIA notice in src/gelu-cuda/main.cu); HeCBench BSD-3-Clause
// Kernel body and the helpers it needs copied verbatim; edits: extern "C".
#include <cuda_fp16.h>

// width is hidden_dim and height is seq_len
extern "C" __global__ void gelu_bias_loop(__half* src, const __half* bias, int width, int height)
{
  int x     = blockIdx.x;  // seq length
  int y     = threadIdx.x * 2;
  int batch = blockIdx.y;

  int    index = batch * width * height + x * width;
  for (; y < width; y = y + blockDim.x * 2) {
    auto v_bias = ((half2*)bias)[y >> 1];
    auto v_src  = ((half2*)src)[(index + y) >> 1];
    auto v      = __hadd2(v_src, v_bias);
    auto t      = __half22float2(v);
    t.x    = (0.5f * t.x * (1.0f + tanhf(0.79788456f * (t.x + 0.044715f * t.x * t.x * t.x))));
    t.y    = (0.5f * t.y * (1.0f + tanhf(0.79788456f * (t.y + 0.044715f * t.y * t.y * t.y))));
    ((half2*)src)[(index + y) >> 1] = __float22half2_rn(t);
  }
}
