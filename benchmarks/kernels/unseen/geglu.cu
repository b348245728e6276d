// Third-party kernel for the unseen suite (benchmarks/kernels/unseen.py); body copied verbatim.
// Upstream: HeCBench (github.com/zjin-lcf/HeCBench)
// Path:     src/geglu-cuda/main.cu
// Commit:   main.cu as stored at c1ccbaec30a4d49229035a5d04c64a923d4f026e (not re-diffed)
// Licence:  BSD-3-Clause (LICENSE of zjin-lcf/HeCBench; NVIDIA notices where the file has one)
// Kernels:  geglu_kernel<float, float, block_size_x, 5120, 8, 2> and geglu_kernel<__half, float, ...> (template
//           kept; BLOCK_DIM_X = block_size_x, DIM_LAST 5120, 8 elements a vector, 2 vectors a thread)
// Edits (nothing else changed):
//   - <cmath>/<cstdio> (host headers NVRTC lacks) replaced by what the kernel uses from them: M_SQRT1_2 (defined) and int64_t (<cuda/std/cstdint>, as the corpus does)

#include <cuda_fp16.h>
#include <cuda/std/cstdint>  /* int64_t, which upstream gets through <cmath> */
#ifndef M_SQRT1_2
#define M_SQRT1_2 0.70710678118654752440  /* upstream gets it from the host's <cmath> */
#endif
template<typename opmath_t>
__device__ __inline__ opmath_t gelu(opmath_t x) {
    constexpr opmath_t kAlpha = M_SQRT1_2;
    return x * opmath_t(0.5) * (opmath_t(1) + erf(x * kAlpha));
}

template<typename scalar_t, typename opmath_t, int BLOCK_DIM_X, int DIM_LAST, int VEC_ELEMS, int FOR_LOOP>
__global__ void geglu_kernel(scalar_t *out, const scalar_t *x_and_gate)
{
    static_assert(DIM_LAST % (BLOCK_DIM_X * VEC_ELEMS) == 0, "cannot decide CHUNKS_PER_ROW");
    constexpr int CHUNKS_PER_ROW = DIM_LAST / (BLOCK_DIM_X * VEC_ELEMS);
    struct alignas(sizeof(scalar_t) * VEC_ELEMS) U {
        scalar_t data[VEC_ELEMS];
    };
    U ux[FOR_LOOP];
    U ugate[FOR_LOOP];
    U uout[FOR_LOOP];
    for (int k = 0; k < FOR_LOOP; k++) {
        int idxN = (blockIdx.x * FOR_LOOP + k) / CHUNKS_PER_ROW;
        int idxR = ((blockIdx.x * FOR_LOOP + k) % CHUNKS_PER_ROW * BLOCK_DIM_X + threadIdx.x) * VEC_ELEMS;
        ux[k]    = *reinterpret_cast<U const *>(&x_and_gate[(idxN * 2 + 0) * (int64_t)DIM_LAST + idxR]);
        ugate[k] = *reinterpret_cast<U const *>(&x_and_gate[(idxN * 2 + 1) * (int64_t)DIM_LAST + idxR]);
    }
    for (int k = 0; k < FOR_LOOP; k++) {
        for (int i = 0; i < VEC_ELEMS; i++) {
            opmath_t gelu_out = gelu(static_cast<opmath_t>(ugate[k].data[i]));
            uout[k].data[i] = static_cast<scalar_t>(static_cast<opmath_t>(ux[k].data[i]) * gelu_out);
        }
    }
    for (int k = 0; k < FOR_LOOP; k++) {
        int idxN = (blockIdx.x * FOR_LOOP + k) / CHUNKS_PER_ROW;
        int idxR = ((blockIdx.x * FOR_LOOP + k) % CHUNKS_PER_ROW * BLOCK_DIM_X + threadIdx.x) * VEC_ELEMS;
        *reinterpret_cast<U *>(&out[idxN * (int64_t)DIM_LAST + idxR]) = uout[k];
    }
}
