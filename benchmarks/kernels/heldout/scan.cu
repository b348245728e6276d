// Per-block inclusive prefix sum (Hillis-Steele, double-buffered in shared memory of
// block_size_x floats per buffer): each block scans its block_size_x elements, writes them,
// and writes its total to block_sums (the first pass of a multi-block scan).
extern "C" __global__ void __launch_bounds__(block_size_x)
scan_blocks(float *out, float *block_sums, const float *in, int n)
{
    __shared__ float buffer[2][block_size_x];
    int i = blockIdx.x * block_size_x + threadIdx.x;
    int t = threadIdx.x;
    int src = 0;
    buffer[0][t] = i < n ? in[i] : 0.0f;
    __syncthreads();
    for (int offset = 1; offset < block_size_x; offset *= 2) {
        float v = buffer[src][t];
        if (t >= offset) {
            v += buffer[src][t - offset];
        }
        buffer[1 - src][t] = v;
        src = 1 - src;
        __syncthreads();
    }
    if (i < n) {
        out[i] = buffer[src][t];
    }
    if (t == block_size_x - 1) {
        block_sums[blockIdx.x] = buffer[src][t];
    }
}
