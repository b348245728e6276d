// One Jacobi sweep for the 2-D Poisson equation on a width x height fp32 grid (x fastest):
// out = 0.25 * (west + east + north + south - h2 * rhs). The block stages its
// block_size_x x block_size_y points plus a one-point halo on each side in a
// (block_size_y + 2) x (block_size_x + 2) shared-memory tile (sized from the block shape);
// threads on the block's edges load the halo (in a block cut off by the grid's edge, the last
// point inside is a boundary point and needs none). Boundary points are copied (Dirichlet).
#define TILE_W (block_size_x + 2)
#define TILE_H (block_size_y + 2)

extern "C" __global__ void __launch_bounds__(block_size_x * block_size_y)
jacobi2d_shared(float *out, const float *in, const float *rhs, int width, int height, float h2)
{
    __shared__ float tile[TILE_H][TILE_W];
    int x = blockIdx.x * block_size_x + threadIdx.x;
    int y = blockIdx.y * block_size_y + threadIdx.y;
    int tx = threadIdx.x + 1;
    int ty = threadIdx.y + 1;
    bool inside = x < width && y < height;
    size_t i = (size_t)y * width + x;
    // Every thread reaches the barrier; points outside the grid load nothing.
    if (inside) {
        tile[ty][tx] = in[i];
        if (threadIdx.x == 0 && x > 0) {
            tile[ty][0] = in[i - 1];
        }
        if (threadIdx.x == block_size_x - 1 && x + 1 < width) {
            tile[ty][tx + 1] = in[i + 1];
        }
        if (threadIdx.y == 0 && y > 0) {
            tile[0][tx] = in[i - width];
        }
        if (threadIdx.y == block_size_y - 1 && y + 1 < height) {
            tile[ty + 1][tx] = in[i + width];
        }
    }
    __syncthreads();
    if (!inside) {
        return;
    }
    if (x == 0 || y == 0 || x == width - 1 || y == height - 1) {
        out[i] = tile[ty][tx];
    } else {
        out[i] = 0.25f * (tile[ty][tx - 1] + tile[ty][tx + 1] + tile[ty - 1][tx] + tile[ty + 1][tx]
                          - h2 * rhs[i]);
    }
}
