"""Runs the calibration micro-benchmarks on a GPU and records the raw numbers as JSON.

This is the measurement side of calibration: it sits in the measure stage beside the NVML
monitor, steady-power protocol and power-limit guard it uses, imported lazily inside the
functions that touch a GPU. Everything GPU-specific sits behind `CalibrationDevice`:
`CupyDevice` drives a real GPU through CuPy, and tests drive the same runner logic with a
fake. The fit (flipflop.hardware.calibrate.fit) turns the raw JSON into a GpuProfile offline.

Read-only by default: the power limit, clocks and modes are never touched unless
``set_power_limits`` is given (root, users' own machines), and then the original limit is
restored on every exit path by flipflop.measure.powerlimit.power_limit.

    python -m flipflop.measure.calibrate.runner --out calib_raw.json
"""
from __future__ import annotations

import argparse
import functools
import json
import math
import os
import statistics
import sys
import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from flipflop.errors import FlipflopError, MeasurementError
from flipflop.measure.calibrate import microbenchmarks as mb

RAW_SCHEMA = "flipflop-calibration-raw/1"

# Buffer sizes: L2-resident (well under the 50 MB of an H100, under half of any recent L2),
# and DRAM-resident (far over any L2).
L2_BUFFER_BYTES = 8 << 20
L1_SLICE_BYTES = 16 << 10           # re-read by one block (l1_read's 1024 float4)
MAX_FULL_BLOCKS = 1 << 14           # blocks of a full-occupancy grid the L1 buffer serves
DRAM_BUFFER_BYTES = 1 << 30
SCATTER_REGION_BYTES = 4096          # one warp request's 32 lines of 128 B
CHASE_DRAM_BYTES = 256 << 20
CHASE_L2_BYTES = 4 << 20
CHASE_LINE_BYTES = 128               # one pointer per line, so each step misses the line before
CHASE_SHARED_WORDS = 4096
FP32_LATENCY_ITERS = 200_000

# Full-occupancy geometry: 256-thread blocks, as many as fill every SM's thread slots.
FULL_BLOCK_THREADS = 256
BARRIER_BLOCK_THREADS = 1024
# Each loop launch is sized to take about this long, so a power window holds many launches
# and launch gaps are negligible.
TARGET_LAUNCH_MS = 2.0
PROBE_ITERS = 64
MAX_ITERS = 1 << 26
TIMED_LAUNCHES = 5
IDLE_SECONDS = 2.0
# Before the idle reading, wait (at most this long) for the SM clock to fall below this
# share of its maximum: right after work the GPU still draws its busy static power.
IDLE_SETTLE_S = 20.0
IDLE_CLOCK_FRACTION = 0.5
BLOCKER_SLEEP_ITERS = 100_000        # × ~300 ns of nanosleep: long enough to queue 1000 launches
# Power-limit sweep (opt-in): steps between the settable minimum and maximum.
POWER_LIMIT_STEP_W = 50.0


@dataclass(frozen=True)
class Load:
    """One launch configuration of one micro-benchmark.

    ``args`` are the kernel arguments as tokens the device resolves: "out", "iters", a
    buffer name ("l2", "dram", "dram_dst", "chase_dram", "chase_l2", "chase_shared"), or a
    (ctype, value) pair with ctype in "i32", "u32", "u64". When ``iters_is_launches`` the
    kernel has no loop count and "iters" means back-to-back launches (DRAM passes).
    """

    bench: mb.Microbenchmark
    grid: int
    block: int
    args: tuple[Any, ...]
    shared_bytes: int = 0            # dynamic shared memory (forces blocks per SM)
    iters: int = 0                   # 0: sized at run time to TARGET_LAUNCH_MS
    iters_is_launches: bool = False
    group: str = "full"              # "full", "sm_scaling", "warp_scaling", "fma_scaling", "latency"
    work_threads: int = 0            # threads doing the counted work (0: grid × block)
    flush_l2: bool = False           # evict L2 before each timing (a chase that must reach DRAM)
    behind_blocker: bool = False     # queue the launches behind a long kernel (GPU-side launch cost)

    @property
    def name(self) -> str:
        if self.group in ("full", "latency"):
            return self.bench.name
        return f"{self.group}_{self.bench.name}_{self.grid}x{self.block}"


