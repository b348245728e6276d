// 5-point stencil: each output reads its input point and the four neighbours. The x
// neighbours are the centre load shifted by a constant; the y neighbours' offsets hold the
// width, a parameter, so they are loads of other address shapes.
extern "C" __global__ void stencil_2d(float *out, const float *in, int width, int height)
{
    int x = blockIdx.x * blockDim.x + threadIdx.x;
    int y = blockIdx.y * blockDim.y + threadIdx.y;
    if (x < 1 || y < 1 || x >= width - 1 || y >= height - 1) {
        return;
    }
    int i = y * width + x;
    out[i] = in[i] + in[i - 1] + in[i + 1] + in[i - width] + in[i + width];
}
