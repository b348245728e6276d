// HeCBench (github.com/zjin-lcf/HeCBench) atomicReduction_atomic_reduction
// upstream: src/atomicReduction-cuda/kernels.h at commit f27000a5188f8ac79bd43fc95a1b3f890c18823d
// licence: HeCBench LICENSE (BSD-3-Clause, repository root)
// Kernel body and the helpers it needs copied verbatim; edits: extern "C".

extern "C" __global__ void atomic_reduction(int *in, int* out, int arrayLength) {
  int sum=0;
  int idx = blockIdx.x*blockDim.x+threadIdx.x;
  for(int i= idx;i<arrayLength;i+=blockDim.x*gridDim.x) {
    sum+=in[i];
  }
  atomicAdd(out,sum);
}
