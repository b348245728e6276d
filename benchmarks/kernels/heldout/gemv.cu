// y = alpha * A x + beta * y for a row-major rows x cols fp32 matrix A.
// A block holds block_size_y rows; the block_size_x threads of a row stride over its columns
// and reduce their partial dot products with warp shuffles, then through shared memory when a
// row spans more than one warp. Grid: (1, ceil(rows / block_size_y)).
#define WARPS_PER_ROW ((block_size_x + 31) / 32)
#define ROW_LANES (block_size_x < 32 ? block_size_x : 32)

extern "C" __global__ void __launch_bounds__(block_size_x * block_size_y)
gemv(float *y, const float *A, const float *x, float alpha, float beta, int rows, int cols)
{
    __shared__ float partial[block_size_y * WARPS_PER_ROW];
    int row = blockIdx.y * block_size_y + threadIdx.y;
    float sum = 0.0f;
    if (row < rows) {
        const float *a = A + (size_t)row * cols;
        for (int c = threadIdx.x; c < cols; c += block_size_x) {
            sum += a[c] * x[c];
        }
    }
    #pragma unroll
    for (int offset = ROW_LANES / 2; offset > 0; offset /= 2) {
        sum += __shfl_down_sync(0xffffffffu, sum, offset);
    }
#if block_size_x > 32
    if (threadIdx.x % 32 == 0) {
        partial[threadIdx.y * WARPS_PER_ROW + threadIdx.x / 32] = sum;
    }
    __syncthreads();
    if (threadIdx.x == 0) {
        sum = 0.0f;
        for (int w = 0; w < WARPS_PER_ROW; w++) {
            sum += partial[threadIdx.y * WARPS_PER_ROW + w];
        }
    }
#endif
    if (threadIdx.x == 0 && row < rows) {
        y[row] = alpha * sum + beta * y[row];
    }
}