class CalibrationDevice(ABC):
    """What the runner needs from a GPU; `CupyDevice` is the real one, tests use a fake."""

    @abstractmethod
    def meta(self) -> dict[str, Any]:
        """GPU name, driver, SM count, clocks, power limits, device attributes."""

    @abstractmethod
    def resident_blocks_per_sm(self, load: Load) -> int:
        """How many blocks of this load one SM holds at once (occupancy)."""

    @abstractmethod
    def time_ms(self, load: Load, iters: int, launches: int) -> float:
        """Median time of one launch (or, for iters_is_launches, of `iters` launches), in ms."""

    @abstractmethod
    def steady(self, load: Load, iters: int, window_s: float) -> dict[str, Any]:
        """Steady power while the load runs back-to-back: power_w, edges, clocks, reasons."""

    @abstractmethod
    def idle(self, seconds: float) -> dict[str, Any]:
        """Power with no work queued, over `seconds`."""

    @abstractmethod
    def gemm_anchor(self, dtype: str, n: int, window_s: float) -> dict[str, Any] | None:
        """Power and clock of a dense library GEMM (the loads that reach the cap); None if
        no GEMM library is present."""

    @abstractmethod
    def scheduling(self) -> dict[str, Any]:
        """Block dispatch, same-address atomic and partial-sector write costs
        (flipflop.measure.calibrate.scheduling)."""

    @abstractmethod
    def power_limit(self, watts: float):
        """Context manager holding the power limit at `watts`, restoring it on exit."""


# ---------------------------------------------------------------------------------------
# The plan: which loads, in which geometry


