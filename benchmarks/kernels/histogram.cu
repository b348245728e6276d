// 256-bin histogram of n values in [0, 256): a per-block histogram in shared memory
// (shared atomics), then one global atomicAdd per bin and block.
#define BINS 256
extern "C" __global__ void __launch_bounds__(block_size_x)
histogram256(unsigned int *hist, const unsigned int *values, int n)
{
    __shared__ unsigned int local[BINS];
    for (int b = threadIdx.x; b < BINS; b += block_size_x) {
        local[b] = 0;
    }
    __syncthreads();
    for (int i = blockIdx.x * block_size_x + threadIdx.x; i < n; i += gridDim.x * block_size_x) {
        atomicAdd(&local[values[i] & (BINS - 1)], 1u);
    }
    __syncthreads();
    for (int b = threadIdx.x; b < BINS; b += block_size_x) {
        atomicAdd(&hist[b], local[b]);
    }
}
