// Third-party kernel for the second unseen suite (benchmarks/kernels/unseen2.py); body copied verbatim.
// Upstream: HeCBench (github.com/zjin-lcf/HeCBench)
// Path:     src/popcount-cuda/main.cu
// Commit:   main.cu as stored at f9eb5a676f69e67bfd784f20d78ad7678945ff4c
// Licence:  BSD-3-Clause (LICENSE of zjin-lcf/HeCBench)
// Kernel:   pc3 (Kernighan's loop: one iteration a set bit of a 64-bit word, one word a thread)
// Edits (nothing else changed):
//   - added extern "C" in front of the kernel
//   - pc1, pc2, pc4, pc5 (with its __constant__ table), pc6, the host code and headers left out

extern "C" __global__ void pc3 (const unsigned long* __restrict__ data, int* __restrict__ r, const int length)
{
  int i = blockIdx.x*blockDim.x+threadIdx.x;
  if (i >= length) return;
  char count;
  unsigned long x = data[i];
  for (count=0; x; count++) x &= x - 1;
  r[i] = count;
}
