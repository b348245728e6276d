// Third-party kernel for the robustness set (benchmarks/kernels/robust.py); body copied verbatim.
// Upstream: HeCBench (github.com/zjin-lcf/HeCBench)
// Path:     src/unfold-cuda/main.cu
// Commit:   main.cu as stored at f27000a5188f8ac79bd43fc95a1b3f890c18823d (the snapshot copied; the file last changed in 8fc336b5d)
// Licence:  BSD-3-Clause (LICENSE of zjin-lcf/HeCBench; the code taken from PyTorch, BSD-style, as its LICENSE says)
// Kernel:   unfold_backward_elementwise_kernel<64, 4, UnfoldLoop<float>> (PyTorch's unfold backward: a kernel
//           templated on two non-type parameters (n_threads 64, n_elems_per_thread 4: a constexpr work a block, an
//           unrolled loop) and on the functor it calls; upstream the functor is an extended __device__ lambda
//           ([=] __device__ (int i), nvcc --extended-lambda) built in a host template; each call folds the
//           grad_in elements of one grad_out element (a loop from left_fold_idx to right_fold_idx, both from
//           *idx_dim_ptr); size 2, step 1, strides 1, *idx_dim_ptr 0 (one fold a call); nelem 10000000 the Makefile's)
// Edits (nothing else changed):
//   - <chrono>, launch_unfold_backward_kernel and main left out
//   - the lambda's closure type cannot be named in a kernel name (NVRTC instantiates kernels by name), so
//     unfold_backward_internal_kernel<scalar_t> became the struct template UnfoldLoop<scalar_t>: its eight
//     parameters the lambda captures by value as members in the same order, the lambda's body verbatim as its
//     __device__ operator(); the kernel receives it by value as upstream

#include <cstdio>
#include <cstdlib>
#include <cuda.h>

template <int n_threads, int n_elems_per_thread, typename func_t>
__global__
void unfold_backward_elementwise_kernel(int total_n_elems, func_t f) {
  constexpr int total_work_block = n_threads * n_elems_per_thread;
  int idx = total_work_block * blockIdx.x + threadIdx.x;
  #pragma unroll
  for (int i = 0; i < n_elems_per_thread; ++i) {
    if (idx < total_n_elems) {
      f(idx);
      idx += n_threads;
    }
  }
}

template <typename scalar_t>
struct UnfoldLoop {
        scalar_t* __restrict__ grad_out_ptr;
  const scalar_t* __restrict__ grad_in_ptr;
  const int64_t* __restrict__ idx_dim_ptr;
  int64_t size;
  int64_t step;
  int64_t grad_in_dim_stride;
  int64_t grad_in_last_dim_stride;
  int64_t grad_in_dim_size;
  int64_t grad_out_dim_stride;

  // For each index in grad_out find
  // the elements contributing to it and sum them up.
  // Note: the algorithm does not require any synchronization.
  __device__ void operator() (int i) const {
    int64_t offsets[] = {i, i, 0};

    auto* __restrict__ grad_out_data = grad_out_ptr + offsets[0];
    auto* __restrict__ grad_in_data = grad_in_ptr + offsets[1];
    auto idx_dim = *(idx_dim_ptr + offsets[2]);

    // left_fold potentially intersecting with idx_dim
    // is either (idx_dim - size) / step or the next integer.
    int64_t left_fold_idx = (idx_dim > size) ? (idx_dim - size) / step : 0;
    if (!(left_fold_idx * step <= idx_dim && idx_dim < left_fold_idx * step + size)) {
      ++left_fold_idx;
    }

    auto right_fold_idx = idx_dim / step;
    right_fold_idx = (right_fold_idx >= grad_in_dim_size) ?
                     (grad_in_dim_size - 1) : right_fold_idx;

    for (auto fold_idx = left_fold_idx; fold_idx <= right_fold_idx; ++fold_idx) {
      auto idx_last_dim = idx_dim - fold_idx * step;
      *grad_out_data += grad_in_data[fold_idx * grad_in_dim_stride +
                                     idx_last_dim * grad_in_last_dim_stride];
    }
  }
};
