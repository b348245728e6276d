// Third-party kernel for the robustness set (benchmarks/kernels/robust.py); body copied verbatim.
// Upstream: HeCBench (github.com/zjin-lcf/HeCBench)
// Path:     src/storeKVCache-cuda/kernels.h
// Commit:   kernels.h as stored at f27000a5188f8ac79bd43fc95a1b3f890c18823d (the snapshot robustness sweep 9 copied)
// Licence:  BSD-3-Clause (LICENSE of zjin-lcf/HeCBench)
// Kernel:   store_kv_cache_256x1_v4<uint64_t> (an LLM serving step's KV-cache store, as SGLang's: a warp a token,
//           its K and V rows (num_layers x item_size uint64 words) copied by 32-byte ulong4 vectors to the cache row
//           its out_loc index picks (a random permutation of the cache slots upstream); uint64 sizes and strides,
//           auto-typed indices; 256 threads upstream, any multiple of 32)
// Edits (nothing else changed):
//   - the other three kernels (store_kv_cache_256x1, _v2, _128x2) left out

#include <cstdint>

#define WARP_SIZE 32

// Each warp will process 256x4 bytes per loop iteration
template <typename T>
__global__ void store_kv_cache_256x1_v4(
    uint64_t* __restrict__ k_cache,
    uint64_t* __restrict__ v_cache,
    const T* __restrict__ out_loc,
    const uint64_t batch_size,
    const uint64_t* __restrict__ k,
    const uint64_t* __restrict__ v,
    const uint64_t kv_cache_stride,
    const uint64_t kv_input_stride,
    const uint64_t num_items)
{
  const auto idx = blockIdx.x * blockDim.x + threadIdx.x;
  const auto warp_id = idx / WARP_SIZE;
  const auto lane_id = idx % WARP_SIZE;
  if (warp_id >= batch_size) return;

  const auto k_src = k + warp_id * kv_input_stride;
  const auto v_src = v + warp_id * kv_input_stride;

  const auto offset = out_loc[warp_id]; // [0, cache_size)
  const auto k_dst = k_cache + offset * kv_cache_stride;
  const auto v_dst = v_cache + offset * kv_cache_stride;

  for (uint64_t i = 0; i < num_items; ++i) {
    reinterpret_cast<ulong4*>(k_dst)[lane_id + i * WARP_SIZE] =
      reinterpret_cast<const ulong4*>(k_src)[lane_id + i * WARP_SIZE];
    reinterpret_cast<ulong4*>(v_dst)[lane_id + i * WARP_SIZE] =
      reinterpret_cast<const ulong4*>(v_src)[lane_id + i * WARP_SIZE];
  }
}
