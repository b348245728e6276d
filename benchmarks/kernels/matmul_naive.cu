// C = A * B for n x n row-major matrices.
extern "C" __global__ void __launch_bounds__(block_size_x * block_size_y)
matmul_naive(float *C, const float *A, const float *B, int n)
{
    int x = blockIdx.x * block_size_x + threadIdx.x;
    int y = blockIdx.y * block_size_y + threadIdx.y;
    if (x < n && y < n) {
        float sum = 0.0f;
        for (int k = 0; k < n; k++) {
            sum += A[y * n + k] * B[k * n + x];
        }
        C[y * n + x] = sum;
    }
}
