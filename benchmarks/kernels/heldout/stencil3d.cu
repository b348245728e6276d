// One Jacobi step of the 7-point Laplacian stencil on an nx x ny x nz fp32 grid (x fastest).
// A 2-D block covers (x, y); each thread marches along z, keeping the point below, the point
// itself and the point above in registers. Boundary points are copied.
extern "C" __global__ void __launch_bounds__(block_size_x * block_size_y)
stencil3d_7pt(float *out, const float *in, int nx, int ny, int nz, float c0, float c1)
{
    int x = blockIdx.x * block_size_x + threadIdx.x;
    int y = blockIdx.y * block_size_y + threadIdx.y;
    if (x >= nx || y >= ny) {
        return;
    }
    size_t plane = (size_t)nx * ny;
    size_t i = (size_t)y * nx + x;
    bool edge = x == 0 || y == 0 || x == nx - 1 || y == ny - 1;
    float below = in[i];
    float here = in[i + plane];
    out[i] = below;  // z == 0
    for (int z = 1; z < nz - 1; z++) {
        size_t k = i + z * plane;
        float above = in[k + plane];
        if (edge) {
            out[k] = here;
        } else {
            out[k] = c0 * here + c1 * (in[k - 1] + in[k + 1] + in[k - nx] + in[k + nx] + below + above);
        }
        below = here;
        here = above;
    }
    out[i + (size_t)(nz - 1) * plane] = here;  // z == nz - 1
}
