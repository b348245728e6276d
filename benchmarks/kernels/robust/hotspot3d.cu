// Third-party kernel for the robustness set (benchmarks/kernels/robust.py); body copied verbatim.
// Upstream: Rodinia 3.1 (GitHub mirror yuhc/gpu-rodinia)
// Path:     cuda/hotspot3D/opt1.cu
// Commit:   opt1.cu as stored at 9c10d3ea16ddba2ba057cc3951a9efc4c2cc18a4 (the snapshot robustness sweep 7 copied)
// Licence:  Rodinia's BSD-style licence (LICENSE of yuhc/gpu-rodinia, Copyright (c) 2008-2011 University of Virginia)
// Kernel:   hotspotOpt1 (3-D 7-point thermal stencil: a thread a (x, y) column marching over z with three
//           registers rotating (below, centre, above), clamped W/E/N/S neighbours, the power term; grid
//           (nx / 64, ny / 4), block (64, 4) upstream, 512 x 512 x 8 in its run script)
// Edits (nothing else changed):
//   - added extern "C" in front of the kernel; get_time and the host function hotspot_opt1 left out
//   - the block shape is Kernel Tuner's (block_size_x, block_size_y); the kernel reads only blockDim

extern "C"
__global__ void hotspotOpt1(float *p, float* tIn, float *tOut, float sdc,
        int nx, int ny, int nz,
        float ce, float cw, 
        float cn, float cs,
        float ct, float cb, 
        float cc) 
{
    float amb_temp = 80.0;

    int i = blockDim.x * blockIdx.x + threadIdx.x;  
    int j = blockDim.y * blockIdx.y + threadIdx.y;

    int c = i + j * nx;
    int xy = nx * ny;

    int W = (i == 0)        ? c : c - 1;
    int E = (i == nx-1)     ? c : c + 1;
    int N = (j == 0)        ? c : c - nx;
    int S = (j == ny-1)     ? c : c + nx;

    float temp1, temp2, temp3;
    temp1 = temp2 = tIn[c];
    temp3 = tIn[c+xy];
    tOut[c] = cc * temp2 + cw * tIn[W] + ce * tIn[E] + cs * tIn[S]
        + cn * tIn[N] + cb * temp1 + ct * temp3 + sdc * p[c] + ct * amb_temp;
    c += xy;
    W += xy;
    E += xy;
    N += xy;
    S += xy;

    for (int k = 1; k < nz-1; ++k) {
        temp1 = temp2;
        temp2 = temp3;
        temp3 = tIn[c+xy];
        tOut[c] = cc * temp2 + cw * tIn[W] + ce * tIn[E] + cs * tIn[S]
            + cn * tIn[N] + cb * temp1 + ct * temp3 + sdc * p[c] + ct * amb_temp;
        c += xy;
        W += xy;
        E += xy;
        N += xy;
        S += xy;
    }
    temp1 = temp2;
    temp2 = temp3;
    tOut[c] = cc * temp2 + cw * tIn[W] + ce * tIn[E] + cs * tIn[S]
        + cn * tIn[N] + cb * temp1 + ct * temp3 + sdc * p[c] + ct * amb_temp;
    return;
}
