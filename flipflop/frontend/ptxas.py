"""Per-kernel registers, shared memory, stack and spills from ``ptxas -v``.

ptxas comes from the pinned ``nvidia-cuda-nvcc`` wheel (or ``CUDA_HOME``/``PATH``). Reports
are cached on disk by a hash of the PTX, the architecture and the ptxas version. A kernel
that ptxas rejects (e.g. "uses too much shared data": static shared memory over 48 KB)
raises CompileError with ptxas's line when its resources are asked for; the other kernels
of the module still get theirs. Without ptxas, ``estimate_resources`` derives the figures
from the PTX itself, marked ``estimated=True``.
"""
from __future__ import annotations

import functools
import json
import os
import re
import shutil
import subprocess
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Iterable, Sequence

from flipflop.errors import CompileError
from flipflop.frontend.cache import cache_key, read_cache, write_cache
from flipflop.frontend.ir import Function, Instruction, Label, Module, Operand
from flipflop.frontend.nvrtc import cuda_bin_dirs
from flipflop.frontend.ptx_parser import TYPE_BYTES, parse_ptx
from flipflop.frontend.resources import Resources

_ENTRY = re.compile(r"Compiling entry function '([^']+)'")
_PROPERTIES = re.compile(r"Function properties for (\S+)")
_FRAME = re.compile(r"(\d+) bytes stack frame, (\d+) bytes spill stores, (\d+) bytes spill loads")
_USED = re.compile(r"Used (\d+) registers")
_SMEM = re.compile(r"(\d+) bytes smem")
_CMEM = re.compile(r"(\d+) bytes cmem\[\d+\]")
_CUMULATIVE_STACK = re.compile(r"(\d+) bytes cumulative stack size")
_ENTRY_ERROR = re.compile(r"ptxas (?:error|fatal)\s*: Entry function '([^']+)' (.*)")
_LINE_ERROR = re.compile(r"ptxas [^\n]*?, line (\d+); error\s*: (.*)")
_ERROR = re.compile(r"ptxas (?:error|fatal)\s*: (.*)")
_VERSION = re.compile(r"release [\d.]+, V([\d.]+)")
_HEADER_DIRECTIVES = (".version", ".target", ".address_size")
# What may stand at a PTX module's top level in an entry's declaration: the entry line, its
# parameters, the closing parenthesis, performance directives.
_ENTRY_DECLARATION = re.compile(r"^(?:\.visible\s+|\.weak\s+)?\.entry\s")
_ENTRY_PARTS = (".param", ")", "{", "}", ".maxntid", ".reqntid", ".minnctapersm", ".maxnreg",
                ".maxclusterrank", ".reqnctapercluster", ".explicitcluster", ".noreturn", ".pragma")
_MAX_REGISTERS = 255  # per thread, every architecture since sm_35
_ABI_REGISTERS = 2  # added to the estimate: ptxas keeps a couple of registers for itself


def ptxas_path() -> Path | None:
    """The ptxas executable: the CUDA wheel's first, then CUDA_HOME, then PATH."""
    for directory in cuda_bin_dirs():
        candidate = directory / "ptxas"
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return candidate
    found = shutil.which("ptxas")
    return Path(found) if found else None


def ptxas_version(path: Path | None = None) -> str | None:
    """ptxas's version ("13.0.88"), or None when ptxas is absent."""
    path = path or ptxas_path()
    return tool_version(path) if path is not None else None


@functools.lru_cache(maxsize=8)
def tool_version(path: Path) -> str | None:
    """The version a CUDA command-line tool prints ("release 13.0, V13.0.88" → "13.0.88"), or
    None when it does not run."""
    try:
        output = subprocess.run([str(path), "--version"], capture_output=True, text=True, timeout=30).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    match = _VERSION.search(output)
    return match.group(1) if match else None


