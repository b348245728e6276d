// Third-party kernel for the robustness set (benchmarks/kernels/robust.py); body copied verbatim.
// Upstream: HeCBench (github.com/zjin-lcf/HeCBench)
// Path:     src/ge-spmm-cuda/kernels.h
// Commit:   kernels.h as stored at f27000a5188f8ac79bd43fc95a1b3f890c18823d (the snapshot robustness sweep 7 copied)
// Licence:  BSD-3-Clause (LICENSE of zjin-lcf/HeCBench); the folder's LICENSE: MIT, Guyue Huang (GE-SpMM)
// Kernel:   spmm_test1<float> (template kept: GE-SpMM, CSR sparse x dense: a warp row a sparse row, 32 column
//           indices and values staged in dynamic shared memory (extern __shared__ int, float aliased), __syncwarp,
//           then B rows gathered by column index, the last column block bounds-checked; grid ((rows + tile_row
//           - 1) / tile_row, (B_ncols + 31) / 32), block (32, tile_row 8), 32 x tile_row x 8 bytes shared upstream)
// Edits (nothing else changed):
//   - the __HIPCC__ guard kept; spmm_test2-4 and main.cu (with util/mmio.hpp) left out
#ifdef __HIPCC__
#define __syncwarp() 
#endif

template<typename T>
__global__ void spmm_test1(
  int A_nrows, int B_ncols,
  const int*__restrict__ A_csrRowPtr,
  const int*__restrict__ A_csrColInd,
  const T*__restrict__ A_csrVal,
  const T*__restrict__ B_dnVal,
        T*__restrict__ C_dnVal)
{
  extern __shared__ int sh[];
  int *colInd_sh = sh;
  T *val_sh = (T *)&sh[(blockDim.y<<5)];
  int shmem_offset = (threadIdx.y<<5);
  int thread_idx = shmem_offset+threadIdx.x;

  int rid = blockDim.y*blockIdx.x+threadIdx.y;

  if (rid<A_nrows) {
    int cid = (blockIdx.y<<5)+threadIdx.x;
    int lb = A_csrRowPtr[rid];
    int hb = A_csrRowPtr[(rid+1)];
    int ptr = lb+threadIdx.x;
    int offset;
    T acc=0;

    if (blockIdx.y != gridDim.y-1) {
      for (int jj=lb; jj<hb; jj+=32) {
        if (ptr<hb) {
          val_sh[thread_idx] = A_csrVal[ptr];
          colInd_sh[thread_idx] = B_ncols*A_csrColInd[ptr];
        }
        __syncwarp();
        ptr += 32;

        for (int kk=0; kk<32&&jj+kk<hb; kk++) {
          offset = colInd_sh[(shmem_offset+kk)] + cid;
          acc += val_sh[(shmem_offset+kk)]*B_dnVal[offset];
        }
        __syncwarp();
      }
      C_dnVal[(rid*B_ncols+cid)] = acc;
    }
    else {
      for (int jj=lb; jj<hb; jj+=32) {
        if (ptr<hb) {
          val_sh[thread_idx] = A_csrVal[ptr];
          colInd_sh[thread_idx] = B_ncols*A_csrColInd[ptr];
        }
        __syncwarp();
        ptr += 32;

        for (int kk=0; kk<32&&jj+kk<hb; kk++) {
          offset = colInd_sh[(shmem_offset+kk)] + cid;
          if (cid<B_ncols) {
            acc += val_sh[(shmem_offset+kk)]*B_dnVal[offset];
          }
        }
        __syncwarp();
      }
      if (cid<B_ncols) {
        C_dnVal[(rid*B_ncols+cid)] = acc;
      }
    }
  }
}
