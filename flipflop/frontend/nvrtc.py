"""CUDA C++ → PTX with NVRTC from the ``nvidia-cuda-nvrtc`` wheel, through a thin ctypes binding.

No GPU and no system CUDA are needed: the library and the headers come from the pinned
CUDA 13.0 wheels. Compiled PTX is cached on disk keyed by a hash of everything that
determines it (source, defines, options, architecture, NVRTC version).
"""
from __future__ import annotations

import ctypes
import functools
import importlib.util
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, Sequence

from flipflop.errors import CompileError, FlipflopError
from flipflop.frontend.cache import cache_key, read_cache, write_cache

_LIB_NAMES = ("libnvrtc.so.13", "libnvrtc.so")
SOURCE_NAME = "kernel.cu"  # the name NVRTC's messages give the source; see with_source_name
_SOURCE_SUFFIXES = {".cu": "cuda", ".cuh": "cuda", ".cpp": "cuda", ".h": "cuda", ".ptx": "ptx"}
# An #include's header name (a shimmed one changes the PTX cache key; see SHIM_DIR).
_INCLUDE = re.compile(r'^\s*#\s*include\s*[<"]([^>"]*)[>"]', re.MULTILINE)
# Headers that drag host-side C++ (thrust/cub dispatch, <iostream>) into the device-only
# compile; NVRTC rejects them with pages of unrelated errors, so the user gets the cause.
_HOST_ONLY_INCLUDE = re.compile(r'^\s*#\s*include\s*[<"]((?:cub|thrust)/[^>"]*)[>"]', re.MULTILINE)
# <cub/cub.cuh> also declares cub's device-wide algorithms, whose host-side dispatch NVRTC cannot
# compile; kernels use its block-, warp- and thread-level parts, which shims/flipflop_cub.cuh includes.
_CUB_ALL_INCLUDE = re.compile(r'^(\s*#\s*include\s*)[<"]cub/cub\.cuh[>"]', re.MULTILINE)
_GNU_CONST = re.compile(r"\b__const(?:__)?\b")
_DRIVER_API_INCLUDE = re.compile(r'^\s*#\s*include\s*[<"]cuda\.h[>"]', re.MULTILINE)
JIT_HOST_FUNCTION = "host functions are not allowed in JIT mode"
DEFAULT_DEVICE = "-default-device"
REGISTER_STORAGE = 'use of the "register" storage class specifier is not allowed'
NO_REGISTER = "-Dregister="
# "kernel.cu(12): error: identifier "x" is undefined"
NAME_MAP_FILE = "__nv_name_map"
_ERROR_LINE = re.compile(r"^(?P<file>[^\s(]+)\((?P<line>\d+)\): (?:catastrophic )?error: (?P<msg>.*)$",
                         re.MULTILINE)


@dataclass(frozen=True)
class CompiledPtx:
    """PTX that NVRTC produced for one source and configuration.

    ``entry``: the mangled entry name NVRTC lowered a template kernel name to (e.g.
    ``reduce<256, true>`` → ``_Z6reduceILj256ELb1EEvPfS0_j``), None for a plain name.
    """

    ptx: str
    arch: str
    nvrtc_version: str
    options: tuple[str, ...]
    entry: str | None = None


def is_template_name(kernel_name: str) -> bool:
    """Whether ``kernel_name`` is a template instantiation (``reduce<block_size_x, true>``)."""
    return "<" in kernel_name and kernel_name.rstrip().endswith(">")


def define_text(value: object) -> str:
    """How a define's value is written into C++: a Python bool as ``true``/``false`` (``True`` names
    nothing in C++), anything else as ``str`` gives it."""
    return str(value).lower() if isinstance(value, bool) else str(value)


def define_lines(defines: dict[str, object]) -> list[str]:
    """The ``#define name value`` lines Kernel Tuner puts before a source (values as ``define_text`` writes them)."""
    return [f"#define {name} {define_text(value)}" for name, value in defines.items()]


