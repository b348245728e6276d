// HeCBench (github.com/zjin-lcf/HeCBench) softmax_softMax
// upstream: src/softmax-cuda/main.cu at commit f27000a5188f8ac79bd43fc95a1b3f890c18823d
// licence: HeCBench LICENSE (BSD-3-Clause, repository root)
// Kernel body and the helpers it needs copied verbatim; edits: extern "C".

extern "C" __global__
void softMax (const int numSlice, const int sliceSize,
              const float* src, float* dest)
{
  int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i >= numSlice) return;
  float max_ = src[i * sliceSize];
  for (int j = 0; j < sliceSize; j++) {
    max_ = max(max_, src[i * sliceSize + j]);
  }
  float sum = 0;
  for (int j = 0; j < sliceSize; j++) {
    sum += expf(src[i * sliceSize + j] - max_);
  }
  for (int j = 0; j < sliceSize; j++) {
    dest[i * sliceSize + j] = expf(src[i * sliceSize + j] - max_) / sum;
  }
}
