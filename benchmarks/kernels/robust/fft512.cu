// Third-party kernel for the robustness set (benchmarks/kernels/robust.py); body copied verbatim.
// Upstream: HeCBench (github.com/zjin-lcf/HeCBench)
// Path:     src/fft-cuda/main.cu and src/fft-cuda/fft1D_512.h (the kernel)
// Commit:   both as stored at f27000a5188f8ac79bd43fc95a1b3f890c18823d (the snapshot copied; main.cu last changed in a99c3108e, fft1D_512.h in 8fc336b5d)
// Licence:  BSD-3-Clause (LICENSE of zjin-lcf/HeCBench; src/fft-cuda/LICENSE: SHOC's, Copyright (c) 2011, UT-Battelle)
// Kernel:   fft1D_512 (SHOC's 512-point FFT: complex arithmetic on double2 by __host__ __device__ helpers returning
//           C99 compound literals ((T2){ ... }), radix-8 butterflies as nested macros (FFT8 of FFT4 of FFT2 on
//           pointers into a T2 data[8] register array), twiddles from cos/sin of a constant-folded angle, a
//           const int reversed[] table, and two transposes through a 576-double shared array; 64 threads a
//           512-point FFT, grid n_ffts; double precision (SINGLE_PRECISION undefined); problem size 3 (256 MB)
// Edits (nothing else changed):
//   - extern "C" added to fft1D_512 (an unmangled name to predict it by)
//   - <chrono>, <cstdlib>, <iostream>, <cstring>, <cuda.h>, the inverse kernel's include and main left out; the
//     include of fft1D_512.h replaced by its text

#include <cmath>


#ifdef SINGLE_PRECISION
#define T float 
#define T2 float2
#define EPISON 1e-4
#else
#define T double
#define T2 double2
#define EPISON 1e-6
#endif

#ifndef M_SQRT1_2
# define M_SQRT1_2      0.70710678118654752440f
#endif

#define exp_1_8   (T2){  1, -1 }//requires post-multiply by 1/sqrt(2)
#define exp_1_4   (T2){  0, -1 }
#define exp_3_8   (T2){ -1, -1 }//requires post-multiply by 1/sqrt(2)

#define iexp_1_8   (T2){  1, 1 }//requires post-multiply by 1/sqrt(2)
#define iexp_1_4   (T2){  0, 1 }
#define iexp_3_8   (T2){ -1, 1 }//requires post-multiply by 1/sqrt(2)

__host__ __device__
T2 exp_i( T phi ) {
  return (T2){ cos(phi), sin(phi) };
}

__host__ __device__
T2 cmplx_mul( T2 a, T2 b ) { return (T2){ a.x*b.x-a.y*b.y, a.x*b.y+a.y*b.x }; }
__host__ __device__
T2 cm_fl_mul( T2 a, T  b ) { return (T2){ b*a.x, b*a.y }; }
__host__ __device__
T2 cmplx_add( T2 a, T2 b ) { return (T2){ a.x + b.x, a.y + b.y }; }
__host__ __device__
T2 cmplx_sub( T2 a, T2 b ) { return (T2){ a.x - b.x, a.y - b.y }; }


#define FFT2(a0, a1)                     \
{                                        \
  T2 c0 = *a0;                           \
  *a0 = cmplx_add(c0,*a1);               \
  *a1 = cmplx_sub(c0,*a1);               \
}

#define FFT4(a0, a1, a2, a3)             \
{                                        \
  FFT2( a0, a2 );                        \
  FFT2( a1, a3 );                        \
  *a3 = cmplx_mul(*a3,exp_1_4);          \
  FFT2( a0, a1 );                        \
  FFT2( a2, a3 );                        \
}

#define FFT8(a)                                               \
{                                                             \
  FFT2( &a[0], &a[4] );                                       \
  FFT2( &a[1], &a[5] );                                       \
  FFT2( &a[2], &a[6] );                                       \
  FFT2( &a[3], &a[7] );                                       \
  \
  a[5] = cm_fl_mul( cmplx_mul(a[5],exp_1_8) , M_SQRT1_2 );    \
  a[6] =  cmplx_mul( a[6] , exp_1_4);                         \
  a[7] = cm_fl_mul( cmplx_mul(a[7],exp_3_8) , M_SQRT1_2 );    \
  \
  FFT4( &a[0], &a[1], &a[2], &a[3] );                         \
  FFT4( &a[4], &a[5], &a[6], &a[7] );                         \
}