def _full_grid(sm_count: int, block: int, max_threads_per_sm: int) -> int:
    return sm_count * (max_threads_per_sm // block)


def plan_loads(meta: dict[str, Any], quick: bool = False) -> list[Load]:
    """The loads to measure on a GPU described by `meta` (sm_count, max_threads_per_sm,
    shared_per_sm_bytes), in measurement order."""
    sms = int(meta["sm_count"])
    max_threads = int(meta["max_threads_per_sm"])
    grid = _full_grid(sms, FULL_BLOCK_THREADS, max_threads)
    loop_args = ("out", "iters")
    loads: list[Load] = []
    for bench in mb.UNIT_BENCHMARKS:
        loads.append(Load(bench, grid, FULL_BLOCK_THREADS, loop_args))
    for bench in mb.SHARED_BENCHMARKS:
        if quick and bench.param not in mb.SHARED_POWER_DEGREES:
            continue
        args = loop_args if bench.kernel == "shared_load_v4" else ("out", "iters", ("i32", bench.param))
        loads.append(Load(bench, grid, FULL_BLOCK_THREADS, args))
    l2_mask = L2_BUFFER_BYTES // 16 - 1
    dram_vec4 = DRAM_BUFFER_BYTES // 16
    memory_args = {
        "l1_read": ("l1", "iters", "out"),
        "l2_read": ("l2", ("u32", l2_mask), "iters", "out"),
        "dram_read": ("dram", ("u64", dram_vec4), "out"),
        "dram_copy": ("dram", "dram_dst", ("u64", dram_vec4)),
    }
    for bench in mb.MEMORY_BENCHMARKS:
        loads.append(Load(bench, grid, FULL_BLOCK_THREADS, memory_args[bench.name],
                          iters_is_launches=bench.kind == "dram"))
    region_mask = DRAM_BUFFER_BYTES // SCATTER_REGION_BYTES - 1
    for bench in mb.SCATTERED_BENCHMARKS:
        if quick and bench.param not in (1, 4, 32):
            continue
        loads.append(Load(bench, grid, FULL_BLOCK_THREADS,
                          ("dram", ("u32", region_mask), ("i32", bench.param), "iters", "out")))
    others = {b.name: b for b in mb.OTHER_BENCHMARKS}
    loads.append(Load(others["barrier"], _full_grid(sms, BARRIER_BLOCK_THREADS, max_threads),
                      BARRIER_BLOCK_THREADS, loop_args))
    loads.append(Load(others["fp32_latency"], 1, 32, loop_args, iters=FP32_LATENCY_ITERS, group="latency"))
    for name in ("launch_overhead", "launch_latency_host"):
        loads.append(Load(others[name], 1, 32, (), iters=others[name].param, iters_is_launches=True,
                          group="latency", behind_blocker=others[name].param > 1))
    for name, buffer in (("latency_dram", "chase_dram"), ("latency_l2", "chase_l2")):
        loads.append(Load(others[name], 1, 1, (buffer, ("i32", others[name].param), "out"), iters=1,
                          group="latency", flush_l2=name == "latency_dram"))
    loads.append(Load(others["latency_shared"], 1, 32,
                      ("chase_shared", ("i32", CHASE_SHARED_WORDS), ("i32", others["latency_shared"].param), "out"),
                      iters=1, group="latency", work_threads=1))
    loads += scaling_loads(meta, quick)
    return loads


def _one_block_per_sm_shared(meta: dict[str, Any], blocks_per_sm: int) -> int:
    """Dynamic shared memory that lets exactly `blocks_per_sm` blocks share an SM."""
    per_sm = int(meta["shared_per_sm_bytes"])
    reserved = int(meta.get("shared_reserved_per_block_bytes", 1024))
    margin = 1024
    # each block takes 1/(n+1) of the SM plus a margin, so n + 1 blocks cannot fit; n still fit
    return per_sm // (blocks_per_sm + 1) - reserved + margin


def scaling_loads(meta: dict[str, Any], quick: bool = False) -> list[Load]:
    """Residency sweeps (sleeping warps on k SMs; w warps on every SM) and the FP32 loop on
    k SMs, each block pinned to its own SM by its dynamic shared memory."""
    sms = int(meta["sm_count"])
    sleep = mb.Microbenchmark("resident_sleep", "resident_sleep", "residency")
    fma = mb.UNIT_BENCHMARKS[0]
    one_per_sm = _one_block_per_sm_shared(meta, 1)
    fractions = mb.SCALING_SM_COUNTS_FRACTIONS[1::2] if quick else mb.SCALING_SM_COUNTS_FRACTIONS
    loads = [Load(sleep, max(1, round(sms * f)), 32, ("out", "iters"), one_per_sm, group="sm_scaling")
             for f in fractions]
    warps = mb.SCALING_WARPS_PER_SM[::2] if quick else mb.SCALING_WARPS_PER_SM
    max_block_warps = int(meta.get("max_threads_per_block", 1024)) // 32
    for w in warps:
        blocks_per_sm = max(1, math.ceil(w / max_block_warps))
        block = 32 * w // blocks_per_sm
        loads.append(Load(sleep, sms * blocks_per_sm, block, ("out", "iters"),
                          _one_block_per_sm_shared(meta, blocks_per_sm), group="warp_scaling"))
    if not quick:
        loads += [Load(fma, max(1, round(sms * f)), 1024, ("out", "iters"), one_per_sm, group="fma_scaling")
                  for f in mb.FMA_SCALING_FRACTIONS]
    return loads


GEMM_ANCHORS = (("bfloat16", 8192), ("float32", 8192))


def estimate_seconds(loads: list[Load], window_s: float, idle_s: float, anchors: int, limits: int) -> float:
    """Wall time the run will take: power loads cost warm-up + window + sizing, timed-only
    loads a fraction of a second; compilation and buffers a fixed few seconds."""
    power_loads = sum(1 for load in loads if load.bench.power)
    timed_only = len(loads) - power_loads
    per_power_s = window_s + 0.35
    return 8.0 + IDLE_SETTLE_S / 2 + idle_s + power_loads * per_power_s + timed_only * 0.3 + (anchors + limits) * (window_s + 1.5)


# ---------------------------------------------------------------------------------------
# Running


def work_per_launch(load: Load, iters: int) -> tuple[float, float]:
    """(thread-instructions of the benchmark's unit, bytes asked for) in one launch."""
    threads = load.work_threads or load.grid * load.block
    rounds = 1 if load.iters_is_launches else iters
    if load.bench.kind == "dram":
        # one pass over the buffer per launch, whatever the geometry
        vectors = DRAM_BUFFER_BYTES / 16
        return load.bench.ops_per_iter * vectors, load.bench.bytes_per_iter * vectors
    return load.bench.ops_per_iter * threads * rounds, load.bench.bytes_per_iter * threads * rounds


def _size_iters(device: CalibrationDevice, load: Load) -> int:
    """Loop count (or launches, for DRAM passes) that makes one timing last about
    TARGET_LAUNCH_MS; re-probed while launch overhead still dominates the probe."""
    if load.iters:
        return load.iters
    iters = 1 if load.iters_is_launches else PROBE_ITERS
    for _ in range(3):
        probe_ms = max(device.time_ms(load, iters, 1), 1e-6)
        if probe_ms >= TARGET_LAUNCH_MS / 2:
            break
        limit = 64 if load.iters_is_launches else MAX_ITERS
        iters = int(min(limit, max(iters + 1, iters * TARGET_LAUNCH_MS / probe_ms)))
        if iters == limit:
            break
    return iters


def measure_load(device: CalibrationDevice, load: Load, meta: dict[str, Any], window_s: float) -> dict[str, Any]:
    """Time (and, for power benchmarks, steady power of) one load; a JSON-ready record."""
    iters = _size_iters(device, load)
    # a single empty launch is short and jittery: many more samples for its median
    jittery = load.bench.kind == "launch" and not load.behind_blocker
    time_ms = device.time_ms(load, iters, TIMED_LAUNCHES * (10 if jittery else 1))
    launches = iters if load.iters_is_launches else 1
    time_per_launch_ms = time_ms / launches
    ops, nbytes = work_per_launch(load, iters)
    sms = int(meta["sm_count"])
    resident = device.resident_blocks_per_sm(load)
    blocks_per_sm = min(resident, math.ceil(load.grid / sms))
    record: dict[str, Any] = {
        "name": load.name, "kernel": load.bench.kernel, "kind": load.bench.kind, "unit": load.bench.unit,
        "group": load.group, "param": load.bench.param,
        "grid": load.grid, "block": load.block, "shared_bytes": load.shared_bytes, "iters": iters,
        "active_sms": min(load.grid, sms),
        "warps_per_sm": blocks_per_sm * math.ceil(load.block / 32),
        "time_ms": time_per_launch_ms,
        "ops_per_launch": ops, "bytes_per_launch": nbytes,
        "ops_per_s": ops / (time_per_launch_ms / 1e3), "bytes_per_s": nbytes / (time_per_launch_ms / 1e3),
    }
    if load.bench.power:
        record.update(device.steady(load, iters, window_s))
    return record


class RawWriter:
    """Keeps the raw record and rewrites it atomically after every measurement, so a run cut
    off halfway keeps everything measured so far."""

    def __init__(self, out_path: Path, raw: dict[str, Any]):
        self.out_path = out_path
        self.raw = raw
        self.flush()

    def flush(self) -> None:
        self.out_path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.out_path.with_name(self.out_path.name + ".tmp")
        tmp.write_text(json.dumps(self.raw, indent=1))
        os.replace(tmp, self.out_path)


def _progress(enabled: bool, total: int) -> Iterator[Callable[[str], None]]:
    """Yields an `advance(description)` callback: a rich progress bar on a terminal, one
    plain line per step in a log (or without rich), nothing when disabled."""
    if not enabled:
        yield lambda _d: None
        return
    try:
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )
    except ImportError:
        Console = None
    if Console is None or not sys.stderr.isatty():
        count = [0]
        start_s = time.perf_counter()

        def advance(description: str) -> None:
            count[0] += 1
            print(f"[{count[0]}/{total} {time.perf_counter() - start_s:5.1f} s] {description}",
                  file=sys.stderr, flush=True)

        yield advance
        return
    with Progress(TextColumn("{task.description:<40}"), BarColumn(), TextColumn("{task.completed}/{task.total}"),
                  TimeElapsedColumn(), TimeRemainingColumn(), console=Console(stderr=True)) as bar:
        task = bar.add_task("calibrating", total=total)
        yield lambda description: bar.update(task, advance=1, description=description)


