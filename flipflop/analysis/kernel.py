"""Kernel analysis: the structural facts of one PTX kernel, evaluated per launch.

``analyze_kernel`` does everything that does not depend on the launch (CFG, loops,
symbolic registers and addresses, trip-count expressions, static instruction mix) once
per function. ``KernelAnalysis.evaluate`` binds a block shape, grid and the argument
values and returns the ``LaunchFeatures`` the model reads: it evaluates the stored
expressions vectorised over a weighted sample of the launch's threads (``launch.py``).

Conventions:
- An outer loop's counter is taken at its middle iteration when inner trip counts depend
  on it (exact for linear, triangular nests); branch conditions that read their loop's
  counter are averaged over its iterations (``divergence.py``); warp address patterns use
  iteration 0, and a loop's footprint growth compares iteration 1 with iteration 0 (or, when
  that step stays inside a sector, the first iteration that leaves it).
- Address analyses look at one interior and one boundary block per grid dimension
  (``launch.memory_blocks``), weighted by the blocks they stand for.
- Accesses whose addresses differ only by a constant (unrolled loops) are evaluated
  together: one evaluation of the shared address shape, one batched sector/bank count.
- A loop whose trip count cannot be evaluated counts as one iteration and is reported
  with ``trip_count=None`` and a note.
- Pointer arguments get distinct 256-byte-aligned fake base addresses (cudaMalloc aligns
  to 256 bytes); shared variables are laid out in declaration order, dynamic shared last.
"""
from __future__ import annotations

import functools
import math
import re
import zlib
import dataclasses
from dataclasses import dataclass
from typing import Sequence

import numpy as np

from flipflop.analysis.cfg import CFG, build_cfg
from flipflop.analysis.dataflow import (
    ARRAY_UNION, SHARED_WINDOW, Dataflow, LoopSummary, MemoryAccess, analyze_dataflow, param_field_symbol)
from flipflop.analysis.divergence import (
    UNKNOWN_BRANCH_PROBABILITY, BranchFacts, block_frequencies, condition_mean, magnitude_prior,
    thread_dependent_branches)
from flipflop.analysis.features import INSTRUCTION_CLASSES, AccessFacts, LaunchFeatures, LoopFacts
from flipflop.analysis.launch import LaunchSample, block_window, memory_blocks, restrict, sample_launch
from flipflop.analysis.memory import (
    BANK_WORD_BYTES, LINE_BYTES, RANDOM_BANK_DEGREE, SECTOR_BYTES, WARP_SIZE,
    bank_conflict_degree, distinct_units, new_units_per_request, units_per_request)
from flipflop.analysis.opcodes import FLOAT_TYPE_CLASS, atomic_kind, classify, operand_type
from flipflop.analysis.symbolic import FLOAT_SUFFIX, LOAD_ENV_KEY, UNKNOWN_ENV_KEY, Expr, NotEvaluable, Op, Unknown
from flipflop.analysis.tripcount import first_exit
from flipflop.errors import ArgumentSizeError, ConfigurationError
from flipflop.frontend.ir import Function, Module, Param, Variable
from flipflop.frontend.kernel import find_kernel
from flipflop.frontend.ptx_parser import TYPE_BYTES
from flipflop.frontend.resources import Resources
from flipflop.frontend.sass import SassLines

POINTER_SPACING_BYTES = 1 << 36  # fake device allocations this far apart
GRID_WORKSPACE_BYTE = 256  # where the grid barrier's workspace is taken to start, in slot 0
_CLASS_INDEX = {name: k for k, name in enumerate(INSTRUCTION_CLASSES)}
_NUMPY_TYPES = {"s8": np.int8, "u8": np.uint8, "b8": np.uint8, "s16": np.int16, "u16": np.uint16,
                "b16": np.uint16, "s32": np.int32, "u32": np.uint32, "b32": np.int32,
                "s64": np.int64, "u64": np.uint64, "b64": np.int64, "f32": np.float32, "f64": np.float64}
_DIMS = ("x", "y", "z")
_TEXTURE_OPCODES = frozenset({"tex", "tld4", "suld", "sust", "sured"})
_ELEMENT_TYPE = re.compile(r"[bfsu](8|16|32|64)")  # a PTX memory instruction's element type modifier
_MEMO_KEY = "__memo__"
# A triangular loop's trip count is averaged over at most this many of the enclosing loop's
# iterations (evenly spaced), among its first TRIANGULAR_LIMIT.
TRIANGULAR_POINTS = 64
TRIANGULAR_LIMIT = 1 << 20
# Iterations of a loop over which a data-dependent `break` is looked for, per sampled thread.
EXIT_SCAN_LIMIT = 1 << 15
GUESSED_LINES_SHOWN = 8  # branches taken half the time by guess that a note names, in PTX line order
# Threads around a block (half before, half after it in launch order) whose accesses count as near
# when they reach the sectors it uses in part: a million threads move some 8-64 MB through L2, about
# what the H100's and H200's 50-60 MB hold.
REUSE_WINDOW_THREADS = 1 << 20
PAIR_BYTES = 64  # L2 fetches a missed sector with its neighbour in a 64-byte pair
MAX_CALL_DEPTH = 4  # device functions calling device functions: deeper calls (recursion) cost nothing more


def _narrow_words(dtype: np.dtype, float_sizes: frozenset[int] | None) -> bool:
    """An array of 1- or 2-byte elements (float16, bf16 bit patterns as uint16, bytes) that the kernel
    reads only as wider floats: real code moves half data as float2/float4 words (HeCBench
    softmax-fused's copy_vector<__half, 4> is a float2 load) and copies pixels four bytes at a time
    through a `float*` cast (Rodinia dwt2d's c_CopySrcToComponents)."""
    return (dtype.itemsize in (1, 2) and dtype.kind in "fuib" and bool(float_sizes)
            and min(float_sizes) > dtype.itemsize)


@dataclass(frozen=True)
class StaticAccess:
    """Launch-independent facts of one memory access."""

    access: MemoryAccess
    affine: bool
    strides: tuple[Expr | None, Expr | None, Expr | None]  # bytes per +1 of tid.x/y/z
    loop_stride: Expr | None  # bytes per iteration of the innermost enclosing loop
    loops: tuple[int, ...]  # enclosing loop indices, outermost first
    guard: Expr | None  # the instruction's own predicate
    shape: Expr  # the address without its constant offset
    group_key: tuple  # accesses with equal keys are evaluated together (differ by constants)

    @property
    def from_data(self) -> bool:
        """The address depends on loaded data or on values the analysis does not follow."""
        return self.access.address.has_load() or self.access.address.has_unknown()


