// y[row] = dot(A[row, :], x): a block_size_x-thread slice of each row strides over its columns.
// A (rows × cols) is read once; the small x is read again by every row.
extern "C" __global__ void row_dot(float *y, const float *A, const float *x, int rows, int cols)
{
    int row = blockIdx.y * blockDim.y + threadIdx.y;
    if (row >= rows) {
        return;
    }
    float sum = 0.0f;
    for (int c = threadIdx.x; c < cols; c += blockDim.x) {
        sum += A[(size_t)row * cols + c] * x[c];
    }
    atomicAdd(&y[row], sum);
}
