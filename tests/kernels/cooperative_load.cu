// A block cooperatively loads a tile with a loop strided by its thread count (the
// matmul-tiled pattern): nvcc peels up to three iterations before an unrolled-by-4 loop,
// so the loop's start value arrives through a chain of guarded blocks.
extern "C" __global__ void cooperative_load(const float* in, float* out, int n) {
    __shared__ float tile[TILE];
    const int threads = block_size_x * block_size_y;
    int t = threadIdx.y * block_size_x + threadIdx.x;
    for (int e = t; e < TILE; e += threads) tile[e] = in[blockIdx.x * TILE + e];
    __syncthreads();
    if (t == 0) {
        float s = 0.0f;
        for (int e = 0; e < TILE; e++) s += tile[e];
        out[blockIdx.x] = s;
    }
}
