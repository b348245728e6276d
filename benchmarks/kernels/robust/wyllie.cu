// Third-party kernel for the robustness set (benchmarks/kernels/robust.py); body copied verbatim.
// Upstream: HeCBench (github.com/zjin-lcf/HeCBench)
// Path:     src/wyllie-cuda/main.cu (+ src/wyllie-cuda/utils.h)
// Commit:   main.cu, utils.h as stored at f27000a5188f8ac79bd43fc95a1b3f890c18823d (the snapshot robustness sweep 8 copied)
// Licence:  BSD-3-Clause (LICENSE of zjin-lcf/HeCBench)
// Kernel:   wyllie (Wyllie's list ranking by pointer jumping: a thread a node, each 64-bit word packing (next << 32 |
//           rank) rewritten in place until its successor is the tail, a data-dependent while loop whose trip count
//           depends on the other threads' updates (about log2(n) rounds on the GPU), __syncthreads inside it;
//           grid (elems + 255) / 256 of 256 threads upstream)
// Edits (nothing else changed):
//   - NIL and MASK (utils.h) defined here; extern "C" on the kernel
//   - <chrono>, <cstdio>, <cstdlib>, <vector>, <cuda.h>, utils.h's list builders and main left out
#define NIL  -1
#define MASK 0xFFFFFFFF

extern "C" __global__
void wyllie ( long *list , const int size )
{
  int index = blockIdx.x * blockDim.x + threadIdx.x;
  if(index < size )
  {
    long node, next;
    while ( ((node = list[index]) >> 32) != NIL && 
            ((next = list[node >> 32]) >> 32) != NIL )
    {
      long temp = (node & MASK) ;
      temp += (next & MASK) ;
      temp += (next >> 32) << 32;
      __syncthreads();
      list [ index ] = temp ;
    } 
  }
}
