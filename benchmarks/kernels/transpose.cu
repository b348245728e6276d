// out (width x height) = transpose of in (height x width), row-major.
extern "C" __global__ void __launch_bounds__(block_size_x * block_size_y)
transpose_naive(float *out, const float *in, int width, int height)
{
    int x = blockIdx.x * block_size_x + threadIdx.x;
    int y = blockIdx.y * block_size_y + threadIdx.y;
    if (x < width && y < height) {
        out[x * height + y] = in[y * width + x];
    }
}

// Through a shared tile of block_size_y x block_size_x (padded by one column so the
// column-wise reads hit distinct banks). Each thread reads one element row-wise and the
// block then writes the tile out transposed, again row-wise.
extern "C" __global__ void __launch_bounds__(block_size_x * block_size_y)
transpose_tiled(float *out, const float *in, int width, int height)
{
    __shared__ float tile[block_size_y][block_size_x + 1];
    int x0 = blockIdx.x * block_size_x;
    int y0 = blockIdx.y * block_size_y;
    int x = x0 + threadIdx.x;
    int y = y0 + threadIdx.y;
    if (x < width && y < height) {
        tile[threadIdx.y][threadIdx.x] = in[y * width + x];
    }
    __syncthreads();
    int t = threadIdx.y * block_size_x + threadIdx.x;
    int j = t % block_size_y;   // column of out within the tile (row of in)
    int i = t / block_size_y;   // row of out within the tile (column of in)
    if (x0 + i < width && y0 + j < height) {
        out[(x0 + i) * height + y0 + j] = tile[j][i];
    }
}
