"""Launch a kernel's configurations on a real GPU through CuPy and measure time, power, energy.

Time per launch is the median of CUDA-event timings; power comes from the energy-counter
protocol (energy.steady_power); energy per launch = power × median time. A launch longer than
a counter period (attention at long sequences: up to seconds) is measured on the power
window's own launches, each timed by events while the counter is polled, so such a
configuration costs about two launches, not six. Configurations are
compiled Kernel Tuner style (a `#define` per block/grid size and tune parameter) in a thread
pool before any is measured. A configuration that fails to compile or launch is a result with
a `status` saying why, never an exception that stops the sweep.
"""

from __future__ import annotations

import re
import statistics
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable, Sequence

import numpy as np

from flipflop import conventions
from flipflop.errors import MeasurementError
from flipflop.frontend.kernel import entry_name
from flipflop.frontend.nvrtc import CompiledPtx, compile_to_ptx, define_lines, instantiate_kernel_name
from flipflop.frontend.ptxas import entry_names
from flipflop.measure.energy import steady_power
from flipflop.measure.nvml import GpuMonitor

if TYPE_CHECKING:
    from flipflop.measure.green import GreenSession

BLOCK_SIZE_NAMES = conventions.DEFAULT_BLOCK_SIZE_NAMES
COMPILE_OPTIONS = ("-std=c++17",)
# CUDA-event timing: at least this many launches (long kernels), and about this much GPU time.
TIMING_MIN_LAUNCHES = 3
TIMING_TARGET_S = 0.02
TIMING_MAX_LAUNCHES = 1000
# A launch at least this long spans a counter period: its window's launches give its time too.
LONG_LAUNCH_S = 0.1
STATUS_OK = "ok"


def kernel_tuner_defines(params: dict[str, Any], grid: Sequence[int]) -> dict[str, Any]:
    """The `#define`s Kernel Tuner puts in front of a source for one configuration
    (``flipflop.conventions``): grid_size_x/y/z, block_size_x/y/z (a missing block size is
    1), every other tune parameter, and `kernel_tuner 1`, in that order."""
    return conventions.kernel_tuner_defines(params, [params.get(name, 1) for name in BLOCK_SIZE_NAMES], grid)


def source_with_defines(source: str, defines: dict[str, Any]) -> str:
    """The `#define name value` lines (``define_lines``), each ended by a newline, followed by the source."""
    return "".join(line + "\n" for line in define_lines(defines)) + source


def grid_for(
    problem_size: int | Sequence[int],
    params: dict[str, Any],
    grid_div: Sequence[int | str | Sequence[str] | None] = (None, None, None),
) -> tuple[int, int, int]:
    """Kernel Tuner's grid (``flipflop.conventions.grid_size``, as the prediction computes it):
    ceil(problem_size[i] / divisor[i]); a divisor of None means block_size_x/y/z (a missing
    block size is 1)."""
    sizes = [problem_size] if isinstance(problem_size, (int, np.integer)) else list(problem_size)
    return conventions.grid_size(sizes, params, grid_div)


def _first_error_line(message: str) -> str:
    """The most telling line of a compiler or driver error, for a one-line status."""
    lines = [line.strip() for line in str(message).splitlines() if line.strip()]
    for marker in ("uses too much shared data", "error", "Error"):
        for line in lines:
            if marker in line:
                return line[:300]
    return lines[0][:300] if lines else "unknown error"


def measured_ptx(source: str, kernel_name: str, arch: str, defines: dict[str, Any] | None) -> CompiledPtx:
    """The PTX a measurement loads for `kernel_name` (a template instantiated by `defines`) in `source`: the front
    end's, as the prediction compiles it, so its header shims, <cub/cub.cuh>'s device-side parts and its retries
    (unannotated constexpr helpers) hold for what is measured too, and the PTX measured is the PTX analysed
    (``entry``: a template's lowered name). Raises CompileError."""
    return compile_to_ptx(source, arch=arch, options=[o for o in COMPILE_OPTIONS if not o.startswith("-std")],
                          kernel_name=instantiate_kernel_name(kernel_name, defines))


