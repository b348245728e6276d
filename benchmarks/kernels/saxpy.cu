// y = alpha * x + y, contiguous (saxpy) and with x read transposed (saxpy_strided):
// element i of x comes from row i % rows, column i / rows of a rows x cols matrix,
// so neighbouring threads read addresses `cols` floats apart.
extern "C" __global__ void __launch_bounds__(block_size_x)
saxpy(float *y, const float *x, float alpha, int n)
{
    int i = blockIdx.x * block_size_x + threadIdx.x;
    if (i < n) {
        y[i] = alpha * x[i] + y[i];
    }
}

extern "C" __global__ void __launch_bounds__(block_size_x)
saxpy_strided(float *y, const float *x, float alpha, int rows, int cols)
{
    int i = blockIdx.x * block_size_x + threadIdx.x;
    if (i < rows * cols) {
        int row = i % rows;
        int col = i / rows;
        y[i] = alpha * x[row * cols + col] + y[i];
    }
}
