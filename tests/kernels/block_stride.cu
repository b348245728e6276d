// One block per row, its threads stride over the row by blockDim.x.
extern "C" __global__ void row_sum(const float* a, float* out, int cols) {
    float s = 0.0f;
    for (int k = threadIdx.x; k < cols; k += blockDim.x) s += a[blockIdx.x * cols + k];
    atomicAdd(&out[blockIdx.x], s);
}
