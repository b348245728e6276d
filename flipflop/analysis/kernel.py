"""Kernel analysis: the structural facts of one PTX kernel, evaluated per launch.

``analyze_kernel`` does everything that does not depend on the launch (CFG, loops,
symbolic registers and addresses, trip-count expressions, static instruction mix) once
per function. ``KernelAnalysis.evaluate`` binds a block shape, grid and the argument
values and returns the ``LaunchFeatures`` the model reads: it evaluates the stored
expressions vectorised over a weighted sample of the launch's threads (``launch.py``).

Conventions:
- Loop counters are evaluated at their middle iteration for trip counts and guard
  conditions (exact for the usual linear nests) and at iteration 0 for the warp address
  patterns; a loop's footprint growth comes from iteration 1 against iteration 0.
- A loop whose trip count cannot be evaluated counts as one iteration and is reported
  with ``trip_count=None`` and a note.
- Pointer arguments get distinct 256-byte-aligned fake base addresses (cudaMalloc aligns
  to 256 bytes); shared variables are laid out in declaration order, dynamic shared last.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Sequence

import numpy as np

from flipflop.analysis.cfg import CFG, build_cfg
from flipflop.analysis.dataflow import Dataflow, MemoryAccess, analyze_dataflow
from flipflop.analysis.divergence import (
    BranchFacts, block_frequencies, condition_mean, thread_dependent_branches)
from flipflop.analysis.features import INSTRUCTION_CLASSES, AccessFacts, LaunchFeatures, LoopFacts
from flipflop.analysis.launch import LaunchSample, memory_blocks, restrict, sample_launch
from flipflop.analysis.memory import (
    BANK_WORD_BYTES, LINE_BYTES, RANDOM_BANK_DEGREE, SECTOR_BYTES, WARP_SIZE,
    bank_conflict_degree, distinct_units, units_per_request)
from flipflop.analysis.opcodes import classify
from flipflop.analysis.symbolic import LOAD_ENV_KEY, Expr, NotEvaluable
from flipflop.errors import ConfigurationError
from flipflop.frontend.ir import Function, Module, Variable
from flipflop.frontend.kernel import find_kernel
from flipflop.frontend.resources import Resources

POINTER_SPACING_BYTES = 1 << 36  # fake device allocations this far apart
MAX_WARPS_PER_ACCESS = 64  # warps whose addresses are examined per access and launch
_CLASS_INDEX = {name: k for k, name in enumerate(INSTRUCTION_CLASSES)}
_NUMPY_TYPES = {"s8": np.int8, "u8": np.uint8, "b8": np.uint8, "s16": np.int16, "u16": np.uint16,
                "b16": np.uint16, "s32": np.int32, "u32": np.uint32, "b32": np.int32,
                "s64": np.int64, "u64": np.uint64, "b64": np.int64}
_DIMS = ("x", "y", "z")


@dataclass(frozen=True)
class StaticAccess:
    """Launch-independent facts of one memory access."""

    access: MemoryAccess
    affine: bool
    strides: tuple[Expr | None, Expr | None, Expr | None]  # bytes per +1 of tid.x/y/z
    loops: tuple[int, ...]  # enclosing loop indices, outermost first
    guard: Expr | None  # the instruction's own predicate
    pattern: tuple  # accesses with equal patterns share their warp-level metrics


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
            if isinstance(arg, np.ndarray) and arg.ndim > 0:
                env[param.name] = (k + 1) * POINTER_SPACING_BYTES
                arrays[k + 1] = arg
            elif is_pointer:
                raise ConfigurationError(
                    f"argument {k} of {self.name} ({param.name}) is a pointer: pass a numpy array")
            elif isinstance(arg, (int, np.integer, bool, np.bool_)):
                env[param.name] = int(arg)
            elif isinstance(arg, np.ndarray) and arg.ndim == 0 and np.issubdtype(arg.dtype, np.integer):
                env[param.name] = int(arg)
        return env, arrays

    def _loader(self, arrays: dict[int, np.ndarray]):
        views: dict[tuple[int, str], np.ndarray] = {}

        def load(addresses, type_name: str):
            addresses = np.asarray(addresses, dtype=np.int64)
            out = np.zeros(addresses.shape, dtype=np.int64)
            slots = addresses // POINTER_SPACING_BYTES
            for slot in np.unique(slots):
                if int(slot) not in arrays:
                    raise NotEvaluable(f"load from slot {slot}")
                key = (int(slot), type_name)
                if key not in views:
                    raw = np.ascontiguousarray(arrays[int(slot)]).reshape(-1).view(np.uint8)
                    dtype = np.dtype(_NUMPY_TYPES.get(type_name, np.int32))
                    views[key] = raw[: raw.size // dtype.itemsize * dtype.itemsize].view(dtype)
                view = views[key]
                if view.size == 0:
                    raise NotEvaluable("empty array")
                here = slots == slot
                index = (addresses[here] - int(slot) * POINTER_SPACING_BYTES) // view.itemsize
                out[here] = view[np.clip(index, 0, view.size - 1)].astype(np.int64)
            return out

        return load

    # ----- evaluation -----------------------------------------------------------------
    def evaluate(self, block: tuple[int, int, int], grid: tuple[int, int, int], arguments: Sequence,
                 resources: Resources, dynamic_shared_bytes: int = 0) -> LaunchFeatures:
        """Features of this kernel launched with ``block`` × ``grid`` on ``arguments``."""
        return self.evaluate_detailed(block, grid, arguments, resources, dynamic_shared_bytes)[0]

    def evaluate_detailed(self, block: tuple[int, int, int], grid: tuple[int, int, int],
                          arguments: Sequence, resources: Resources, dynamic_shared_bytes: int = 0
                          ) -> tuple[LaunchFeatures, tuple[BranchFacts, ...]]:
        """``evaluate`` plus the per-branch guard fractions."""
        block = tuple(int(v) for v in block)  # type: ignore[assignment]
        grid = tuple(int(v) for v in grid)  # type: ignore[assignment]
        if min(block) < 1 or min(grid) < 1:
            raise ConfigurationError(f"block {block} and grid {grid} must be positive")
        params, arrays = self._bind(arguments)
        sample = sample_launch(block, grid)
        n = sample.size
        env: dict[str, object] = sample.symbols()
        env.update(params)
        env.update(self.shared_offsets)
        env[LOAD_ENV_KEY] = self._loader(arrays)
        notes: list[str] = []
        memo: dict = {}

        trips: dict[int, np.ndarray] = {}
        known: dict[int, bool] = {}
        for summary in self.dataflow.loops:
            index = summary.loop.index
            values = None
            if summary.trip_count is not None:
                try:
                    values = np.broadcast_to(np.asarray(summary.trip_count.evaluate(env, memo), dtype=float), (n,))
                except NotEvaluable:
                    values = None
            known[index] = values is not None
            if values is None:
                values = np.ones(n)
                notes.append(f"loop at PTX line {self.cfg.blocks[summary.loop.header].line}: "
                             "trip count unknown, counted once")
            trips[index] = np.maximum(values, 0.0)
            env[summary.counter] = np.maximum((trips[index].astype(np.int64) - 1) // 2, 0)

        taken: dict[int, np.ndarray | None] = {}
        for b, branch in self.dataflow.branches.items():
            loop = self.cfg.innermost_loop(b)
            counter = f"i{loop.index}" if loop else None
            taken[b] = condition_mean(branch.condition, env, memo, n, counter,
                                      trips[loop.index] if loop else None)
        freq = block_frequencies(self.cfg, self.dataflow, trips, taken, n)

        weight = sample.weight
        total_weight = weight.sum()
        mean_freq = np.array([(weight * f).sum() / total_weight for f in freq])
        counts = mean_freq @ self.static_counts
        instructions = {name: float(counts[k]) for k, name in enumerate(INSTRUCTION_CLASSES)}

        work = self.static_counts.sum(axis=1) * mean_freq
        busiest = int(np.argmax(work)) if work.size else 0
        active_fraction = float(weight[freq[busiest] > 0].sum() / total_weight) if work.size else 1.0

        # Address analyses look at two representative blocks only (see launch.memory_blocks).
        mem_sample, kept = restrict(sample, memory_blocks(sample))
        env0: dict[str, object] = dict(env)
        env0.update(mem_sample.symbols())
        for summary in self.dataflow.loops:
            env0[summary.counter] = 0
        mem_freq = [f[kept] for f in freq]
        mem_trips = {k: t[kept] for k, t in trips.items()}
        patterns: dict[tuple, tuple] = {}
        accesses = tuple(self._access_facts(sa, mem_sample, env0, mem_freq, mem_trips, arrays, mean_freq,
                                            patterns) for sa in self.accesses)

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
        controls = {s.controlling_block for s in self.dataflow.loops}
        for b, branch in sorted(self.dataflow.branches.items()):
            arriving = weight * freq[b]
            fraction = None
            if taken[b] is not None and arriving.sum() > 0:
                fraction = float((arriving * taken[b]).sum() / arriving.sum())
            line = self.cfg.blocks[b].instructions[-1].line
            branches.append(BranchFacts(line, branch.condition.varying(), fraction, b in controls))

        features = LaunchFeatures(
            kernel=self.name, block=block, grid=grid, instructions=instructions,
            accesses=accesses, loops=tuple(loops), active_fraction=active_fraction,
            divergent_branches=len(self.divergent_blocks),
            barriers_per_thread=instructions["barrier"],
            registers=resources.registers,
            shared_bytes=resources.shared_bytes + int(dynamic_shared_bytes),
            local_bytes=resources.local_bytes, spill_bytes=resources.spill_bytes,
            notes=tuple(notes))
        return features, tuple(branches)

    def _access_facts(self, sa: StaticAccess, sample: LaunchSample, env0: dict, freq: list[np.ndarray],
                      trips: dict[int, np.ndarray], arrays: dict[int, np.ndarray],
                      mean_freq: np.ndarray, patterns: dict[tuple, tuple]) -> AccessFacts:
        access = sa.access
        if sa.pattern not in patterns:
            patterns[sa.pattern] = self._pattern_metrics(sa, sample, env0, freq, trips, arrays)
        sectors, lines, degree, uniform, block_fp, grid_fp = patterns[sa.pattern]
        strides = {}
        for dim, expr in zip(_DIMS, sa.strides):
            if expr is not None and expr.is_const:
                strides[dim] = expr.const
                continue
            value = _evaluate_or_none(expr, env0, 1) if expr is not None else None
            strides[dim] = int(value[0]) if value is not None and (value == value[0]).all() else None
        return AccessFacts(
            line=access.instruction.line, space=access.space, op=access.op, bytes=access.bytes,
            affine=sa.affine, stride_bytes=strides, loop_depth=len(sa.loops),
            executions_per_thread=float(mean_freq[access.block]),
            sectors_per_request=sectors, lines_per_request=lines, bank_conflict_degree=degree,
            footprint_bytes=grid_fp, block_footprint_bytes=block_fp, uniform=uniform,
            cached_read_only=access.cached_read_only)

    def _pattern_metrics(self, sa: StaticAccess, sample: LaunchSample, env0: dict, freq: list[np.ndarray],
                         trips: dict[int, np.ndarray], arrays: dict[int, np.ndarray]) -> tuple:
        """Coalescing, bank conflicts and footprints of one address pattern (accesses whose
        addresses differ by a multiple of 128 bytes share them)."""
        access = sa.access
        n = sample.size
        weight = sample.weight
        active = (freq[access.block] > 0) & (weight > 0)
        if sa.guard is not None:
            try:
                active &= np.broadcast_to(np.asarray(sa.guard.evaluate(env0, {})) != 0, (n,))
            except NotEvaluable:
                pass
        address = _evaluate_or_none(access.address, env0, n)
        warps = n // WARP_SIZE
        act_w = active.reshape(warps, WARP_SIZE)
        live = np.flatnonzero(act_w.any(axis=1))
        if live.size > MAX_WARPS_PER_ACCESS:
            live = live[np.linspace(0, live.size - 1, MAX_WARPS_PER_ACCESS).astype(int)]
        warp_weight = weight.reshape(warps, WARP_SIZE).max(axis=1)[live]
        act_w = act_w[live]

        def mean(values: np.ndarray) -> float | None:
            if live.size == 0 or warp_weight.sum() == 0:
                return None
            return float((values * warp_weight).sum() / warp_weight.sum())

        sectors = lines = degree = None
        uniform = False
        if address is not None and live.size:
            addr_w = address.reshape(warps, WARP_SIZE)[live]
            if access.space == "local":
                addr_w = _interleave_local(addr_w)
            first = np.where(act_w, addr_w, addr_w[np.arange(live.size), np.argmax(act_w, axis=1)][:, None])
            uniform = bool((first == first[:, :1]).all())
            if access.tile is not None:
                sectors, lines, degree = self._tile_metrics(access, addr_w, act_w, env0, mean)
            elif access.space == "shared":
                degree = mean(bank_conflict_degree(addr_w, act_w, access.bytes,
                                                   broadcast=access.op != "atomic"))
            else:
                sectors = mean(units_per_request(addr_w, act_w, access.bytes, SECTOR_BYTES))
                lines = mean(units_per_request(addr_w, act_w, access.bytes, LINE_BYTES))
        elif live.size:
            varying = access.address.varying()
            lanes = act_w.sum(axis=1) if varying else np.ones(live.size)
            per_thread = -(-access.bytes // SECTOR_BYTES)
            if access.space == "shared":
                degree = RANDOM_BANK_DEGREE if varying else 1.0
            else:
                sectors = mean(lanes * per_thread)
                lines = mean(lanes * per_thread)
            uniform = not varying
        block_fp, grid_fp = self._footprints(sa, sample, env0, active, address, trips, arrays)
        return sectors, lines, degree, uniform, block_fp, grid_fp

    @staticmethod
    def _tile_metrics(access: MemoryAccess, addr_w: np.ndarray, act_w: np.ndarray, env0: dict,
                      mean) -> tuple[float | None, float | None, float | None]:
        """A wmma fragment: the warp reads ``rows`` rows of ``row_bytes`` from its first
        lane's address (shared fragments are taken as conflict-free)."""
        rows, row_bytes = access.tile  # type: ignore[misc]
        if access.space == "shared":
            return None, None, 1.0
        stride = _evaluate_or_none(access.row_stride, env0, 1) if access.row_stride is not None else None
        if stride is None:
            return None, None, None
        start = addr_w[np.arange(addr_w.shape[0]), np.argmax(act_w, axis=1)]
        rows_addr = start[:, None] + np.arange(rows, dtype=np.int64)[None, :] * int(stride[0])
        every = np.ones(rows_addr.shape, dtype=bool)
        return (mean(units_per_request(rows_addr, every, row_bytes, SECTOR_BYTES)),
                mean(units_per_request(rows_addr, every, row_bytes, LINE_BYTES)), None)

    def _footprints(self, sa: StaticAccess, sample: LaunchSample, env0: dict, active: np.ndarray,
                    address: np.ndarray | None, trips: dict[int, np.ndarray],
                    arrays: dict[int, np.ndarray]) -> tuple[float | None, float | None]:
        """Distinct bytes one (interior) block touches over its loops, and the whole grid."""
        if address is None:
            return None, None
        unit = BANK_WORD_BYTES if sa.access.space == "shared" else SECTOR_BYTES
        per_block = sample.padded_threads
        blocks = sample.size // per_block
        heaviest = int(np.argmax(sample.weight.reshape(blocks, per_block).max(axis=1)))
        rows = slice(heaviest * per_block, (heaviest + 1) * per_block)
        mask = active[rows]
        if not mask.any():
            return 0.0, 0.0
        base = address[rows]
        d0 = distinct_units(base, mask, unit)
        growth = 1.0
        for index in sa.loops:
            counter = f"i{index}"
            env1 = dict(env0)
            env1[counter] = 1
            next_address = _evaluate_or_none(sa.access.address, env1, sample.size)
            if next_address is None:
                continue
            both = np.concatenate([base, next_address[rows]])
            new = distinct_units(both, np.concatenate([mask, mask]), unit) - d0
            trip = float(np.mean(trips[index][rows][mask]))
            growth *= 1.0 + max(trip - 1.0, 0.0) * new / d0
        block_fp = d0 * unit * growth
        if sa.access.tile is not None:  # a fragment covers rows × row_bytes from each address
            rows, row_bytes = sa.access.tile
            block_fp *= rows * max(row_bytes, unit) / unit
        if sa.access.space != "global":
            return block_fp, None
        grid_fp = block_fp * sample.grid[0] * sample.grid[1] * sample.grid[2]
        if sa.access.base_param is not None:
            k = next(k for k, p in enumerate(self.function.params) if p.name == sa.access.base_param)
            if k + 1 in arrays:
                grid_fp = min(grid_fp, float(arrays[k + 1].nbytes))
        return block_fp, grid_fp


