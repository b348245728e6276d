// Third-party kernel for the robustness set (benchmarks/kernels/robust.py); body copied verbatim.
// Upstream: HeCBench (github.com/zjin-lcf/HeCBench)
// Path:     src/rodrigues-cuda/main.cu
// Commit:   main.cu as stored at f27000a5188f8ac79bd43fc95a1b3f890c18823d (the snapshot the robustness sweep 3 copied)
// Licence:  BSD-3-Clause (LICENSE of zjin-lcf/HeCBench)
// Kernel:   rotate (Rodrigues rotation of float3 points with a by-value float3 axis, sincosf; 256 threads upstream)
// Edits (nothing else changed):
//   - added extern "C" in front of the kernel
//   - rotate2 and the host code left out

extern "C" __global__ 
void rotate (const int n, const float angle, const float3 w, float3 *d)
{
  int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i >= n) return;

  float s, c;
  sincosf(angle, &s,&c);
  
  const float3 p = d[i];
  const float mc = 1.f - c;

  // Rodrigues' formula:
  float m1 = c+(w.x)*(w.x)*(mc);
  float m2 = (w.z)*s+(w.x)*(w.y)*(mc);
  float m3 =-(w.y)*s+(w.x)*(w.z)*(mc);
  
  float m4 =-(w.z)*s+(w.x)*(w.y)*(mc);
  float m5 = c+(w.y)*(w.y)*(mc);
  float m6 = (w.x)*s+(w.y)*(w.z)*(mc);
  
  float m7 = (w.y)*s+(w.x)*(w.z)*(mc);
  float m8 =-(w.x)*s+(w.y)*(w.z)*(mc);
  float m9 = c+(w.z)*(w.z)*(mc);

  float ox = p.x*m1 + p.y*m2 + p.z*m3;
  float oy = p.x*m4 + p.y*m5 + p.z*m6;
  float oz = p.x*m7 + p.y*m8 + p.z*m9;
  d[i] = {ox, oy, oz};
}
