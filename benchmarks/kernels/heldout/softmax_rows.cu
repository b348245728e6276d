// Row-wise softmax of a rows x cols fp32 matrix (row-major), out-of-place.
// A block holds block_size_y rows; the block_size_x threads of a row stride over its columns.
// Max and sum are reduced across a row's threads with warp shuffles and, when a row spans
// more than one warp (block_size_x > 32), through shared memory. Grid: (1, ceil(rows / block_size_y)).
#define WARPS_PER_ROW ((block_size_x + 31) / 32)
#define ROW_LANES (block_size_x < 32 ? block_size_x : 32)

__device__ __forceinline__ float row_max(float v, float *scratch)
{
    #pragma unroll
    for (int offset = ROW_LANES / 2; offset > 0; offset /= 2) {
        v = fmaxf(v, __shfl_xor_sync(0xffffffffu, v, offset));
    }
#if block_size_x > 32
    int warp = threadIdx.x / 32;
    if (threadIdx.x % 32 == 0) {
        scratch[threadIdx.y * WARPS_PER_ROW + warp] = v;
    }
    __syncthreads();
    v = scratch[threadIdx.y * WARPS_PER_ROW];
    for (int w = 1; w < WARPS_PER_ROW; w++) {
        v = fmaxf(v, scratch[threadIdx.y * WARPS_PER_ROW + w]);
    }
    __syncthreads();
#endif
    return v;
}

__device__ __forceinline__ float row_sum(float v, float *scratch)
{
    #pragma unroll
    for (int offset = ROW_LANES / 2; offset > 0; offset /= 2) {
        v += __shfl_xor_sync(0xffffffffu, v, offset);
    }
#if block_size_x > 32
    int warp = threadIdx.x / 32;
    if (threadIdx.x % 32 == 0) {
        scratch[threadIdx.y * WARPS_PER_ROW + warp] = v;
    }
    __syncthreads();
    v = 0.0f;
    for (int w = 0; w < WARPS_PER_ROW; w++) {
        v += scratch[threadIdx.y * WARPS_PER_ROW + w];
    }
    __syncthreads();
#endif
    return v;
}

extern "C" __global__ void __launch_bounds__(block_size_x * block_size_y)
softmax_rows(float *out, const float *in, int rows, int cols)
{
    __shared__ float scratch[block_size_y * WARPS_PER_ROW];
    int row = blockIdx.y * block_size_y + threadIdx.y;
    // Threads of a row past the last one keep going (without touching memory) so that every
    // lane joins the shuffles and every thread the barriers.
    bool active = row < rows;
    const float *x = in + (size_t)row * cols;
    float *y = out + (size_t)row * cols;

    float m = -3.402823466e+38f;  // -FLT_MAX
    if (active) {
        for (int c = threadIdx.x; c < cols; c += block_size_x) {
            m = fmaxf(m, x[c]);
        }
    }
    m = row_max(m, scratch);

    float s = 0.0f;
    if (active) {
        for (int c = threadIdx.x; c < cols; c += block_size_x) {
            s += __expf(x[c] - m);
        }
    }
    s = row_sum(s, scratch);

    if (active) {
        float inv = 1.0f / s;
        for (int c = threadIdx.x; c < cols; c += block_size_x) {
            y[c] = __expf(x[c] - m) * inv;
        }
    }
}
