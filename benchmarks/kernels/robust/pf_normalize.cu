// Third-party kernel for the robustness set (benchmarks/kernels/robust.py); body copied verbatim.
// Upstream: Rodinia 3.1 (GitHub mirror yuhc/gpu-rodinia)
// Path:     cuda/particlefilter/ex_particle_CUDA_float_seq.cu
// Commit:   ex_particle_CUDA_float_seq.cu as stored at 9c10d3ea16ddba2ba057cc3951a9efc4c2cc18a4 (the snapshot copied; the file last changed in 71f6e06)
// Licence:  Rodinia's BSD-style licence (LICENSE of yuhc/gpu-rodinia, Copyright (c)2008-2011 University of Virginia)
// Kernel:   normalize_weights_kernel (particle filter: every thread divides its weight by the sum in partial_sums[0]
//           (a __shared__ double loaded by thread 0), then global thread 0 alone runs cdfCalc, a serial prefix sum
//           over all N weights (the weights it reads are other blocks' stores: a race upstream), and draws u1 with
//           the LCG d_randu (seed read and written); every block's thread 0 reads u[0] into a __shared__ double and
//           each thread stores u[i] = u1 + i / N; threads_per_block 512, grid ceil(N / 512))
// Edits (nothing else changed):
//   - extern "C" added to normalize_weights_kernel (an unmangled name to predict it by)
//   - <stdio.h>, <stdlib.h>, <string.h>, <math.h>, <unistd.h>, <fcntl.h>, <float.h>, <sys/time.h> (flipflop has
//     no shim for <sys/time.h>), the host code and every other kernel and device function left out

#include <limits.h>

/****************************
CDF CALCULATE
CALCULATES CDF
param1 CDF
param2 weights
param3 Nparticles
 *****************************/
__device__ void cdfCalc(double * CDF, double * weights, int Nparticles) {
    int x;
    CDF[0] = weights[0];
    for (x = 1; x < Nparticles; x++) {
        CDF[x] = weights[x] + CDF[x - 1];
    }
}

/*****************************
 * RANDU
 * GENERATES A UNIFORM DISTRIBUTION
 * returns a double representing a randomily generated number from a uniform distribution with range [0, 1)
 ******************************/
__device__ double d_randu(int * seed, int index) {

    int M = INT_MAX;
    int A = 1103515245;
    int C = 12345;
    int num = A * seed[index] + C;
    seed[index] = num % M;

    return fabs(seed[index] / ((double) M));
}

extern "C" __global__ void normalize_weights_kernel(double * weights, int Nparticles, double* partial_sums, double * CDF, double * u, int * seed) {
    int block_id = blockIdx.x;
    int i = blockDim.x * block_id + threadIdx.x;
    __shared__ double u1, sumWeights;
    
    if(0 == threadIdx.x)
        sumWeights = partial_sums[0];
    
    __syncthreads();
    
    if (i < Nparticles) {
        weights[i] = weights[i] / sumWeights;
    }
    
    __syncthreads(); 
    
    if (i == 0) {
        cdfCalc(CDF, weights, Nparticles);
        u[0] = (1 / ((double) (Nparticles))) * d_randu(seed, i); // do this to allow all threads in all blocks to use the same u1
    }
    
    __syncthreads();
    
    if(0 == threadIdx.x) 
        u1 = u[0];
    
    __syncthreads();
        
    if (i < Nparticles) {
        u[i] = u1 + i / ((double) (Nparticles));
    }
}
