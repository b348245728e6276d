// Third-party kernel for the robustness set (benchmarks/kernels/robust.py); body copied verbatim.
// Upstream: HeCBench (github.com/zjin-lcf/HeCBench)
// Path:     src/randomAccess-cuda/main.cu
// Commit:   main.cu as stored at f27000a5188f8ac79bd43fc95a1b3f890c18823d (the snapshot the robustness sweep 3 copied)
// Licence:  BSD-3-Clause (LICENSE of zjin-lcf/HeCBench)
// Kernel:   update (HPCC RandomAccess: one block of 128 update streams, NUPDATE 2^28 64-bit atomicXor at random table
//           slots)
// Edits (nothing else changed):
//   - the 128 streams (K2_BLOCKSIZE, the literal 128 in update) are block_size_x: NUPDATE/128 -> NUPDATE/block_size_x
//     (the total updates unchanged)
//   - added extern "C" in front of the kernel
//   - initTable and the host code left out

typedef unsigned long long int u64Int;
typedef long long int s64Int;

/* Random number generator */
#define POLY 0x0000000000000007UL
#define PERIOD 1317624576693539401L

#define NUPDATE (4 * TableSize)

/* CUDA specific parameters */
#define K1_BLOCKSIZE  256
#define K2_BLOCKSIZE  128

__device__
u64Int HPCC_starts(s64Int n)
{
  int i, j;
  u64Int m2[64];
  u64Int temp, ran;

  while (n < 0) n += PERIOD;
  while (n > PERIOD) n -= PERIOD;
  if (n == 0) return 0x1;

  temp = 0x1;

  #pragma unroll
  for (i=0; i<64; i++) {
    m2[i] = temp;
    temp = (temp << 1) ^ ((s64Int) temp < 0 ? POLY : 0);
    temp = (temp << 1) ^ ((s64Int) temp < 0 ? POLY : 0);
  }

  for (i=62; i>=0; i--)
    if ((n >> i) & 1)
      break;

  ran = 0x2;
  while (i > 0) {
    temp = 0;
    #pragma unroll
    for (j=0; j<64; j++)
      if ((ran >> j) & 1)
        temp ^= m2[j];
    ran = temp;
    i -= 1;
    if ((n >> i) & 1)
      ran = (ran << 1) ^ ((s64Int) ran < 0 ? POLY : 0);
  }

  return ran;
}

extern "C" __global__ void update (u64Int*__restrict__ Table, const u64Int TableSize)
{
  int j = threadIdx.x;
  u64Int ran = HPCC_starts ((NUPDATE/block_size_x) * j);
  for (u64Int i=0; i<NUPDATE/block_size_x; i++) {
    ran = (ran << 1) ^ ((s64Int) ran < 0 ? POLY : 0);
    atomicXor(&Table[ran & (TableSize-1)], ran);
  }
}
