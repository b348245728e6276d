// Third-party kernel for the robustness set (benchmarks/kernels/robust.py); body copied verbatim.
// Upstream: Rodinia 3.1 (GitHub mirror yuhc/gpu-rodinia)
// Path:     cuda/backprop/backprop_cuda_kernel.cu (+ HEIGHT, ETA, MOMENTUM of backprop.h)
// Commit:   backprop_cuda_kernel.cu as stored at 9c10d3ea16ddba2ba057cc3951a9efc4c2cc18a4 (the snapshot robustness sweep 7 copied)
// Licence:  Rodinia's BSD-style licence (LICENSE of yuhc/gpu-rodinia, Copyright (c) 2008-2011 University of Virginia)
// Kernel:   bpnn_adjust_weights_cuda (training: the momentum weight update w += ETA delta ly + MOMENTUM oldw, oldw
//           rewritten, a (hid + 1)-float row pitch, a __syncthreads then the bias row by block 0's first row;
//           grid (1, in / 16), block (16, 16) upstream)
// Edits (nothing else changed):
//   - HEIGHT defined as block_size_y; ETA and MOMENTUM copied from backprop.h (0.3 each)
//   - added extern "C" in front of the kernel
//   - bpnn_layerforward_CUDA (the set's backprop_layerforward) left out

#define HEIGHT block_size_y
#define ETA 0.3       //eta value
#define MOMENTUM 0.3  //momentum value

extern "C"
__global__ void bpnn_adjust_weights_cuda(float * delta,   
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
