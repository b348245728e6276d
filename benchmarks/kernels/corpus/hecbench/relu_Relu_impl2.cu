// HeCBench (github.com/zjin-lcf/HeCBench) relu_Relu_impl2
// upstream: src/relu-cuda/main.cu at commit f27000a5188f8ac79bd43fc95a1b3f890c18823d
// licence: Apache-2.0 (TensorFlow Authors notice at the top of src/relu-cuda/main.cu); HeCBench BSD-3-Clause
// Kernel body and the helpers it needs copied verbatim; edits: extern "C".


// This kernel computes Relu by processing one integer, four char, at a time.
// Kernel operation is max(input,  0)
extern "C" __global__
void Relu_impl2(int count, const int* input, int* output)
{
  int index = blockIdx.x * blockDim.x + threadIdx.x;
  if (index < count) {
    output[index] = __vmaxs4(input[index], 0);
  }
}
