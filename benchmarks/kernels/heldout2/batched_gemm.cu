// Batched small matrix product C_b = A_b B_b for `batch` row-major 32 x 32 fp32 matrices stored
// back to back. One block per matrix (grid z is the batch index); the 2-D block covers the
// 32 x 32 output tile, each thread computing the outputs (row, col) with row = threadIdx.y +
// m * block_size_y and col = threadIdx.x + n * block_size_x that fall inside the tile (one
// output for a 32 x 32 block, several for smaller blocks; threads past the tile do nothing).
// A and B are read straight from global memory (no shared-memory staging).
#define DIM 32

extern "C" __global__ void __launch_bounds__(block_size_x * block_size_y)
batched_gemm32(float *C, const float *A, const float *B, int batch)
{
    int b = blockIdx.z;
    if (b >= batch) {
        return;
    }
    const float *a = A + (size_t)b * DIM * DIM;
    const float *bm = B + (size_t)b * DIM * DIM;
    float *c = C + (size_t)b * DIM * DIM;
    for (int row = threadIdx.y; row < DIM; row += block_size_y) {
        for (int col = threadIdx.x; col < DIM; col += block_size_x) {
            float sum = 0.0f;
            #pragma unroll
            for (int k = 0; k < DIM; k++) {
                sum += a[row * DIM + k] * bm[k * DIM + col];
            }
            c[row * DIM + col] = sum;
        }
    }
}
