// Memory-bound: one load of each input and one store per element.
extern "C" __global__ void __launch_bounds__(block_size_x)
vector_add(float *c, const float *a, const float *b, int n)
{
    int i = blockIdx.x * block_size_x + threadIdx.x;
    if (i < n) {
        c[i] = a[i] + b[i];
    }
}
