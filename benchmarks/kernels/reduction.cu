// Sum of n floats: each thread adds ITEMS_PER_THREAD elements (block-strided, coalesced),
// the block reduces in a shared-memory tree, and thread 0 adds the block's sum atomically.
#define ITEMS_PER_THREAD 4
extern "C" __global__ void __launch_bounds__(block_size_x)
reduce_sum(float *out, const float *in, int n)
{
    __shared__ float partial[block_size_x];
    int base = blockIdx.x * block_size_x * ITEMS_PER_THREAD + threadIdx.x;
    float sum = 0.0f;
    #pragma unroll
    for (int k = 0; k < ITEMS_PER_THREAD; k++) {
        int i = base + k * block_size_x;
        if (i < n) {
            sum += in[i];
        }
    }
    partial[threadIdx.x] = sum;
    __syncthreads();
    // block_size_x need not be a power of two: fold the part above the largest power of two first.
    int p = 1;
    while (p * 2 <= block_size_x) {
        p *= 2;
    }
    if (threadIdx.x + p < block_size_x) {
        partial[threadIdx.x] += partial[threadIdx.x + p];
    }
    __syncthreads();
    for (int s = p / 2; s > 0; s /= 2) {
        if (threadIdx.x < s) {
            partial[threadIdx.x] += partial[threadIdx.x + s];
        }
        __syncthreads();
    }
    if (threadIdx.x == 0) {
        atomicAdd(out, partial[0]);
    }
}
