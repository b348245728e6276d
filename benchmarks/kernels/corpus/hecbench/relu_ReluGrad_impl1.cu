// HeCBench (github.com/zjin-lcf/HeCBench) relu_ReluGrad_impl1
// upstream: src/relu-cuda/main.cu at commit f27000a5188f8ac79bd43fc95a1b3f890c18823d
// licence: Apache-2.0 (TensorFlow Authors notice at the top of src/relu-cuda/main.cu); HeCBench BSD-3-Clause
// Kernel body and the helpers it needs copied verbatim; edits: extern "C".
#include <cuda_fp16.h>

// This kernel computes ReluGrad by processing one half2, two fp16, at a time.
// Kernel operation is (feature > 0) ? gradient : 0
extern "C" __global__
void ReluGrad_impl1(const half*__restrict__ gradient,
                    const half*__restrict__ feature,
                          half*__restrict__ backprop,
                    const int count)
{
  int half2_count = count >> 1;
  int index = blockIdx.x * blockDim.x + threadIdx.x;
  const int total_device_threads = gridDim.x * blockDim.x;

  while (index < half2_count) {
    // The fast branch.
    // One half2, two fp16, is fetched and processed at a time.
    half2 gradient_h2 = reinterpret_cast<const half2*>(gradient)[index];
    half2 feature_h2 = reinterpret_cast<const half2*>(feature)[index];
    half2* p_backprop_h2 = reinterpret_cast<half2*>(backprop) + index;

    // Assume half2 primitives are available.
    const half2 kZero_h2 = __float2half2_rn(0.f);
    // mask = (feature > 0)
    half2 mask_h2 = __hgt2(feature_h2, kZero_h2);
    // backprop = mask * gradient
    half2 backprop_h2 = __hmul2(mask_h2, gradient_h2);

    // Write back the result.
    *p_backprop_h2 = backprop_h2;

    index += total_device_threads;
  }

  if ((count & 0x1) == 1 && index == half2_count) {
    // If the total number of the elements is odd, process the last element.
    half grad_h = gradient[count - 1];
    half feature_h = feature[count - 1];

    float grad_f = static_cast<float>(grad_h);
    float feature_f = static_cast<float>(feature_h);
    float backprop_f = (feature_f > 0) ? grad_f : 0;

    half backprop_h(backprop_f);
    backprop[count - 1] = backprop_h;
  }
}
