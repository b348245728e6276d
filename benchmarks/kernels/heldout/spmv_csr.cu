// CSR sparse matrix-vector product y = A x, one row per thread (the "scalar" CSR kernel):
// the inner trip count is read from row_ptr, and x is gathered through the column indices.
extern "C" __global__ void __launch_bounds__(block_size_x)
spmv_csr_scalar(float *y, const int *row_ptr, const int *col_idx, const float *values,
                const float *x, int rows)
{
    int row = blockIdx.x * block_size_x + threadIdx.x;
    if (row >= rows) {
        return;
    }
    int begin = row_ptr[row];
    int end = row_ptr[row + 1];
    float sum = 0.0f;
    for (int j = begin; j < end; j++) {
        sum += values[j] * __ldg(&x[col_idx[j]]);
    }
    y[row] = sum;
}