def instantiate_kernel_name(kernel_name: str, defines: dict[str, object] | None) -> str:
    """``kernel_name`` with every define (Kernel Tuner's tune parameters, block and grid sizes)
    that appears as a word in its template arguments replaced by its value, as the
    preprocessor would in Kernel Tuner's wrapper: ``reduce<block_size_x>`` → ``reduce<256>``
    (values as ``define_text`` writes them)."""
    if not defines or not is_template_name(kernel_name):
        return kernel_name
    text = {name: define_text(value) for name, value in defines.items()}
    head, _, args = kernel_name.partition("<")
    for _ in range(4):  # a define whose value names another define
        replaced = re.sub(r"\b[A-Za-z_]\w*\b", lambda m: text.get(m.group(0), m.group(0)), args)
        if replaced == args:
            break
        args = replaced
    return f"{head}<{args}"


def _cuda_roots() -> list[Path]:
    """Directories that may hold ``lib/`` and ``include/`` of a CUDA toolkit, best first."""
    roots: list[Path] = []
    try:
        import nvidia  # the namespace package of the CUDA wheels

        for base in nvidia.__path__:
            roots += [Path(base) / "cu13", Path(base) / "cuda_nvrtc", Path(base) / "cuda_runtime"]
    except ImportError:
        pass
    for var in ("CUDA_HOME", "CUDA_PATH"):
        if os.environ.get(var):
            roots.append(Path(os.environ[var]))
    roots.append(Path("/usr/local/cuda"))
    return [r for r in roots if r.is_dir()]


def cuda_bin_dirs() -> list[Path]:
    """Directories that may hold ``ptxas``, wheels first."""
    return [r / "bin" for r in _cuda_roots() if (r / "bin").is_dir()]


@functools.lru_cache(maxsize=1)
def _toolkit_root() -> Path | None:
    """The first root whose ``lib`` holds NVRTC; its headers are the ones compiles must use."""
    for root in _cuda_roots():
        for sub in ("lib", "lib64"):
            if any((root / sub / name).is_file() for name in _LIB_NAMES):
                return root
    return None


def _lib_dir(root: Path) -> Path:
    return next(root / sub for sub in ("lib", "lib64") if any((root / sub / n).is_file() for n in _LIB_NAMES))


@functools.lru_cache(maxsize=1)
def _library() -> ctypes.CDLL:
    root = _toolkit_root()
    try:
        if root is None:
            lib = ctypes.CDLL(_LIB_NAMES[0])
        else:
            lib_dir = _lib_dir(root)
            # NVRTC dlopens its builtins library by bare name; preloading it globally lets
            # that succeed without LD_LIBRARY_PATH pointing into the wheel.
            for builtins in sorted(lib_dir.glob("libnvrtc-builtins.so*")):
                if ".alt." not in builtins.name:
                    ctypes.CDLL(str(builtins), mode=ctypes.RTLD_GLOBAL)
            lib = ctypes.CDLL(str(next(lib_dir / n for n in _LIB_NAMES if (lib_dir / n).is_file())))
    except OSError:
        raise FlipflopError("NVRTC not found: install the nvidia-cuda-nvrtc==13.0.* wheel "
                            "or set CUDA_HOME") from None
    prog = ctypes.c_void_p
    lib.nvrtcGetErrorString.restype = ctypes.c_char_p
    lib.nvrtcVersion.argtypes = [ctypes.POINTER(ctypes.c_int), ctypes.POINTER(ctypes.c_int)]
    lib.nvrtcCreateProgram.argtypes = [ctypes.POINTER(prog), ctypes.c_char_p, ctypes.c_char_p, ctypes.c_int,
                                       ctypes.POINTER(ctypes.c_char_p), ctypes.POINTER(ctypes.c_char_p)]
    lib.nvrtcCompileProgram.argtypes = [prog, ctypes.c_int, ctypes.POINTER(ctypes.c_char_p)]
    lib.nvrtcGetPTXSize.argtypes = [prog, ctypes.POINTER(ctypes.c_size_t)]
    lib.nvrtcGetPTX.argtypes = [prog, ctypes.c_char_p]
    lib.nvrtcGetProgramLogSize.argtypes = [prog, ctypes.POINTER(ctypes.c_size_t)]
    lib.nvrtcGetProgramLog.argtypes = [prog, ctypes.c_char_p]
    lib.nvrtcDestroyProgram.argtypes = [ctypes.POINTER(prog)]
    lib.nvrtcAddNameExpression.argtypes = [prog, ctypes.c_char_p]
    lib.nvrtcGetLoweredName.argtypes = [prog, ctypes.c_char_p, ctypes.POINTER(ctypes.c_char_p)]
    return lib


