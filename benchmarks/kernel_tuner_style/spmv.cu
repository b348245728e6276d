// y = A x for a CSR matrix, one warp per row: the warp's lanes stride over the row's
// non-zeros and reduce with shuffles. read_only routes the x gathers through __ldg.
extern "C" __global__ void spmv_kernel(float *y, const int *row_start, const int *col_idx, const float *values,
                                       const float *x, int nrows)
{
    int row = (blockIdx.x * block_size_x + threadIdx.x) / 32;
    int lane = threadIdx.x % 32;
    if (row >= nrows) return;
    float sum = 0.0f;
    for (int k = row_start[row] + lane; k < row_start[row + 1]; k += 32) {
#if read_only
        sum += values[k] * __ldg(&x[col_idx[k]]);
#else
        sum += values[k] * x[col_idx[k]];
#endif
    }
    for (int offset = 16; offset > 0; offset /= 2) sum += __shfl_down_sync(0xffffffff, sum, offset);
    if (lane == 0) y[row] = sum;
}
