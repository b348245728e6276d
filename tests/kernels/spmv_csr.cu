// CSR sparse matrix-vector product: the inner loop's bound is loaded from row_ptr.
extern "C" __global__ void spmv_csr(const int* row_ptr, const int* col, const float* val,
                                    const float* x, float* y, int rows) {
    int row = blockIdx.x * blockDim.x + threadIdx.x;
    if (row < rows) {
        float s = 0.0f;
        for (int j = row_ptr[row]; j < row_ptr[row + 1]; j++) s += val[j] * x[col[j]];
        y[row] = s;
    }
}
