"""Front end: CUDA C++ source → PTX (NVRTC) → parsed IR, plus ptxas resources."""
from flipflop.frontend.kernel import CompiledKernel, compile_kernel, find_kernel
from flipflop.frontend.nvrtc import CompiledPtx, compile_to_ptx, load_kernel_source, nvrtc_version
from flipflop.frontend.ptx_parser import parse_ptx
from flipflop.frontend.ptxas import estimate_resources, ptxas_resources, ptxas_version

__all__ = ["CompiledKernel", "CompiledPtx", "compile_kernel", "compile_to_ptx", "estimate_resources",
           "find_kernel", "load_kernel_source", "nvrtc_version", "parse_ptx", "ptxas_resources",
           "ptxas_version"]
