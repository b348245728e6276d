// 2x2 max pooling, stride 2, of a channels x height x width fp32 image (NCHW, one image).
// A 2-D block covers (x, y) of the output plane; the grid's z dimension is the channel.
extern "C" __global__ void __launch_bounds__(block_size_x * block_size_y)
maxpool2x2(float *out, const float *in, int width, int height, int channels)
{
    int ox = blockIdx.x * block_size_x + threadIdx.x;
    int oy = blockIdx.y * block_size_y + threadIdx.y;
    int c = blockIdx.z;
    int out_w = width / 2;
    int out_h = height / 2;
    if (ox >= out_w || oy >= out_h || c >= channels) {
        return;
    }
    const float *src = in + ((size_t)c * height + 2 * oy) * width + 2 * ox;
    float2 top = *reinterpret_cast<const float2 *>(src);
    float2 bottom = *reinterpret_cast<const float2 *>(src + width);
    out[((size_t)c * out_h + oy) * out_w + ox] = fmaxf(fmaxf(top.x, top.y), fmaxf(bottom.x, bottom.y));
}