def run_calibration(out_path: str | Path, *, quick: bool = False, set_power_limits: bool = False,
                    progress: bool = True, device: CalibrationDevice | None = None,
                    command: str | None = None) -> dict[str, Any]:
    """Measure every micro-benchmark on the GPU and write the raw numbers to `out_path`.

    Returns the raw dict (also written, incrementally, as JSON). `quick` uses shorter power
    windows and fewer sweep points. `set_power_limits` (root only) also sweeps the power
    limit over the settable range, restoring the original limit on every exit path.
    `device` defaults to the first GPU through CuPy and NVML.
    """
    device = device or CupyDevice()
    window_s = 0.5 if quick else 1.0
    idle_s = 1.0 if quick else IDLE_SECONDS
    meta = device.meta()
    loads = plan_loads(meta, quick)
    anchors = () if quick else GEMM_ANCHORS
    limits = power_limit_steps(meta) if set_power_limits else []
    estimate_s = estimate_seconds(loads, window_s, idle_s, len(anchors), len(limits))
    meta = {**meta, "command": command or " ".join(sys.argv), "date": time.strftime("%Y-%m-%d %H:%M:%S %Z"),
            "quick": quick, "window_s": window_s, "set_power_limits": set_power_limits}
    if progress:
        print(f"flipflop calibrate: {len(loads)} micro-benchmarks on {meta.get('name', 'the GPU')}, "
              f"about {estimate_s / 60:.1f} min; raw numbers go to {out_path}", file=sys.stderr, flush=True)
    raw: dict[str, Any] = {"schema": RAW_SCHEMA, "meta": meta, "idle": None, "points": [], "anchors": [],
                           "power_limit_sweep": [], "errors": [], "complete": False}
    writer = RawWriter(Path(out_path), raw)
    start_s = time.perf_counter()
    steps = 1 + len(loads) + len(anchors) + len(limits)
    progress_bar = _progress(progress, steps)
    advance = next(progress_bar)
    try:
        raw["idle"] = device.idle(idle_s)
        writer.flush()
        advance("idle power")
        for load in loads:
            try:
                raw["points"].append(measure_load(device, load, meta, window_s))
            except Exception as error:  # noqa: BLE001
                # One broken benchmark leaves a gap in the fit, not a lost run of scarce GPU
                # time: the error is recorded with its type, and the fit reports what is missing.
                raw["errors"].append({"name": load.name, "error": f"{type(error).__name__}: {error}"})
            writer.flush()
            advance(load.name)
        for dtype, n in anchors:
            try:
                anchor = device.gemm_anchor(dtype, n, window_s)
            except Exception as error:  # noqa: BLE001 (as above: the anchor is optional)
                raw["errors"].append({"name": f"gemm_{dtype}_{n}", "error": f"{type(error).__name__}: {error}"})
                anchor = None
            if anchor is not None:
                raw["anchors"].append(anchor)
            writer.flush()
            advance(f"gemm {dtype} {n}")
        try:
            raw["scheduling"] = device.scheduling()
        except Exception as error:  # noqa: BLE001 (as above: one failure must not end the run)
            raw["errors"].append({"name": "scheduling", "error": f"{type(error).__name__}: {error}"})
        writer.flush()
        if limits:
            heaviest = _heaviest_load(loads, raw["points"])
            for watts in limits:
                raw["power_limit_sweep"].append(sweep_point(device, heaviest, watts, meta, window_s))
                writer.flush()
                advance(f"power limit {watts:g} W")
        raw["complete"] = True
    finally:
        raw["meta"]["duration_s"] = round(time.perf_counter() - start_s, 1)
        writer.flush()
        progress_bar.close()
    return raw