def _check(status: int, call: str) -> None:
    if status != 0:
        reason = _library().nvrtcGetErrorString(status).decode()
        raise CompileError(f"NVRTC {call} failed: {reason}")


@functools.lru_cache(maxsize=1)
def nvrtc_version() -> str:
    """NVRTC's version as "major.minor" (e.g. "13.0")."""
    major, minor = ctypes.c_int(), ctypes.c_int()
    _check(_library().nvrtcVersion(ctypes.byref(major), ctypes.byref(minor)), "nvrtcVersion")
    return f"{major.value}.{minor.value}"


@functools.lru_cache(maxsize=1)
def include_dirs() -> tuple[str, ...]:
    """Header directories (runtime, crt, cccl) of the toolkit NVRTC was loaded from."""
    root = _toolkit_root()
    if root is None:
        return ()
    dirs = [root / sub for sub in ("include", "include/cccl") if (root / sub).is_dir()]
    if not any((d / "cuda" / "std" / "utility").is_file() for d in dirs):
        dirs += _bundled_cccl_dirs()
    return tuple(str(d) for d in dirs)


# The CCCL headers (libcu++, CUB, Thrust) by a file each folder holds at its top.
_CCCL_MARKERS = ("cuda/std/utility", "cub/cub.cuh", "thrust/tuple.h")


def _bundled_cccl_dirs() -> list[Path]:
    """CuPy's own copy of CCCL, for an environment whose CUDA wheels lack nvidia-cuda-cccl (a PyTorch venv
    with CuPy, as on the lent GPUs): found through CuPy's package folder, without importing it."""
    spec = importlib.util.find_spec("cupy")
    if spec is None or not spec.submodule_search_locations:
        return []
    include = Path(next(iter(spec.submodule_search_locations))) / "_core" / "include"
    found: list[Path] = []
    for marker in _CCCL_MARKERS:
        hit = next(include.rglob(marker), None) if include.is_dir() else None
        if hit is not None and hit.parents[marker.count("/")] not in found:
            found.append(hit.parents[marker.count("/")])
    return found


# C/C++ standard headers (<cstdint>, <cmath>, <limits>, <stdio.h>, <cassert>, ...) mapped to what NVRTC
# offers (its builtins, libcu++): NVRTC has no libc, and real kernel files include them. Searched last,
# so the user's own include dirs and the toolkit's headers win.
SHIM_DIR = Path(__file__).with_name("shims")


@functools.lru_cache(maxsize=1)
def _shims() -> tuple[frozenset[str], str]:
    """The shimmed header names and a fingerprint of their text (for the PTX cache key)."""
    files = sorted(p for p in SHIM_DIR.rglob("*") if p.is_file()) if SHIM_DIR.is_dir() else []
    names = [p.relative_to(SHIM_DIR).as_posix() for p in files]  # "cstdint", "sys/time.h"
    return frozenset(names), cache_key(*((name, p.read_text()) for name, p in zip(names, files)))


def _includes_shim(source: str) -> bool:
    names = _shims()[0]
    return any(m.group(1) in names for m in _INCLUDE.finditer(_device_side(source)))


def _device_side(source: str) -> str:
    """``source`` with <cub/cub.cuh> replaced by its device-side parts (one line for one: line numbers
    in errors and PTX stay the user's)."""
    return _CUB_ALL_INCLUDE.sub(r"\1<flipflop_cub.cuh>", source)