@dataclass(frozen=True)
class KernelAnalysis:
    """Structural analysis of one kernel; ``evaluate`` it for each launch configuration."""

    name: str
    function: Function
    cfg: CFG
    dataflow: Dataflow
    static_counts: np.ndarray  # (blocks, classes) weighted instruction counts
    accesses: tuple[StaticAccess, ...]
    shared_offsets: dict[str, int]  # "&name" → byte offset in the block's shared window
    dynamic_shared: str | None  # "&name" of the extern shared array
    divergent_blocks: tuple[int, ...]
    access_groups: tuple[tuple[int, ...], ...]  # indices into ``accesses`` sharing a shape
    recursive: tuple[str, ...] = ()  # device functions the kernel reaches that call themselves

    # ----- arguments ------------------------------------------------------------------
    def _bind(self, arguments: Sequence) -> tuple[dict[str, object], dict[int, np.ndarray]]:
        params = self.function.params
        if len(arguments) != len(params):
            raise ConfigurationError(
                f"kernel {self.name} takes {len(params)} arguments, got {len(arguments)}")
        env: dict[str, object] = {}
        arrays: dict[int, np.ndarray] = {}
        for k, (param, arg) in enumerate(zip(params, arguments)):
            is_pointer = param.name in self.dataflow.pointer_params or param.is_pointer_hint
            if param.array_len is not None:  # a struct (or vector) passed by value
                if isinstance(arg, (np.generic, np.ndarray)):
                    env.update(self._struct_fields(param, np.asarray(arg).tobytes()))
            elif isinstance(arg, np.ndarray) and arg.ndim > 0:
                env[param.name] = (k + 1) * POINTER_SPACING_BYTES
                arrays[k + 1] = arg
            elif is_pointer and isinstance(arg, (int, np.integer)) and int(arg) == 0:
                env[param.name] = 0  # a null pointer (a 64-bit zero, as Kernel Tuner passes it): the kernel tests it
            elif is_pointer:
                raise ConfigurationError(
                    f"argument {k} of {self.name} ({param.name}) is a pointer: pass a numpy array "
                    "(or a 64-bit zero for a null pointer)")
            elif isinstance(arg, (int, np.integer, bool, np.bool_)):
                env[param.name] = int(arg)
            elif isinstance(arg, (float, np.floating)):
                env[param.name + FLOAT_SUFFIX] = float(arg)
            elif isinstance(arg, np.ndarray) and arg.ndim == 0 and np.issubdtype(arg.dtype, np.integer):
                env[param.name] = int(arg)
        for k, param in enumerate(params):
            if k + 1 in arrays:
                self._check_dtype(k, param.name, arrays[k + 1].dtype)
        return env, arrays

    def _struct_fields(self, param: Param, raw: bytes) -> dict[str, int]:
        """The integer fields the kernel reads from a struct passed by value (a numpy structured
        scalar: Rodinia lavaMD's `par_str`), by byte offset; those past its bytes stay unknown."""
        fields = {}
        for name, offset, typ in self.dataflow.param_fields:
            size = TYPE_BYTES[typ]
            if name == param.name and offset + size <= len(raw):
                fields[param_field_symbol(name, offset, typ)] = int.from_bytes(
                    raw[offset:offset + size], "little", signed=typ.startswith("s"))
        return fields

    @functools.cached_property
    def _element_types(self) -> dict[str, frozenset[tuple[str, int]]]:
        """Pointer parameter → (kind, bytes) of its global accesses: ("f", 4) for ld.global.f32,
        ("u", 1) for ld.global.u8; ("?", 0) where the element type is not plain (tiles, none)."""
        types: dict[str, set[tuple[str, int]]] = {}
        for access in self.dataflow.accesses:
            if access.base_param is None or access.space != "global" or ARRAY_UNION in access.base_param:
                continue
            element = next((m for m in reversed(access.instruction.modifiers) if _ELEMENT_TYPE.fullmatch(m)), None)
            plain = element is not None and access.tile is None
            types.setdefault(access.base_param, set()).add((element[0], int(element[1:]) // 8) if plain else ("?", 0))
        return {name: frozenset(found) for name, found in types.items()}

    @functools.cached_property
    def _float_sizes(self) -> dict[str, frozenset[int]]:
        """Element sizes of the parameters only ever accessed as floats (ld.global.f32, atom.add.f64, ...)."""
        return {name: frozenset(size for _, size in types) for name, types in self._element_types.items()
                if all(kind == "f" for kind, _ in types)}

    @functools.cached_property
    def _word_sizes(self) -> dict[str, frozenset[int]]:
        """Element sizes of the parameters' bit and integer accesses."""
        found = {name: frozenset(size for kind, size in types if kind in "bsu")
                 for name, types in self._element_types.items()}
        return {name: sizes for name, sizes in found.items() if sizes}

    def _warp_visits(self, freq: list[np.ndarray], trips: dict[int, np.ndarray],
                     taken: dict[int, np.ndarray | None], n: int) -> list[np.ndarray]:
        """Per-lane block counts as a warp sees them where lanes branch on data the analysis does
        not follow: each lane takes a side half the time, so a warp of 32 such lanes runs both
        sides on nearly every visit (cuda-samples bitonic sort's compare-and-swap: 88 shared stores
        a warp measured, 46 counted at half a visit). A branch whose condition is the same for
        the whole warp keeps its half. Both sides' counts come from routing every such branch one
        way, then the other; branches that leave their loop (a data-dependent `break`) keep theirs."""
        divergent = []
        for b, p in taken.items():
            loop = self.cfg.innermost_loop(b)
            stays = loop is None or all(s in loop.blocks for s in self.cfg.blocks[b].successors)
            if p is None and stays and self.dataflow.branches[b].condition.varying():
                divergent.append(b)
        if not divergent:
            return freq
        sides = [block_frequencies(self.cfg, self.dataflow, trips, {**taken, **dict.fromkeys(divergent, way)}, n)
                 for way in (1.0, 0.0)]
        return [np.maximum(f, np.maximum(a, b)) for f, a, b in zip(freq, *sides)]

    @functools.cached_property
    def _unmodelled_notes(self) -> tuple[str, ...]:
        """What the kernel does that the model does not cost: texture and surface fetches (no
        memory traffic is charged for them) and device-side printf."""
        lines: dict[str, list[int]] = {}
        for block in self.cfg.blocks:
            for ins in block.instructions:
                if ins.opcode in _TEXTURE_OPCODES:
                    lines.setdefault("texture", []).append(ins.line)
                elif ins.opcode == "call" and any(o.text == "vprintf" for o in ins.operands):
                    lines.setdefault("printf", []).append(ins.line)
        what = {"texture": "texture/surface fetches: no memory traffic charged for them",
                "printf": "printf: its formatting and output are not costed"}
        notes = tuple(f"{what[kind]} (PTX line{'s' if len(at) > 1 else ''} {', '.join(map(str, at))})"
                      for kind, at in lines.items())
        if self.recursive:
            notes += (f"recursive device function{'s' if len(self.recursive) > 1 else ''} "
                      f"{', '.join(self.recursive)}: a call costs one pass through the body; how deep the "
                      "recursion goes is not known and not costed",)
        return notes

    def _dtype_notes(self, arrays: dict[int, np.ndarray]) -> list[str]:
        """The assumption made where an array's dtype is not what the kernel's bit or integer
        accesses read: the kernel reinterprets the bytes, so the traffic follows the accesses."""
        notes = []
        for k, param in enumerate(self.function.params):
            if k + 1 not in arrays:
                continue
            dtype = arrays[k + 1].dtype
            sizes = self._word_sizes.get(param.name)
            kind = "words"
            if not sizes and _narrow_words(dtype, self._float_sizes.get(param.name)):
                sizes, kind = self._float_sizes[param.name], "floats"
            if sizes and dtype.itemsize not in sizes:
                widths = "/".join(str(8 * size) for size in sorted(sizes))
                what = f"structured ({dtype.itemsize}-byte records)" if dtype.names else str(dtype)
                notes.append(f"argument {k}: a {what} array that the kernel reads as {widths}-bit {kind}; "
                             "its bytes are taken as the kernel's")
        return notes

    def _check_dtype(self, k: int, name: str, dtype: np.dtype) -> None:
        """An array whose dtype cannot be what a float-only parameter holds (float64 for a
        kernel that reads f32, int32 for one that reads floats) is an error; parameters also
        accessed as bits or integers may hold anything (the kernel reinterprets them), and so may
        1- and 2-byte data read as wider float words (see ``_narrow_words``)."""
        sizes = self._float_sizes.get(name)
        if not sizes or len(sizes) != 1 or _narrow_words(dtype, sizes):
            return
        size, = sizes
        element = dtype.itemsize // 2 if dtype.kind == "c" else dtype.itemsize
        if dtype.kind not in "fc" or element != size:
            wanted = {2: "float16", 4: "float32", 8: "float64"}.get(size, f"{8 * size}-bit float")
            raise ConfigurationError(
                f"argument {k} ({name}) of {self.name} is an array of {dtype} but the kernel accesses it as "
                f"{8 * size}-bit floats (PTX .f{8 * size}); pass a {wanted} array")

    def _atomic_slots(self) -> frozenset[int]:
        """Argument slots that global atomics change during the launch (cuda-samples' multi-block conjugate
        gradient reads back the dot product its blocks accumulate with atomicAdd: the argument's initial
        zero ended its loop before the first iteration)."""
        slot = {p.name: k + 1 for k, p in enumerate(self.function.params)}
        return frozenset(slot[name] for sa in self.accesses
                         if sa.access.op == "atomic" and sa.access.space in ("global", "generic") and sa.access.base_param
                         for name in sa.access.base_param.split(ARRAY_UNION) if name in slot)

    def _loader(self, arrays: dict[int, np.ndarray]):
        views: dict[tuple[int, str], np.ndarray] = {}
        changing = self._atomic_slots()

        def load(addresses, type_name: str):
            addresses = np.asarray(addresses, dtype=np.int64)
            result = np.float64 if type_name in ("f32", "f64") else np.int64
            out = np.zeros(addresses.shape, dtype=result)
            slots = addresses // POINTER_SPACING_BYTES
            for slot in np.unique(slots):
                if int(slot) not in arrays:
                    raise NotEvaluable(f"load from slot {slot}")
                if int(slot) in changing:
                    raise NotEvaluable(f"load from slot {slot}, which atomics change during the launch")
                key = (int(slot), type_name)
                if key not in views:
                    views[key] = _typed_view(arrays[int(slot)], np.dtype(_NUMPY_TYPES.get(type_name, np.int32)))
                view = views[key]
                if view.size == 0:
                    raise NotEvaluable("empty array")
                here = slots == slot
                index = (addresses[here] - int(slot) * POINTER_SPACING_BYTES) // view.itemsize
                repeats = not any(arrays[int(slot)].strides)
                out[here] = view[index % view.size if repeats else np.clip(index, 0, view.size - 1)].astype(result)
            return out

        return load

    def _control(self, env: dict[str, object], n: int
                 ) -> tuple[dict[int, np.ndarray], dict[int, bool], dict[int, np.ndarray | None], list[np.ndarray]]:
        """Per sampled thread: each loop's trip count (and whether it is known), each branch's
        taken share and each block's execution count; sets the loop counters in ``env``."""
        memo: dict = {}
        trips: dict[int, np.ndarray] = {}
        known: dict[int, bool] = {}
        for summary in self.dataflow.loops:
            index = summary.loop.index
            values = None
            if summary.trip_count is not None:
                try:
                    values = self._mean_trip(summary, env, memo, trips, n)
                except (NotEvaluable, OverflowError, ValueError):
                    values = None
            known[index] = values is not None
            if values is None:
                values = np.ones(n)
            trips[index] = np.maximum(values, 0.0)
            env[summary.counter] = np.maximum((trips[index].astype(np.int64) - 1) // 2, 0)

        taken: dict[int, np.ndarray | None] = {}
        for summary in self.dataflow.loops:
            index = summary.loop.index
            if known[index]:
                # A `break` on the data (a linear search: `if (cdf[x] >= u[i]) break;`) ends the
                # loop at the first iteration its condition holds, not after the full count.
                for b, exits, first in self._early_exits(summary, env, trips[index], n):
                    trips[index] = np.minimum(trips[index], first)
                    env[summary.counter] = np.maximum((trips[index].astype(np.int64) - 1) // 2, 0)
                    # once an entry where it holds; never where the loop runs its full count
                    leave = np.where(np.isfinite(first), 1.0 / np.maximum(first, 1.0), 0.0)
                    taken[b] = leave if exits else 1.0 - leave
        for summary in self.dataflow.loops:
            b = summary.controlling_block
            if b is not None and known[summary.loop.index]:
                taken[b] = _controlling_taken(summary, self.dataflow, trips[summary.loop.index])
        loop_memos: dict = {}
        for b, branch in self.dataflow.branches.items():
            if b in taken:
                continue
            loop = self.cfg.innermost_loop(b)
            counter = f"i{loop.index}" if loop else None
            taken[b] = condition_mean(branch.condition, env, memo, n, counter,
                                      trips[loop.index] if loop else None, loop_memos)
            if taken[b] is None:
                taken[b] = magnitude_prior(branch.condition)
        freq = block_frequencies(self.cfg, self.dataflow, trips, taken, n)
        return trips, known, taken, freq

    def _spin_wait(self, index: int) -> bool:
        """Whether loop ``index`` only polls: its memory accesses are loads of one address, the
        same for every thread and iteration (`cg::this_grid().sync()`'s wait on the barrier word, a
        block's warps waiting on a shared flag), or
        it tests an mbarrier or sleeps and stores nothing (`cuda::barrier::wait`'s back-off loop)."""
        inside = [sa.access for sa in self.accesses if index in sa.loops]
        counters = {summary.counter for summary in self.dataflow.loops}
        if inside and all(a.op == "load" and a.space in ("global", "shared") and not a.address.varying()
                          and not counters & a.address.symbols() for a in inside):
            return True
        opcodes = {(ins.opcode, "try_wait" in ins.modifiers or "test_wait" in ins.modifiers)
                   for b in self.cfg.loops[index].blocks for ins in self.cfg.blocks[b].instructions}
        polls = ("mbarrier", True) in opcodes or any(op == "nanosleep" for op, _ in opcodes)
        return polls and all(a.op == "load" for a in inside)

    @functools.cached_property
    def _overwriting_stores(self) -> tuple[MemoryAccess, ...]:
        """Global stores of an integer constant, outside every loop, to the very address a global
        load of the same width reads (bfs's `mask[tid] = false` after `if (mask[tid])`)."""
        read = {(a.address, a.bytes) for a in self.dataflow.accesses if a.op == "load" and a.space == "global"}
        return tuple(a for a in self.dataflow.accesses
                     if a.op == "store" and a.stored is not None and a.space == "global"
                     and (a.address, a.bytes) in read and self.cfg.innermost_loop(a.block) is None)

    def _consumed_elements(self, env: dict[str, object], freq: list[np.ndarray], n: int
                           ) -> tuple[list[int], dict[int, tuple[np.ndarray, np.ndarray]]] | None:
        """Elements the sampled threads read and then overwrote with a constant: (the stores' PTX
        lines, {element bytes: (sorted addresses, values)}), or None: the ``_overwriting_stores``
        that ran (for each sampled thread whose count of its block is above one half)."""
        lines: list[int] = []
        found: dict[int, list[tuple[np.ndarray, int]]] = {}
        for access in self._overwriting_stores:
            ran = freq[access.block] > 0.5
            where = _evaluate_or_none(access.address, env, n) if ran.any() else None
            if where is None:
                continue
            lines.append(access.instruction.line)
            found.setdefault(access.bytes, []).append((where[ran], access.stored))
        if not lines:
            return None
        overlay = {}
        for width, parts in found.items():
            addresses = np.concatenate([a for a, _ in parts])[::-1]  # the last store wins
            values = np.concatenate([np.full(a.size, v, dtype=np.int64) for a, v in parts])[::-1]
            addresses, first = np.unique(addresses, return_index=True)
            overlay[width] = (addresses, values[first])
        return sorted(lines), overlay

    def _sass_per_block(self, sass: SassLines) -> tuple[np.ndarray, dict[int, int]]:
        """SASS instructions per execution of each CFG block, from the SASS ptxas made of each
        PTX line (``flipflop.frontend.sass``), and the blocks ptxas if-converted: {block: the
        predecessor whose branch it hangs on}.

        ptxas may copy a loop body (unrolling, a remainder loop, peeling): each copy runs a
        share of the iterations, so a line's SASS count over all copies is divided by the
        copies. They are counted on the loop's own memory and floating-point lines, which
        no copy can merge with another's (median over those lines, 1 if there is none). A
        ``ret``/``exit`` is one EXIT: code ptxas lays out after the last one (slow paths it
        calls) carries no line of its own and lands on that line. A block whose every SASS
        instruction is predicated, entered only from a conditional branch, was if-converted:
        a warp issues it whenever it runs that branch, whatever its lanes decide."""
        counts = {}
        for block in self.cfg.blocks:
            for ins in block.instructions:
                found = sass.counts.get(ins.line, 0)
                counts[ins.line] = min(found, 1) if ins.opcode in ("ret", "exit") else found
        per_block = np.array([sum(counts[ins.line] for ins in b.instructions) for b in self.cfg.blocks], dtype=float)
        for loop in self.cfg.loops:
            own = [b for b in self.cfg.blocks if self.cfg.innermost_loop(b.index) is loop]
            anchors = [counts[ins.line] for b in own for ins in b.instructions
                       if counts[ins.line] > 0 and (ins.opcode in ("ld", "st", "atom", "red")
                                                    or operand_type(ins) in FLOAT_TYPE_CLASS)]
            copies = max(1.0, float(round(np.median(anchors)))) if anchors else 1.0
            for b in own:
                per_block[b.index] /= copies
        converted = {}
        for b in self.cfg.blocks:
            lines = {ins.line for ins in b.instructions}
            issued = sum(counts[line] for line in lines)
            guarded = sum(min(sass.predicated.get(line, 0), counts[line]) for line in lines)
            branch = self.cfg.blocks[b.predecessors[0]].terminator if len(b.predecessors) == 1 else None
            if issued and guarded == issued and branch is not None and branch.opcode == "bra" and branch.predicate:
                converted[b.index] = b.predecessors[0]
        return per_block, converted

    # ----- evaluation -----------------------------------------------------------------
    def evaluate(self, block: tuple[int, int, int], grid: tuple[int, int, int], arguments: Sequence,
                 resources: Resources, dynamic_shared_bytes: int = 0,
                 sass_lines: SassLines | None = None) -> LaunchFeatures:
        """Features of this kernel launched with ``block`` × ``grid`` on ``arguments``.
        ``sass_lines`` (``flipflop.frontend.sass``: the SASS ptxas made of each PTX line) adds
        the SASS instructions a warp issues."""
        return self.evaluate_detailed(block, grid, arguments, resources, dynamic_shared_bytes, sass_lines)[0]

    def _early_exits(self, summary, env: dict, trips: np.ndarray, n: int):
        """(branch, whether taking it leaves the loop, first iteration + 1 at which it does, per
        sampled thread: infinite where it never does) for each exit of ``summary``'s loop other
        than the one that counts its trips, whose condition changes with the loop's counter; the
        condition is evaluated iteration by iteration (in growing chunks, at most
        EXIT_SCAN_LIMIT iterations)."""
        loop, counter = summary.loop, summary.counter
        for b, successor in self.cfg.exit_edges(loop):
            branch = self.dataflow.branches.get(b)
            if b == summary.controlling_block or branch is None or self.cfg.innermost_loop(b) is not loop \
                    or counter not in branch.condition.symbols():
                continue
            exits = successor == branch.taken
            top = int(min(trips.max(), EXIT_SCAN_LIMIT))
            first = np.full(n, np.inf)
            start, chunk = 0, 64
            try:
                while start < top and np.isinf(first).any():
                    steps = np.arange(start, min(start + chunk, top), dtype=np.int64)
                    at = dict(env)
                    at[counter] = steps[:, None]
                    holds = np.broadcast_to(np.asarray(branch.condition.evaluate(at, {})) != 0, (len(steps), n))
                    leaves = holds if exits else ~holds
                    hit = leaves.any(axis=0)
                    found = np.where(hit, steps[np.argmax(leaves, axis=0)] + 1.0, np.inf)
                    first = np.where(np.isinf(first), found, first)
                    start, chunk = start + len(steps), min(chunk * 2, 4096)
            except (NotEvaluable, OverflowError, ValueError):
                continue
            if np.isfinite(first).any():
                yield b, exits, first

    def _mean_trip(self, summary, env: dict, memo: dict, trips: dict[int, np.ndarray], n: int) -> np.ndarray:
        """A loop's trip count per sampled thread; where it depends on the counter of a loop
        around it (a triangular loop: bitonic sort's `for (stride = size / 2; ...)` inside
        `for (size = 2; ...; size <<= 1)`), its mean over that loop's iterations, so that the
        outer trips × this mean count every inner iteration once."""
        trip = summary.trip_count
        names = trip.symbols()
        outer = None
        parent = summary.loop.parent
        while parent is not None and outer is None:
            if f"i{parent}" in names and parent in trips:
                outer = parent
            parent = self.cfg.loops[parent].parent
        if outer is None:
            return np.broadcast_to(np.asarray(trip.evaluate(env, memo), dtype=float), (n,))
        counter, outer_trips = f"i{outer}", trips[outer]
        top = int(min(max(outer_trips.max(), 1.0), TRIANGULAR_LIMIT))
        steps = np.unique(np.linspace(0, top - 1, min(top, TRIANGULAR_POINTS)).round().astype(np.int64))
        # The mean over the iterations that enter the loop: the guard in front of it already
        # counts how often that is (`for (j = 0; j < i; j++)` is skipped at i = 0).
        exit_at = first_exit(trip)
        total, count = np.zeros(n), np.zeros(n)
        for k in steps:
            at = dict(env)
            at[counter] = np.full(n, k, dtype=np.int64)
            value = np.broadcast_to(np.asarray(trip.evaluate(at, {}), dtype=float), (n,))
            inside = k < outer_trips
            if exit_at is not None:
                inside &= np.broadcast_to(np.asarray(exit_at.evaluate(at, {})) >= 0, (n,))
            total += np.where(inside, value, 0.0)
            count += inside
        middle = np.broadcast_to(np.asarray(trip.evaluate(env, memo), dtype=float), (n,))
        return np.where(count > 0, total / np.maximum(count, 1.0), middle)

    def evaluate_detailed(self, block: tuple[int, int, int], grid: tuple[int, int, int],
                          arguments: Sequence, resources: Resources, dynamic_shared_bytes: int = 0,
                          sass_lines: SassLines | None = None
                          ) -> tuple[LaunchFeatures, tuple[BranchFacts, ...]]:
        """``evaluate`` plus the per-branch guard fractions."""
        with np.errstate(all="ignore"):  # wrapped integer arithmetic mirrors the GPU's
            return self._evaluate(block, grid, arguments, resources, dynamic_shared_bytes, sass_lines)

    def _evaluate(self, block: tuple[int, int, int], grid: tuple[int, int, int], arguments: Sequence,
                  resources: Resources, dynamic_shared_bytes: int, sass_lines: SassLines | None
                  ) -> tuple[LaunchFeatures, tuple[BranchFacts, ...]]:
        block = tuple(int(v) for v in block) + (1,) * (3 - len(block))  # type: ignore[assignment]
        grid = tuple(int(v) for v in grid) + (1,) * (3 - len(grid))  # type: ignore[assignment]
        if len(block) != 3 or len(grid) != 3 or min(block) < 1 or min(grid) < 1:
            raise ConfigurationError(f"block {block} and grid {grid} must be positive")
        params, arrays = self._bind(arguments)
        sample = sample_launch(block, grid)
        n = sample.size
        env: dict[str, object] = sample.symbols()
        env.update(params)
        env.update(self.shared_offsets)
        # The grid barrier's workspace lies in no argument (slot 0, which none uses): its word is
        # known to be one address, what it holds is not.
        env.update(envreg1=0, envreg2=GRID_WORKSPACE_BYTE)
        env[LOAD_ENV_KEY] = self._loader(arrays)
        notes: list[str] = [*self._unmodelled_notes, *self._dtype_notes(arrays)]
        unread = sorted({name for name, offset, typ in self.dataflow.param_fields
                         if param_field_symbol(name, offset, typ) not in params})
        if unread:
            notes.append(f"struct argument{'s' if len(unread) > 1 else ''} {', '.join(unread)}: integer fields not "
                         "known (pass a numpy structured scalar of the struct's size); conditions on them are estimated")
        trips, known, taken, freq = self._control(env, n)
        consumed = self._consumed_elements(env, freq, n)
        if consumed:
            # Kernel Tuner times repeated launches on the same buffers: an element a thread reads and
            # then overwrites with a constant (BFS's `if (mask[tid]) { mask[tid] = false; ...}`)
            # holds that constant from the second launch on, so the launch measured is that one.
            lines, overlay = consumed
            env[LOAD_ENV_KEY] = _overlaid(env[LOAD_ENV_KEY], overlay)
            trips, known, taken, freq = self._control(env, n)
            notes.append(f"PTX line{'s' if len(lines) > 1 else ''} {', '.join(map(str, lines))}: a constant "
                         "stored over an element the same thread read; predicted for repeated launches on the "
                         "same buffers (as Kernel Tuner measures them), where the element holds it")
        for summary in self.dataflow.loops:
            if not known[summary.loop.index] and freq[summary.loop.header].any():
                line = self.cfg.blocks[summary.loop.header].line
                if self._spin_wait(summary.loop.index):
                    notes.append(f"loop at PTX line {line}: a wait (a grid or block barrier, a lock), counted as "
                                 "one poll; the wait itself is not modelled")
                else:
                    notes.append(f"loop at PTX line {line}: trip count unknown, counted once")
        warp_freq_lanes = self._warp_visits(freq, trips, taken, n)

        weight = sample.weight
        total_weight = weight.sum()
        mean_freq = np.array([(weight * f).sum() / total_weight for f in freq])
        # Loops' own branches are named by the loop's note (trip count unknown).
        controlling = {s.controlling_block for s in self.dataflow.loops}
        guessed = sorted(self.cfg.blocks[b].instructions[-1].line for b, p in taken.items()
                         if p is None and mean_freq[b] > 0 and b not in controlling)
        if guessed:
            shown = ", ".join(map(str, guessed[:GUESSED_LINES_SHOWN]))
            more = f" and {len(guessed) - GUESSED_LINES_SHOWN} more" if len(guessed) > GUESSED_LINES_SHOWN else ""
            notes.append(f"branch{'es' if len(guessed) > 1 else ''} at PTX line{'s' if len(guessed) > 1 else ''} "
                         f"{shown}{more}: condition on data the analysis does not follow; each side taken half the time")
        counts = mean_freq @ self.static_counts
        instructions = {name: float(counts[k]) for k, name in enumerate(INSTRUCTION_CLASSES)}
        # A warp issues a block's instructions once if any of its lanes runs it, as often as
        # its busiest lane: per sampled warp, the lane maximum of each block's frequency.
        real = (weight > 0).reshape(-1, WARP_SIZE)
        warp_weight = weight.reshape(-1, WARP_SIZE).max(axis=1)
        warp_freq = np.array([np.where(real, f.reshape(-1, WARP_SIZE), 0.0).max(axis=1) for f in warp_freq_lanes])
        warp_block_freq = (warp_freq @ warp_weight) / warp_weight.sum() if freq else mean_freq
        # A warp that runs a block when any lane does: its busiest lane's count, or the chance
        # that some lane runs it where lanes run it by chance (a data-dependent guard).
        lane_chance = np.minimum(np.array([np.where(real, f.reshape(-1, WARP_SIZE), 0.0) for f in freq]), 1.0)
        warp_any = np.maximum(warp_freq, 1.0 - np.prod(1.0 - lane_chance, axis=2)) if freq else warp_freq
        warp_any_freq = (warp_any @ warp_weight) / warp_weight.sum() if freq else mean_freq
        # A global request per warp that runs the access, as often as its busiest lane (lanes
        # routed as the guards say, not both ways: lanes that take a branch on unfollowed data
        # half the time make half the requests, each counted with the sectors of every lane).
        lane_max = np.array([np.where(real, f.reshape(-1, WARP_SIZE), 0.0).max(axis=1) for f in freq])
        warp_request_freq = (lane_max @ warp_weight) / warp_weight.sum() if freq else mean_freq
        warp_counts = warp_block_freq @ self.static_counts
        warp_instructions = {name: float(warp_counts[k]) for k, name in enumerate(INSTRUCTION_CLASSES)}
        warp_sass = None
        if sass_lines is not None:
            per_block, converted = self._sass_per_block(sass_lines)
            issued = warp_block_freq.copy()
            for b, branch in sorted(converted.items()):  # predecessors first: chains take the outer branch's
                issued[b] = issued[branch]
            warp_sass = float(issued @ per_block)

        ptx_per_block = self.static_counts.sum(axis=1)  # PTX instructions in each basic block
        work = ptx_per_block * mean_freq
        busiest = int(np.argmax(work)) if work.size else 0
        active_fraction = float(weight[freq[busiest] > 0].sum() / total_weight) if work.size else 1.0
        block_imbalance = _block_imbalance(freq, ptx_per_block, weight, sample.padded_threads)
        path_instructions = (_block_path(warp_freq, ptx_per_block, warp_weight, sample.padded_threads // WARP_SIZE)
                             if freq else None)

        # Address analyses look at two representative blocks only (see launch.memory_blocks).
        mem_sample, kept = restrict(sample, memory_blocks(sample))
        env0: dict[str, object] = dict(env)
        env0.update(mem_sample.symbols())
        for summary in self.dataflow.loops:
            env0[summary.counter] = 0
        env0[_MEMO_KEY] = {}  # evaluations over env0 share their sub-expressions
        mem_freq = [f[kept] for f in freq]
        mem_trips = {k: t[kept] for k, t in trips.items()}
        array_bytes = {p.name: float(arrays[k + 1].nbytes) for k, p in enumerate(self.function.params)
                       if k + 1 in arrays}
        array_bytes.update((name, float(size)) for name, size in self.dataflow.global_bytes.items())
        metrics: list[tuple] = [()] * len(self.accesses)
        order = {line: k for k, line in enumerate(sorted(sa.access.instruction.line for sa in self.accesses))}
        ranges = _AddressRanges.of(mem_sample, env0, mem_trips)
        for group in self.access_groups:
            members = [self.accesses[k] for k in group]
            for k, values in zip(group, self._group_metrics(members, mem_sample, env0, mem_freq,
                                                            mem_trips, array_bytes, ranges, order)):
                metrics[k] = values
        self._check_extents(mem_sample, env0, mem_freq, arrays)
        window_share = self._window_shares(mem_sample, env0, mem_freq)
        strides = [self._strides(sa, env0) for sa in self.accesses]
        atomics = [atomic_kind(sa.access.instruction) if sa.access.op == "atomic" else (False, False)
                   for sa in self.accesses]
        accesses = tuple(
            AccessFacts(
                line=sa.access.instruction.line, space=sa.access.space, op=sa.access.op,
                bytes=sa.access.bytes, affine=sa.affine, stride_bytes=strides[k],
                loop_depth=len(sa.loops), executions_per_thread=float(mean_freq[sa.access.block]),
                sectors_per_request=m[0], lines_per_request=m[1], bank_conflict_degree=m[2],
                footprint_bytes=m[5], block_footprint_bytes=m[4], uniform=m[3],
                cached_read_only=sa.access.cached_read_only,
                loop_stride_bytes=self._loop_stride(sa, env0), array=sa.access.base_param,
                offset_bytes=int(sa.access.address.const), loop=sa.loops[-1] if sa.loops else None,
                new_sector_share=m[6], window_share=window_share.get(k),
                array_bytes=_union_bytes(sa.access.base_param, array_bytes), atomic_float=atomics[k][0],
                atomic_warp_combined=atomics[k][1] and sa.affine
                and all(strides[k].get(d) == 0 for d in _DIMS),
                warp_executions=float(warp_any_freq[sa.access.block]), atomic_addresses=m[8],
                warp_requests=float(warp_request_freq[sa.access.block]), start_address=m[9],
                from_data=sa.from_data, far_sector_share=m[10][0] if m[10] else 0.0,
                far_fetch_ratio=m[10][1] if m[10] else 1.0)
            for k, (sa, m) in enumerate(zip(self.accesses, metrics)))

        unknown_lines = [str(a.line) for a, m in zip(accesses, metrics)
                         if a.space in ("global", "generic") and a.executions_per_thread > 0 and m[7] == "unknown"]
        shifted_lines = [str(a.line) for a, m in zip(accesses, metrics)
                         if a.space in ("global", "generic") and a.executions_per_thread > 0 and m[7] == "shifted"]
        masked_lines = [str(a.line) for a, m in zip(accesses, metrics)
                        if a.space in ("global", "generic") and a.executions_per_thread > 0 and m[7] == "masked"]
        if resources.local_bytes == 0 and not resources.estimated:
            # ptxas kept the PTX's local array in registers (no stack frame): the slow path of
            # sinf/cosf (Payne-Hanek reduction) declares one, and SASS touches no local memory.
            accesses = tuple(a for a in accesses if a.space != "local")
        elif resources.local_bytes:
            # A thread's stack frame is all its local accesses can touch: a block's frames, and
            # the grid's, bound what they bring into L1 and L2. An index on data (a per-thread
            # histogram, HeCBench entropy's `count[d_val[...]]++`) reaches anywhere in the frame:
            # the sampled addresses are no footprint.
            block_frames = resources.local_bytes * math.prod(block)
            grid_frames = block_frames * math.prod(grid)
            accesses = tuple(dataclasses.replace(
                a, block_footprint_bytes=_at_most(a.block_footprint_bytes if a.affine else None, block_frames),
                footprint_bytes=_at_most(a.footprint_bytes if a.affine else None, grid_frames))
                if a.space == "local" else a for a in accesses)
        if shifted_lines:
            notes.append(f"global accesses at PTX line{'s' if len(shifted_lines) > 1 else ''} "
                         f"{', '.join(shifted_lines)}: address known up to a shift the analysis does not "
                         "follow (the same for every thread, taken as aligned)")
        if masked_lines:
            notes.append(f"global accesses at PTX line{'s' if len(masked_lines) > 1 else ''} "
                         f"{', '.join(masked_lines)}: address on data the analysis does not follow, through a "
                         "mask of a few values; sectors a request from those values drawn at random, its array's "
                         "size bounding what they read from DRAM")
        if unknown_lines:
            notes.append(f"global accesses at PTX line{'s' if len(unknown_lines) > 1 else ''} "
                         f"{', '.join(unknown_lines)}: address not known to the analysis; "
                         "one 32-byte sector per thread assumed, its array's size bounding what they read from DRAM")
        loops = []
        for summary in self.dataflow.loops:
            loop = summary.loop
            entered = (freq[loop.header] > 0) & (weight > 0)
            trip = None
            if known[loop.index]:
                trip = 0.0  # no thread enters the loop
                if entered.any():
                    trip = float((trips[loop.index] * weight)[entered].sum() / weight[entered].sum())
            loops.append(LoopFacts(self.cfg.blocks[loop.header].line, loop.depth, trip,
                                   summary.data_dependent,
                                   str(summary.trip_count) if summary.trip_count is not None else "unknown"))

        branches = []
        for b, branch in sorted(self.dataflow.branches.items()):
            arriving = weight * freq[b]
            fraction = None
            if taken[b] is not None and arriving.sum() > 0:
                fraction = float((arriving * taken[b]).sum() / arriving.sum())
            line = self.cfg.blocks[b].instructions[-1].line
            branches.append(BranchFacts(line, branch.condition.varying(), fraction, b in controlling))

        features = LaunchFeatures(
            kernel=self.name, block=block, grid=grid, instructions=instructions,
            warp_instructions=warp_instructions, accesses=accesses, loops=tuple(loops), active_fraction=active_fraction,
            divergent_branches=len(self.divergent_blocks),
            barriers_per_thread=instructions["barrier"],
            registers=resources.registers,
            shared_bytes=resources.shared_bytes + int(dynamic_shared_bytes),
            local_bytes=resources.local_bytes, spill_bytes=resources.spill_bytes,
            static_instructions=int(self.static_counts.sum()), warp_sass_instructions=warp_sass,
            notes=tuple(notes), block_imbalance=block_imbalance, path_instructions=path_instructions)
        return features, tuple(branches)

    def _group_metrics(self, members: list[StaticAccess], sample: LaunchSample, env0: dict,
                       freq: list[np.ndarray], trips: dict[int, np.ndarray], array_bytes: dict[str, float],
                       ranges: "_AddressRanges", order: dict[int, int]) -> list[tuple]:
        """Warp metrics of accesses that share one address shape (their addresses differ by
        constants, such as an unrolled loop's loads): the shape is evaluated once and every
        member's warps go through the sector and bank counts in one batch.

        ``order``: each of the kernel's memory accesses' place in program order, by PTX line.
        Returns (sectors, lines, degree, uniform, block_fp, grid_fp, new_sector_share,
        address_known, atomic_addresses, start_address) per member; new_sector_share: the part of a load's (store's)
        sectors that no earlier member load (store) touched in the same warp (1 for the first, and
        for atomics); address_known: "known" (the shape evaluated), "shifted" (evaluated with its
        unknown part, the same for every thread, at zero), "masked" (not evaluated, but data drawn at
        random reaches fewer sectors a request: a mask of a few values) or "unknown" (one sector per
        thread assumed);
        atomic_addresses: an atomic's effective address count (``_effective_addresses``); far: the
        shape's ``_far_sectors`` (None where it does not apply)."""
        first = members[0]
        access = first.access
        n = sample.size
        warps = n // WARP_SIZE
        weight = sample.weight
        memo0 = env0[_MEMO_KEY]
        base = _evaluate_or_none(first.shape, env0, n, memo0)
        shifted = False
        if base is None and access.space != "shared":
            # An address whose unknown part is the same for every thread (a pointer bumped by
            # steps the analysis does not follow, from the thread's own element) has the warp's
            # pattern of its known part: taken as aligned.
            base = _evaluate_or_none(first.shape, {**env0, UNKNOWN_ENV_KEY: _uniform_at_zero}, n)
            shifted = base is not None
        active = np.empty((len(members), n), dtype=bool)
        for k, sa in enumerate(members):
            active[k] = self._runs(sa, sample, env0, freq)
        act_w = active.reshape(len(members), warps, WARP_SIZE)
        live = act_w.any(axis=2)
        warp_weight = weight.reshape(warps, WARP_SIZE).max(axis=1)[None, :] * live
        totals = warp_weight.sum(axis=1)

        def means(values: np.ndarray) -> list[float | None]:
            sums = (values.reshape(len(members), warps) * warp_weight).sum(axis=1)
            return [float(v / t) if t > 0 else None for v, t in zip(sums, totals)]

        none = [None] * len(members)
        sectors, lines, degree = none, none, none
        masked = False
        new_share: list[float | None] = [1.0] * len(members)
        if base is None:
            varying = access.address.varying()
            lanes = act_w.sum(axis=2) if varying else live.astype(float)
            per_thread = -(-access.bytes // SECTOR_BYTES)
            drawn = _evaluate_or_none(first.shape, {**env0, UNKNOWN_ENV_KEY: _draw_unknown(n)}, n) \
                if varying and _behind_masks(first.shape) else None
            if drawn is not None:
                # Data the analysis cannot follow, reaching the address through masks, drawn at random
                # where it appears: histogram64's `and(32 * byte, 8064)` moves a lane by whole bank
                # rows, so the lanes' own part decides the banks; libdevice's fp64 sin and cos read
                # their coefficients at `8 * and(8 * quadrant, 8)`, two addresses, so the lanes reach
                # as few sectors as those values allow, never more than one sector a lane.
                offsets = np.array([sa.access.address.const for sa in members], dtype=np.int64)
                drawn_addr = (drawn[None, :] + offsets[:, None]).reshape(len(members) * warps, WARP_SIZE)
                drawn_act = act_w.reshape(len(members) * warps, WARP_SIZE)
            if access.space == "shared":
                degree = [(RANDOM_BANK_DEGREE if varying else 1.0) if t > 0 else None for t in totals]
                if drawn is not None:
                    degree = means(bank_conflict_degree(drawn_addr, drawn_act, access.bytes,
                                                        broadcast=access.op != "atomic"))
            else:
                sectors = lines = means(lanes * per_thread)
                if drawn is not None:
                    few_sectors = means(units_per_request(drawn_addr, drawn_act, access.bytes, SECTOR_BYTES))
                    few_lines = means(units_per_request(drawn_addr, drawn_act, access.bytes, LINE_BYTES))
                    masked = any(d is not None and s is not None and d < s for d, s in zip(few_sectors, sectors))
                    if masked:
                        sectors = [d if s is None or d is None else min(s, d) for d, s in zip(few_sectors, sectors)]
                        lines = [d if s is None or d is None else min(s, d) for d, s in zip(few_lines, lines)]
            uniform = [not varying] * len(members)
        else:
            offsets = np.array([sa.access.address.const for sa in members], dtype=np.int64)
            addr = (base[None, :] + offsets[:, None]).reshape(len(members) * warps, WARP_SIZE)
            act = act_w.reshape(len(members) * warps, WARP_SIZE)
            if access.space == "local":
                addr = _interleave_local(addr)
            filled = np.where(act, addr, addr[np.arange(addr.shape[0]), np.argmax(act, axis=1)][:, None])
            same = (filled == filled[:, :1]).all(axis=1).reshape(len(members), warps)
            uniform = [bool(row.all()) for row in same]
            if access.tile is not None:
                sectors, lines, degree = self._tile_metrics(access, addr, act, env0, means)
            elif access.space == "shared":
                degree = means(bank_conflict_degree(addr, act, access.bytes, broadcast=access.op != "atomic"))
            else:
                per_warp = units_per_request(addr, act, access.bytes, SECTOR_BYTES)
                sectors = means(per_warp)
                lines = means(units_per_request(addr, act, access.bytes, LINE_BYTES))
                # Copies of a load share the sectors an earlier copy fetched. Stores merge only
                # back to back (a vector store split in scalars: layernorm's four 4-byte stores
                # reach L2 as one write, H200 counters), not across the loads of an unrolled
                # loop (transposeNaive's eight copies reach L2 one by one).
                fresh = per_warp.reshape(len(members), warps).astype(float)
                loads = [k for k, sa in enumerate(members) if sa.access.op == "load"]
                stores = [k for k, sa in enumerate(members) if sa.access.op == "store"]
                for same in [loads] + _back_to_back(stores, members, order):
                    if len(same) > 1:
                        fresh[same] = new_units_per_request(
                            addr.reshape(len(members), warps, WARP_SIZE)[same],
                            act.reshape(len(members), warps, WARP_SIZE)[same], access.bytes, SECTOR_BYTES)
                new_share = [None if s is None or s == 0 else min(1.0, f / s)
                             for f, s in zip(means(fresh), sectors)]
        # One footprint per shape (members differ by constant shifts); from the member that
        # runs most (a store under a boundary guard would see none of the heaviest block's
        # threads), and members never executed report zero.
        runs = [t > 0 for t in totals]
        spread, far = None, None
        if base is None or not any(runs):
            footprint = (None, None) if base is None else (0.0, 0.0)
        elif shifted:
            footprint = (None, None)  # the shift moves with the loops: the array bounds it
        else:
            k = int(np.argmax(totals))
            footprint = self._footprints(members[k], sample, env0, active[k], base, trips, array_bytes, ranges)
            far = self._far_sectors(members[k], sample, env0, active[k], base)
            if access.op == "atomic" and first.from_data:
                # data-dependent addresses: the sampled threads' first iteration samples the data
                # (addresses the thread index alone gives, `tid % 32`, take the grid's footprint)
                spread = _effective_addresses(base[active[k]])
        # Where each member starts: the address of the first sampled thread that runs it, in the
        # first iteration of its loops (a later pass over the same data starts where this one did).
        starts = [None] * len(members)
        if base is not None:
            for k, sa in enumerate(members):
                if active[k].any():
                    starts[k] = int(base[int(np.argmax(active[k]))]) + int(sa.access.address.const)
        return [(sectors[k], lines[k], degree[k], uniform[k]) + (footprint if runs[k] else (0.0, 0.0))
                + (1.0 if new_share[k] is None else new_share[k],
                   ("masked" if masked else "unknown") if base is None else "shifted" if shifted else "known",
                   spread, starts[k], far)
                for k in range(len(members))]

    @staticmethod
    def _tile_metrics(access: MemoryAccess, addr_w: np.ndarray, act_w: np.ndarray, env0: dict,
                      means) -> tuple[list, list, list]:
        """A wmma fragment: the warp reads ``rows`` rows of ``row_bytes`` from its first
        lane's address (shared fragments are taken as conflict-free)."""
        rows, row_bytes = access.tile  # type: ignore[misc]
        count = addr_w.shape[0]
        if access.space == "shared":
            return [None] * count, [None] * count, means(np.ones(count))
        stride = _evaluate_or_none(access.row_stride, env0, 1) if access.row_stride is not None else None
        if stride is None:
            return [None] * count, [None] * count, [None] * count
        start = addr_w[np.arange(count), np.argmax(act_w, axis=1)]
        rows_addr = start[:, None] + np.arange(rows, dtype=np.int64)[None, :] * int(stride[0])
        every = np.ones(rows_addr.shape, dtype=bool)
        return (means(units_per_request(rows_addr, every, row_bytes, SECTOR_BYTES)),
                means(units_per_request(rows_addr, every, row_bytes, LINE_BYTES)), [None] * count)

    def _footprints(self, sa: StaticAccess, sample: LaunchSample, env0: dict, active: np.ndarray,
                    address: np.ndarray, trips: dict[int, np.ndarray], array_bytes: dict[str, float],
                    ranges: "_AddressRanges") -> tuple[float | None, float | None]:
        """Distinct bytes one (interior) block touches over its loops, and the whole grid (at most
        the bytes of its array or arrays, ``array_bytes`` by name, and its address span)."""
        unit = BANK_WORD_BYTES if sa.access.space == "shared" else SECTOR_BYTES
        rows = _heaviest_block(sample)
        mask = active[rows]
        if not mask.any():
            return 0.0, 0.0
        base = address[rows]
        d0 = distinct_units(base, mask, unit)
        growth = 1.0
        for index in sa.loops:
            trip = float(np.mean(trips[index][rows][mask]))
            step = 1
            later = self._address_at(sa, env0, index, step, sample.size)
            if later is None:
                continue
            # A step shorter than a sector mostly stays inside the sectors already counted:
            # compare with the first iteration that leaves them, and share its growth out.
            stride = int(np.median(np.abs(later[rows][mask] - base[mask])))
            if 0 < stride < unit and trip > 2:
                step = int(min(-(-unit // stride), trip - 1))
                later = self._address_at(sa, env0, index, step, sample.size)
                if later is None:
                    continue
            both = np.concatenate([base, later[rows]])
            new = distinct_units(both, np.concatenate([mask, mask]), unit) - d0
            growth *= 1.0 + max(trip - 1.0, 0.0) * new / (step * d0)
        block_fp = d0 * unit * growth
        if sa.access.tile is not None:  # a fragment covers rows × row_bytes from each address
            tile_rows, row_bytes = sa.access.tile
            block_fp *= tile_rows * max(row_bytes, unit) / unit
        if sa.access.space != "global":
            return block_fp, None
        overlap = _block_overlap(sample, address, active, unit, drawn=sa.from_data)
        grid_fp = block_fp * sample.grid[0] * sample.grid[1] * sample.grid[2] * overlap
        bounds = [b for b in (_union_bytes(sa.access.base_param, array_bytes),
                              _address_span(sa, ranges, unit)) if b is not None]
        return block_fp, min([grid_fp, *bounds])

    def _far_sectors(self, sa: StaticAccess, sample: LaunchSample, env0: dict, active: np.ndarray,
                     address: np.ndarray) -> tuple[float, float] | None:
        """For a global address computed from the thread index alone but not affine in it (a
        bit-reversal permutation's `d_in[rev(i)]`), where the heaviest block uses less than half of
        each sector it reaches: the share of those sectors that no other block within
        ``REUSE_WINDOW_THREADS`` of it in launch order reaches (their other bytes are wanted only after
        L2 has moved on), and the bytes L2 fetches for each such sector's 32 (2 where the block uses one
        sector of each 64-byte pair). None where this does not apply or cannot be evaluated."""
        access = sa.access
        if access.space != "global" or sa.affine or sa.from_data or sa.loops:
            return None
        rows = _heaviest_block(sample)
        mask = active[rows]
        if not mask.any():
            return None
        const = int(access.address.const)
        own = address[rows][mask] + const
        sectors = np.unique(own // SECTOR_BYTES)
        if np.unique(own // access.bytes).size * access.bytes >= 0.5 * sectors.size * SECTOR_BYTES:
            return None
        threads = math.prod(sample.block)
        gx, gy, _ = sample.grid
        here = int(sample.ctaid[0][rows.start] + gx * (sample.ctaid[1][rows.start] + gy * sample.ctaid[2][rows.start]))
        reach = max(1, REUSE_WINDOW_THREADS // threads // 2)
        first, last = max(0, here - reach), min(math.prod(sample.grid), here + reach + 1)
        window = block_window(sample.block, sample.grid, first, last - first)
        # The memory sample's per-thread values (its indices, trip counts) do not describe the window.
        env = {key: value for key, value in env0.items()
               if not (isinstance(value, np.ndarray) and value.ndim and value.shape[0] == sample.size)}
        env.update(window.symbols())
        env[_MEMO_KEY] = {}
        near = _evaluate_or_none(sa.shape, env, window.size)
        if near is None:
            return None
        others = np.ones(window.size, dtype=bool)
        others[(here - first) * threads:(here - first + 1) * threads] = False
        far = sectors[~np.isin(sectors, (near[others] + const) // SECTOR_BYTES)]
        if far.size == 0:
            return None
        pairs = np.unique(far // (PAIR_BYTES // SECTOR_BYTES)).size
        return far.size / sectors.size, PAIR_BYTES * pairs / (SECTOR_BYTES * far.size)

    def _check_extents(self, sample: LaunchSample, env0: dict, freq: list[np.ndarray],
                       arrays: dict[int, np.ndarray]) -> None:
        """Raise ArgumentSizeError when a sampled thread certainly accesses past the end of an
        argument array. Sound, not complete: only affine global accesses outside loops, by
        threads whose path to the access is certain (block frequency 1, guard evaluated true);
        the sample holds the last block of every grid dimension, where such an affine index
        peaks for the usual ``blockIdx * blockDim + threadIdx`` indexing."""
        index = {p.name: k for k, p in enumerate(self.function.params)}
        for sa in self.accesses:
            access = sa.access
            slot = index.get(access.base_param, -1) + 1
            if (access.space != "global" or sa.loops or not sa.affine or access.tile is not None
                    or slot not in arrays):
                continue
            certain = (freq[access.block] >= 1.0 - 1e-9) & (sample.weight > 0)
            if sa.guard is not None:
                try:
                    certain &= np.broadcast_to(np.asarray(sa.guard.evaluate(env0, env0[_MEMO_KEY])) != 0,
                                               certain.shape)
                except (NotEvaluable, OverflowError, ValueError):
                    continue
            address = self._address_in(sa, env0, sample.size)
            if address is None or not certain.any():
                continue
            offset = address[certain] - slot * POINTER_SPACING_BYTES
            offset = offset[(offset >= 0) & (offset < POINTER_SPACING_BYTES)]
            array = arrays[slot]
            if offset.size and int(offset.max()) + access.bytes > array.nbytes:
                extent = int(offset.max()) + access.bytes
                raise ArgumentSizeError(
                    f"argument {slot - 1} ({access.base_param}) of {self.name} holds {array.size:,} {array.dtype} "
                    f"({array.nbytes:,} bytes) but block {sample.block} × grid {sample.grid} accesses "
                    f"{extent:,} bytes of it (PTX line {access.instruction.line}); pass an array of at least "
                    f"{-(-extent // array.itemsize):,} elements")

    def _window_shares(self, sample: LaunchSample, env0: dict, freq: list[np.ndarray]) -> dict[int, float]:
        """Global loads of one array in one loop body with different address shapes (a 3-D
        stencil's neighbour rows and planes, whose offsets are symbolic): the share of the
        sectors their warp requests ask for in an iteration that the heaviest block did not
        already read, in that iteration or the one before. Index → share, for the members of
        such clusters only."""
        clusters: dict[tuple, list[int]] = {}
        for k, sa in enumerate(self.accesses):
            if sa.access.space == "global" and sa.access.op == "load" and sa.access.base_param is not None:
                clusters.setdefault((sa.access.base_param, sa.loops), []).append(k)
        rows = _heaviest_block(sample)
        shares: dict[int, float] = {}
        for (_, loops), members in clusters.items():
            accesses = [self.accesses[k] for k in members]
            if len({sa.shape for sa in accesses}) < 2:
                continue
            masks = [self._runs(sa, sample, env0, freq)[rows] for sa in accesses]
            iterations = []
            for iteration in ([0, 1] if loops else [0]):
                env = _env_at(env0, loops[-1], iteration) if loops else env0
                found = [self._address_in(sa, env, sample.size) for sa in accesses]
                if any(a is None for a in found):
                    break
                iterations.append([a[rows] for a in found])
            else:
                last = iterations[-1]
                requested = sum(units_per_request(a.reshape(-1, WARP_SIZE), m.reshape(-1, WARP_SIZE),
                                                  sa.access.bytes, SECTOR_BYTES).sum()
                                for a, m, sa in zip(last, masks, accesses))
                sectors = [np.unique(np.concatenate([(a // SECTOR_BYTES)[m] for a, m in zip(found, masks)]))
                           for found in iterations]
                fresh = np.setdiff1d(sectors[-1], sectors[0], assume_unique=True).size if loops else sectors[0].size
                for k in members:
                    shares[k] = min(1.0, fresh / requested) if requested > 0 else 1.0
        return shares

    @staticmethod
    def _runs(sa: StaticAccess, sample: LaunchSample, env0: dict, freq: list[np.ndarray]) -> np.ndarray:
        """Sampled threads that execute ``sa``: its block runs and its guard holds."""
        active = (freq[sa.access.block] > 0) & (sample.weight > 0)
        if sa.guard is not None:
            try:
                active &= np.broadcast_to(np.asarray(sa.guard.evaluate(env0, env0[_MEMO_KEY])) != 0, active.shape)
            except (NotEvaluable, OverflowError, ValueError):
                pass
        return active

    @staticmethod
    def _address_in(sa: StaticAccess, env: dict, n: int) -> np.ndarray | None:
        """Every sampled thread's address of ``sa`` (its shape plus its constant) under ``env``."""
        shape = _evaluate_or_none(sa.shape, env, n, env[_MEMO_KEY])
        return None if shape is None else shape + int(sa.access.address.const)

    @staticmethod
    def _address_at(sa: StaticAccess, env0: dict, loop: int, iteration: int, n: int) -> np.ndarray | None:
        """Every sampled thread's address shape of ``sa`` at ``iteration`` of ``loop`` (others at 0)."""
        env = _env_at(env0, loop, iteration)
        return _evaluate_or_none(sa.shape, env, n, env[_MEMO_KEY])

    def _loop_stride(self, sa: StaticAccess, env0: dict) -> int | None:
        expr = sa.loop_stride
        if expr is None:
            return None
        if expr.is_const:
            return int(expr.const)
        value = _evaluate_or_none(expr, env0, 1, env0[_MEMO_KEY])
        return int(value[0]) if value is not None else None

    def _strides(self, sa: StaticAccess, env0: dict) -> dict[str, int | None]:
        strides: dict[str, int | None] = {}
        for dim, expr in zip(_DIMS, sa.strides):
            if expr is not None and expr.is_const:
                strides[dim] = expr.const
                continue
            value = _evaluate_or_none(expr, env0, 1, env0[_MEMO_KEY]) if expr is not None else None
            strides[dim] = int(value[0]) if value is not None and (value == value[0]).all() else None
        return strides


def _at_most(value: float | None, bound: float) -> float:
    """``value`` capped at ``bound``; ``bound`` where it is unknown."""
    return bound if value is None else min(value, bound)


def _effective_addresses(addresses: np.ndarray) -> float | None:
    """How many addresses a sample of atomics spreads over as if evenly, 1 / Σ p² (p: each address's
    share), estimated free of the sample's finite size; None where no address repeats in the sample
    (spread wider than it can tell)."""
    if addresses.size < 2:
        return None
    _, counts = np.unique(addresses, return_counts=True)
    repeats = float((counts * (counts - 1.0)).sum())
    return addresses.size * (addresses.size - 1.0) / repeats if repeats > 0 else None


def _typed_view(array: np.ndarray, dtype: np.dtype) -> np.ndarray:
    """``array``'s bytes read as ``dtype`` elements, without copying a broadcast constant
    (one element broadcast to a shape, all strides 0, as specs make zeros): every element is
    that one, so its bytes over a span both element sizes divide stand for the whole array,
    read with indices modulo the span."""
    if array.size and not any(array.strides):
        one = np.ascontiguousarray(array.reshape(-1)[:1]).view(np.uint8)
        return np.tile(one, math.lcm(array.itemsize, dtype.itemsize) // array.itemsize).view(dtype)
    raw = np.ascontiguousarray(array).reshape(-1).view(np.uint8)
    return raw[: raw.size // dtype.itemsize * dtype.itemsize].view(dtype)


def _back_to_back(indices: list[int], members: list[StaticAccess], position: dict[int, int]) -> list[list[int]]:
    """``indices`` into ``members`` split into runs with no other memory access between them
    (``position``: each memory access's place in program order, by PTX line)."""
    runs: list[list[int]] = []
    for k in sorted(indices, key=lambda k: members[k].access.instruction.line):
        at = position[members[k].access.instruction.line]
        if runs and at == position[members[runs[-1][-1]].access.instruction.line] + 1:
            runs[-1].append(k)
        else:
            runs.append([k])
    return runs


def _block_overlap(sample: LaunchSample, address: np.ndarray, active: np.ndarray, unit: int,
                   drawn: bool = False) -> float:
    """On a 1-D grid, the share of a block's data that the next block does not touch too, from two
    sampled blocks d apart: 1 for disjoint blocks (a tile each); small where every block reads the
    same window shifted a little (cuda-samples fp16ScalarProduct's start `tid + blockDim + blockIdx`
    reads one window 1,056 times: 152 MB of a 2 MB footprint before). The grid's footprint is one
    block's plus that share of each further block's. ``drawn``: addresses from data, which every
    block draws from one distribution rather than a window shifted by d: the share is the second
    block's new units, not divided by d (a scatter through a permutation, whose sampled blocks meet
    in a sector now and then, keeps nearly all; a histogram's hot bins keep few)."""
    per_block = sample.padded_threads
    if sample.grid[1] * sample.grid[2] != 1 or sample.size != 2 * per_block or sample.grid[0] < 2:
        return 1.0
    first, second = slice(0, per_block), slice(per_block, 2 * per_block)
    apart = int(sample.ctaid[0][per_block] - sample.ctaid[0][0])
    if apart <= 0 or not active[first].any() or not active[second].any():
        return 1.0
    own = distinct_units(address[first], active[first], unit)
    other = distinct_units(address[second], active[second], unit)
    union = distinct_units(address[:2 * per_block], active[:2 * per_block], unit)
    if not other:
        return 1.0
    if union - own >= other:  # disjoint two blocks apart: the blocks between are too, unless
        share = 1.0 if drawn else _window_step_share(address[first], address[second], active[first],
                                                      active[second], apart, unit, own)
    else:  # overlapping: each block one shift on from the one before, `apart` shifts between the two
        share = min(1.0, (union - own) / (other if drawn else apart * other))
    blocks = sample.grid[0]
    return (1.0 + (blocks - 1) * share) / blocks


def _window_step_share(first: np.ndarray, second: np.ndarray, first_active: np.ndarray,
                       second_active: np.ndarray, apart: int, unit: int, own: int) -> float:
    """Where the second sampled block reads exactly the first's addresses moved by ``apart`` equal
    steps, each step shorter than the window the first block spans (fp16ScalarProduct's
    `tid + blockDim + blockIdx` over 1,056 blocks: sampled blocks 527 apart do not meet, but each
    block moves the window on by 4 bytes), the share of new units one step adds; 1 otherwise."""
    if not np.array_equal(first_active, second_active) or not first_active.any():
        return 1.0
    a, shift = first[first_active], second[second_active] - first[first_active]
    step, rest = divmod(abs(int(shift[0])), apart)
    span = int(a.max() - a.min()) + 1
    if rest or not 0 < step < span or not (shift == shift[0]).all():
        return 1.0

    def moved(steps: int) -> int:  # units the window shifted by ``steps`` steps adds
        both = np.concatenate([a, a + steps * step])
        return distinct_units(both, np.ones(both.size, dtype=bool), unit) - own

    # One step of a few bytes may not leave a unit: double the shift while it still overlaps the
    # window by half, and take the new units a step. A window that one step already leaves (a
    # block's rows a plane apart, each block moved by a row: HeCBench welford) is a tile.
    steps, new = 1, moved(1)
    while 2 * new < own and 2 * steps * step < span:
        steps *= 2
        new = moved(steps)
    return min(1.0, new / (steps * own))


@dataclass(frozen=True)
class _AddressRanges:
    """One launch's value ranges for ``_address_span``, built once per evaluation: ``launch`` gives the
    scalars (arguments, struct fields, loop counters at their first iteration) and every block, thread,
    lane and warp index; ``loops`` each loop's counter range, None where the trip count varies between
    the sampled threads (it may be longer in blocks the address sample does not hold: a triangular loop)."""
    launch: dict[str, tuple[float, float]]
    loops: dict[int, tuple[float, float] | None]

    @staticmethod
    def of(sample: LaunchSample, env0: dict, trips: dict[int, np.ndarray]) -> "_AddressRanges":
        launch = {key: (float(value), float(value)) for key, value in env0.items()
                  if isinstance(value, (int, float, np.integer, np.floating))
                  or (isinstance(value, np.ndarray) and value.ndim == 0)}
        for k, dim in enumerate(_DIMS):
            launch[f"tid.{dim}"] = (0.0, sample.block[k] - 1.0)
            launch[f"ctaid.{dim}"] = (0.0, sample.grid[k] - 1.0)
        launch["laneid"] = (0.0, WARP_SIZE - 1.0)
        launch["warpid"] = (0.0, math.ceil(math.prod(sample.block) / WARP_SIZE) - 1.0)
        loops = {index: None if trip.size == 0 or not np.isfinite(trip).all() or np.ptp(trip) > 0
                 else (0.0, max(0.0, float(trip.flat[0]) - 1.0)) for index, trip in trips.items()}
        return _AddressRanges(launch, loops)


def _address_span(sa: StaticAccess, ranges: _AddressRanges, unit: int) -> float | None:
    """Bytes from the lowest to the highest address any thread of the grid can reach through ``sa``
    (interval bounds over every block, thread and iteration of its loops): no access touches more distinct
    bytes. It bounds the grid footprint where blocks share data the two-block overlap cannot see (a
    2-D grid whose blocks of one row read one slice: HeCBench ssm's B and C, `floordiv(ctaid.x, dim)`)
    and the array is not known (a pointer field of a struct argument). None where unbounded."""
    loops = {f"i{index}": ranges.loops.get(index) for index in sa.loops}
    if None in loops.values():
        return None
    try:
        low, high = sa.shape.bounds({**ranges.launch, **loops})
    except (OverflowError, ValueError, ZeroDivisionError):
        return None
    if not (math.isfinite(low) and math.isfinite(high)):
        return None
    return high - low + max(unit, sa.access.bytes)


def _union_bytes(base: str | None, sizes: dict[str, float]) -> float | None:
    """The bytes of the array (or arrays, joined by ``ARRAY_UNION``) an access is based on, where
    all are known."""
    if base is None:
        return None
    parts = [sizes.get(name) for name in base.split(ARRAY_UNION)]
    return None if None in parts else float(sum(parts))


def _heaviest_block(sample: LaunchSample) -> slice:
    """The sampled threads of the block that stands for the most blocks (an interior one)."""
    per_block = sample.padded_threads
    heaviest = int(np.argmax(sample.weight.reshape(-1, per_block).max(axis=1)))
    return slice(heaviest * per_block, (heaviest + 1) * per_block)


def _env_at(env0: dict, loop: int, iteration: int) -> dict:
    """``env0`` with loop ``loop``'s counter at ``iteration`` (and a fresh evaluation memo)."""
    env = dict(env0)
    env[f"i{loop}"] = iteration
    env[_MEMO_KEY] = {}
    return env


def _interleave_local(addresses: np.ndarray) -> np.ndarray:
    """Local memory interleaves 4-byte words across a warp's threads: thread t's word w
    sits at (w × 32 + t) × 4."""
    lanes = np.arange(WARP_SIZE, dtype=np.int64)[None, :]
    return ((addresses // 4) * WARP_SIZE + lanes) * 4 + addresses % 4


def _draw_unknown(n: int):
    """Stand-ins for unknown values over ``n`` sampled threads: independent uniform 31-bit
    integers per thread where the value may differ between threads, one per warp where it
    cannot; seeded by the value's tag, so every evaluation draws the same."""
    def draw(tag: str, varying: bool) -> np.ndarray:
        rng = np.random.default_rng(zlib.crc32(tag.encode()))
        if varying:
            return rng.integers(0, 1 << 31, n, dtype=np.int64)
        return np.repeat(rng.integers(0, 1 << 31, -(-n // WARP_SIZE), dtype=np.int64), WARP_SIZE)[:n]
    return draw


def _behind_masks(expr: Expr, masked: bool = False) -> bool:
    """Whether every unknown value in ``expr`` reaches it through a mask: an ``and`` with a
    constant or a remainder by one. Only then do random draws stand for the data, for shared banks
    and global sectors alike: a clamp such as ``min(?, n - 1)`` would pin every draw to its bound,
    one address for the whole warp."""
    for mono, _ in expr.terms:
        for atom in mono:
            if isinstance(atom, Unknown) and not masked:
                return False
            if isinstance(atom, Op):
                mask = atom.kind in ("and", "mod") and len(atom.args) == 2 and atom.args[1].is_const
                if not all(_behind_masks(arg, masked or (mask and k == 0)) for k, arg in enumerate(atom.args)):
                    return False
    return True


def _uniform_at_zero(tag: str, varying: bool) -> int:
    """An unknown value the same for every thread, as zero; one that varies is not evaluable."""
    if varying:
        raise NotEvaluable(tag)
    return 0


def _block_imbalance(freq: list[np.ndarray], per_block_instructions: np.ndarray, weight: np.ndarray,
                     padded_threads: int) -> float:
    """The slowest sampled block's path over the sampled blocks' mean (each block weighted by the
    blocks it stands for): a block's path is its busiest thread's instruction count."""
    if not freq:
        return 1.0
    work = np.asarray(freq).T @ per_block_instructions                       # per sampled thread
    work = np.where(weight > 0, work, 0.0).reshape(-1, padded_threads)
    paths = work.max(axis=1)
    stands_for = weight.reshape(-1, padded_threads).max(axis=1)
    live = stands_for > 0
    if not live.any():
        return 1.0
    mean = float((paths[live] * stands_for[live]).sum() / stands_for[live].sum())
    return max(1.0, float(paths[live].max()) / mean) if mean > 0 else 1.0


def _block_path(warp_freq: np.ndarray, per_block_instructions: np.ndarray, warp_weight: np.ndarray,
                warps_per_block: int) -> float:
    """The instructions a block's busiest warp issues, averaged over the sampled blocks (each
    weighted by the blocks it stands for): the block holds its slot until that warp is done
    (Rodinia myocyte: thread 0 runs 1,300 lines while the block's other warps exit at once;
    the mean warp's count made the path fall as the block grew)."""
    issued = (warp_freq.T @ per_block_instructions).reshape(-1, warps_per_block).max(axis=1)
    stands_for = warp_weight.reshape(-1, warps_per_block).max(axis=1)
    return float((issued * stands_for).sum() / stands_for.sum()) if stands_for.sum() > 0 else 0.0


def _overlaid(load, overlay: dict[int, tuple[np.ndarray, np.ndarray]]):
    """``load`` (a loader of argument arrays) with the integer elements in ``overlay`` ({element
    bytes: (sorted byte addresses, values)}) replaced by those values."""
    def overlaid(addresses, type_name: str):
        out = load(addresses, type_name)
        width = np.dtype(_NUMPY_TYPES.get(type_name, np.int32)).itemsize
        if type_name in ("f32", "f64") or width not in overlay:
            return out
        where, values = overlay[width]
        addresses = np.asarray(addresses, dtype=np.int64)
        at = np.minimum(np.searchsorted(where, addresses), where.size - 1)
        return np.where(where[at] == addresses, values[at].astype(out.dtype), out)

    return overlaid


def _evaluate_or_none(expr: Expr, env: dict, n: int, memo: dict | None = None) -> np.ndarray | None:
    try:
        return np.broadcast_to(np.asarray(expr.evaluate(env, {} if memo is None else memo),
                                          dtype=np.int64), (n,))
    except (NotEvaluable, OverflowError, ValueError):
        return None


def _shared_layout(variables: Sequence[Variable]) -> tuple[dict[str, int], str | None]:
    offsets: dict[str, int] = {f"&{SHARED_WINDOW}": 0}
    cursor = 0
    dynamic = None
    for var in variables:
        if var.space != "shared" or var.extern:
            continue
        align = var.align or 4
        cursor = -(-cursor // align) * align
        offsets[f"&{var.name}"] = cursor
        cursor += var.size_bytes
    for var in variables:
        if var.space == "shared" and var.extern:
            align = var.align or 16
            offsets[f"&{var.name}"] = -(-cursor // align) * align
            dynamic = f"&{var.name}"
    for k, var in enumerate(v for v in variables if v.space in ("global", "const")):
        offsets[f"&{var.name}"] = (1 << 44) + k * POINTER_SPACING_BYTES
    for var in variables:
        if var.space == "local":
            offsets[f"&{var.name}"] = 0
    return offsets, dynamic


def _static_access(access: MemoryAccess, cfg: CFG, guard: Expr | None) -> StaticAccess:
    address = access.address
    loops = tuple(lp.index for lp in cfg.loops_of(access.block))
    strides = []
    affine = not address.has_unknown() and not address.has_load()
    for dim in _DIMS:
        linear = address.linear_in(f"tid.{dim}")
        strides.append(linear[1] if linear is not None else None)
        affine = affine and linear is not None
    for index in loops:
        affine = affine and address.linear_in(f"i{index}") is not None
    shape = address - address.const
    key = (str(shape), access.bytes, access.space, access.op == "atomic", access.tile,
           str(access.row_stride), loops)
    inner = address.linear_in(f"i{loops[-1]}") if loops else None
    loop_stride = inner[1] if inner is not None else None
    return StaticAccess(access, affine, tuple(strides), loop_stride, loops, guard, shape, key)  # type: ignore[arg-type]


def _controlling_taken(summary: LoopSummary, dataflow: Dataflow, trip: np.ndarray) -> np.ndarray:
    """How often a loop's controlling branch is taken: it stays in the loop (T − 1) times out of T."""
    stay = 1.0 - 1.0 / np.maximum(trip, 1.0)
    return stay if dataflow.branches[summary.controlling_block].taken in summary.loop.blocks else 1.0 - stay


def _block_counts(module: Module, function: Function, cfg: CFG, dataflow: Dataflow,
                  callees: tuple[Function, ...], depth: int) -> np.ndarray:
    """Weighted instruction counts by block and class; a block that calls a device function of the
    module (libdevice's fp64 pow, a `__noinline__` helper) also runs what one call of it runs."""
    space_by_line = {a.instruction.line: a.space for a in dataflow.accesses}
    counts = np.zeros((len(cfg.blocks), len(INSTRUCTION_CLASSES)))
    by_name = {f.name: f for f in callees}
    for block in cfg.blocks:
        for ins in block.instructions:
            for name, weight in classify(ins, space_by_line.get(ins.line)):
                counts[block.index, _CLASS_INDEX[name]] += weight
            if ins.opcode == "call" and depth < MAX_CALL_DEPTH:
                callee = next((by_name[o.text] for o in ins.operands if o.kind == "symbol" and o.text in by_name), None)
                if callee is not None and callee is not function:
                    counts[block.index] += _call_counts(callee, callees, module.variables, module.version,
                                                        module.target, module.address_size, depth + 1)
    return counts


@functools.lru_cache(maxsize=256)
def _call_counts(function: Function, callees: tuple[Function, ...], module_variables: tuple[Variable, ...],
                 version: str, target: str, address_size: int, depth: int) -> np.ndarray:
    """Instructions one call of a device function runs, by class. Its arguments are not followed:
    a loop runs its constant trip count, or once; a branch on data goes by the priors of
    ``magnitude_prior`` (a special value's path is not taken), else half the time."""
    module = Module(version, target, address_size, (function,), module_variables)
    cfg = build_cfg(function)
    dataflow = analyze_dataflow(module, function, cfg)
    counts = _block_counts(module, function, cfg, dataflow, callees, depth)
    trips = {s.loop.index: np.array([float(s.trip_count.const) if s.trip_count is not None and s.trip_count.is_const
                                     else 1.0]) for s in dataflow.loops}
    taken: dict[int, np.ndarray | None] = {}
    for summary in dataflow.loops:
        if summary.controlling_block is not None:
            taken[summary.controlling_block] = _controlling_taken(summary, dataflow, trips[summary.loop.index])
    for b, branch in dataflow.branches.items():
        if b not in taken:
            prior = magnitude_prior(branch.condition)
            taken[b] = np.array([UNKNOWN_BRANCH_PROBABILITY if prior is None else prior])
    freq = block_frequencies(cfg, dataflow, trips, taken, 1)
    return np.array([f[0] for f in freq]) @ counts


@functools.lru_cache(maxsize=512)
def _analyze(function: Function, module_variables: tuple[Variable, ...], version: str,
             target: str, address_size: int, callees: tuple[Function, ...] = ()) -> KernelAnalysis:
    module = Module(version, target, address_size, (function,), module_variables)
    cfg = build_cfg(function)
    dataflow = analyze_dataflow(module, function, cfg)
    counts = _block_counts(module, function, cfg, dataflow, callees, 0)
    accesses = tuple(_static_access(a, cfg, dataflow.predicates.get(a.instruction.line))
                     for a in dataflow.accesses)
    offsets, dynamic = _shared_layout(module_variables + function.variables)
    groups: dict[tuple, list[int]] = {}
    for k, sa in enumerate(accesses):
        groups.setdefault(sa.group_key, []).append(k)
    return KernelAnalysis(function.name, function, cfg, dataflow, counts, accesses, offsets,
                          dynamic, thread_dependent_branches(dataflow),
                          tuple(tuple(g) for g in groups.values()), _recursive(function, callees))


def _recursive(kernel: Function, callees: tuple[Function, ...]) -> tuple[str, ...]:
    """The device functions ``kernel`` reaches that reach themselves again (a call cycle)."""
    calls = {f.name: {o.text for b in build_cfg(f).blocks for ins in b.instructions if ins.opcode == "call"
                      for o in ins.operands if o.kind == "symbol"} for f in (kernel, *callees)}

    def reach(name: str) -> set[str]:
        seen: set[str] = set()
        todo = [c for c in calls.get(name, ()) if c in calls]
        while todo:
            callee = todo.pop()
            if callee not in seen:
                seen.add(callee)
                todo.extend(c for c in calls[callee] if c in calls)
        return seen

    return tuple(sorted(name for name in reach(kernel.name) if name in reach(name)))


def analyze_kernel(module: Module, kernel_name: str) -> KernelAnalysis:
    """Structural analysis of kernel ``kernel_name`` in ``module`` (cached per function).

    ``kernel_name`` may be a C++ kernel's unmangled name; raises UnknownKernelError."""
    function = find_kernel(module, kernel_name)
    callees = tuple(f for f in module.functions if not f.is_entry)
    return _analyze(function, module.variables, module.version, module.target, module.address_size, callees)