def power_limit_steps(meta: dict[str, Any]) -> list[float]:
    """Limits to sweep, from the settable maximum down to the minimum."""
    low_w, high_w = meta["power_limit_range_w"]
    steps = []
    watts = float(high_w)
    while watts >= low_w - 1e-9:
        steps.append(round(watts, 1))
        watts -= POWER_LIMIT_STEP_W
    if steps[-1] > low_w:
        steps.append(float(low_w))
    return steps


def _heaviest_load(loads: list[Load], points: list[dict[str, Any]]) -> Load:
    """The full-occupancy load that drew the most power: the one a power limit bites first."""
    drawn = {p["name"]: p.get("power_w") or 0.0 for p in points}
    full = [load for load in loads if load.group == "full" and load.bench.power]
    return max(full, key=lambda load: drawn.get(load.name, 0.0))


def sweep_point(device: CalibrationDevice, load: Load, watts: float, meta: dict[str, Any],
                window_s: float) -> dict[str, Any]:
    """The heaviest load measured under one power limit (the limit is restored afterwards)."""
    with device.power_limit(watts) as actual_w:
        record = measure_load(device, replace(load, group="full"), meta, window_s)
    record["power_limit_w"] = actual_w
    return record


# ---------------------------------------------------------------------------------------
# The real device: CuPy for kernels and events, flipflop.measure for NVML