def _compute_arch(arch: str) -> str:
    match = re.fullmatch(r"(?:sm_|compute_)?(\d+[a-z]?)", arch)
    if not match:
        raise CompileError(f"unknown architecture {arch!r}: expected e.g. 'sm_90'")
    return f"compute_{match.group(1)}"


def with_defines(source: str, defines: dict[str, object] | None, name: str) -> str:
    """Prepend ``#define`` lines (Kernel Tuner style); ``#line`` keeps user line numbers right."""
    if not defines:
        return source
    return "\n".join(define_lines(defines) + [f'#line 1 "{name}"', source])


def compile_to_ptx(source: str, arch: str = "sm_90", defines: dict[str, object] | None = None,
                   options: Sequence[str] = (), name: str = SOURCE_NAME,
                   kernel_name: str | None = None) -> CompiledPtx:
    """Compile CUDA C++ ``source`` to PTX for ``arch`` (e.g. "sm_90") with NVRTC.

    ``defines`` become ``#define name value`` lines in front of the source, as Kernel Tuner
    does; ``options`` are extra NVRTC options. A template ``kernel_name``
    (``reduce<block_size_x>``) is instantiated with the defines and handed to NVRTC as a name
    expression, so the PTX holds that instantiation; its mangled name is ``entry``. Raises CompileError with the
    first error line of the NVRTC log (``kernel.cu(12): error: ...``); the full log is
    ``error.log``.
    """
    used = _nvrtc_options(arch, options)
    version = nvrtc_version()
    expression = (instantiate_kernel_name(kernel_name, defines)
                  if kernel_name is not None and is_template_name(kernel_name) else None)
    key = ptx_cache_key(source, arch, defines, options, name, expression)
    cached = read_cache("ptx", key)
    entry = read_cache("ptx-entry", key) if expression else None
    if cached is not None and (expression is None or entry is not None):
        return CompiledPtx(ptx=cached, arch=arch, nvrtc_version=version, options=used, entry=entry)
    ptx, entry = _run_nvrtc_named(with_defines(source, defines, name), name, arch, options, expression)
    write_cache("ptx", key, ptx)
    if entry is not None:
        write_cache("ptx-entry", key, entry)
    return CompiledPtx(ptx=ptx, arch=arch, nvrtc_version=version, options=used, entry=entry)


def _nvrtc_options(arch: str, options: Sequence[str]) -> tuple[str, ...]:
    return (f"--gpu-architecture={_compute_arch(arch)}", "--std=c++17", *options)


def ptx_cache_key(source: str, arch: str, defines: dict[str, object] | None, options: Sequence[str],
                  name: str = SOURCE_NAME, name_expression: str | None = None) -> str:
    """The PTX cache key of one compile (``flipflop.frontend.batch`` fills the same entries)."""
    parts: tuple[object, ...] = ("nvrtc", with_defines(source, defines, name), name,
                                 _nvrtc_options(arch, options), nvrtc_version())
    if _includes_shim(source):  # only then: keys of every other source stay as they were
        parts += (_shims()[1],)
    return cache_key(*parts, name_expression) if name_expression else cache_key(*parts)


def run_nvrtc(source: str, name: str, arch: str, options: Sequence[str]) -> str:
    """PTX of ``source`` (defines already in it), uncached; raises CompileError."""
    return _run_nvrtc_named(source, name, arch, options, None)[0]


def _run_nvrtc_named(source: str, name: str, arch: str, options: Sequence[str],
                     expression: str | None) -> tuple[str, str | None]:
    used = _nvrtc_options(arch, options)
    source = _device_side(source)
    if _DRIVER_API_INCLUDE.search(source):
        # HeCBench's kernel files include the driver API's <cuda.h> for their host code; NVRTC cannot
        # compile its host declarations, and kernels use nothing from it: its include guard skips it.
        used += ("-D__cuda_cuda_h__",)
    if _GNU_CONST.search(source):
        # GCC's alternate spellings of `const` (HeCBench adamw-4bit's `static __device__ __const__ float
        # _exp_qmap[]`), which nvcc's GNU mode accepts and NVRTC does not know.
        used += ("-D__const__=const", "-D__const=const")
    paths = (*include_dirs(), str(SHIM_DIR))  # after the user's -I options (in used): shims are searched last
    return _run_nvrtc(source, name, used + tuple(f"--include-path={d}" for d in paths), expression)


