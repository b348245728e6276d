"""How many SASS instructions ptxas makes of each PTX line, per kernel.

The analysis counts PTX instructions; the SM issues SASS, which ptxas makes by fusing (a
``mul.wide`` and an ``add.s64`` become one ``IMAD.WIDE``), expanding (a 64-bit add, an
integer division) and dropping (register moves) them. To count what the SM issues, every
PTX instruction line gets a ``.loc`` naming its own line number, ptxas assembles the module
with ``-lineinfo``, and ``nvdisasm -g`` prints each SASS instruction under the PTX line it
came from. Padding after the last ``EXIT`` (``NOP`` and the branch-to-self that ends every
kernel) never issues and is not counted. Instructions under a guard predicate (``@P0``,
``@!P1``) are counted apart as well: ptxas turns a short conditional block into predicated
instructions that every warp issues, whether or not any lane's guard holds.

nvdisasm comes from the ``nvidia-cuda-nvdisasm`` wheel (or ``CUDA_HOME``/``PATH``). It only
reads the cubin, so its release may be newer than the pinned compilers. Results are cached
on disk by the PTX, the architecture and both tool versions. Without ptxas or nvdisasm the
answer is None and the analysis keeps its PTX count.
"""
from __future__ import annotations

import json
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from flipflop.frontend.cache import cache_key, read_cache, write_cache
from flipflop.frontend.kernel import CompiledKernel, assembler_arch
from flipflop.frontend.nvrtc import cuda_bin_dirs
from flipflop.frontend.ptxas import ptxas_path, tool_version

_FILE_INDEX = 1
_SECTION = re.compile(r"^//-+ \.text\.(\S+)\s+-+$")
_LINE_MARK = re.compile(r'^\s*//## File ".*", line (\d+)')
_SASS = re.compile(r"^\s*/\*[0-9a-f]{4,}\*/\s+(.*?)\s*;")
_SELF_BRANCH = re.compile(r"^BRA `?\((\.L_x_\d+)\)")
_LABEL = re.compile(r"^(\.L_x_\d+):")
_NOT_INSTRUCTION = (".", "//", "{", "}", "$")
_GUARD = re.compile(r"^@!?U?P[0-6]\s")  # @PT (always) is no guard


@dataclass(frozen=True)
class SassLines:
    """SASS instructions per PTX line of one kernel, and how many of them are predicated."""

    counts: dict[int, int]
    predicated: dict[int, int] = field(default_factory=dict)


def nvdisasm_path() -> Path | None:
    """The nvdisasm executable: the CUDA wheels' first, then CUDA_HOME, then PATH."""
    for directory in cuda_bin_dirs():
        candidate = directory / "nvdisasm"
        if candidate.is_file():
            return candidate
    found = shutil.which("nvdisasm")
    return Path(found) if found else None


def annotate_lines(ptx: str) -> str:
    """``ptx`` with a ``.loc`` before every instruction naming that instruction's line number
    in ``ptx`` (1-based, as ``flipflop.frontend.ir.Instruction.line``), and the ``.file``
    they refer to. The module's own ``.loc``/``.file`` lines (from ``-lineinfo``) are dropped:
    their file numbers would clash."""
    out = []
    for number, line in enumerate(ptx.splitlines(), start=1):
        text = line.strip()
        if text.startswith((".loc", ".file")):
            continue
        if text and ";" in text and not text.startswith(_NOT_INSTRUCTION) and not text.endswith(":"):
            out.append(f"\t.loc {_FILE_INDEX} {number} 0")
        out.append(line)
        if text.startswith(".address_size"):
            out.append(f'.file {_FILE_INDEX} "ptx"')
    return "\n".join(out) + "\n"


def parse_disassembly(text: str) -> dict[str, SassLines]:
    """``nvdisasm -c -g`` output → {kernel: SassLines}. An instruction without a line mark of
    its own belongs to the last mark above it; the padding after the final ``EXIT`` (the
    branch-to-self and ``NOP``s) is dropped."""
    kernels: dict[str, tuple[dict[int, int], dict[int, int]]] = {}
    counts: dict[int, int] | None = None
    predicated: dict[int, int] = {}
    line = 0
    label = None
    for raw in text.splitlines():
        section = _SECTION.match(raw.strip())
        if section:
            counts, predicated = kernels.setdefault(section.group(1), ({}, {}))
            line, label = 0, None
            continue
        if counts is None:
            continue
        mark = _LINE_MARK.match(raw)
        if mark:
            line = int(mark.group(1))
            continue
        at_label = _LABEL.match(raw.strip())
        if at_label:
            label = at_label.group(1)
            continue
        sass = _SASS.match(raw)
        if not sass:
            continue
        opcode = sass.group(1)
        self_branch = _SELF_BRANCH.match(opcode)
        if opcode.startswith("NOP") or (self_branch and self_branch.group(1) == label):
            continue
        counts[line] = counts.get(line, 0) + 1
        if _GUARD.match(opcode):
            predicated[line] = predicated.get(line, 0) + 1
    return {name: SassLines(*parts) for name, parts in kernels.items()}


def sass_line_counts(ptx: str, arch: str = "sm_90") -> dict[str, SassLines] | None:
    """{kernel: SassLines} for every ``.entry`` of ``ptx`` on ``arch``; None when ptxas or
    nvdisasm is missing or fails (the caller keeps the PTX count)."""
    assembler, disassembler = ptxas_path(), nvdisasm_path()
    if assembler is None or disassembler is None:
        return None
    key = cache_key("sass", 2, ptx, arch, tool_version(assembler), tool_version(disassembler))
    cached = read_cache("sass", key)
    if cached is not None:
        return {name: SassLines(*({int(k): v for k, v in part.items()} for part in parts))
                for name, parts in json.loads(cached).items()}
    with tempfile.TemporaryDirectory(prefix="flipflop-sass-") as folder:
        source, cubin = Path(folder) / "kernel.ptx", Path(folder) / "kernel.cubin"
        source.write_text(annotate_lines(ptx))
        try:
            assembled = subprocess.run([str(assembler), "-lineinfo", "--gpu-name", arch, "-o", str(cubin), str(source)],
                                       capture_output=True, text=True, timeout=600)
            if assembled.returncode != 0:
                return None
            listing = subprocess.run([str(disassembler), "-c", "-g", str(cubin)],
                                     capture_output=True, text=True, timeout=600)
        except (OSError, subprocess.SubprocessError):
            return None
    if listing.returncode != 0:
        return None
    kernels = parse_disassembly(listing.stdout)
    write_cache("sass", key, json.dumps({name: [found.counts, found.predicated] for name, found in kernels.items()}))
    return kernels


def kernel_sass_lines(compiled: CompiledKernel) -> SassLines | None:
    """The SassLines of one compiled kernel (None when they cannot be had), assembled for the
    architecture its resources were (``assembler_arch``)."""
    kernels = sass_line_counts(compiled.ptx, assembler_arch(compiled.module.target, compiled.arch))
    return kernels.get(compiled.function.name) if kernels else None
