// Shared-memory tiled C = A × B for n × n matrices (n a multiple of the tile), each thread
// computing tile_size_y × tile_size_x outputs block_size_y / block_size_x apart. The A tile is
// (block_size_y·tile_size_y) × block_size_x, the B tile block_size_x × (block_size_x·tile_size_x),
// so the space needs block_size_x == block_size_y * tile_size_y (Kernel Tuner's restriction).
extern "C" __global__ void matmul_kernel(float *C, const float *A, const float *B, int n)
{
    __shared__ float sA[block_size_y * tile_size_y][block_size_x];
    __shared__ float sB[block_size_x][block_size_x * tile_size_x];
    int tx = threadIdx.x;
    int ty = threadIdx.y;
    int x = blockIdx.x * block_size_x * tile_size_x + tx;
    int y = blockIdx.y * block_size_y * tile_size_y + ty;
    float sum[tile_size_y][tile_size_x];
    #pragma unroll
    for (int i = 0; i < tile_size_y; i++) {
        #pragma unroll
        for (int j = 0; j < tile_size_x; j++) sum[i][j] = 0.0f;
    }
    for (int k = 0; k < n; k += block_size_x) {
        __syncthreads();
        #pragma unroll
        for (int i = 0; i < tile_size_y; i++) {
            sA[ty + block_size_y * i][tx] = A[(y + block_size_y * i) * n + k + tx];
            #pragma unroll
            for (int j = 0; j < tile_size_x; j++) {
                sB[ty + block_size_y * i][tx + block_size_x * j] = B[(k + ty + block_size_y * i) * n + x + block_size_x * j];
            }
        }
        __syncthreads();
        #pragma unroll
        for (int kb = 0; kb < block_size_x; kb++) {
            #pragma unroll
            for (int i = 0; i < tile_size_y; i++) {
                #pragma unroll
                for (int j = 0; j < tile_size_x; j++) {
                    sum[i][j] += sA[ty + block_size_y * i][kb] * sB[kb][tx + block_size_x * j];
                }
            }
        }
    }
    #pragma unroll
    for (int i = 0; i < tile_size_y; i++) {
        #pragma unroll
        for (int j = 0; j < tile_size_x; j++) C[(y + block_size_y * i) * n + x + block_size_x * j] = sum[i][j];
    }
}
