// Third-party kernel for the second unseen suite (benchmarks/kernels/unseen2.py); body copied verbatim.
// Upstream: HeCBench (github.com/zjin-lcf/HeCBench); written by Tom Deakin (heat equation MMS solver)
// Path:     src/heat-cuda/heat.cu
// Commit:   heat.cu as stored at d82938d09f9620b126e299c88291bbde86b8b7ac
// Licence:  BSD-3-Clause (LICENSE of zjin-lcf/HeCBench)
// Kernel:   solve (one explicit fp64 5-point step on an n x n grid, one cell a thread, 1-D blocks)
// Edits (nothing else changed):
//   - added extern "C" in front of the kernel
//   - host code, initial_value and zero (set-up kernels) and the host headers left out

// Compute the next timestep, given the current timestep
// Loop over the nxn grid
extern "C" __global__ void solve(const unsigned int n, const double alpha, const double dx, const double dt, 
		const double r, const double r2,
		double * __restrict__ u, double * __restrict__ u_tmp) {

  int idx = blockDim.x * blockIdx.x + threadIdx.x;
  if (idx < n * n) {
    int i = idx % n;
    int j = idx / n;
    // Boundaries are zero because the MMS solution is zero there.
    u_tmp[i+j*n] =  r2 * u[i+j*n] +
    r * ((i < n-1) ? u[i+1+j*n] : 0.0) +
    r * ((i > 0)   ? u[i-1+j*n] : 0.0) +
    r * ((j < n-1) ? u[i+(j+1)*n] : 0.0) +
    r * ((j > 0)   ? u[i+(j-1)*n] : 0.0);
  }
}