def _run_nvrtc(source: str, name: str, options: Sequence[str], expression: str | None) -> tuple[str, str | None]:
    lib = _library()
    prog = ctypes.c_void_p()
    _check(lib.nvrtcCreateProgram(ctypes.byref(prog), source.encode(), name.encode(), 0, None, None),
           "nvrtcCreateProgram")
    try:
        if expression is not None:
            _check(lib.nvrtcAddNameExpression(prog, expression.encode()), "nvrtcAddNameExpression")
        argv = (ctypes.c_char_p * len(options))(*(o.encode() for o in options))
        status = lib.nvrtcCompileProgram(prog, len(options), argv)
        if status != 0:
            size = ctypes.c_size_t()
            lib.nvrtcGetProgramLogSize(prog, ctypes.byref(size))
            buffer = ctypes.create_string_buffer(size.value)
            lib.nvrtcGetProgramLog(prog, buffer)
            log = buffer.value.decode(errors="replace")
            if REGISTER_STORAGE in log and NO_REGISTER not in options:
                # C++17 dropped the `register` storage class: EDG (NVRTC) refuses it where nvcc's host
                # compiler only warns (HeCBench ntt's `register` arrays). It never meant anything to the
                # compiler, so it is defined away.
                return _run_nvrtc(source, name, (*options, NO_REGISTER), expression)
            if JIT_HOST_FUNCTION in log and DEFAULT_DEVICE not in options:
                # Helpers left unannotated (PyTorch's `constexpr int num_threads()`, HeCBench rotary) are
                # host functions, which nvcc's --expt-relaxed-constexpr lets device code call and NVRTC
                # refuses outright: compiled as device functions they mean what nvcc made of them. A file
                # whose unannotated functions are really host code fails that way too: its first error stands.
                try:
                    return _run_nvrtc(source, name, (*options, DEFAULT_DEVICE), expression)
                except CompileError as retried:
                    # NVRTC's advice (use -default-device) was taken: say where that failed instead (host code
                    # in the same file: HeCBench topk's std::vector launchers, robustness sweep 15).
                    first = str(_compile_error(source, log)).split(" Consider using -default-device")[0].rstrip(".")
                    error = CompileError(f"{first}; compiled again with -default-device (unannotated functions as "
                                         f"__device__), it fails at {retried}: annotate the helper __host__ __device__ "
                                         "or leave the host code out of the kernel's source")
                    error.log = log
                    raise error from None
            raise _compile_error(source, log)
        size = ctypes.c_size_t()
        _check(lib.nvrtcGetPTXSize(prog, ctypes.byref(size)), "nvrtcGetPTXSize")
        buffer = ctypes.create_string_buffer(size.value)
        _check(lib.nvrtcGetPTX(prog, buffer), "nvrtcGetPTX")
        entry = None
        if expression is not None:
            lowered = ctypes.c_char_p()
            _check(lib.nvrtcGetLoweredName(prog, expression.encode(), ctypes.byref(lowered)),
                   "nvrtcGetLoweredName")
            entry = lowered.value.decode()
        return buffer.value.decode(), entry
    finally:
        lib.nvrtcDestroyProgram(ctypes.byref(prog))


