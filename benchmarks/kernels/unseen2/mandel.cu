// Third-party kernel for the second unseen suite (benchmarks/kernels/unseen2.py); body copied verbatim.
// Upstream: HeCBench (github.com/zjin-lcf/HeCBench), a port of Intel's oneAPI Mandelbrot sample
// Path:     src/mandelbrot-cuda/mandel.hpp
// Commit:   mandel.hpp as stored at 8fc336b5d2c11783ede6b9002b28e4185f0b4335
// Licence:  BSD-3-Clause (LICENSE of zjin-lcf/HeCBench); the file's own notice: MIT, Copyright 2019 Intel Corporation
// Kernel:   mandel (2-D blocks, 16 x 16 upstream; x walks the rows, so a warp's stores are a row apart;
//           the parameters come as a pointer to a device copy of MandelParameters)
// Edits (nothing else changed):
//   - added extern "C" in front of the kernel
//   - MandelParameters' constructor and its three __host__ accessors (host code, which NVRTC refuses in
//     JIT mode: "host functions are not allowed") left out; the kernel uses none of them
//   - the host classes (Mandel, MandelSerial, MandelParallel), globals and headers left out

//==============================================================
// Copyright © 2019 Intel Corporation
//
// SPDX-License-Identifier: MIT
// =============================================================

// define a type of floating-point complex number
typedef struct {
	float real;
	float imag;
} ComplexF;

struct MandelParameters {
  int row_count_;
  int col_count_;
  int max_iterations_;

  // scale from 0..row_count to -1.5..0.5
  __host__ __device__
  float ScaleRow(int i) const { return -1.5f + (i * (2.0f / row_count_)); }

  // scale from 0..col_count to -1..1
  __host__ __device__
  float ScaleCol(int i) const { return -1.0f + (i * (2.0f / col_count_)); }

  // mandelbrot set are points that do not diverge within max_iterations
  __host__ __device__
  int Point(const ComplexF& c) const {
    int count = 0;
    ComplexF z = {0, 0};
    for (int i = 0; i < max_iterations_; ++i) {
      auto r = z.real;
      auto im = z.imag;
      // leave loop if diverging
      if (((r * r) + (im * im)) >= 4.0f) {
        break;
      }
      //z = z * z + c;
      z.real = r*r-im*im + c.real;
      z.imag = 2*r*im + c.imag;

      count++;
    }
    return count;
  }
};

extern "C" __global__
void mandel(int* b, const MandelParameters* p, const int rows, const int cols) {
  int i = blockDim.x * blockIdx.x + threadIdx.x;
  int j = blockDim.y * blockIdx.y + threadIdx.y;
  if (i < rows && j < cols)
    b[i * cols + j] = p->Point({p->ScaleRow(i), p->ScaleCol(j)});
}
