// Third-party kernel, copied verbatim (issue 10 corpus).
// Upstream: NVIDIA/cuda-samples
// Commit:   c94ff366aed18c797b8a85dfaac7817b0228b420
// Path:     Samples/5_Domain_Specific/fastWalshTransform/fastWalshTransform_kernel.cuh
// Licence:  BSD-3-Clause (LICENSE of NVIDIA/cuda-samples, Copyright (c) 2022 NVIDIA CORPORATION)
// Edits (nothing else changed):
//   - added extern "C" in front of the kernel

////////////////////////////////////////////////////////////////////////////////
// Modulate two arrays
////////////////////////////////////////////////////////////////////////////////
extern "C" __global__ void modulateKernel(float *d_A, float *d_B, int N)
{
    int   tid        = blockIdx.x * blockDim.x + threadIdx.x;
    int   numThreads = blockDim.x * gridDim.x;
    float rcpN       = 1.0f / (float)N;

    for (int pos = tid; pos < N; pos += numThreads) {
        d_A[pos] *= d_B[pos] * rcpN;
    }
}
