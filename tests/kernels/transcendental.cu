// Transcendental math: accurate expf/sinf versus the __expf intrinsic.
extern "C" __global__ void accurate_math(const float* x, float* y, int n) {
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i < n) y[i] = expf(x[i]) + sinf(x[i]);
}
extern "C" __global__ void fast_math(const float* x, float* y, int n) {
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i < n) y[i] = __expf(x[i]) * __fdividef(1.0f, x[i] + 2.0f);
}