def measured_entry(compiled: CompiledPtx, kernel_name: str) -> str:
    """The PTX entry a measurement launches: a template's lowered name, else the entry named `kernel_name` or
    the one whose mangled base name it is."""
    return compiled.entry or entry_name(entry_names(compiled.ptx), kernel_name)


def grid_synchronized(ptx: str) -> bool:
    """Whether the kernel reads the grid-synchronisation workspace (%envreg1 / %envreg2, where cooperative
    groups' this_grid() finds it), which the driver sets up only for a cooperative launch: launched plainly,
    grid.sync() fails with an unspecified launch failure (run 48: awbarrier; run 41: reduce_mbcg)."""
    return re.search(r"%envreg[12]\b", ptx) is not None


@dataclass(frozen=True)
class LoadedKernel:
    """A kernel loaded for measurement: its CuPy function and whether it must be launched cooperatively."""
    function: Any
    cooperative: bool

    def launch(self, grid: Sequence[int], block: Sequence[int], args: Sequence[Any], shared_bytes: int) -> None:
        """Enqueue one launch on CuPy's current stream (cooperative where the kernel synchronises its grid)."""
        self.function(tuple(grid), tuple(block), tuple(args), shared_mem=int(shared_bytes),
                      enable_cooperative_groups=self.cooperative)


def load_function(cupy: Any, source: str, kernel_name: str, arch: str, defines: dict[str, Any] | None) -> LoadedKernel:
    """`kernel_name` in `source`, loaded from `measured_ptx` as a CuPy function. Raises CompileError, or
    CuPy's error when the driver rejects the PTX."""
    compiled = measured_ptx(source, kernel_name, arch, defines)
    module = cupy.cuda.function.Module()
    module.load(compiled.ptx.encode() + b"\0")  # cuModuleLoadData: the driver JITs the PTX for this GPU
    return LoadedKernel(module.get_function(measured_entry(compiled, kernel_name)), grid_synchronized(compiled.ptx))


class CupyRunner:
    """Compiles and launches one kernel's configurations with CuPy on the current device."""

    def __init__(self, kernel_name: str, arguments: Sequence[Any], arch: str | None = None):
        try:
            import cupy
        except ImportError:
            raise MeasurementError("CuPy is needed to measure on a GPU: pip install cupy-cuda13x") from None
        self._cupy = cupy
        self.kernel_name = kernel_name
        self.arch = arch or f"sm_{cupy.cuda.Device().compute_capability}"
        self.device_arguments = [cupy.asarray(a) if isinstance(a, np.ndarray) else a for a in arguments]
        self._modules: dict[str, Any] = {}
        self._device_id = cupy.cuda.Device().id

    def compile(self, source: str, defines: dict[str, Any] | None = None) -> str:
        """Compile and load `source` (its `defines` already in it; they instantiate a template
        kernel name such as ``reduce<block_size_x>``); returns "ok" or the one-line reason it failed."""
        if source in self._modules:
            return STATUS_OK
        try:
            # Compiles run in worker threads: make this GPU's context current in each one.
            self._cupy.cuda.Device(self._device_id).use()
            self._modules[source] = load_function(self._cupy, source, self.kernel_name, self.arch, defines)
        except Exception as error:  # CuPy raises CompileException / CUDADriverError
            return f"compile failed: {_first_error_line(error)}"
        return STATUS_OK

    def launcher(self, source: str, grid, block, shared_bytes: int) -> Callable[[], None]:
        kernel = self._modules[source]
        args = tuple(self.device_arguments)
        return lambda: kernel.launch(grid, block, args, shared_bytes)

    def synchronize(self) -> None:
        self._cupy.cuda.Device().synchronize()

    def is_busy(self) -> bool:
        """True while work enqueued on the current stream has not finished."""
        return not self._cupy.cuda.get_current_stream().done

    def timed(self, launch: Callable[[], None]) -> "EventTimedLaunch":
        """`launch` with a CUDA-event pair recorded around every call."""
        return EventTimedLaunch(launch, self._cupy.cuda)

    def median_time_ms(self, launch: Callable[[], None]) -> float:
        """Median of per-launch CUDA-event times (ms); the caller has run a warm-up launch."""
        return median_event_time_ms(self.timed, launch)


