// Third-party kernel for the robustness set (benchmarks/kernels/robust.py); body copied verbatim.
// Upstream: HeCBench (github.com/zjin-lcf/HeCBench)
// Path:     src/nonzero-cuda/main.cu
// Commit:   main.cu as stored at f27000a5188f8ac79bd43fc95a1b3f890c18823d (the snapshot robustness sweep 8 copied)
// Licence:  BSD-3-Clause (LICENSE of zjin-lcf/HeCBench); the folder's LICENSE: PyTorch's BSD-style licence
// Kernel:   write_indices<int64_t> (template kept: torch.nonzero's second pass, a thread a nonzero; the flat int64
//           index that cub::DeviceSelect::Flagged left in inp read and turned into one int64 coordinate a
//           dimension in place (inp[index + dim * nzero], the column first, then the row over the flat index's
//           slot), 64-bit division and modulo by the sizes of a TensorDims<int64_t> passed by value, a #pragma
//           unroll loop from MAX_DIMS down with `continue` past ndim; 256 threads upstream)
// Edits (nothing else changed):
//   - <stdio.h>, <stdlib.h>, <random>, <cub/cub.cuh> (host-side DeviceReduce / DeviceSelect only) and
//     <thrust/iterator/transform_iterator.h> left out; <cstdint> added for int64_t
//   - NonZero, nonzero<scalar_t> (the host code) and main left out
#include <cstdint>

#define MAX_DIMS 2

template<typename index_t>
struct TensorDims {
  index_t sizes[MAX_DIMS];
};

template <typename index_t>
__global__
void write_indices(int64_t* inp, TensorDims<index_t> dims, int ndim, index_t nzero)
{
  auto index = threadIdx.x + blockIdx.x * blockDim.x;
  if (index < nzero) {
    index_t div = 1;
    int64_t idx_flat = inp[index];
    #pragma unroll
    for (int dim = MAX_DIMS; dim >= 0; dim--) {
      if (dim > ndim - 1) continue;
      auto dim_size = dims.sizes[dim];
      inp[index + dim * nzero] = (idx_flat / div) % dim_size;
      div *= dim_size;
    }
  }
}

