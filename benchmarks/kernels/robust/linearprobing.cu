// Third-party kernel for the robustness set (benchmarks/kernels/robust.py); body copied verbatim.
// Upstream: HeCBench (github.com/zjin-lcf/HeCBench)
// Path:     src/linearprobing-cuda/linearprobing.cu (+ KeyValue and constants from linearprobing.h)
// Commit:   linearprobing.cu as stored at f27000a5188f8ac79bd43fc95a1b3f890c18823d (the snapshot copied; the file last changed in 87816885f7)
// Licence:  BSD-3-Clause (LICENSE of zjin-lcf/HeCBench)
// Kernel:   k_hashtable_insert (a hashed slot, then a while(true) probe loop of atomicCAS/atomicExch over a 64 M-slot table)
// Edits (nothing else changed):
//   - linearprobing.h inlined in place of its #include: its #include <cuda.h>, KeyValue and constants (its #pragma
//     once and host declarations left out)
//   - #include <stdio.h>, <vector>, <chrono> left out
//   - added extern "C" in front of the kernel
//   - k_hashtable_delete, k_iterate_hashtable and the host functions left out

#include <stdint.h>
#include <cuda.h>
struct KeyValue
{
    uint32_t key;
    uint32_t value;
};

const uint32_t kHashTableCapacity = 64*1024*1024; //128 * 1024 * 1024;

const uint32_t kNumKeyValues = kHashTableCapacity / 2;

const uint32_t kEmpty = 0xffffffff;
// 32 bit Murmur3 hash
__device__ uint32_t hash(uint32_t k)
{
  k ^= k >> 16;
  k *= 0x85ebca6b;
  k ^= k >> 13;
  k *= 0xc2b2ae35;
  k ^= k >> 16;
  return k & (kHashTableCapacity-1);
}

extern "C"
// Insert the key/values in kvs into the hashtable
__global__ void
k_hashtable_insert(KeyValue*__restrict__ hashtable,
                   const KeyValue*__restrict__ kvs,
                   unsigned int numkvs)
{
  unsigned int tid = blockIdx.x * blockDim.x + threadIdx.x;
  if (tid < numkvs)
  {
    uint32_t key = kvs[tid].key;
    uint32_t value = kvs[tid].value;
    uint32_t slot = hash(key);

    while (true)
    {
      uint32_t prev = atomicCAS(&hashtable[slot].key, kEmpty, key);
      if (prev == kEmpty || prev == key)
      {
        //hashtable[slot].value = value;
        atomicExch(&hashtable[slot].value, value);
        return;
      }

      slot = (slot + 1) & (kHashTableCapacity-1);
    }
  }
}