def _compile_error(source: str, log: str) -> CompileError:
    """One-line CompileError for an NVRTC log: the cause when known, else the first error."""
    # NVRTC appends the name expressions of a template kernel (file __nv_name_map) to the source:
    # an error there follows one in the user's code (a missing brace) that it reports unprefixed
    # ("At end of source: error: ..."), which is the one to show.
    located = [m for m in _ERROR_LINE.finditer(log) if m.group("file") != NAME_MAP_FILE]
    first = located[0] if located else None
    host_only = _HOST_ONLY_INCLUDE.search(source)
    if host_only and first and ("JIT mode" in first.group("msg")
                                or re.search(r"[/\\](cub|thrust)[/\\]", first.group("file"))):
        message = (f"NVRTC cannot compile <{host_only.group(1)}>: it pulls in host-side thrust/cub "
                   "code; include only device-side headers (e.g. <cub/block/block_reduce.cuh>) "
                   "or compile with nvcc -ptx and pass the .ptx file")
    elif first and re.search(r"device-side kernel launch|cudaStreamCreateWithFlags|cudaGetParameterBuffer",
                             first.group("msg")):
        message = (f"{first.group('file')}:{first.group('line')}: a kernel that launches kernels (dynamic "
                   "parallelism) is not supported: flipflop predicts one kernel's launch; predict the child "
                   "kernel on its own")
    elif first and "dynamic initialization is not supported for a __device__ variable" in first.group("msg"):
        # nvcc keeps such a constant on the host and folds its uses; NVRTC compiles device code only.
        message = (f"{first.group('file')}:{first.group('line')}: {first.group('msg').strip()} (NVRTC compiles "
                   "device code only: a namespace-scope `const` initialised from another constant, which nvcc "
                   "folds, needs `constexpr` or a literal here)")
    elif first and "expected an expression" in first.group("msg") and (
            literal := _compound_literal(_user_line(source, int(first.group("line"))))):
        message = (f"{first.group('file')}:{first.group('line')}: the compound literal `{literal}{{...}}` is a C99 and "
                   f"GNU extension nvcc accepts and NVRTC does not; write `{literal[1:-1].strip()}{{...}}` (C++ list "
                   "initialisation) or a make_ function")
    elif first and (common := re.search(r'cannot open source file "(helper_\w+\.h)"', first.group("msg"))):
        message = (f"{first.group('file')}:{first.group('line')}: cannot open {common.group(1)}: it is a header of "
                   "cuda-samples' Common/ folder, not of the CUDA toolkit; pass its folder with "
                   "compiler_options=['-I<cuda-samples>/Common'] (or leave out the include if only host code uses it)")
    elif first and (crt := re.search(r'cannot open source file "(crt/[\w./]+)"', first.group("msg"))):
        # The CUDA 13 wheels ship the crt/ headers apart (nvidia-cuda-crt): an environment with NVRTC but
        # not them (a PyTorch venv) fails on <mma.h>'s `#include "crt/mma.h"`.
        message = (f"{first.group('file')}:{first.group('line')}: cannot open {crt.group(1)}: the CUDA toolkit's "
                   "crt/ headers are missing beside NVRTC; pip install nvidia-cuda-crt==13.0.* (a dependency of "
                   "flipflop) into the same environment")
    elif first:
        message = f"{first.group('file')}:{first.group('line')}: {first.group('msg').strip()}"
    else:
        lines = [line.strip() for line in log.splitlines() if line.strip()]
        errors = [line for line in lines if re.search(r"\berror\b", line)]
        message = (errors or lines or ["NVRTC compilation failed with an empty log"])[0]
    error = CompileError(message)
    error.log = log
    return error


# `(T2){ a, b }`: a parenthesised type name opening a brace, other than a statement's condition.
_COMPOUND_LITERAL = re.compile(r"(\w*)\s*(\(\s*(?:const\s+)?[A-Za-z_]\w*(?:\s*::\s*\w+)*\s*\))\s*\{")
_STATEMENTS = frozenset({"if", "for", "while", "switch", "catch"})


def _user_line(source: str, number: int) -> str:
    """Line ``number`` of the user's text in ``source`` (after the #define lines and the ``#line 1`` that
    with_defines puts in front), or '' past its end."""
    lines = source.splitlines()
    marker = next((k + 1 for k, line in enumerate(lines[:1000]) if line.startswith("#line 1 ")), 0)
    index = marker + number - 1
    return lines[index] if 0 <= index < len(lines) else ""


