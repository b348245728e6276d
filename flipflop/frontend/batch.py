"""Compile many ``#define`` variants of one kernel in a single NVRTC call.

Starting NVRTC costs ~20 ms a call, more than compiling a small kernel, and a Kernel
Tuner-style space compiles the source once per configuration. Here every variant is
wrapped in a namespace of its own, its kernel renamed by a macro, all in one translation
unit; each variant's entry is cut out of the combined PTX, renamed back, and stored in the
on-disk PTX cache under the key ``compile_to_ptx`` uses for that variant, so the ordinary
per-variant compile then finds it there. Only the simplest case is batched: no
``#include``, and a combined module holding nothing but the ``extern "C"`` entries — any
other shape, or any compile error, leaves the cache untouched and the variants are
compiled one by one (which also reports their errors). ``tests/test_frontend_batch.py``
checks that the cut-out PTX is byte-identical to a separate compile's.
"""
from __future__ import annotations

import re
from typing import Sequence

from flipflop.errors import CompileError
from flipflop.frontend.cache import read_cache, write_cache
from flipflop.frontend.nvrtc import include_dirs, ptx_cache_key, run_nvrtc, with_defines

_INCLUDE = re.compile(r"^\s*#\s*include\b", re.MULTILINE)
_IDENTIFIER = re.compile(r"^[A-Za-z_]\w*$")
_ENTRY_START = re.compile(r"^\t// \.globl\t(\S+)\n+(?=(?:\.visible )?\.entry )", re.MULTILINE)
_DEMOTED = re.compile(r"^// (\S+) has been demoted\n", re.MULTILINE)
_MODULE_LEVEL = re.compile(r"^(?:\.visible |\.extern |\.weak )?\.(?:func|global|const|shared|local)\b", re.MULTILINE)
MAX_BATCH = 64


def _renamed(kernel_name: str, k: int) -> str:
    return f"__ffbatch{k}_{kernel_name}"


def _combined_source(source: str, kernel_name: str, variants: Sequence[dict[str, object]], name: str) -> str:
    parts = []
    for k, defines in enumerate(variants):
        undefs = [*defines, kernel_name]
        parts.append(f"#define {kernel_name} {_renamed(kernel_name, k)}\n"
                     f"namespace __ffbatch{k} {{\n"
                     + with_defines(source, defines, name)
                     + "\n}\n" + "".join(f"#undef {n}\n" for n in undefs))
    return "".join(parts)


def _split(ptx: str, kernel_name: str, count: int) -> list[str] | None:
    """Per-variant PTX texts, as a separate compile of each would print them, or None."""
    # Shared variables declared in a kernel are "demoted" into it; the notes saying so all
    # follow the module's first .globl line.
    demoted = _DEMOTED.findall(ptx)
    ptx = _DEMOTED.sub("", ptx)
    starts = list(_ENTRY_START.finditer(ptx))
    if len(starts) != count or _MODULE_LEVEL.search(ptx):
        return None
    header = ptx[:starts[0].start()]
    bodies = {}
    for i, match in enumerate(starts):
        end = starts[i + 1].start() if i + 1 < len(starts) else len(ptx)
        bodies[match.group(1)] = ptx[match.end():end]
    texts = []
    for k in range(count):
        renamed = _renamed(kernel_name, k)
        body = bodies.get(renamed)
        if body is None:
            return None
        mangled = f"{len(renamed)}{renamed}"  # in the mangled names of the kernel's statics

        def back(text: str) -> str:
            text = text.replace(mangled, f"{len(kernel_name)}{kernel_name}").replace(renamed, kernel_name)
            # Labels and local depots are numbered by the function's index in the module.
            return text.replace(f"$L__BB{k}_", "$L__BB0_").replace(f"__local_depot{k}", "__local_depot0")

        notes = "".join(f"// {back(name)} has been demoted\n" for name in demoted if mangled in name)
        texts.append(f"{header}\t// .globl\t{kernel_name}\n{notes}\n{back(body).rstrip()}\n\n")
    return texts


def precompile(source: str, kernel_name: str, variants: Sequence[dict[str, object]], arch: str = "sm_90",
               options: Sequence[str] = (), name: str = "kernel.cu") -> int:
    """Fill the PTX cache for the uncached ``variants`` (define dicts) in batched NVRTC calls.

    Returns how many variants were stored; 0 when the source is not batchable (see the
    module docstring): the caller then compiles them one by one as usual.
    """
    if _INCLUDE.search(source) or not _IDENTIFIER.match(kernel_name):
        return 0
    todo = [(d, key) for d in variants
            if read_cache("ptx", key := ptx_cache_key(source, arch, d, options, name)) is None]
    if not todo:
        return 0
    # The first variant alone shows whether the module can batch (no __constant__ array, no
    # device function...): a combined compile found unbatchable would cost as much as
    # compiling every variant once more. Its PTX is stored only once the rest batch.
    first, first_key = todo.pop(0)
    try:
        first_ptx = run_nvrtc(with_defines(source, first, name), name, arch, options)
    except CompileError:
        return 0
    if _MODULE_LEVEL.search(_DEMOTED.sub("", first_ptx)):
        return 0
    stored = 0
    for start in range(0, len(todo), MAX_BATCH):
        chunk = todo[start:start + MAX_BATCH]
        combined = _combined_source(source, kernel_name, [d for d, _ in chunk], name)
        try:
            ptx = run_nvrtc(combined, name, arch, options)
        except CompileError:
            return stored
        texts = _split(ptx, kernel_name, len(chunk))
        if texts is None:
            return stored
        for (_, key), text in zip(chunk, texts):
            write_cache("ptx", key, text)
        stored += len(chunk)
    write_cache("ptx", first_key, first_ptx)
    return stored + 1
