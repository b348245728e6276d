// Third-party kernel for the robustness set (benchmarks/kernels/robust.py); body copied verbatim.
// Upstream: HeCBench (github.com/zjin-lcf/HeCBench)
// Path:     src/bsearch-cuda/main.cu
// Commit:   main.cu as stored at f27000a5188f8ac79bd43fc95a1b3f890c18823d (the snapshot copied; the file last changed in 4aea1d5ab)
// Licence:  BSD-3-Clause (LICENSE of zjin-lcf/HeCBench)
// Kernel:   kernel_BS<float> (a thread a query: a classic binary search over the sorted a[0 .. n], a while loop on
//           high - low > 1 with size_t bounds, about log2(n) dependent loads a query, the index stored as size_t;
//           Real_t float, 256 threads and grid (zSize + 255) / 256 upstream, zSize = 2 x aSize queries, aSize 8388608
//           in the Makefile's run)
// Edits (nothing else changed):
//   - <cstdlib>, <chrono>, <iostream>, <cuda.h>, kernel_BS2, kernel_BS3, kernel_BS4, the host wrappers, verify and
//     main left out

#ifndef Real_t 
#define Real_t float
#endif

template <typename T>
__global__ void
kernel_BS (const T* __restrict__ acc_a,
           const T* __restrict__ acc_z,
            size_t* __restrict__ acc_r,
           const size_t zSize,
           const size_t n)
{ 
  size_t i = blockIdx.x*blockDim.x+threadIdx.x;
  if (i >= zSize) return;
  T z = acc_z[i];
  size_t low = 0;
  size_t high = n;
  while (high - low > 1) {
    size_t mid = low + (high - low)/2;
    if (z < acc_a[mid])
      high = mid;
    else
      low = mid;
  }
  acc_r[i] = low;
}
