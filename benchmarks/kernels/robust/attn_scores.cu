// Third-party kernel for the robustness set (benchmarks/kernels/robust.py); body copied verbatim.
// Upstream: HeCBench (github.com/zjin-lcf/HeCBench)
// Path:     src/attention-cuda/kernels.h
// Commit:   kernels.h as stored at f27000a5188f8ac79bd43fc95a1b3f890c18823d (the snapshot robustness sweep 7 copied)
// Licence:  BSD-3-Clause (LICENSE of zjin-lcf/HeCBench)
// Kernel:   attention_kernel1_warpReduce (attention scores for one query: a warp a key row, q . k_i by a strided
//           loop, cg::tiled_partition<32> + cg::reduce(plus), meta_group_size/rank, atomicAdd of __expf(score)
//           into one float; grid (n + 7) / 8 blocks of 256 upstream)
// Edits (nothing else changed):
//   - <cub/cub.cuh> left out (only the block-reduce kernels use it); the other five kernels and main.cu left out
//   - added extern "C" in front of the kernel
#include <cooperative_groups.h>
#include <cooperative_groups/reduce.h>

extern "C" __global__
void attention_kernel1_warpReduce (
    const float*__restrict__ key,
    const float*__restrict__ query,
    float*__restrict__ dot_product,
    float*__restrict__ exp_sum,
    const int n,
    const int d)
{
  namespace cg = cooperative_groups;
  cg::thread_block block = cg::this_thread_block();
  cg::thread_block_tile<32> warp = cg::tiled_partition<32>(block);
  // each i iteration is assigned to a warp
  // meta_group_size is the number of warps in a block, and meta_group_rank is the warp index
  int i = blockIdx.x * warp.meta_group_size() + warp.meta_group_rank();
  if (i < n) {
    float sum = 0;
    for (int j = warp.thread_rank(); j < d; j += warp.size()) {
      sum += key[i * d + j] * query[j];
    }
    sum = cg::reduce(warp, sum, cg::plus<float>{});
    if (warp.thread_rank() == 0) {
      dot_product[i] = sum;
      atomicAdd(exp_sum, __expf(sum));
    }
  }
}
