// Cross-entropy loss of a rows x vocab fp32 logit matrix (row-major) against integer targets:
// lse[row] = log(sum_c exp(x[c])) (computed as max + log(sum exp(x - max)), kept for the
// backward pass) and loss[row] = lse[row] - x[targets[row]]. A block holds block_size_y rows;
// the block_size_x threads of a row stride over the vocabulary twice (max, then the sum of
// exponentials), reducing with warp shuffles and, when a row spans more than one warp
// (block_size_x > 32), through shared memory. Grid: (1, ceil(rows / block_size_y)).
#define WARPS_PER_ROW ((block_size_x + 31) / 32)
#define ROW_LANES (block_size_x < 32 ? block_size_x : 32)

__device__ __forceinline__ float row_reduce(float v, float *scratch, bool is_max)
{
    #pragma unroll
    for (int offset = ROW_LANES / 2; offset > 0; offset /= 2) {
        float other = __shfl_xor_sync(0xffffffffu, v, offset);
        v = is_max ? fmaxf(v, other) : v + other;
    }
#if block_size_x > 32
    if (threadIdx.x % 32 == 0) {
        scratch[threadIdx.y * WARPS_PER_ROW + threadIdx.x / 32] = v;
    }
    __syncthreads();
    v = scratch[threadIdx.y * WARPS_PER_ROW];
    for (int w = 1; w < WARPS_PER_ROW; w++) {
        float other = scratch[threadIdx.y * WARPS_PER_ROW + w];
        v = is_max ? fmaxf(v, other) : v + other;
    }
    __syncthreads();
#endif
    return v;
}

extern "C" __global__ void __launch_bounds__(block_size_x * block_size_y)
cross_entropy_rows(float *loss, float *lse, const float *logits, const int *targets, int rows, int vocab)
{
    __shared__ float scratch[block_size_y * WARPS_PER_ROW];
    int row = blockIdx.y * block_size_y + threadIdx.y;
    // Threads of rows past the last one keep going (without touching memory) so that every
    // lane joins the shuffles and every thread the barriers.
    bool active = row < rows;
    const float *x = logits + (size_t)row * vocab;

    float m = -3.402823466e+38f;  // -FLT_MAX
    if (active) {
        for (int c = threadIdx.x; c < vocab; c += block_size_x) {
            m = fmaxf(m, x[c]);
        }
    }
    m = row_reduce(m, scratch, true);

    float s = 0.0f;
    if (active) {
        for (int c = threadIdx.x; c < vocab; c += block_size_x) {
            s += __expf(x[c] - m);
        }
    }
    s = row_reduce(s, scratch, false);

    if (active && threadIdx.x == 0) {
        float l = m + __logf(s);
        lse[row] = l;
        loss[row] = l - x[targets[row]];
    }
}
