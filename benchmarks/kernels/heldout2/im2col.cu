// im2col for a 3 x 3 convolution with stride 1 and zero padding 1 on one NCHW fp32 image of
// `channels` x height x width. The column matrix has channels * 9 rows (c, kh, kw) and
// height * width columns (h, w): col[(c * 9 + kh * 3 + kw) * height * width + h * width + w]
// = in[c][h + kh - 1][w + kw - 1], or 0 outside the image. A 2-D block covers (w, h) of the
// output positions; grid z is the channel. Each thread writes its 9 column entries.
extern "C" __global__ void __launch_bounds__(block_size_x * block_size_y)
im2col3x3(float *col, const float *in, int channels, int height, int width)
{
    int w = blockIdx.x * block_size_x + threadIdx.x;
    int h = blockIdx.y * block_size_y + threadIdx.y;
    int c = blockIdx.z;
    if (w >= width || h >= height || c >= channels) {
        return;
    }
    size_t plane = (size_t)height * width;
    const float *src = in + c * plane;
    float *dst = col + (size_t)c * 9 * plane + (size_t)h * width + w;
    #pragma unroll
    for (int kh = 0; kh < 3; kh++) {
        int y = h + kh - 1;
        #pragma unroll
        for (int kw = 0; kw < 3; kw++) {
            int x = w + kw - 1;
            float v = 0.0f;
            if (y >= 0 && y < height && x >= 0 && x < width) {
                v = src[(size_t)y * width + x];
            }
            dst[(kh * 3 + kw) * plane] = v;
        }
    }
}
