// Third-party kernel for the robustness set (benchmarks/kernels/robust.py); body copied verbatim.
// Upstream: HeCBench (github.com/zjin-lcf/HeCBench)
// Path:     src/bgmv-cuda/kernels.h
// Commit:   kernels.h as stored at f27000a5188f8ac79bd43fc95a1b3f890c18823d (the snapshot copied; the file last changed in 6842834b4)
// Licence:  BSD-3-Clause (LICENSE of zjin-lcf/HeCBench)
// Kernel:   bgmv_shrink_kernel_vec<BLOCK_SIZE> (punica/vLLM-style batched LoRA shrink: grid (num_tokens, lora_rank), a
//           block a (token, rank) dot product over hidden_size halves, the weights row picked by the token's LoRA index,
//           8 halves a thread a step through a float4 load unpacked as __half2, a while loop strided by BLOCK_SIZE x 8,
//           cub::BlockReduce<float, BLOCK_SIZE> and thread 0 accumulating into the float output; the program runs
//           block sizes 32-1024 with --vectorize; 128 tokens, hidden 4096, rank 16 and 4 LoRAs by default)
// Edits (nothing else changed):
//   - <cuda_fp16.h> added (main.cu includes it before kernels.h); bgmv_shrink_kernel, bgmv_expand_kernel and the
//     host-side launchers left out

#include <cuda_fp16.h>
#include <cub/cub.cuh>


__device__ 
inline void unpack(const half* __restrict__ in,
                         half* __restrict__ out)
{
  auto v4 = *reinterpret_cast<const float4*>(in);
  auto h2 = reinterpret_cast<const __half2*>(&v4);

  #pragma unroll
  for (int i = 0; i < 4; i++) {
      out[2*i]     = __low2half(h2[i]);
      out[2*i + 1] = __high2half(h2[i]);
  }
}

template<int BLOCK_SIZE>
__global__ void bgmv_shrink_kernel_vec(
    float*        output,                       // [num_tokens, lora_rank]
    const __half* __restrict__ input,           // [num_tokens, hidden_size]
    const __half* __restrict__ weights,         // [num_loras, lora_rank, hidden_size]
    const int*    __restrict__ lora_indices,    // [num_tokens]
    int           num_tokens,
    int           hidden_size,
    int           lora_rank,
    float         scaling)
{
    // grid : (num_tokens, lora_rank)
    int token_idx = blockIdx.x;
    int rank_idx  = blockIdx.y;
    int tid       = threadIdx.x;

    if (token_idx >= num_tokens || rank_idx >= lora_rank) return;

    int lora_id = lora_indices[token_idx];

    // inputs: [batch_size, hidden_size] -> inputs[batch_id, :]
    const __half* inp = input   + token_idx * hidden_size;

    // weights: [num_loras, rank, hidden_size] -> weights[lora_idx, rank_id, :]
    const __half* wt  = weights + lora_id * lora_rank * hidden_size
                                + rank_idx * hidden_size;

    int offset = tid * 8;

    float acc = 0.f;

    while (offset < hidden_size) {
      const auto remain = hidden_size - offset;
      if (remain >= 8) {
        __half inp_vec[8], wt_vec[8];
        unpack(inp + offset, inp_vec);
        unpack(wt + offset, wt_vec);

        for (int i = 0; i < 8; i++) 
          acc += __half2float(inp_vec[i]) * __half2float(wt_vec[i]);
        
      } else {
        // Partial vector processing: handle remaining elements less than vec_size
        for (int k = 0; k < remain; k++) {
          acc += __half2float(inp[offset + k]) * __half2float(wt[offset + k]);
        }
      }
      offset += BLOCK_SIZE * 8;  // next position handled by current thread
    }

    using BlockReduce = cub::BlockReduce<float, BLOCK_SIZE>;
    __shared__ typename BlockReduce::TempStorage temp_storage1;
    acc = BlockReduce(temp_storage1).Sum(acc);
    if (tid == 0)
      output[token_idx * lora_rank + rank_idx] += scaling * acc;
}
