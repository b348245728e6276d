// Third-party kernel for the robustness set (benchmarks/kernels/robust.py); body copied verbatim.
// Upstream: Rodinia 3.1 (GitHub mirror yuhc/gpu-rodinia)
// Path:     cuda/hybridsort/bucketsort_kernel.cu
// Commit:   bucketsort_kernel.cu as stored at 9c10d3ea16ddba2ba057cc3951a9efc4c2cc18a4 (the snapshot the robustness sweep 5 copied)
// Licence:  Rodinia's BSD-style licence (LICENSE of yuhc/gpu-rodinia, Copyright (c) 2008-2011 University of Virginia)
// Kernel:   bucketsort (hybridsort's scatter pass: a block of one warp (BUCKET_THREAD_N 32) a grid-stride loop over
//           the floats, volatile shared bucket offsets seeded from the global prefix offsets, each float stored at
//           its bucket's offset plus its rank: a data-dependent scatter)
// Edits (nothing else changed):
//   - LOG_DIVISIONS and DIVISIONS (bucketsort.cuh) defined here
//   - extern "C" on the kernel
//   - #include <stdio.h>, the texture reference texPivot (CUDA 12 has none), addOffset, bucketcount and
//     bucketprefixoffset left out

#define LOG_DIVISIONS	10
#define DIVISIONS		(1 << LOG_DIVISIONS)

#define BUCKET_WARP_LOG_SIZE	5
#define BUCKET_WARP_N			1
#ifdef BUCKET_WG_SIZE_1
#define BUCKET_THREAD_N BUCKET_WG_SIZE_1
#else
#define BUCKET_THREAD_N			(BUCKET_WARP_N << BUCKET_WARP_LOG_SIZE)
#endif
#define BUCKET_BLOCK_MEMORY		(DIVISIONS * BUCKET_WARP_N)
#define BUCKET_BAND				128

extern "C" __global__ void
bucketsort(float *input, int *indice, float *output, int size, unsigned int *d_prefixoffsets, 
		   unsigned int *l_offsets)
{
	volatile __shared__ unsigned int s_offset[BUCKET_BLOCK_MEMORY]; 

	int prefixBase = blockIdx.x * BUCKET_BLOCK_MEMORY; 
    const int warpBase = (threadIdx.x >> BUCKET_WARP_LOG_SIZE) * DIVISIONS; 
    const int numThreads = blockDim.x * gridDim.x;
	for (int i = threadIdx.x; i < BUCKET_BLOCK_MEMORY; i += blockDim.x)
		s_offset[i] = l_offsets[i & (DIVISIONS - 1)] + d_prefixoffsets[prefixBase + i]; 

	__syncthreads(); 

	for (int tid = blockIdx.x * blockDim.x + threadIdx.x; tid < size; tid += numThreads) {

		float elem = input[tid]; 
		int id = indice[tid]; 

		output[s_offset[warpBase + (id & (DIVISIONS - 1))] + (id >> LOG_DIVISIONS)] = elem;
		int test = s_offset[warpBase + (id & (DIVISIONS - 1))] + (id >> LOG_DIVISIONS);

	}
}
