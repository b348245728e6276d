// Layer normalisation over the rows of a rows x cols fp32 matrix (row-major), out-of-place:
// out = (x - mean) * rstd * gamma + beta, with mean and rstd also stored per row (kept for the
// backward pass). A block holds block_size_y rows; the block_size_x threads of a row stride
// over its columns, accumulating the sum and the sum of squares in one pass, which are reduced
// across the row's threads with warp shuffles and, when a row spans more than one warp
// (block_size_x > 32), through shared memory. A second pass over the row writes the output.
// Grid: (1, ceil(rows / block_size_y)).
#define WARPS_PER_ROW ((block_size_x + 31) / 32)
#define ROW_LANES (block_size_x < 32 ? block_size_x : 32)

__device__ __forceinline__ float2 row_sum2(float2 v, float2 *scratch)
{
    #pragma unroll
    for (int offset = ROW_LANES / 2; offset > 0; offset /= 2) {
        v.x += __shfl_xor_sync(0xffffffffu, v.x, offset);
        v.y += __shfl_xor_sync(0xffffffffu, v.y, offset);
    }
#if block_size_x > 32
    if (threadIdx.x % 32 == 0) {
        scratch[threadIdx.y * WARPS_PER_ROW + threadIdx.x / 32] = v;
    }
    __syncthreads();
    v = make_float2(0.0f, 0.0f);
    for (int w = 0; w < WARPS_PER_ROW; w++) {
        float2 p = scratch[threadIdx.y * WARPS_PER_ROW + w];
        v.x += p.x;
        v.y += p.y;
    }
#endif
    return v;
}

extern "C" __global__ void __launch_bounds__(block_size_x * block_size_y)
layernorm_rows(float *out, float *mean_out, float *rstd_out, const float *in, const float *gamma,
               const float *beta, int rows, int cols, float eps)
{
    __shared__ float2 scratch[block_size_y * WARPS_PER_ROW];
    int row = blockIdx.y * block_size_y + threadIdx.y;
    // Threads of rows past the last one keep going (without touching memory) so that every
    // lane joins the shuffles and every thread the barrier.
    bool active = row < rows;
    const float *x = in + (size_t)row * cols;
    float *y = out + (size_t)row * cols;

    float2 acc = make_float2(0.0f, 0.0f);
    if (active) {
        for (int c = threadIdx.x; c < cols; c += block_size_x) {
            float v = x[c];
            acc.x += v;
            acc.y += v * v;
        }
    }
    acc = row_sum2(acc, scratch);
    float mean = acc.x / cols;
    float var = fmaxf(acc.y / cols - mean * mean, 0.0f);
    float rstd = rsqrtf(var + eps);

    if (active) {
        for (int c = threadIdx.x; c < cols; c += block_size_x) {
            y[c] = (x[c] - mean) * rstd * gamma[c] + beta[c];
        }
        if (threadIdx.x == 0) {
            mean_out[row] = mean;
            rstd_out[row] = rstd;
        }
    }
}