def _interleave_local(addresses: np.ndarray) -> np.ndarray:
    """Local memory interleaves 4-byte words across a warp's threads: thread t's word w
    sits at (w × 32 + t) × 4."""
    lanes = np.arange(WARP_SIZE, dtype=np.int64)[None, :]
    return ((addresses // 4) * WARP_SIZE + lanes) * 4 + addresses % 4


def _evaluate_or_none(expr: Expr, env: dict, n: int) -> np.ndarray | None:
    try:
        return np.broadcast_to(np.asarray(expr.evaluate(env, {}), dtype=np.int64), (n,))
    except NotEvaluable:
        return None


def _shared_layout(variables: Sequence[Variable]) -> tuple[dict[str, int], str | None]:
    offsets: dict[str, int] = {}
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
    # Shifting every address by a whole number of accesses leaves bank conflicts and shared
    # footprints unchanged; global sectors and lines depend on the offset within a line.
    period = max(access.bytes, BANK_WORD_BYTES) if access.space == "shared" else LINE_BYTES
    pattern = (str(address - address.const), address.const % period, access.bytes, access.space,
               access.op == "atomic", access.block, str(guard), loops)
    return StaticAccess(access, affine, tuple(strides), loops, guard, pattern)  # type: ignore[arg-type]


@functools.lru_cache(maxsize=512)
def _analyze(function: Function, module_variables: tuple[Variable, ...], version: str,
             target: str, address_size: int) -> KernelAnalysis:
    module = Module(version, target, address_size, (function,), module_variables)
    cfg = build_cfg(function)
    dataflow = analyze_dataflow(module, function, cfg)
    space_by_line = {a.instruction.line: a.space for a in dataflow.accesses}
    counts = np.zeros((len(cfg.blocks), len(INSTRUCTION_CLASSES)))
    for block in cfg.blocks:
        for ins in block.instructions:
            for name, weight in classify(ins, space_by_line.get(ins.line)):
                counts[block.index, _CLASS_INDEX[name]] += weight
    accesses = tuple(_static_access(a, cfg, dataflow.predicates.get(a.instruction.line))
                     for a in dataflow.accesses)
    offsets, dynamic = _shared_layout(module_variables + function.variables)
    return KernelAnalysis(function.name, function, cfg, dataflow, counts, accesses, offsets,
                          dynamic, thread_dependent_branches(dataflow))


def analyze_kernel(module: Module, kernel_name: str) -> KernelAnalysis:
    """Structural analysis of kernel ``kernel_name`` in ``module`` (cached per function).

    ``kernel_name`` may be a C++ kernel's unmangled name; raises UnknownKernelError."""
    function = find_kernel(module, kernel_name)
    return _analyze(function, module.variables, module.version, module.target, module.address_size)
