// 2-D convolution of an image_width × image_height image with a 17 × 17 filter in constant
// memory. Each block stages its input tile plus the 16-pixel border in shared memory; each
// thread computes tile_size_x × tile_size_y outputs, the filter loops fully unrolled.
#define image_width 4096
#define image_height 4096
#define filter_width 17
#define filter_height 17
#define border_x (filter_width - 1)
#define border_y (filter_height - 1)
#define input_width (image_width + border_x)
#define tile_width (block_size_x * tile_size_x)
#define tile_height (block_size_y * tile_size_y)

__constant__ float d_filter[filter_width * filter_height];

extern "C" __global__ void convolution_kernel(float *output, const float *input, const float *filter)
{
    __shared__ float sh_input[tile_height + border_y][tile_width + border_x];
    int tx = threadIdx.x;
    int ty = threadIdx.y;
    int x0 = blockIdx.x * tile_width;
    int y0 = blockIdx.y * tile_height;
    for (int i = ty; i < tile_height + border_y; i += block_size_y) {
        for (int j = tx; j < tile_width + border_x; j += block_size_x) {
            sh_input[i][j] = input[(y0 + i) * input_width + x0 + j];
        }
    }
    __syncthreads();
    #pragma unroll
    for (int ti = 0; ti < tile_size_y; ti++) {
        #pragma unroll
        for (int tj = 0; tj < tile_size_x; tj++) {
            float sum = 0.0f;
            #pragma unroll
            for (int i = 0; i < filter_height; i++) {
                #pragma unroll
                for (int j = 0; j < filter_width; j++) {
                    sum += sh_input[ty + block_size_y * ti + i][tx + block_size_x * tj + j] * d_filter[i * filter_width + j];
                }
            }
            int y = y0 + ty + block_size_y * ti;
            int x = x0 + tx + block_size_x * tj;
            if (y < image_height && x < image_width) output[y * image_width + x] = sum;
        }
    }
}