# cudaDeviceAttr values (driver_types.h, stable across CUDA versions) → raw meta keys.
DEVICE_ATTRIBUTES = {
    "max_threads_per_block": 1,
    "sm_count": 16,
    "memory_bus_bits": 37,
    "l2_bytes": 38,
    "max_threads_per_sm": 39,
    "shared_per_sm_bytes": 81,
    "registers_per_sm": 82,
    "max_shared_per_block_bytes": 97,
    "max_blocks_per_sm": 106,
    "shared_reserved_per_block_bytes": 111,
}


def _cuda_errors(method: Callable) -> Callable:
    """Turn CuPy's CUDA errors (launch failure, out of memory) into a one-line
    MeasurementError, here at the GPU boundary, so one failed benchmark is recorded, not fatal."""

    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        try:
            return method(self, *args, **kwargs)
        except (self._cp.cuda.driver.CUDADriverError, self._cp.cuda.runtime.CUDARuntimeError,
                self._cp.cuda.memory.OutOfMemoryError) as error:
            raise MeasurementError(f"CUDA error in {method.__name__}: {str(error).splitlines()[0]}") from None

    return wrapper


class CupyDevice(CalibrationDevice):
    """The first CUDA GPU, driven through CuPy (kernels, buffers, events) and NVML."""

    def __init__(self, device_index: int = 0):
        try:
            import cupy as cp
        except ImportError:
            raise MeasurementError("calibration needs CuPy: pip install cupy-cuda12x (or cupy-cuda13x)") from None
        from flipflop.measure.nvml import NvmlMonitor

        self._cp = cp
        self._device = cp.cuda.Device(device_index)
        self._device.use()
        self._monitor = NvmlMonitor(device_index)
        try:
            self._module = cp.RawModule(code=mb.CUDA_SOURCE, options=("-std=c++17",))
            self._module.compile()
        except cp.cuda.compiler.CompileException as error:
            raise MeasurementError(f"micro-benchmarks failed to compile: {str(error).splitlines()[0]}") from None
        self._buffers: dict[str, Any] = {}
        self._functions: dict[str, Any] = {}

    def meta(self) -> dict[str, Any]:
        cp = self._cp
        info = self._monitor.info()
        facts = {key: cp.cuda.runtime.deviceGetAttribute(attribute, self._device.id)
                 for key, attribute in DEVICE_ATTRIBUTES.items()}
        return {
            "name": info.name, "driver": info.driver_version,
            "compute_capability": self._device.compute_capability,
            **facts,
            "memory_bytes": int(cp.cuda.runtime.getDeviceProperties(self._device.id)["totalGlobalMem"]),
            "power_limit_w": info.power_limit_w, "power_limit_range_w": list(info.power_limit_range_w),
            "max_sm_clock_mhz": info.max_sm_clock_mhz, "max_memory_clock_mhz": info.max_memory_clock_mhz,
            "supported_sm_clocks_mhz": self._supported_sm_clocks(),
            "cupy": cp.__version__, "cuda_runtime": cp.cuda.runtime.runtimeGetVersion(),
            "nvrtc": ".".join(map(str, cp.cuda.nvrtc.getVersion())),
            "flipflop_commit": _git_commit(),
        }

    def _supported_sm_clocks(self) -> list[int]:
        """Every SM clock the driver offers at the top memory clock (read-only NVML)."""
        try:
            import pynvml

            handle = pynvml.nvmlDeviceGetHandleByIndex(self._device.id)
            memory = max(pynvml.nvmlDeviceGetSupportedMemoryClocks(handle))
            return sorted(int(c) for c in pynvml.nvmlDeviceGetSupportedGraphicsClocks(handle, memory))
        except Exception:  # an optional fact; NVML builds without the query simply omit it
            return []

    def _function(self, load: Load):
        """The load's kernel, allowed the load's dynamic shared memory (set on every use:
        loads of one kernel differ in it)."""
        if load.bench.kernel not in self._functions:
            self._functions[load.bench.kernel] = self._module.get_function(load.bench.kernel)
        function = self._functions[load.bench.kernel]  # a RawKernel; its CUfunction is .kernel.ptr
        if load.shared_bytes > 48 * 1024:
            function.max_dynamic_shared_size_bytes = load.shared_bytes
        return function

    def _buffer(self, name: str):
        cp = self._cp
        if name not in self._buffers:
            if name == "out":
                self._buffers[name] = cp.zeros(1 << 22, dtype=cp.float32)
            elif name == "l2":
                self._buffers[name] = cp.ones(L2_BUFFER_BYTES // 4, dtype=cp.float32)
            elif name == "l1":  # one 16 KB slice per block of the full-occupancy grid
                self._buffers[name] = cp.ones(L1_SLICE_BYTES // 4 * MAX_FULL_BLOCKS, dtype=cp.float32)
            elif name in ("dram", "dram_dst"):
                self._buffers[name] = cp.ones(DRAM_BUFFER_BYTES // 4, dtype=cp.float32)
            elif name in ("chase_dram", "chase_l2"):
                nbytes = CHASE_DRAM_BYTES if name == "chase_dram" else CHASE_L2_BYTES
                self._buffers[name] = _chase_buffer(cp, nbytes // CHASE_LINE_BYTES, CHASE_LINE_BYTES // 4)
            elif name == "chase_shared":
                self._buffers[name] = _chase_buffer(cp, CHASE_SHARED_WORDS, 1)
        return self._buffers[name]

    def _args(self, load: Load, iters: int) -> tuple[Any, ...]:
        import numpy as np

        ctypes_ = {"i32": np.int32, "u32": np.uint32, "u64": np.uint64}
        args = []
        for arg in load.args:
            if isinstance(arg, tuple):
                args.append(ctypes_[arg[0]](arg[1]))
            elif arg == "iters":
                args.append(np.int32(iters))
            else:
                args.append(self._buffer(arg))
        return tuple(args)

    def _launcher(self, load: Load, iters: int) -> Callable[[], None]:
        function = self._function(load)
        launches = iters if load.iters_is_launches else 1
        args = self._args(load, iters)

        def launch() -> None:
            for _ in range(launches):
                function((load.grid,), (load.block,), args, shared_mem=load.shared_bytes)

        return launch

    @_cuda_errors
    def resident_blocks_per_sm(self, load: Load) -> int:
        from cupy.cuda import driver

        function = self._function(load)
        return int(driver.occupancyMaxActiveBlocksPerMultiprocessor(function.kernel.ptr, load.block, load.shared_bytes))

    def _flush_l2(self) -> None:
        """One streaming pass over the 1 GiB buffer evicts whatever L2 held."""
        flush = mb.Microbenchmark("flush", "dram_read", "dram")
        self._launcher(Load(flush, 1024, 256, ("dram", ("u64", DRAM_BUFFER_BYTES // 16), "out"),
                            iters_is_launches=True), 1)()

    def _blocker(self) -> None:
        """A ~30 ms single-warp kernel: launches enqueued after it wait, and then run back to back."""
        sleep = mb.Microbenchmark("blocker", "resident_sleep", "residency")
        self._launcher(Load(sleep, 1, 32, ("out", "iters")), BLOCKER_SLEEP_ITERS)()

    @_cuda_errors
    def time_ms(self, load: Load, iters: int, launches: int) -> float:
        from flipflop.measure.calibrate.scheduling import event_median_ms

        def before() -> None:
            if load.flush_l2:
                self._flush_l2()
            if load.behind_blocker:
                self._blocker()

        return event_median_ms(self._cp, self._launcher(load, iters), launches, before)

    def _steady(self, launch: Callable[[], None], synchronize: Callable[[], None], window_s: float) -> dict[str, Any]:
        from flipflop.measure.energy import steady_power

        clocks: list[int] = []
        reasons: set[str] = set()
        last_sample = [0.0]

        def launch_and_sample() -> None:
            launch()
            now = time.perf_counter()
            if now - last_sample[0] > 0.05:  # NVML reads cost ~0.1 ms: a few per window
                last_sample[0] = now
                clocks.append(self._monitor.sm_clock_mhz())
                reasons.update(self._monitor.clock_event_reasons())

        reading = steady_power(launch_and_sample, synchronize, self._monitor, window_s)
        clocks.append(reading.sm_clock_mhz)
        reasons.update(reading.clock_event_reasons)
        return {
            "power_w": reading.power_w, "energy_j": reading.energy_j, "power_elapsed_s": reading.elapsed_s,
            "edges": reading.edges, "sm_clock_mhz": statistics.median(clocks), "sm_clock_min_mhz": min(clocks),
            "clock_event_reasons": sorted(reasons), "temperature_c": reading.temperature_c,
            "memory_clock_mhz": self._monitor.memory_clock_mhz(),
        }

    @_cuda_errors
    def steady(self, load: Load, iters: int, window_s: float) -> dict[str, Any]:
        return self._steady(self._launcher(load, iters), self._cp.cuda.runtime.deviceSynchronize, window_s)

    def idle(self, seconds: float) -> dict[str, Any]:
        self._cp.cuda.runtime.deviceSynchronize()
        max_clock_mhz = self._monitor.info().max_sm_clock_mhz
        start_s = time.perf_counter()
        while (self._monitor.sm_clock_mhz() > IDLE_CLOCK_FRACTION * max_clock_mhz
               and time.perf_counter() - start_s < IDLE_SETTLE_S):
            time.sleep(0.2)
        settle_s = time.perf_counter() - start_s
        reading = self._steady(lambda: time.sleep(0.005), lambda: None, seconds)
        reading["settle_s"] = round(settle_s, 1)
        return reading

    @_cuda_errors
    def scheduling(self) -> dict[str, Any]:
        from flipflop.measure.calibrate.scheduling import measure_scheduling

        return measure_scheduling()

    def gemm_anchor(self, dtype: str, n: int, window_s: float) -> dict[str, Any] | None:
        try:
            import torch
        except ImportError:
            return None
        torch.backends.cuda.matmul.allow_tf32 = False  # an FP32 GEMM on the FP32 pipes, as measured before
        try:
            a = torch.randn(n, n, device="cuda", dtype=getattr(torch, dtype))
            b = torch.randn(n, n, device="cuda", dtype=getattr(torch, dtype))
        except RuntimeError as error:  # torch's out-of-memory and CUDA errors
            raise MeasurementError(f"GEMM anchor {dtype} {n}: {str(error).splitlines()[0]}") from None

        def launch() -> None:
            torch.mm(a, b)

        for _ in range(3):
            launch()
        torch.cuda.synchronize()
        start, stop = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
        start.record()
        for _ in range(5):
            launch()
        stop.record()
        torch.cuda.synchronize()
        time_ms = start.elapsed_time(stop) / 5
        record = {"name": f"gemm_{dtype}_{n}", "time_ms": time_ms, "flop_per_s": 2.0 * n ** 3 / (time_ms / 1e3)}
        record.update(self._steady(launch, torch.cuda.synchronize, window_s))
        return record  # a and b go with this frame; the next anchor's allocation reuses their memory

    def power_limit(self, watts: float):
        from flipflop.measure.powerlimit import power_limit

        return power_limit(self._monitor, watts)


def _chase_buffer(cp, nodes: int, stride_words: int):
    """A single random cycle through `nodes` nodes `stride_words` words apart: word
    node·stride holds the word index of the next node (a latency-bound pointer chain)."""
    import numpy as np

    order = np.random.default_rng(0).permutation(nodes).astype(np.uint64)
    nxt = np.zeros(nodes * stride_words, dtype=np.uint32)
    nxt[order * stride_words] = np.roll(order, -1) * stride_words
    return cp.asarray(nxt)


def _git_commit() -> str | None:
    head = Path(__file__).resolve().parents[3] / ".git" / "HEAD"
    try:
        ref = head.read_text().strip()
        if ref.startswith("ref: "):
            return (head.parent / ref[5:]).read_text().strip()
        return ref
    except OSError:
        return None


def create_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m flipflop.measure.calibrate.runner",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("--out", required=True, help="raw JSON to write (no fit; see fit.py)")
    parser.add_argument("--quick", action="store_true", help="shorter windows, fewer sweep points")
    parser.add_argument("--set-power-limits", action="store_true",
                        help="also sweep power limits (root; the original limit is always restored)")
    parser.add_argument("--no-progress", action="store_true")
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the micro-benchmarks and write the raw JSON (no fit): for recording on a GPU."""
    args = create_parser().parse_args(argv)
    try:
        run_calibration(args.out, quick=args.quick, set_power_limits=args.set_power_limits,
                        progress=not args.no_progress, command=" ".join(["flipflop-calibrate-runner", *(argv or sys.argv[1:])]))
    except FlipflopError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
