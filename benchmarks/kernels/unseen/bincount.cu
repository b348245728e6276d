// Third-party kernel for the unseen suite (benchmarks/kernels/unseen.py); body copied verbatim.
// Upstream: HeCBench (github.com/zjin-lcf/HeCBench)
// Path:     src/bincount-cuda/main.cu
// Commit:   main.cu as stored at 1587cdff744cc25222084df8e08185ecea14f113 (host code checked there)
// Licence:  BSD-3-Clause (LICENSE of zjin-lcf/HeCBench; NVIDIA notices where the file has one)
// Kernel:   bincount<int, float, int, DeviceMemoryType::SHARED> and bincount<int, float, int, DeviceMemoryType::GLOBAL> (templates kept)
// Edits (nothing else changed):
//   - threadsPerBlock (upstream 256; the launch uses it, the kernel body does not) mapped to block_size_x

#define threadsPerBlock  block_size_x

static inline __device__
void gpuAtomicAddNoReturn(int *address, int val) {
  atomicAdd(address, val);
}

#define FOR_KERNEL_LOOP(i, lim)                                      \
  for (IndexType i = blockIdx.x * blockDim.x + threadIdx.x; i < lim; \
                 i += gridDim.x * blockDim.x)

// Memory types used for the bincount implementations
enum class DeviceMemoryType { SHARED, GLOBAL };

template <typename input_t, typename IndexType>
__device__ static IndexType
getBin(input_t v, input_t minvalue, input_t maxvalue, IndexType nbins)
{
  IndexType bin = (v - minvalue) * nbins / (maxvalue - minvalue);
  // (only applicable for histc)
  // while each bin is inclusive at the lower end and exclusive at the higher,
  // i.e. [start, end) the last bin is inclusive at both, i.e. [start, end], in
  // order to include maxvalue if exists therefore when bin == nbins, adjust bin
  // to the last bin
  if (bin == nbins) bin--;
  return bin;
}

// Kernel for computing the histogram of the input
template <typename output_t,
          typename input_t,
          typename IndexType,
          DeviceMemoryType MemoryType>
__global__ void bincount (
       output_t *output,
  const input_t *input,
  IndexType nbins,
  input_t minvalue,
  input_t maxvalue,
  IndexType input_size,
  IndexType output_size)
{
  extern __shared__ unsigned char my_smem[];
  output_t* smem = nullptr;

  if (MemoryType == DeviceMemoryType::SHARED) {
    // atomically add to block specific shared memory
    // then atomically add to the global output tensor
    smem = reinterpret_cast<output_t*>(my_smem);
    for (IndexType i = threadIdx.x; i < nbins; i += blockDim.x) {
      smem[i] = 0;
    }
    __syncthreads();

    FOR_KERNEL_LOOP(linearIndex, input_size) {
      const auto v = input[linearIndex];

      if (v >= minvalue && v <= maxvalue) {
        const IndexType bin = getBin<input_t, IndexType>(
                              v, minvalue, maxvalue, nbins);
        gpuAtomicAddNoReturn(&smem[bin], 1);
      }
    }
    __syncthreads();

    // Atomically update output bin count.
    for (IndexType i = threadIdx.x; i < nbins; i += blockDim.x) {
      gpuAtomicAddNoReturn(&output[i], smem[i]);
    }

  } else {
    ////////////////////////// Global memory //////////////////////////
    // atomically add to the output tensor
    // compute histogram for the block
    FOR_KERNEL_LOOP(linearIndex, input_size) {
      const auto v = input[linearIndex];
      if (v >= minvalue && v <= maxvalue) {
        const IndexType bin = getBin<input_t, IndexType>(
                              v, minvalue, maxvalue, nbins);
        gpuAtomicAddNoReturn(&output[bin], 1);
      }
    }
  }
}
