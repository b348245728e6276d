// HeCBench (github.com/zjin-lcf/HeCBench) nbody_accelerate_particles
// upstream: src/nbody-cuda/GSimulationKernels.hpp (+ Particle.hpp, type.hpp) at commit f27000a5188f8ac79bd43fc95a1b3f890c18823d
// licence: src/nbody-cuda/License.txt (MIT, Intel Corporation)
// Kernel body and the helpers it needs copied verbatim; edits: extern "C"; a `#define Particle() __host__ __device__ Particle()` line in front of the struct.
// Launch: grid (n+255)/256, block 256 (GSimulation.cu).

// Added for NVRTC (no host code in JIT mode): the implicit constructor below becomes __host__ __device__
// through this macro, leaving the struct's text unchanged.
#define Particle() __host__ __device__ Particle()

// --- src/nbody-cuda/type.hpp
using RealType = float;

// --- src/nbody-cuda/Particle.hpp
struct Particle {
 public:
  Particle() : pos{}, vel{}, acc{}, mass{} {};
  RealType pos[3];
  RealType vel[3];
  RealType acc[3];
  RealType mass;
};

// --- src/nbody-cuda/GSimulationKernels.hpp
extern "C" __global__ void
accelerate_particles( Particle* p, const int n, const float kSofteningSquared, const float kG )
{
  int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i >= n) return;

  auto pi = p[i];
  RealType acc0 = pi.acc[0];
  RealType acc1 = pi.acc[1];
  RealType acc2 = pi.acc[2];
  for (int j = 0; j < n; j++) {
    RealType dx, dy, dz;
    RealType distance_sqr = 0.0f;
    RealType distance_inv = 0.0f;

    auto pj = p[j];
    dx = pj.pos[0] - pi.pos[0];  // 1flop
    dy = pj.pos[1] - pi.pos[1];  // 1flop
    dz = pj.pos[2] - pi.pos[2];  // 1flop

    distance_sqr =
      dx * dx + dy * dy + dz * dz + kSofteningSquared;  // 6flops
    distance_inv = rsqrtf(distance_sqr);       // 1div+1sqrt

    auto strength = kG * pj.mass * distance_inv * distance_inv * distance_inv; // 4 flops

    acc0 += dx * strength;  // 2flops
    acc1 += dy * strength;  // 2flops
    acc2 += dz * strength;  // 2flops
  }
  pi.acc[0] = acc0;
  pi.acc[1] = acc1;
  pi.acc[2] = acc2;
  p[i] = pi;
}