def _compound_literal(line: str) -> str | None:
    """The `(Type)` of a compound literal on ``line``, if it has one."""
    for match in _COMPOUND_LITERAL.finditer(line):
        if match.group(1) not in _STATEMENTS:
            return re.sub(r"\s+", " ", match.group(2))
    return None


def with_source_name(message: str, kernel_source: Any) -> str:
    """``message`` (a compile error or a dropped configuration's reason) naming the user's file
    instead of ``kernel.cu`` when ``kernel_source`` was a path: compiles take the file's text,
    so NVRTC only knows the name it is given, and the compile caches stay keyed by content."""
    if not isinstance(kernel_source, (str, Path)) or not _names_file(kernel_source):
        return message
    return re.sub(rf"(?<![\w/.]){re.escape(SOURCE_NAME)}(?=[:(])", str(kernel_source), message)


def _names_file(kernel_source: str | Path) -> bool:
    return isinstance(kernel_source, Path) or ("\n" not in kernel_source and Path(kernel_source).suffix in _SOURCE_SUFFIXES)


def load_kernel_source(kernel_source: str | Path) -> tuple[str, Literal["cuda", "ptx"]]:
    """Read ``kernel_source`` — a path to a .cu/.cuh/.cpp/.h/.ptx file or the source text itself.

    Returns the text and its kind: "ptx" for a .ptx file or a string with ``.version`` and
    ``.entry`` directives, otherwise "cuda". A one-line string that names an existing
    directory or a file of another suffix, or that cannot be source text (no brackets or
    semicolons), is a FlipflopError rather than a compile of the name as CUDA.
    """
    if not isinstance(kernel_source, (str, Path)):
        raise FlipflopError(f"kernel_source must be a file path or the kernel's source text, "
                            f"got {type(kernel_source).__name__}")
    if "\x00" in str(kernel_source):
        raise FlipflopError("kernel_source holds a NUL byte: pass a path or the source text")
    one_line = isinstance(kernel_source, Path) or ("\n" not in kernel_source and len(kernel_source) < 4096)
    path = Path(kernel_source) if one_line else None
    if path is not None and (isinstance(kernel_source, Path) or path.suffix in _SOURCE_SUFFIXES or _exists(path)
                             or not re.search(r"[;{}()]", kernel_source)):
        allowed = ", ".join(_SOURCE_SUFFIXES)
        if _exists(path) and path.is_dir():
            raise FlipflopError(f"kernel source {path} is a directory; give a file ({allowed})")
        if path.suffix not in _SOURCE_SUFFIXES:
            state = "has" if _exists(path) else "does not exist and has"
            raise FlipflopError(f"kernel source {path} {state} suffix '{path.suffix}'; "
                                f"allowed: {allowed}, or the source text itself")
        try:
            text = path.read_bytes().decode("utf-8")
        except OSError as exc:
            raise FlipflopError(f"cannot read kernel source {path}: {exc.strerror}") from None
        except UnicodeDecodeError:
            raise FlipflopError(f"kernel source {path} is not text (UTF-8): give CUDA C++ or PTX source") from None
        if "\x00" in text:
            raise FlipflopError(f"kernel source {path} holds NUL bytes: give CUDA C++ or PTX source")
        kind = _SOURCE_SUFFIXES[path.suffix]
        return text, "ptx" if kind == "ptx" or _looks_like_ptx(text) else "cuda"
    return kernel_source, "ptx" if _looks_like_ptx(kernel_source) else "cuda"


def _exists(path: Path) -> bool:
    """Whether ``path`` names something; a string too long to be a file name names nothing."""
    try:
        return path.exists()
    except (OSError, ValueError):
        return False


def _looks_like_ptx(text: str) -> bool:
    return re.search(r"^\s*\.version\s", text, re.MULTILINE) is not None and ".entry" in text

