// Third-party kernel for the robustness set (benchmarks/kernels/robust.py); body copied verbatim.
// Upstream: Rodinia 3.1 (GitHub mirror yuhc/gpu-rodinia)
// Path:     cuda/huffman/pack_kernels.cu
// Commit:   pack_kernels.cu as stored at 9c10d3ea16ddba2ba057cc3951a9efc4c2cc18a4 (the snapshot the robustness sweep 5 copied)
// Licence:  Rodinia's BSD-style licence (LICENSE of yuhc/gpu-rodinia, Copyright (c) 2008-2011 University of Virginia);
//           the file's own notice: MIT, Copyright (C) 2009 Tjark Bringewat, Ana Balevic (below)
// Kernel:   pack2 (PAVLE's packing of the variable-length-encoded blocks: a thread a VLC block, its bit size and
//           bit offset from cindex/cindex2, a loop of bitsize / 32 dwords shifted into place, atomicOr at the two
//           shared edges; <<<num_blocks / 16, 16>>> upstream)
// Edits (nothing else changed):
//   - uint (parameters.h) defined here in place of #include "parameters.h"
//   - static dropped and extern "C" put on the kernel (looked up by its plain name)
//   - the #ifndef _PACK_KERNELS_H_ include guard left out

typedef unsigned int uint;

/*
 * PAVLE - Parallel Variable-Length Encoder for CUDA
 *
 * Copyright (C) 2009 Tjark Bringewat <golvellius@gmx.net>, Ana Balevic <ana.balevic@gmail.com>
 * All rights reserved.
 *
 * This program is free software; you can redistribute it and/or modify it under the terms of the
 * MIT License. Read the full licence: http://www.opensource.org/licenses/mit-license.php
 *
 * If you find this program useful, please contact me and reference PAVLE home page in your work.
 * 
 */

extern "C" __global__ void pack2(unsigned int *srcData, unsigned int *cindex, unsigned int *cindex2, unsigned int *dstData, unsigned int original_num_block_elements) {
	unsigned int tid = blockDim.x*blockIdx.x + threadIdx.x;

	// source index
	unsigned int offset = tid * original_num_block_elements;//DPB,
	unsigned int bitsize = cindex[tid];

	// destination index
	unsigned int pos = cindex2[tid],
				 dword = pos / 32,
				 bit = pos % 32;

	unsigned int i, dw, tmp;
	dw = srcData[offset];			// load the first dword from srcData[]
	tmp = dw >> bit;				// cut off those bits that do not fit into the initial location in destData[]
	atomicOr(&dstData[dword], tmp);	// fill up this initial location
	tmp = dw << 32-bit;				// save the remaining bits that were cut off earlier in tmp
	for (i=1; i<bitsize/32; i++) {	// from now on, we have exclusive access to destData[]
		dw = srcData[offset+i];		// load next dword from srcData[]
		tmp |= dw >> bit;			// fill up tmp
		dstData[dword+i] = tmp;		// write complete dword to destData[]
		tmp = dw << 32-bit;			// save the remaining bits in tmp (like before)
	}
	// exclusive access to dstData[] ends here
	// the remaining block can, or rather should be further optimized
	// write the remaining bits in tmp, UNLESS bit is 0 and bitsize is divisible by 32, in this case do nothing
	if (bit != 0 || bitsize % 32 != 0)
		atomicOr(&dstData[dword+i], tmp);
	if (bitsize % 32 != 0) {
		dw = srcData[offset+i];
		atomicOr(&dstData[dword+i], dw >> bit);
		atomicOr(&dstData[dword+i+1], dw << 32-bit);
	}
}
