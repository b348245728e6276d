// One compare-exchange step (j, k) of a bitonic sort of n uint32 keys (n a power of two),
// out-of-place (ping-pong buffers): one thread per pair. Pair t compares element lo (t with a
// zero inserted at bit log2(j)) with hi = lo + j and writes the smaller first when the pair
// sorts ascending ((lo & k) == 0), the larger first otherwise. Grid: ceil(n / 2 / block_size_x).
extern "C" __global__ void __launch_bounds__(block_size_x)
bitonic_step(unsigned int *keys_out, const unsigned int *keys_in, int n, int j, int k)
{
    int t = blockIdx.x * block_size_x + threadIdx.x;
    if (t >= n / 2) {
        return;
    }
    int lo = ((t & ~(j - 1)) << 1) | (t & (j - 1));
    int hi = lo + j;
    unsigned int a = keys_in[lo];
    unsigned int b = keys_in[hi];
    bool ascending = (lo & k) == 0;
    bool swap = ascending ? (a > b) : (a < b);
    keys_out[lo] = swap ? b : a;
    keys_out[hi] = swap ? a : b;
}
