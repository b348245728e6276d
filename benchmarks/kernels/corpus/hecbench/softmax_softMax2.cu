// HeCBench (github.com/zjin-lcf/HeCBench) softmax_softMax2
// upstream: src/softmax-cuda/main.cu at commit f27000a5188f8ac79bd43fc95a1b3f890c18823d
// licence: HeCBench LICENSE (BSD-3-Clause, repository root)
// Kernel body and the helpers it needs copied verbatim; edits: extern "C".
// The block size (BLOCK_SIZE 256 upstream) only sets the launch: grid = ceil(numSlice / (BLOCK_SIZE/32)).
#include <cooperative_groups.h>
#include <cooperative_groups/reduce.h>

extern "C" __global__
void softMax2 (const int numSlice, const int sliceSize,
              const float* src, float* dest)
{
  namespace cg = cooperative_groups;
  cg::thread_block block = cg::this_thread_block();
  cg::thread_block_tile<32> warp = cg::tiled_partition<32>(block);
  int i = blockIdx.x * warp.meta_group_size() + warp.meta_group_rank();
  if (i >= numSlice) return;
  float max_ = src[i * sliceSize];
  for (int j = warp.thread_rank(); j < sliceSize; j += warp.size()) {
    max_ = max(max_, src[i * sliceSize + j]);
  }
  max_ = cg::reduce(warp, max_, cg::greater<float>{});
  float sum = 0;
  for (int j = warp.thread_rank(); j < sliceSize; j += warp.size()) {
    sum += expf(src[i * sliceSize + j] - max_);
  }
  sum = cg::reduce(warp, sum, cg::plus<float>{});
  for (int j = warp.thread_rank(); j < sliceSize; j += warp.size()) {
    dest[i * sliceSize + j] = expf(src[i * sliceSize + j] - max_) / sum;
  }
}
