// Segmented argmax: the largest value of each row of a rows x cols fp32 matrix (row-major) and
// its column (the lowest one on ties). A block holds block_size_y rows; the block_size_x
// threads of a row stride over its columns, then the (value, column) pairs are reduced across
// the row's threads with warp shuffles and, when a row spans more than one warp
// (block_size_x > 32), through shared memory. Grid: (1, ceil(rows / block_size_y)).
#define WARPS_PER_ROW ((block_size_x + 31) / 32)
#define ROW_LANES (block_size_x < 32 ? block_size_x : 32)

__device__ __forceinline__ void keep_better(float &value, int &column, float other_value, int other_column)
{
    if (other_value > value || (other_value == value && other_column < column)) {
        value = other_value;
        column = other_column;
    }
}

extern "C" __global__ void __launch_bounds__(block_size_x * block_size_y)
argmax_rows(int *index_out, float *value_out, const float *in, int rows, int cols)
{
    __shared__ float scratch_value[block_size_y * WARPS_PER_ROW];
    __shared__ int scratch_column[block_size_y * WARPS_PER_ROW];
    int row = blockIdx.y * block_size_y + threadIdx.y;
    // Threads of rows past the last one keep going (without touching memory) so that every
    // lane joins the shuffles and every thread the barrier.
    bool active = row < rows;
    const float *x = in + (size_t)row * cols;

    float best = -3.402823466e+38f;  // -FLT_MAX
    int column = 0x7fffffff;
    if (active) {
        for (int c = threadIdx.x; c < cols; c += block_size_x) {
            float v = x[c];
            if (v > best) {  // strictly larger: a thread's columns rise, so ties keep the lowest
                best = v;
                column = c;
            }
        }
    }
    #pragma unroll
    for (int offset = ROW_LANES / 2; offset > 0; offset /= 2) {
        float other_value = __shfl_xor_sync(0xffffffffu, best, offset);
        int other_column = __shfl_xor_sync(0xffffffffu, column, offset);
        keep_better(best, column, other_value, other_column);
    }
#if block_size_x > 32
    if (threadIdx.x % 32 == 0) {
        scratch_value[threadIdx.y * WARPS_PER_ROW + threadIdx.x / 32] = best;
        scratch_column[threadIdx.y * WARPS_PER_ROW + threadIdx.x / 32] = column;
    }
    __syncthreads();
    if (threadIdx.x == 0) {
        for (int w = 1; w < WARPS_PER_ROW; w++) {
            keep_better(best, column, scratch_value[threadIdx.y * WARPS_PER_ROW + w],
                        scratch_column[threadIdx.y * WARPS_PER_ROW + w]);
        }
    }
#endif
    if (active && threadIdx.x == 0) {
        index_out[row] = column;
        value_out[row] = best;
    }
}
