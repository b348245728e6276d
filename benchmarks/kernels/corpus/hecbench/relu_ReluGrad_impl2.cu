// HeCBench (github.com/zjin-lcf/HeCBench) relu_ReluGrad_impl2
// upstream: src/relu-cuda/main.cu at commit f27000a5188f8ac79bd43fc95a1b3f890c18823d
// licence: Apache-2.0 (TensorFlow Authors notice at the top of src/relu-cuda/main.cu); HeCBench BSD-3-Clause
// Kernel body and the helpers it needs copied verbatim; edits: extern "C".
#include <cuda_fp16.h>

// This kernel computes ReluGrad by processing one half2, two fp16, at a time.
// Kernel operation is (feature > 0) ? gradient : 0
static constexpr int VectorSize = 8;

extern "C" __global__
void ReluGrad_impl2(const half* __restrict__ gradient,
                    const half* __restrict__ feature,
                          half* __restrict__ backprop,
                    const int count)
{
  int half8_count = count / VectorSize;
  int index = blockIdx.x * blockDim.x + threadIdx.x;

  if (index < half8_count) {
    float4 gradient_h8 = reinterpret_cast<const float4*>(gradient)[index];
    float4 feature_h8 = reinterpret_cast<const float4*>(feature)[index];
    float4* p_backprop_h8 = reinterpret_cast<float4*>(backprop) + index;

    half2 *gradient_h2 = reinterpret_cast<half2*>(&gradient_h8);
    half2 *feature_h2 = reinterpret_cast<half2*>(&feature_h8);
    float4 backprop_h8;
    half2* p_backprop_h2 = reinterpret_cast<half2*>(&backprop_h8);

    // Assume half2 primitives are available.
    const half2 kZero_h2 = __float2half2_rn(0.f);

    for (int i = 0; i < VectorSize / 2; i++) {
      // mask = (feature > 0)
      half2 mask_h2 = __hgt2(feature_h2[i], kZero_h2);
      // backprop = mask * gradient
      half2 backprop_h2 = __hmul2(mask_h2, gradient_h2[i]);
      p_backprop_h2[i] = backprop_h2;
    }
    // Write back the result.
    *p_backprop_h8 = backprop_h8;
  }

  int remaining_count = (count % VectorSize);

  if (index < remaining_count) {
    // Use first threads to process the remaining elements.
    half grad_h = gradient[half8_count * VectorSize + index];
    half feature_h = feature[half8_count * VectorSize + index];

    float grad_f = static_cast<float>(grad_h);
    float feature_f = static_cast<float>(feature_h);
    float backprop_f = (feature_f > 0) ? grad_f : 0;

    half backprop_h(backprop_f);
    backprop[half8_count * VectorSize + index] = backprop_h;
  }
}