#define IFFT2 FFT2

#define IFFT4( a0, a1, a2, a3 )               \
{                                             \
  IFFT2( a0, a2 );                            \
  IFFT2( a1, a3 );                            \
  *a3 = cmplx_mul(*a3 , iexp_1_4);            \
  IFFT2( a0, a1 );                            \
  IFFT2( a2, a3);                             \
}

#define IFFT8( a )                                            \
{                                                             \
  IFFT2( &a[0], &a[4] );                                      \
  IFFT2( &a[1], &a[5] );                                      \
  IFFT2( &a[2], &a[6] );                                      \
  IFFT2( &a[3], &a[7] );                                      \
  \
  a[5] = cm_fl_mul( cmplx_mul(a[5],iexp_1_8) , M_SQRT1_2 );   \
  a[6] = cmplx_mul( a[6] , iexp_1_4);                         \
  a[7] = cm_fl_mul( cmplx_mul(a[7],iexp_3_8) , M_SQRT1_2 );   \
  \
  IFFT4( &a[0], &a[1], &a[2], &a[3] );                        \
  IFFT4( &a[4], &a[5], &a[6], &a[7] );                        \
}


// GPU kernels
// #include "fft1D_512.h"
extern "C" __global__ void fft1D_512 (T2* work) 
{
  __shared__  T smem[8*8*9];

  int tid = threadIdx.x;
  int gid = blockIdx.x * 512 + tid;
  int hi = tid>>3;
  int lo = tid&7;
  T2 data[8];
  //__local T smem[8*8*9];
  const int reversed[] = {0,4,2,6,1,5,3,7};

  // starting index of data to/from global memory
  // globalLoads8(data, work, 64)
  for( int i = 0; i < 8; i++ ) data[i] = work[gid+i*64];

  FFT8( data );

  //twiddle8( data, tid, 512 );
  for( int j = 1; j < 8; j++ ){                                       
      data[j] = cmplx_mul( data[j],exp_i(((T)-2*(T)M_PI*reversed[j]/(T)512)*tid) ); 
  }                                                                   

  //transpose(data, &smem[hi*8+lo], 66, &smem[lo*66+hi], 8, 0xf);
  for( int i = 0; i < 8; i++ ) smem[hi*8+lo+i*66] = data[reversed[i]].x;
  __syncthreads(); 
  for( int i = 0; i < 8; i++ ) data[i].x = smem[lo*66+hi+i*8]; 
  __syncthreads(); 
  for( int i = 0; i < 8; i++ ) smem[hi*8+lo+i*66] = data[reversed[i]].y;
  __syncthreads(); 
  for( int i = 0; i < 8; i++ ) data[i].y= smem[lo*66+hi+i*8]; 
  __syncthreads(); 

  FFT8( data );

  //twiddle8( data, hi, 64 );
  for( int j = 1; j < 8; j++ ){                                       
      data[j] = cmplx_mul( data[j],exp_i(((T)-2*(T)M_PI*reversed[j]/(T)64)*hi) ); 
  }                                                                   

  //transpose(data, &smem[hi*8+lo], 8*9, &smem[hi*8*9+lo], 8, 0xE);
  for( int i = 0; i < 8; i++ ) smem[hi*8+lo+i*72] = data[reversed[i]].x;
  __syncthreads(); 
  for( int i = 0; i < 8; i++ ) data[i].x = smem[hi*72+lo+i*8]; 
  __syncthreads(); 
  for( int i = 0; i < 8; i++ ) smem[hi*8+lo+i*72] = data[reversed[i]].y;
  __syncthreads(); 
  for( int i = 0; i < 8; i++ ) data[i].y= smem[hi*72+lo+i*8]; 

  FFT8( data );

  //globalStores8(data, work, 64);
  for( int i = 0; i < 8; i++ )
    work[gid+i*64] = data[reversed[i]];
}