def median_event_time_ms(timed: Callable[[Callable[[], None]], Any], launch: Callable[[], None]) -> float:
    """Median per-launch event time (ms) of `launch`, in batches of TIMING_MIN_LAUNCHES until
    about TIMING_TARGET_S of GPU time (at most TIMING_MAX_LAUNCHES). `timed(launch)` wraps it
    in an event pair per call with a `times_ms()` (a runner's `timed`)."""
    times_ms: list[float] = []
    spent_s = 0.0
    while len(times_ms) < TIMING_MIN_LAUNCHES or (spent_s < TIMING_TARGET_S and len(times_ms) < TIMING_MAX_LAUNCHES):
        batch = timed(launch)
        for _ in range(TIMING_MIN_LAUNCHES):
            batch()
        batch_ms = batch.times_ms()
        times_ms += batch_ms
        spent_s += sum(batch_ms) / 1000
    return statistics.median(times_ms)


class EventTimedLaunch:
    """A launch that records CUDA events around each call; `times_ms` reads them afterwards."""

    def __init__(self, launch: Callable[[], None], cuda: Any):
        self._launch = launch
        self._cuda = cuda
        self._pairs: list[tuple[Any, Any]] = []

    def __call__(self) -> None:
        start, stop = self._cuda.Event(), self._cuda.Event()
        start.record()
        self._launch()
        stop.record()
        self._pairs.append((start, stop))

    def times_ms(self) -> list[float]:
        self._pairs[-1][1].synchronize()
        return [self._cuda.get_elapsed_time(start, stop) for start, stop in self._pairs]


def measure_configs(
    kernel_name: str,
    kernel_source: str,
    arguments: Sequence[Any],
    configs: list[dict],
    *,
    monitor: GpuMonitor | None = None,
    defines: dict[str, Any] | None = None,
    window_s: float = 0.6,
    max_seconds_per_config: float = 30.0,
    budget_s: float | None = None,
    on_result: Callable[[dict], None] | None = None,
    compile_threads: int = 8,
    active_sms: int | None = None,
    green: "GreenSession | None" = None,
) -> list[dict]:
    """Measure every configuration of one kernel on the GPU; one result dict per config.

    Each config holds the tune params plus "block" (x, y, z), "grid" (x, y, z) and
    "shared_bytes" (dynamic shared memory). Each result is the config plus measured_time (ms,
    median per launch), measured_power (W, steady state), measured_energy (J per launch),
    sm_clock_mhz, temperature_c, clock_event_reasons, energy_edges and status ("ok" or why
    not). `defines` replaces the Kernel Tuner defines for every config when given. A config
    whose single launch runs longer than `max_seconds_per_config` is timed but not power
    measured; after `budget_s` seconds the rest are returned with a "not measured" status.

    `active_sms` (None: the whole GPU, as always) runs every launch inside a green context of
    that many SMs (flipflop.measure.green; rounded to the driver's granularity), and each
    result records "active_sms" and "green_launch_mode". `green` is the process's
    GreenSession to reuse (its contexts and launch-mode self-test); without it one is made and
    closed here.
    """
    if active_sms is not None:
        return _measure_in_green_context(kernel_name, kernel_source, arguments, configs, active_sms, green,
                                         monitor=monitor, defines=defines, window_s=window_s,
                                         max_seconds_per_config=max_seconds_per_config, budget_s=budget_s,
                                         on_result=on_result, compile_threads=compile_threads)
    from flipflop.measure.nvml import NvmlMonitor

    monitor = monitor or NvmlMonitor()
    start_s = time.perf_counter()  # the budget covers the compiles too
    return _measure_with(CupyRunner(kernel_name, arguments), kernel_source, configs, monitor=monitor,
                         defines=defines, window_s=window_s, max_seconds_per_config=max_seconds_per_config,
                         budget_s=budget_s, on_result=on_result, compile_threads=compile_threads, start_s=start_s)


