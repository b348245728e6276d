// 2-D 5-point Jacobi step on a width x height grid; the border is copied.
extern "C" __global__ void __launch_bounds__(block_size_x * block_size_y)
stencil5(float *out, const float *in, int width, int height)
{
    int x = blockIdx.x * block_size_x + threadIdx.x;
    int y = blockIdx.y * block_size_y + threadIdx.y;
    if (x >= width || y >= height) {
        return;
    }
    int i = y * width + x;
    if (x == 0 || y == 0 || x == width - 1 || y == height - 1) {
        out[i] = in[i];
    } else {
        out[i] = 0.5f * in[i] + 0.125f * (in[i - 1] + in[i + 1] + in[i - width] + in[i + width]);
    }
}
