// HeCBench (github.com/zjin-lcf/HeCBench) rmsnorm_rmsnorm_fwd_two_scan_kernel
// upstream: src/rmsnorm-cuda/main.cu (+ reduce.cuh, utils.cuh) at commit f27000a5188f8ac79bd43fc95a1b3f890c18823d
// licence: rmsnorm-cuda/reduce.cuh and utils.cuh: Copyright (c) 2025 Advanced Micro Devices ("See LICENSE": HeCBench BSD-3-Clause, repository root)
// Kernel body and the helpers it needs copied verbatim; edits: none.
// Template kernel kept as a template: kernel name rmsnorm_fwd_two_scan_kernel<float, 4> (the program's UNROLL = sizeof(uint4)/sizeof(T)). Added #include <cuda/std/cstdint> for the fixed-width types (uint8_t ...).
#include <cuda/std/cstdint>

// --- src/rmsnorm-cuda/reduce.cuh
#pragma once

#define FINAL_MASK 0xffffffff
#define MAX_THREADS_PER_BLOCK 1024
#define THREADS_PER_WARP 32

// Sum
template <typename T> struct SumOp {
    __device__ static T init() { return T(0); }
    __device__ static T op(const T &x, const T &y) { return x + y; }
};


/**
 * Warp Reduce and Block Reduce
 */
template <template <class> class Func, typename T>
__device__  T WarpReduce(T val) {
#pragma unroll
    for (int offset = THREADS_PER_WARP >> 1; offset > 0; offset >>= 1) {
        T tmp = __shfl_xor_sync(FINAL_MASK, val, offset);
        val   = Func<T>::op(tmp, val);
    }
    return val;
}

template <template <class> class Func, typename T>
__device__ T BlockReduce(const T &val) {
    constexpr int MAX_NUM_WARPS = MAX_THREADS_PER_BLOCK / THREADS_PER_WARP;
    const int     num_warps     = (blockDim.x + THREADS_PER_WARP - 1) / THREADS_PER_WARP;

    __shared__ T smem[MAX_NUM_WARPS];
    const int    warp_id = threadIdx.x / THREADS_PER_WARP;
    const int    lane_id = threadIdx.x % THREADS_PER_WARP;

    T val_reg = Func<T>::init();
    val_reg   = Func<T>::op(val_reg, val);
    val_reg   = WarpReduce<Func, T>(val_reg);
    if (lane_id == 0) {
        smem[warp_id] = val_reg;
    }
    __syncthreads();
    if (warp_id == 0) {
        val_reg = (lane_id < num_warps) ? smem[lane_id] : Func<T>::init();
        val_reg = WarpReduce<Func, T>(val_reg);
        if (lane_id == 0)
            smem[0] = val_reg;
    }
    __syncthreads();
    return smem[0];
}

// --- src/rmsnorm-cuda/utils.cuh
#pragma once

/**
 * Load & Store data utils
 */

// TODO: ASM
template <typename T, const int N>
__device__ void load_data(const T *src, T *dst) {
    constexpr int BYTES = N * sizeof(T);
    static_assert(BYTES == 1 || BYTES == 2 || BYTES == 4 || BYTES == 8 || BYTES == 16,
                  "Only 1/2/4/8/16 bytes are supported.");
    if constexpr (BYTES == 1) {
        *reinterpret_cast<uint8_t *>(dst) = *(reinterpret_cast<const uint8_t *>(src));
    } else if constexpr (BYTES == 2) {
        *reinterpret_cast<uint16_t *>(dst) = *(reinterpret_cast<const uint16_t *>(src));
    } else if constexpr (BYTES == 4) {
        *reinterpret_cast<uint32_t *>(dst) = *(reinterpret_cast<const uint32_t *>(src));
    } else if constexpr (BYTES == 8) {
        *reinterpret_cast<uint64_t *>(dst) = *(reinterpret_cast<const uint64_t *>(src));
    } else if constexpr (BYTES == 16) {
        *reinterpret_cast<uint4 *>(dst) = *(reinterpret_cast<const uint4 *>(src));
    }
}

template <typename T, const int N>
__device__ void store_data(T *dst, const T *src) {
    constexpr int BYTES = N * sizeof(T);
    static_assert(BYTES == 1 || BYTES == 2 || BYTES == 4 || BYTES == 8 || BYTES == 16,
                  "Only 1/2/4/8/16 bytes are supported.");

    if constexpr (BYTES == 1) {
        *reinterpret_cast<uint8_t *>(dst) = *reinterpret_cast<const uint8_t *>(src);
    } else if constexpr (BYTES == 2) {
        *reinterpret_cast<uint16_t *>(dst) = *reinterpret_cast<const uint16_t *>(src);
    } else if constexpr (BYTES == 4) {
        *reinterpret_cast<uint32_t *>(dst) = *reinterpret_cast<const uint32_t *>(src);
    } else if constexpr (BYTES == 8) {
        *reinterpret_cast<uint64_t *>(dst) = *reinterpret_cast<const uint64_t *>(src);
    } else if constexpr (BYTES == 16) {
        *reinterpret_cast<uint4 *>(dst) = *reinterpret_cast<const uint4 *>(src);
    }
}

// --- src/rmsnorm-cuda/main.cu
template <typename T, int UNROLL>
__global__
void rmsnorm_fwd_two_scan_kernel(const T *__restrict__ input,
                                 const T *__restrict__ gamma,
                                       T *output,
                                 const int64_t inner_len, const float epsilon)
{
    const int BLOCKSIZE = blockDim.x;
    const int bid       = blockIdx.x;
    const int warp_id   = threadIdx.x / THREADS_PER_WARP;
    const int lane_id   = threadIdx.x % THREADS_PER_WARP;

    const T *input_ptr  = input + bid * inner_len;
    const T *gamma_ptr  = gamma;
    T       *output_ptr = output + bid * inner_len;

    const int start_offset = warp_id * THREADS_PER_WARP * UNROLL + lane_id * UNROLL;
    T         ld_input_regs[UNROLL];
    float     local_squares_sum = 0.0f;
    for (int64_t offset = start_offset; offset < inner_len; offset += (BLOCKSIZE * UNROLL)) {
        load_data<T, UNROLL>(input_ptr + offset, ld_input_regs);
#pragma unroll
        for (int i = 0; i < UNROLL; ++i) {
            const float val = static_cast<float>(ld_input_regs[i]);
            local_squares_sum += (val * val);
        }
    }

    const float mean_square = BlockReduce<SumOp, float>(local_squares_sum) / static_cast<float>(inner_len);
    const float norm_factor = rsqrtf(mean_square + epsilon);

    T ld_gamma_regs[UNROLL];
    T st_regs[UNROLL];
    for (int64_t offset = start_offset; offset < inner_len; offset += (BLOCKSIZE * UNROLL)) {
        load_data<T, UNROLL>(input_ptr + offset, ld_input_regs);
        load_data<T, UNROLL>(gamma_ptr + offset, ld_gamma_regs);

#pragma unroll
        for (int i = 0; i < UNROLL; ++i) {
            float val = static_cast<float>(ld_input_regs[i]) * norm_factor *
                        static_cast<float>(ld_gamma_regs[i]);
            st_regs[i] = static_cast<T>(val);
        }
        store_data<T, UNROLL>(output_ptr + offset, st_regs);
    }
}
