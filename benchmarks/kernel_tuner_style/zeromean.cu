// Zero-mean filter, vertical pass: every column of a height × width image loses its mean.
// A block covers block_size_x columns; its block_size_y thread rows stride down the column,
// reduce their partial sums in shared memory, then subtract the mean in a second sweep.
extern "C" __global__ void computeMeanVertically(int height, int width, float *image)
{
    __shared__ float partial[block_size_y][block_size_x];
    int tx = threadIdx.x;
    int ty = threadIdx.y;
    int x = blockIdx.x * block_size_x + tx;
    float sum = 0.0f;
    if (x < width) {
        for (int y = ty; y < height; y += block_size_y) sum += image[y * width + x];
    }
    partial[ty][tx] = sum;
    __syncthreads();
    for (int s = block_size_y / 2; s > 0; s /= 2) {
        if (ty < s) partial[ty][tx] += partial[ty + s][tx];
        __syncthreads();
    }
    float mean = partial[0][tx] / height;
    if (x < width) {
        for (int y = ty; y < height; y += block_size_y) image[y * width + x] -= mean;
    }
}
