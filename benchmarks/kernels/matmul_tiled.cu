// C = A * B for n x n row-major matrices.
// Each block computes a block_size_y x block_size_x tile of C, stepping through k in
// slices of TILE_K: the block loads a block_size_y x TILE_K slice of A and a
// TILE_K x block_size_x slice of B into shared memory, all threads sharing the loads.
#define TILE_K 16
extern "C" __global__ void __launch_bounds__(block_size_x * block_size_y)
matmul_tiled(float *C, const float *A, const float *B, int n)
{
    __shared__ float As[block_size_y][TILE_K];
    __shared__ float Bs[TILE_K][block_size_x];
    const int threads = block_size_x * block_size_y;
    int t = threadIdx.y * block_size_x + threadIdx.x;
    int x = blockIdx.x * block_size_x + threadIdx.x;
    int y = blockIdx.y * block_size_y + threadIdx.y;
    float sum = 0.0f;
    for (int k0 = 0; k0 < n; k0 += TILE_K) {
        for (int e = t; e < block_size_y * TILE_K; e += threads) {
            int row = blockIdx.y * block_size_y + e / TILE_K;
            int col = k0 + e % TILE_K;
            As[e / TILE_K][e % TILE_K] = (row < n && col < n) ? A[row * n + col] : 0.0f;
        }
        for (int e = t; e < TILE_K * block_size_x; e += threads) {
            int row = k0 + e / block_size_x;
            int col = blockIdx.x * block_size_x + e % block_size_x;
            Bs[e / block_size_x][e % block_size_x] = (row < n && col < n) ? B[row * n + col] : 0.0f;
        }
        __syncthreads();
        #pragma unroll
        for (int k = 0; k < TILE_K; k++) {
            sum += As[threadIdx.y][k] * Bs[k][threadIdx.x];
        }
        __syncthreads();
    }
    if (x < n && y < n) {
        C[y * n + x] = sum;
    }
}
