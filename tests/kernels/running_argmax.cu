// Argmax of each row kept as a running (value, column) pair: `if (v > best)` updates both, and
// the (value, column) pairs are merged across the row's threads with shuffles, then across its
// warps through shared memory, each merge a conditional update of both. block_size_x threads
// share a row, block_size_y rows a block (both #defines).
#define WARPS_PER_ROW ((block_size_x + 31) / 32)
#define ROW_LANES (block_size_x < 32 ? block_size_x : 32)

__device__ __forceinline__ void keep_better(float &value, int &column, float other_value, int other_column)
{
    if (other_value > value || (other_value == value && other_column < column)) {
        value = other_value;
        column = other_column;
    }
}

extern "C" __global__ void running_argmax(int *index_out, const float *in, int rows, int cols)
{
    __shared__ float values[block_size_y * WARPS_PER_ROW];
    __shared__ int columns[block_size_y * WARPS_PER_ROW];
    int row = blockIdx.y * block_size_y + threadIdx.y;
    bool active = row < rows;
    const float *x = in + (size_t)row * cols;
    float best = -3.402823466e+38f;
    int column = 0x7fffffff;
    if (active) {
        for (int c = threadIdx.x; c < cols; c += block_size_x) {
            float v = x[c];
            if (v > best) {
                best = v;
                column = c;
            }
        }
    }
    #pragma unroll
    for (int offset = ROW_LANES / 2; offset > 0; offset /= 2) {
        keep_better(best, column, __shfl_xor_sync(0xffffffffu, best, offset),
                    __shfl_xor_sync(0xffffffffu, column, offset));
    }
#if block_size_x > 32
    if (threadIdx.x % 32 == 0) {
        values[threadIdx.y * WARPS_PER_ROW + threadIdx.x / 32] = best;
        columns[threadIdx.y * WARPS_PER_ROW + threadIdx.x / 32] = column;
    }
    __syncthreads();
    if (threadIdx.x == 0) {
        for (int w = 1; w < WARPS_PER_ROW; w++) {
            keep_better(best, column, values[threadIdx.y * WARPS_PER_ROW + w],
                        columns[threadIdx.y * WARPS_PER_ROW + w]);
        }
    }
#endif
    if (active && threadIdx.x == 0) {
        index_out[row] = column;
    }
}
