// Third-party kernel for the second unseen suite (benchmarks/kernels/unseen2.py); body copied verbatim.
// Upstream: Rodinia 3.1 (GitHub mirror yuhc/gpu-rodinia)
// Path:     cuda/particlefilter/ex_particle_CUDA_naive_seq.cu
// Commit:   ex_particle_CUDA_naive_seq.cu as stored at 71f6e0608be55def3055927cf625ad9e7dd98335
// Licence:  Rodinia's BSD-style licence (LICENSE of yuhc/gpu-rodinia, Copyright (c) 2008-2011 University of Virginia)
// Kernel:   kernel (the resampling step: each particle's linear search of the CDF, fp64, then a gather;
//           threads_per_block 128 upstream)
// Edits (nothing else changed):
//   - added extern "C" in front of the kernel
//   - findIndexSeq/findIndexBin (unused by the kernel), the host code and headers left out

/*****************************
* CUDA Kernel Function to replace FindIndex
* param1: arrayX
* param2: arrayY
* param3: CDF
* param4: u
* param5: xj
* param6: yj
* param7: Nparticles
*****************************/
extern "C" __global__ void kernel(double * arrayX, double * arrayY, double * CDF, double * u, double * xj, double * yj, int Nparticles){
	int block_id = blockIdx.x;// + gridDim.x * blockIdx.y;
	int i = blockDim.x * block_id + threadIdx.x;
	
	if(i < Nparticles){
	
		int index = -1;
		int x;
		
		for(x = 0; x < Nparticles; x++){
			if(CDF[x] >= u[i]){
				index = x;
				break;
			}
		}
		if(index == -1){
			index = Nparticles-1;
		}
		
		xj[i] = arrayX[index];
		yj[i] = arrayY[index];
		
	}
}
