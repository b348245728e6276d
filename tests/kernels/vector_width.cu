// 16-byte vector loads and 8-byte shared accesses (half-warp phases).
extern "C" __global__ void copy_float4(const float4* in, float4* out, int n) {
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i < n) out[i] = in[i];
}
extern "C" __global__ void shared_double(const double* in, double* out) {
    __shared__ double buf[64];
    buf[threadIdx.x] = in[threadIdx.x];
    __syncthreads();
    out[threadIdx.x] = buf[threadIdx.x ^ 1];
}
