// Third-party kernel for the robustness set (benchmarks/kernels/robust.py); body copied verbatim.
// Upstream: Rodinia 3.1 (GitHub mirror yuhc/gpu-rodinia)
// Path:     cuda/particlefilter/ex_particle_CUDA_float_seq.cu
// Commit:   ex_particle_CUDA_float_seq.cu as stored at 9c10d3ea16ddba2ba057cc3951a9efc4c2cc18a4 (the snapshot copied; the file last changed in 71f6e06)
// Licence:  Rodinia's BSD-style licence (LICENSE of yuhc/gpu-rodinia, Copyright (c)2008-2011 University of Virginia)
// Kernel:   find_index_kernel (particle filter resampling: a thread a particle searches the CDF linearly for the
//           first entry >= its u (a for loop over Nparticles with a data-dependent break: u[i] = u1 + i / N, so
//           particle i stops near CDF index i, about N / 2 trips on average, N^2 / 2 double loads in all, from
//           L1/L2), then copies arrayX/arrayY at that index into xj/yj; a trailing __syncthreads; threads_per_block
//           512, grid ceil(N / 512); Nparticles 1000 in the run script)
// Edits (nothing else changed):
//   - extern "C" added to find_index_kernel (an unmangled name to predict it by)
//   - <stdio.h>, <stdlib.h>, <string.h>, <limits.h>, <math.h>, <unistd.h>, <fcntl.h>, <float.h>, <sys/time.h>
//     (flipflop has no shim for <sys/time.h>), the host code and every other kernel and device function left out

/*****************************
 * CUDA Find Index Kernel Function to replace FindIndex
 * param1: arrayX
 * param2: arrayY
 * param3: CDF
 * param4: u
 * param5: xj
 * param6: yj
 * param7: weights
 * param8: Nparticles
 *****************************/
extern "C" __global__ void find_index_kernel(double * arrayX, double * arrayY, double * CDF, double * u, double * xj, double * yj, double * weights, int Nparticles) {
    int block_id = blockIdx.x;
    int i = blockDim.x * block_id + threadIdx.x;

    if (i < Nparticles) {

        int index = -1;
        int x;

        for (x = 0; x < Nparticles; x++) {
            if (CDF[x] >= u[i]) {
                index = x;
                break;
            }
        }
        if (index == -1) {
            index = Nparticles - 1;
        }

        xj[i] = arrayX[index];
        yj[i] = arrayY[index];

        //weights[i] = 1 / ((double) (Nparticles)); //moved this code to the beginning of likelihood kernel

    }
    __syncthreads();
}
