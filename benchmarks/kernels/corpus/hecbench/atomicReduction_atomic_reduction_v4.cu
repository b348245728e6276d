// HeCBench (github.com/zjin-lcf/HeCBench) atomicReduction_atomic_reduction_v4
// upstream: src/atomicReduction-cuda/kernels.h at commit f27000a5188f8ac79bd43fc95a1b3f890c18823d
// licence: HeCBench LICENSE (BSD-3-Clause, repository root)
// Kernel body and the helpers it needs copied verbatim; edits: extern "C".

extern "C" __global__ void atomic_reduction_v4(int *in, int* out, int arrayLength) {
  int sum=0;
  int idx = blockIdx.x*blockDim.x+threadIdx.x;
  for(int i= idx*4;i<arrayLength;i+=blockDim.x*gridDim.x*4) {
    sum+=in[i] + in[i+1] + in[i+2] + in[i+3];
  }
  atomicAdd(out,sum);
}
