"""The front end's front door: kernel source → PTX → parsed kernel → resources, cached."""
from __future__ import annotations

import re
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

from flipflop.errors import UnknownKernelError
from flipflop.frontend.cache import cache_key
from flipflop.frontend.ir import Function, Module
from flipflop.frontend.nvrtc import compile_to_ptx, load_kernel_source
from flipflop.frontend.ptx_parser import parse_ptx
from flipflop.frontend.ptxas import ptxas_resources
from flipflop.frontend.resources import Resources

_MEMORY_ENTRIES = 256  # compiled configurations kept in process


@dataclass(frozen=True)
class CompiledKernel:
    """One kernel of one compiled configuration, ready for the analyses.

    ``nvrtc_version`` is None when the source was PTX; ``resources.ptxas_version`` is None
    when the resources were estimated without ptxas.
    """

    module: Module
    function: Function
    resources: Resources
    ptx: str
    arch: str
    nvrtc_version: str | None
    ptxas_version: str | None


_compiled: OrderedDict[str, CompiledKernel] = OrderedDict()


def compile_kernel(kernel_source: str | Path, kernel_name: str, arch: str = "sm_90",
                   defines: dict[str, object] | None = None, options: Sequence[str] = ()) -> CompiledKernel:
    """Compile (CUDA) or take (PTX) ``kernel_source``, parse it and get ``kernel_name``'s resources.

    ``kernel_name`` is the entry's name, or for C++ kernels the unmangled base name when
    exactly one entry's mangled name holds it (``kernel`` → ``_Z6kernelPfi``), or a template
    instantiation whose arguments may name defines (``reduce<block_size_x, true>``, as Kernel
    Tuner takes it), compiled as an NVRTC name expression. Results are
    kept in an in-process LRU keyed by content. Raises CompileError, PtxParseError or
    UnknownKernelError (which lists the module's kernels).
    """
    text, kind = load_kernel_source(kernel_source)
    key = cache_key(text, kind, kernel_name, arch, defines, tuple(options))
    if key in _compiled:
        _compiled.move_to_end(key)
        return _compiled[key]
    entry = kernel_name
    if kind == "cuda":
        compiled = compile_to_ptx(text, arch=arch, defines=defines, options=options, kernel_name=kernel_name)
        ptx, nvrtc_version = compiled.ptx, compiled.nvrtc_version
        entry = compiled.entry or kernel_name
    else:
        ptx, nvrtc_version = text, None
    module = parse_ptx(ptx)
    function = find_kernel(module, entry)
    resources = ptxas_resources(ptx, assembler_arch(module.target, arch), kernels=[function.name])[function.name]
    result = CompiledKernel(module=module, function=function, resources=resources, ptx=ptx, arch=arch,
                            nvrtc_version=nvrtc_version, ptxas_version=resources.ptxas_version)
    _compiled[key] = result
    if len(_compiled) > _MEMORY_ENTRIES:
        _compiled.popitem(last=False)
    return result


def assembler_arch(ptx_target: str, arch: str) -> str:
    """The architecture to assemble for: the PTX's own target when it is ``arch``'s
    architecture-specific variant (Triton emits ``.target sm_90a``, which ptxas refuses to
    assemble for plain sm_90), else ``arch``."""
    return ptx_target if ptx_target.rstrip("af") == arch else arch


def find_kernel(module: Module, kernel_name: str) -> Function:
    """The entry named ``kernel_name``, or the one C++-mangled entry whose base name it is."""
    name = entry_name([k.name for k in module.kernels], kernel_name)
    return next(k for k in module.kernels if k.name == name)


def entry_name(entries: list[str], kernel_name: str) -> str:
    """Of a module's entry names, the one named ``kernel_name`` or the one C++-mangled entry whose base
    name it is (a ``static`` kernel is mangled even inside ``extern "C"``). Raises UnknownKernelError."""
    if kernel_name in entries:
        return kernel_name
    # Itanium mangling writes a name as <length><name>: "_Z6kernelPfi", "_ZN2ns6kernelEv".
    mangled = re.compile(rf"^_Z.*?(?<!\d){len(kernel_name)}{re.escape(kernel_name)}")
    matches = [name for name in entries if mangled.match(name)]
    if len(matches) == 1:
        return matches[0]
    names = ", ".join(entries) or "none"
    reason = "matches several kernels" if matches else "is not a kernel of the module"
    raise UnknownKernelError(f"kernel {kernel_name!r} {reason}; kernels: {names}")