def ptxas_resources(ptx: str, arch: str = "sm_90", kernels: Iterable[str] | None = None
                    ) -> dict[str, Resources]:
    """Resources of each kernel (``.entry``) of ``ptx`` as ``ptxas -v`` reports them for ``arch``.

    ``kernels`` limits the answer to those entries (default: all). Raises CompileError with
    ptxas's one-line message when a requested kernel is rejected (too much shared data, too
    many registers, bad PTX). Falls back to ``estimate_resources`` when ptxas is absent or
    dies without saying why.
    """
    path = ptxas_path()
    version = ptxas_version(path) if path else None
    if path is None or version is None:
        return _select(_estimated(ptx), kernels)
    key = cache_key("ptxas", ptx, arch, version)
    cached = read_cache("ptxas", key)
    if cached is not None:
        report = json.loads(cached)
    else:
        report = _run_ptxas(path, ptx, arch)
        if report is None:
            return _select(_estimated(ptx), kernels)
        write_cache("ptxas", key, json.dumps(report))
    if "error" in report:
        raise CompileError(report["error"])
    figures = {}
    for name, entry in report["kernels"].items():
        if kernels is not None and name not in kernels:
            continue
        if "error" in entry:
            raise CompileError(entry["error"])
        figures[name] = Resources(**entry, estimated=False, ptxas_version=version)
    return _select(figures, kernels)