def _measure_in_green_context(kernel_name: str, kernel_source: str, arguments: Sequence[Any], configs: list[dict],
                              active_sms: int, green: "GreenSession | None", **options: Any) -> list[dict]:
    """measure_configs on a GreenRunner; every result says on how many SMs and how it launched."""
    from flipflop.measure.green import GreenRunner, GreenSession
    from flipflop.measure.nvml import NvmlMonitor

    options["monitor"] = options["monitor"] or NvmlMonitor()
    start_s = time.perf_counter()  # the budget covers context creation and the self-test too
    session = green if green is not None else GreenSession()
    try:
        runner = GreenRunner(kernel_name, arguments, session, active_sms)
        try:
            extra = {"active_sms": runner.active_sms, "green_launch_mode": runner.mode}
            on_result = options.pop("on_result")
            results = _measure_with(runner, kernel_source, configs, start_s=start_s,
                                    on_result=None if on_result is None else lambda r: on_result({**r, **extra}),
                                    **options)
        finally:
            runner.close()
    finally:
        if green is None:
            session.close()
    return [{**result, **extra} for result in results]


def _measure_with(runner: Any, kernel_source: str, configs: list[dict], *, monitor: GpuMonitor,
                  defines: dict[str, Any] | None, window_s: float, max_seconds_per_config: float,
                  budget_s: float | None, on_result: Callable[[dict], None] | None, compile_threads: int,
                  start_s: float) -> list[dict]:
    """The sweep of measure_configs on any runner with CupyRunner's interface."""
    sources, defines_of = [], {}
    for config in configs:
        config_defines = defines if defines is not None else kernel_tuner_defines(_tune_params(config), config["grid"])
        sources.append(source_with_defines(kernel_source, config_defines))
        defines_of[sources[-1]] = config_defines
    # Compile every distinct source first, in parallel: NVRTC dominates otherwise.
    distinct = list(defines_of)
    with ThreadPoolExecutor(max_workers=compile_threads) as pool:
        compile_status = dict(zip(distinct, pool.map(runner.compile, distinct, [defines_of[s] for s in distinct])))

    results = []
    for config, source in zip(configs, sources):
        result = dict(config)
        if budget_s is not None and time.perf_counter() - start_s > budget_s:
            result["status"] = "not measured: time budget spent"
        elif compile_status[source] != STATUS_OK:
            result["status"] = compile_status[source]
        else:
            result.update(_measure_one(runner, source, config, monitor, window_s, max_seconds_per_config))
        results.append(result)
        if on_result is not None:
            on_result(result)
    return results


def _tune_params(config: dict) -> dict:
    return {k: v for k, v in config.items() if k not in ("block", "grid", "shared_bytes")}


def _measure_one(runner: Any, source: str, config: dict, monitor: GpuMonitor,
                 window_s: float, max_seconds_per_config: float) -> dict:
    launch = runner.launcher(source, config["grid"], config["block"], config.get("shared_bytes", 0))
    try:
        probe = runner.timed(launch)  # the warm-up launch, which also says how long one takes
        probe()
        probe_s = probe.times_ms()[0] / 1000
        if probe_s > max_seconds_per_config:
            return {"measured_time": probe_s * 1000, "status": "time only: a launch is too long for a power window"}
        if probe_s >= LONG_LAUNCH_S:
            window_launch = runner.timed(launch)
            reading = steady_power(window_launch, runner.synchronize, monitor, window_s=window_s,
                                   warmup_s=0.0, is_busy=runner.is_busy)
            time_ms = statistics.median(window_launch.times_ms())
        else:
            time_ms = runner.median_time_ms(launch)
            reading = steady_power(launch, runner.synchronize, monitor, window_s=window_s, is_busy=runner.is_busy)
    except MeasurementError as error:
        return {"status": f"measurement failed: {error}"}
    except Exception as error:  # a launch failure (CUDADriverError, CUDARuntimeError)
        return {"status": f"launch failed: {_first_error_line(error)}"}
    return {
        "measured_time": time_ms,
        "measured_power": reading.power_w,
        "measured_energy": reading.power_w * time_ms / 1000,
        "sm_clock_mhz": reading.sm_clock_mhz,
        "temperature_c": reading.temperature_c,
        "clock_event_reasons": list(reading.clock_event_reasons),
        "energy_edges": reading.edges,
        "power_window_s": round(reading.window_s, 4),
        "window_launches": reading.batches * reading.launches_per_batch,
        "status": STATUS_OK,
    }
