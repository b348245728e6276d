// Third-party kernel, copied verbatim (issue 10 corpus).
// Upstream: yuhc/gpu-rodinia (a GitHub mirror of the Rodinia 3.1 benchmark suite)
// Commit:   9c10d3ea16ddba2ba057cc3951a9efc4c2cc18a4
// Path:     cuda/srad/srad_v1/define.c
// Path:     cuda/srad/srad_v1/compress_kernel.cu
// Licence:  Rodinia's BSD-style licence (LICENSE of yuhc/gpu-rodinia, Copyright (c) 2008-2011 University of Virginia)
// Edits (nothing else changed):
//   - #define NUMBER_THREADS 512 -> #define NUMBER_THREADS block_size_x (main.cu launches NUMBER_THREADS threads a block)
//   - added extern "C" in front of the kernel
//   - define.c's fp and NUMBER_THREADS definitions placed in front

#define fp float

#define NUMBER_THREADS block_size_x

// statistical kernel
extern "C" __global__ void compress(	long d_Ne,
											fp *d_I){									// pointer to output image (DEVICE GLOBAL MEMORY)

	// indexes
	int bx = blockIdx.x;													// get current horizontal block index
	int tx = threadIdx.x;													// get current horizontal thread index
	int ei = (bx*NUMBER_THREADS)+tx;											// unique thread id, more threads than actual elements !!!

	// copy input to output & log uncompress
	if(ei<d_Ne){															// do only for the number of elements, omit extra threads

		d_I[ei] = log(d_I[ei])*255;												// exponentiate input IMAGE and copy to output image

	}

}
