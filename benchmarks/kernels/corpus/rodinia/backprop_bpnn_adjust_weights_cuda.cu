// Third-party kernel, copied verbatim (issue 10 corpus).
// Upstream: yuhc/gpu-rodinia (a GitHub mirror of the Rodinia 3.1 benchmark suite)
// Commit:   9c10d3ea16ddba2ba057cc3951a9efc4c2cc18a4
// Path:     cuda/backprop/backprop.h
// Path:     cuda/backprop/backprop_cuda_kernel.cu
// Licence:  Rodinia's BSD-style licence (LICENSE of yuhc/gpu-rodinia, Copyright (c) 2008-2011 University of Virginia)
// Edits (nothing else changed):
//   - #define WIDTH 16 -> #define WIDTH block_size_x, #define HEIGHT 16 -> #define HEIGHT block_size_y (backprop_cuda.cu launches 16 x 16 blocks, grid (1, in / 16))
//   - added extern "C" in front of the kernel
//   - backprop.h's WIDTH/HEIGHT/ETA/MOMENTUM definitions placed in front

#define WIDTH block_size_x  // shared memory width  
#define HEIGHT block_size_y // shared memory height

#define ETA 0.3       //eta value
#define MOMENTUM 0.3  //momentum value

extern "C" __global__ void bpnn_adjust_weights_cuda(float * delta,   
										 int hid,         
										 float * ly,      
										 int in,          
										 float * w,       
										 float * oldw)  									
{
  
  
   int by = blockIdx.y;

   int tx = threadIdx.x;
   int ty = threadIdx.y;
	
   int index =  ( hid + 1 ) * HEIGHT * by + ( hid + 1 ) * ty + tx + 1 + ( hid + 1 ) ;  
   int index_y = HEIGHT * by + ty + 1;
   int index_x = tx + 1;
   //eta = 0.3;
   //momentum = 0.3;

   w[index] += ((ETA * delta[index_x] * ly[index_y]) + (MOMENTUM * oldw[index]));
   oldw[index] = ((ETA * delta[index_x] * ly[index_y]) + (MOMENTUM * oldw[index]));


   __syncthreads();

   if (ty == 0 && by ==0){
   w[index_x] += ((ETA * delta[index_x]) + (MOMENTUM * oldw[index_x]));
   oldw[index_x] = ((ETA * delta[index_x]) + (MOMENTUM * oldw[index_x]));
   }


}
