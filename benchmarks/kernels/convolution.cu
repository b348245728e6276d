// 2-D convolution of a (width + 6) x (height + 6) image with a 7 x 7 filter held in
// global memory (read through the read-only cache); out is width x height.
#define FILTER_SIZE 7
extern "C" __global__ void __launch_bounds__(block_size_x * block_size_y)
convolution7x7(float *out, const float *in, const float *__restrict__ filter, int width, int height)
{
    int x = blockIdx.x * block_size_x + threadIdx.x;
    int y = blockIdx.y * block_size_y + threadIdx.y;
    if (x >= width || y >= height) {
        return;
    }
    int in_width = width + FILTER_SIZE - 1;
    float sum = 0.0f;
    for (int fy = 0; fy < FILTER_SIZE; fy++) {
        for (int fx = 0; fx < FILTER_SIZE; fx++) {
            sum += in[(y + fy) * in_width + x + fx] * __ldg(&filter[fy * FILTER_SIZE + fx]);
        }
    }
    out[y * width + x] = sum;
}
