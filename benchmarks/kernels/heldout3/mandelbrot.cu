// Mandelbrot set escape times on a width x height pixel grid (x fastest): pixel (px, py) is the
// point c = (x_min + px * step, y_min + py * step); z <- z^2 + c from z = 0 until |z| > 2 or
// max_iter iterations, in fp32, and the number of iterations is stored. Compute-bound, with a
// data-dependent trip count per pixel (max_iter inside the set, a few far outside), so a warp
// runs as long as its slowest pixel. A 2-D block over (px, py).
// Grid: (ceil(width / block_size_x), ceil(height / block_size_y)).
extern "C" __global__ void __launch_bounds__(block_size_x * block_size_y)
mandelbrot(int *iterations, int width, int height, float x_min, float y_min, float step, int max_iter)
{
    int px = blockIdx.x * block_size_x + threadIdx.x;
    int py = blockIdx.y * block_size_y + threadIdx.y;
    if (px >= width || py >= height) {
        return;
    }
    float cx = x_min + px * step;
    float cy = y_min + py * step;
    float zx = 0.0f, zy = 0.0f, zx2 = 0.0f, zy2 = 0.0f;
    int it = 0;
    while (it < max_iter && zx2 + zy2 <= 4.0f) {
        zy = 2.0f * zx * zy + cy;
        zx = zx2 - zy2 + cx;
        zx2 = zx * zx;
        zy2 = zy * zy;
        it++;
    }
    iterations[(size_t)py * width + px] = it;
}