def prefetch_resources(ptxs: Sequence[str], arch: str = "sm_90", runs: int = 1) -> None:
    """Fill the report cache for many modules with a few ptxas runs (at most ``runs`` at once).

    Starting ptxas costs more than assembling a small kernel, so modules that can share one
    input are merged: those holding only ``.entry`` definitions (no ``.func``, no
    module-scope variables, hence no calls between them), with the same header. Each
    module's entries are renamed apart, and its report is cached exactly as
    ``ptxas_resources`` would cache it (ptxas assembles every entry on its own). A merged
    run that fails caches nothing: its modules are assembled alone when asked for.
    """
    path = ptxas_path()
    version = ptxas_version(path) if path else None
    if path is None or version is None:
        return
    groups: dict[str, list[tuple[str, str]]] = {}
    for ptx in dict.fromkeys(ptxs):
        key = cache_key("ptxas", ptx, arch, version)
        header = _mergeable_header(ptx)
        if header is not None and read_cache("ptxas", key) is None:
            groups.setdefault(header, []).append((key, ptx))
    batches: list[list[tuple[str, str]]] = []
    for members in groups.values():
        if len(members) < 2:
            continue
        count = max(1, min(runs, len(members) // 2))
        share = [0] * count
        parts: list[list[tuple[str, str]]] = [[] for _ in range(count)]
        for member in sorted(members, key=lambda m: -len(m[1])):  # balance the runs by size
            k = share.index(min(share))
            parts[k].append(member)
            share[k] += len(member[1])
        batches += parts
    with ThreadPoolExecutor(max(1, runs)) as pool:  # ptxas runs as a subprocess
        list(pool.map(lambda batch: _run_merged(path, batch, arch), batches))


def _mergeable_header(ptx: str) -> str | None:
    """The module's header (``.version``/``.target``/``.address_size`` lines) when every other
    top-level line belongs to an ``.entry`` declaration; None otherwise."""
    header: list[str] = []
    depth = 0
    for line in ptx.splitlines():
        text = line.strip()
        if depth == 0 and text and not text.startswith("//"):
            if text.startswith(_HEADER_DIRECTIVES):
                header.append(text)
            elif not (_ENTRY_DECLARATION.match(text) or text.startswith(_ENTRY_PARTS)):
                return None
        depth += line.count("{") - line.count("}")
    return "\n".join(header) if header else None


def _run_merged(path: Path, batch: list[tuple[str, str]], arch: str) -> None:
    """Assemble ``batch`` ((cache key, PTX) pairs) in one ptxas run and cache each module's
    report. Modules with an entry ptxas rejects are left out and the rest run again."""
    header = _mergeable_header(batch[0][1]) or ""
    bodies = []
    owner: dict[str, tuple[int, str]] = {}  # renamed entry → (module, original name)
    for k, (_, ptx) in enumerate(batch):
        body = "\n".join(line for line in ptx.splitlines() if not line.strip().startswith(_HEADER_DIRECTIVES))
        for name in entry_names(ptx):
            owner[f"{name}__flipflop{k}"] = (k, name)
            body = re.sub(rf"(?<![\w$]){re.escape(name)}(?=(?:_param_\d+)?(?![\w$]))", f"{name}__flipflop{k}", body)
        bodies.append(body)
    with tempfile.TemporaryDirectory(prefix="flipflop-ptxas-") as folder:
        ptx_file = str(Path(folder) / "merged.ptx")
        Path(ptx_file).write_text(header + "\n" + "\n".join(bodies) + "\n")
        result = _invoke(path, ptx_file, arch, [])
    if result is None:
        return
    log = result.stdout + result.stderr
    if result.returncode != 0:
        rejected = {owner[m.group(1)][0] for m in _ENTRY_ERROR.finditer(log) if m.group(1) in owner}
        rest = [member for k, member in enumerate(batch) if k not in rejected]
        if rejected and rest:
            _run_merged(path, rest, arch)
        return
    report = _parse_report(log)
    kernels: list[dict[str, dict]] = [{} for _ in batch]
    for renamed, (k, name) in owner.items():
        if renamed not in report:
            return
        kernels[k][name] = report[renamed]
    for (key, _), figures in zip(batch, kernels):
        write_cache("ptxas", key, json.dumps({"kernels": figures}))


def _select(figures: dict[str, Resources], kernels: Iterable[str] | None) -> dict[str, Resources]:
    if kernels is None:
        return figures
    return {name: figures[name] for name in kernels if name in figures}


def _estimated(ptx: str) -> dict[str, Resources]:
    return estimate_resources(parse_ptx(ptx))


def _invoke(path: Path, ptx_file: str, arch: str, entries: list[str]) -> subprocess.CompletedProcess | None:
    command = [str(path), "-v", "--gpu-name", arch, "-o", os.devnull, ptx_file]
    if entries:
        command += ["--entry", ",".join(entries)]
    try:
        return subprocess.run(command, capture_output=True, text=True, timeout=600)
    except (OSError, subprocess.SubprocessError):
        return None


def _run_ptxas(path: Path, ptx: str, arch: str) -> dict | None:
    """``{"kernels": {name: {figures} or {"error": line}}}``, ``{"error": line}`` for a module
    ptxas rejects as a whole, or None when ptxas died without a message."""
    with tempfile.TemporaryDirectory(prefix="flipflop-ptxas-") as folder:
        ptx_file = str(Path(folder) / "kernel.ptx")
        Path(ptx_file).write_text(ptx)
        result = _invoke(path, ptx_file, arch, [])
        if result is None:
            return None
        log = result.stdout + result.stderr
        if result.returncode == 0:
            return {"kernels": _parse_report(log)}
        failures = {m.group(1): f"ptxas: entry function '{m.group(1)}' {m.group(2).strip()}"
                    for m in _ENTRY_ERROR.finditer(log)}
        if not failures:
            located = _LINE_ERROR.search(log)
            if located:
                return {"error": f"ptxas: PTX line {located.group(1)}: {located.group(2).strip()}"}
            error = _ERROR.search(log)
            return {"error": f"ptxas: {error.group(1).strip()}"} if error else None
        # Assemble the kernels ptxas did not complain about on their own.
        others = [name for name in entry_names(ptx) if name not in failures]
        kernels: dict[str, dict] = {}
        if others:
            retry = _invoke(path, ptx_file, arch, others)
            if retry is None or retry.returncode != 0:
                return None
            kernels = _parse_report(retry.stdout + retry.stderr)
        kernels.update({name: {"error": line} for name, line in failures.items()})
        return {"kernels": kernels}


def entry_names(ptx: str) -> list[str]:
    """The names of the PTX's .entry directives (its kernels), in order."""
    return re.findall(r"\.entry\s+([A-Za-z_$%][\w$]*)", ptx)


def _parse_report(log: str) -> dict[str, dict]:
    """Per-entry figures from ptxas's ``-v`` log."""
    kernels: dict[str, dict] = {}
    current = properties_of = None
    for line in log.splitlines():
        entry = _ENTRY.search(line)
        if entry:
            current = entry.group(1)
            kernels[current] = {"registers": 0, "shared_bytes": 0, "local_bytes": 0,
                                "spill_bytes": 0, "const_bytes": 0}
            continue
        properties = _PROPERTIES.search(line)
        if properties:
            properties_of = properties.group(1)
            continue
        frame = _FRAME.search(line)
        if frame and current is not None and properties_of == current:
            stack, stores, loads = (int(g) for g in frame.groups())
            kernels[current]["local_bytes"] = max(kernels[current]["local_bytes"], stack)
            kernels[current]["spill_bytes"] = stores + loads
            continue
        used = _USED.search(line)
        if used and current is not None:
            figures = kernels[current]
            figures["registers"] = int(used.group(1))
            smem = _SMEM.search(line)
            figures["shared_bytes"] = int(smem.group(1)) if smem else 0
            figures["const_bytes"] = sum(int(c) for c in _CMEM.findall(line))
            cumulative = _CUMULATIVE_STACK.search(line)
            if cumulative:  # the stack of the callees too
                figures["local_bytes"] = max(figures["local_bytes"], int(cumulative.group(1)))
    return kernels


# --- Estimate without ptxas ---------------------------------------------------------------

def _register_slots(type_name: str) -> int:
    """32-bit register slots one virtual register of ``type_name`` takes (predicates: none)."""
    if type_name == "pred":
        return 0
    if "." in type_name:  # "v4.b32"
        vector, element = type_name.split(".")
        return int(vector[1:]) * max(1, TYPE_BYTES.get(element, 4) // 4)
    return max(1, TYPE_BYTES.get(type_name, 4) // 4)


def _names(operand: Operand) -> list[str]:
    if operand.kind == "reg":
        return [operand.text.lstrip("!")]
    if operand.kind == "addr" and operand.base and operand.base.startswith("%"):
        return [operand.base] + [n for item in operand.items for n in _names(item)]
    return [n for item in operand.items for n in _names(item)]


def max_live_registers(function: Function) -> int:
    """Peak number of simultaneously live 32-bit registers, from live intervals in program
    order widened over loops (a register live across a back edge is live in the whole loop).

    NVRTC emits every value in a fresh virtual register, so counting declarations would
    overstate use several-fold; peak liveness is what the allocator must fit.
    """
    width = {}
    for decl in function.registers:
        slots = _register_slots(decl.type)
        if decl.count == 1:
            width[decl.prefix] = slots
        else:
            width.update({f"{decl.prefix}{i}": slots for i in range(decl.count)})
    first: dict[str, int] = {}
    last: dict[str, int] = {}
    label_at: dict[str, int] = {}
    jumps: list[tuple[int, str]] = []
    for position, statement in enumerate(function.body):
        if isinstance(statement, Label):
            label_at[statement.name] = position
            continue
        if not isinstance(statement, Instruction):
            continue  # a pragma
        names = [n for operand in statement.operands for n in _names(operand)]
        if statement.predicate:
            names.append(statement.predicate)
        for name in names:
            first.setdefault(name, position)
            last[name] = position
        jumps += [(position, o.text) for o in statement.operands if o.kind == "label"]
    loops = [(label_at[target], position) for position, target in jumps
             if target in label_at and label_at[target] < position]
    changed = True
    while changed:  # widening can make a register cross another loop's boundary
        changed = False
        for start, end in loops:
            for name, low in first.items():
                high = last[name]
                if low < start <= high or low <= end < high:
                    widened = (min(low, start), max(high, end))
                    if widened != (low, high):
                        first[name], last[name] = widened
                        changed = True
    events: dict[int, int] = {}
    for name, start in first.items():
        slots = width.get(name, 0)
        events[start] = events.get(start, 0) + slots
        events[last[name] + 1] = events.get(last[name] + 1, 0) - slots
    live = peak = 0
    for position in sorted(events):
        live += events[position]
        peak = max(peak, live)
    return peak


def estimate_resources(module: Module) -> dict[str, Resources]:
    """Resources of each kernel estimated from the PTX alone (``estimated=True``).

    registers: peak live 32-bit registers (``max_live_registers``) plus 2 that the hardware
    ABI reserves, capped at 255; shared: the kernel's static ``.shared`` variables and the
    module-scope ones it names; local: its ``.local`` variables; const: the module's
    ``.const`` variables; spills: 0 (only ptxas knows).
    """
    const_bytes = sum(v.size_bytes for v in module.variables if v.space == "const")
    module_shared = {v.name: v.size_bytes for v in module.variables if v.space == "shared"}
    estimates = {}
    for kernel in module.kernels:
        named = {o.base for i in kernel.instructions for o in i.operands if o.base}
        shared = sum(v.size_bytes for v in kernel.variables if v.space == "shared")
        shared += sum(size for name, size in module_shared.items() if name in named)
        local = sum(v.size_bytes for v in kernel.variables if v.space == "local")
        estimates[kernel.name] = Resources(
            registers=min(_MAX_REGISTERS, max_live_registers(kernel) + _ABI_REGISTERS),
            shared_bytes=shared, local_bytes=local, spill_bytes=0, const_bytes=const_bytes,
            estimated=True, ptxas_version=None)
    return estimates

