"""The Kernel Tuner bridge: measure through ``kernel_tuner.tune_kernel``, and write our runs as its cache.

Two directions, so flipflop's results sit beside the field's standard tool:

* ``measure_with_kernel_tuner`` runs Kernel Tuner's brute force (CuPy backend) with its
  ``NVMLObserver`` and returns rows shaped like ``flipflop.measure``'s (tune params plus
  ``measured_time`` / ``measured_power`` / ``measured_energy``, ``backend: "kernel_tuner"``).
  ``measure_problem_with_kernel_tuner`` does so for a ``TuningProblem``.
* ``write_kernel_tuner_cache`` writes any measured run as a Kernel Tuner cache file that
  ``tune_kernel(..., cache=path, simulation_mode=True)`` or ``kernel_tuner.tune_cache(path)``
  replays without a GPU.

What Kernel Tuner 1.5's NVMLObserver measures (kernel_tuner/observers/nvml.py, observer.py,
core.py), so its figures are read correctly:
  - ``time``: the mean of ``iterations`` single launches, each bracketed by CUDA events on the
    backend's stream and synchronised before the next (ms).
  - ``nvml_power``: after those launches, ceil(continuous_duration / time) launches are
    enqueued back to back; once all are enqueued, NVML's *instantaneous* power field
    (NVML_FI_DEV_POWER_INSTANT) is polled until the last one finishes, a sample kept when it
    changed or 10 ms passed; the figure is the median of those samples (W).
  - ``nvml_energy``: ``nvml_power`` × ``time`` / 1000 (J per launch). Not the energy counter.
  - ``core_freq`` / ``temperature``: means of readings polled during the timed launches.
flipflop's own protocol (energy.py) instead integrates the total-energy counter between its
update edges inside a ≥ 0.5 s busy window, and multiplies by the median launch time.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from flipflop.errors import ConfigurationError, MeasurementError
from flipflop.measure.launcher import COMPILE_OPTIONS, STATUS_OK
from flipflop.measure.nvml import GpuMonitor
from flipflop.problem import TuningProblem

BACKEND = "kernel_tuner"
PREDICTED = "flipflop.predict"  # the backend of rows that are predictions written as a cache
NVML_OBSERVABLES = ("nvml_energy", "nvml_power", "core_freq", "temperature")
# Kernel Tuner tune parameters that make it change the GPU's power limit or clocks. flipflop
# never changes a GPU's settings behind the user's back (power limits: flipflop.measure.powerlimit).
GPU_SETTING_PARAMS = ("nvml_pwr_limit", "nvml_gr_clock", "nvml_mem_clock")
# Kernel Tuner result key → our row key (units: ms, W, J per launch, MHz, °C).
FIGURES_FROM_KERNEL_TUNER = {
    "time": "measured_time",
    "nvml_power": "measured_power",
    "nvml_energy": "measured_energy",
    "core_freq": "sm_clock_mhz",
    "temperature": "temperature_c",
    "times": "times_ms",
    "compile_time": "compile_time_ms",
    "benchmark_time": "benchmark_time_ms",
}
# Our row key → Kernel Tuner cache key, for writing a cache Kernel Tuner replays.
FIGURES_TO_KERNEL_TUNER = {
    "measured_time": "time",
    "measured_power": "nvml_power",
    "measured_energy": "nvml_energy",
    "sm_clock_mhz": "core_freq",
    "temperature_c": "temperature",
    "times_ms": "times",
    "compile_time_ms": "compile_time",
    "benchmark_time_ms": "benchmark_time",
}
OBJECTIVES = ("time", "nvml_energy", "nvml_power")
# Kernel Tuner's error classes (kernel_tuner.util.ErrorConfig subclasses) ↔ our status prefixes.
ERROR_STATUS = {
    "InvalidConfig": "invalid: rejected by Kernel Tuner (e.g. more threads than the device allows)",
    "CompilationFailedConfig": "compile failed: Kernel Tuner skipped it (too much shared or local memory)",
    "RuntimeFailedConfig": "launch failed: too many resources requested for launch",
    "ErrorConfig": "failed in Kernel Tuner",
}
STATUS_ERROR = (("compile failed", "CompilationFailedConfig"), ("launch failed", "RuntimeFailedConfig"),
                ("invalid", "InvalidConfig"), ("dropped", "InvalidConfig"))
GENERIC_ERROR = "ErrorConfig"
INSTALL_HINT = "Kernel Tuner is not installed: pip install kernel_tuner"


class KernelTunerResults(list):
    """``measure_with_kernel_tuner``'s rows, plus how the run went in ``.metadata``.

    ``metadata``: kernel_tuner_version, device_name, wall_time_s (the whole tune_kernel call),
    gpu_energy_j (NVML total-energy counter across the call; None without NVML), observables,
    iterations, and Kernel Tuner's own total compile / benchmark / framework times (ms).
    """

    def __init__(self, rows: Sequence[dict], metadata: Mapping[str, Any]):
        super().__init__(rows)
        self.metadata = dict(metadata)


def _import_kernel_tuner():
    try:
        import kernel_tuner
    except ImportError:
        raise MeasurementError(INSTALL_HINT) from None
    return kernel_tuner


def tune_kernel_arguments(
    kernel_name: str,
    kernel_source: str,
    problem_size: Any,
    arguments: Sequence[Any],
    tune_params: Mapping[str, Sequence[Any]],
    *,
    restrictions: Any = None,
    grid_div_x: Any = None,
    grid_div_y: Any = None,
    grid_div_z: Any = None,
    block_size_names: Sequence[str] | None = None,
    smem_args: Mapping[str, Any] | None = None,
    defines: Mapping[str, Any] | None = None,
    compiler_options: Sequence[str] = COMPILE_OPTIONS,
    iterations: int = 7,
    observers: Sequence[Any] = (),
) -> dict[str, Any]:
    """The keyword arguments of the ``kernel_tuner.tune_kernel`` call that measures every configuration.

    Brute force on the CuPy backend, quiet, compiled with the same options as flipflop's
    launcher (``-std=c++17``; Kernel Tuner's CuPy default would be ``--std=c++11``).
    Raises ConfigurationError for tune parameters that would make Kernel Tuner change the
    GPU's power limit or clocks.
    """
    touching = [name for name in tune_params if name in GPU_SETTING_PARAMS]
    if touching:
        raise ConfigurationError(f"tune parameter {touching[0]} would make Kernel Tuner change the GPU's "
                                 "settings; flipflop measures at the GPU's current limit and clocks")
    return {
        "kernel_name": kernel_name, "kernel_source": kernel_source, "problem_size": problem_size,
        "arguments": list(arguments), "tune_params": {k: list(v) for k, v in tune_params.items()},
        "restrictions": restrictions, "grid_div_x": grid_div_x, "grid_div_y": grid_div_y,
        "grid_div_z": grid_div_z, "block_size_names": list(block_size_names) if block_size_names else None,
        "smem_args": dict(smem_args) if smem_args else None, "defines": dict(defines) if defines else None,
        "compiler_options": list(compiler_options),
        "iterations": iterations, "lang": "cupy", "strategy": "brute_force", "observers": list(observers),
        "verbose": False, "quiet": True,
    }


def only_configurations(param_names: Sequence[str], configs: Sequence[Mapping[str, Any]]) -> str:
    """A Kernel Tuner restriction string admitting exactly `configs` (to measure a chosen subset,
    e.g. the top-k predicted, with its brute force); add it to the user's restrictions."""
    names = list(param_names)
    tuples = [tuple(_json_value(config[name]) for name in names) for config in configs]
    return f"({', '.join(names)},) in {tuples!r}"


def row_from_kernel_tuner(result: Mapping[str, Any], param_names: Sequence[str]) -> dict:
    """One Kernel Tuner result dict → one of our rows (tune params, measured_*, status, backend)."""
    row: dict[str, Any] = {name: result[name] for name in param_names}
    error = result.get("__error__")
    for source, target in FIGURES_FROM_KERNEL_TUNER.items():
        if source in result and error is None:
            value = result[source]
            row[target] = [float(v) for v in value] if isinstance(value, (list, tuple)) else float(value)
    row["status"] = STATUS_OK if error is None else ERROR_STATUS.get(str(error), ERROR_STATUS[GENERIC_ERROR])
    row["backend"] = BACKEND
    return row


def measure_with_kernel_tuner(
    kernel_name: str,
    kernel_source: str,
    problem_size: Any,
    arguments: Sequence[Any],
    tune_params: Mapping[str, Sequence[Any]],
    *,
    restrictions: Any = None,
    grid_div_x: Any = None,
    grid_div_y: Any = None,
    grid_div_z: Any = None,
    block_size_names: Sequence[str] | None = None,
    smem_args: Mapping[str, Any] | None = None,
    defines: Mapping[str, Any] | None = None,
    compiler_options: Sequence[str] = COMPILE_OPTIONS,
    iterations: int = 7,
    observers: str | None = "nvml",
    continuous_duration_s: float = 1.0,
    monitor: GpuMonitor | None = None,
    clock: Callable[[], float] = time.perf_counter,
) -> KernelTunerResults:
    """Measure every configuration with Kernel Tuner's brute force and NVML observer.

    Arguments follow ``kernel_tuner.tune_kernel`` (the kernel source as text). ``observers``:
    "nvml" (NVMLObserver with nvml_energy, nvml_power, core_freq, temperature, sampling power
    for ``continuous_duration_s`` per configuration) or None (time only). Returns one row per
    configuration Kernel Tuner visited: the tune params, ``measured_time`` (ms, mean of
    ``iterations`` launches), ``measured_power`` (W, median instantaneous NVML power),
    ``measured_energy`` (J per launch = power × time), ``sm_clock_mhz``, ``temperature_c``,
    ``status`` and ``backend: "kernel_tuner"``; ``.metadata`` holds the run's wall time and
    the GPU energy it spent (``monitor``'s energy counter; NVML by default, None if absent).
    """
    kernel_tuner = _import_kernel_tuner()
    kt_observers = []
    if observers == "nvml":
        from kernel_tuner.observers.nvml import NVMLObserver

        kt_observers.append(NVMLObserver(list(NVML_OBSERVABLES), continuous_duration=continuous_duration_s))
    elif observers is not None:
        raise ConfigurationError(f"observers must be 'nvml' or None, got {observers!r}")
    kwargs = tune_kernel_arguments(
        kernel_name, kernel_source, problem_size, arguments, tune_params, restrictions=restrictions,
        grid_div_x=grid_div_x, grid_div_y=grid_div_y, grid_div_z=grid_div_z, block_size_names=block_size_names,
        smem_args=smem_args, defines=defines, compiler_options=compiler_options, iterations=iterations,
        observers=kt_observers)
    monitor = monitor if monitor is not None else _default_monitor()
    energy_before_mj = _energy_mj(monitor)
    started_s = clock()
    try:
        results, env = kernel_tuner.tune_kernel(**kwargs)
    except Exception as error:  # noqa: BLE001 - Kernel Tuner raises bare exceptions on compile and driver errors
        raise MeasurementError(f"Kernel Tuner failed on {kernel_name}: {_one_line(error)}") from None
    wall_time_s = clock() - started_s
    energy_after_mj = _energy_mj(monitor)
    rows = [row_from_kernel_tuner(result, list(tune_params)) for result in results if result]
    gpu_energy_j = (None if energy_before_mj is None or energy_after_mj is None
                    else (energy_after_mj - energy_before_mj) / 1000)
    metadata = {
        "backend": BACKEND,
        "kernel_tuner_version": getattr(kernel_tuner, "__version__", "unknown"),
        "device_name": env.get("device_name"),
        "observables": list(NVML_OBSERVABLES) if kt_observers else [],
        "continuous_duration_s": continuous_duration_s if kt_observers else None,
        "iterations": iterations,
        "configurations": len(rows),
        "wall_time_s": wall_time_s,
        "gpu_energy_j": gpu_energy_j,
        **{key: env[key] for key in ("total_compile_time", "total_benchmark_time", "total_framework_time",
                                     "total_strategy_time") if key in env},
    }
    return KernelTunerResults(rows, metadata)


def measure_problem_with_kernel_tuner(problem: TuningProblem, restrictions: Any, *, monitor: GpuMonitor | None,
                                     iterations: int | None = None) -> KernelTunerResults:
    """``measure_with_kernel_tuner`` on a ``TuningProblem``, under ``restrictions`` instead of the
    problem's (a chosen subset, ``only_configurations``); ``iterations`` None: the default."""
    options: dict[str, Any] = {"compiler_options": list(problem.compiler_options)} if problem.compiler_options else {}
    if iterations is not None:
        options["iterations"] = iterations
    return measure_with_kernel_tuner(
        problem.kernel_name, problem.source.text, problem.problem_size, list(problem.arguments),
        dict(problem.tune_params), restrictions=restrictions, defines=problem.defines,
        grid_div_x=problem.grid_div[0], grid_div_y=problem.grid_div[1], grid_div_z=problem.grid_div[2],
        block_size_names=problem.block_size_names, smem_args=problem.smem_args, monitor=monitor, **options)


def _default_monitor() -> GpuMonitor | None:
    from flipflop.measure.nvml import NvmlMonitor

    try:
        return NvmlMonitor()
    except MeasurementError:
        return None


def _energy_mj(monitor: GpuMonitor | None) -> int | None:
    if monitor is None:
        return None
    try:
        return monitor.total_energy_mj()
    except MeasurementError:
        return None


def _one_line(error: BaseException) -> str:
    lines = [line.strip() for line in str(error).splitlines() if line.strip()]
    return (lines[0][:300] if lines else type(error).__name__)


def _error_class(status: str) -> str:
    for prefix, error in STATUS_ERROR:
        if status.startswith(prefix):
            return error
    return GENERIC_ERROR


def _json_value(value: Any) -> Any:
    """numpy scalars and arrays → plain JSON values (Kernel Tuner's NpEncoder does the same)."""
    if hasattr(value, "tolist"):
        return value.tolist()
    if isinstance(value, tuple):
        return list(value)
    return value


def cache_key(params: Mapping[str, Any], param_names: Sequence[str]) -> str:
    """Kernel Tuner's cache key: the tune-parameter values in tune_params order, joined by commas."""
    return ",".join(str(_json_value(params[name])) for name in param_names)


def cache_entry(row: Mapping[str, Any], param_names: Sequence[str]) -> dict:
    """One measured row → one Kernel Tuner cache entry.

    A row with status "ok" keeps its figures under Kernel Tuner's names (time, nvml_power,
    nvml_energy, core_freq, temperature, times, compile_time, benchmark_time); any other row
    becomes an error entry (``__error__``: CompilationFailedConfig, RuntimeFailedConfig,
    InvalidConfig or ErrorConfig) carrying our status. ``measured_by`` names the protocol.
    """
    missing = [name for name in param_names if name not in row]
    if missing:
        raise ConfigurationError(f"a row lacks tune parameter {missing[0]}: {dict(row)!r}"[:300])
    entry: dict[str, Any] = {name: _json_value(row[name]) for name in param_names}
    status = str(row.get("status", STATUS_OK))
    if status == STATUS_OK:
        if "measured_time" not in row:
            raise ConfigurationError("a row has no measured_time: only measured runs can be written as a "
                                     "Kernel Tuner cache")
        for source, target in FIGURES_TO_KERNEL_TUNER.items():
            if source in row and row[source] is not None:
                entry[target] = _json_value(row[source])
    else:
        entry["__error__"] = _error_class(status)
        entry["status"] = status
    entry["measured_by"] = {BACKEND: "kernel_tuner NVMLObserver", PREDICTED: "flipflop prediction (not measured)"}.get(
        row.get("backend"), "flipflop energy counter")
    if "timestamp" in row:
        entry["timestamp"] = str(row["timestamp"])
    return entry


def write_kernel_tuner_cache(
    path: str | Path,
    kernel_name: str,
    problem_size: Any,
    tune_params: Mapping[str, Sequence[Any]],
    rows: Sequence[Mapping[str, Any]],
    device_name: str,
    objective: str = "time",
    dropped: Sequence[tuple[Mapping[str, Any], str]] | None = None,
) -> Path:
    """Write measured rows as a Kernel Tuner cache file that Kernel Tuner replays.

    ``rows``: our measured rows (``flipflop.measure``, ``measure_with_kernel_tuner`` or the
    launcher's results): tune params plus measured_time / measured_power / measured_energy and
    status. ``dropped``: [(params, reason)] of configurations never launched (default: the
    rows' own ``.dropped`` when they are ``flipflop.measure``'s results), written as
    InvalidConfig so a replay over the whole space finds every configuration. A configuration
    seen twice keeps its first row, as Kernel Tuner's cache does. ``device_name`` must be the
    name Kernel Tuner reports (CuPy's, e.g. "NVIDIA H100 80GB HBM3") for a non-simulated
    run to continue from the file. The layout is Kernel Tuner's own (util.process_cache):
    a header, one entry per line, closed by "}\\n}". Returns the path written (".json" added
    when missing, as Kernel Tuner does).
    """
    if objective not in OBJECTIVES:
        raise ConfigurationError(f"objective must be one of {', '.join(OBJECTIVES)}, got {objective!r}")
    path = Path(path)
    if path.suffix != ".json":
        path = path.with_name(path.name + ".json")
    names = list(tune_params)
    if dropped is None:
        dropped = getattr(rows, "dropped", ())
    entries: dict[str, dict] = {}
    for row in rows:
        entries.setdefault(cache_key(row, names), cache_entry(row, names))
    for params, reason in dropped:
        entries.setdefault(cache_key(params, names),
                           cache_entry({**params, "status": f"dropped: {reason}"}, names))
    header = {
        "device_name": device_name,
        "kernel_name": kernel_name,
        "problem_size": _json_value(problem_size),
        "tune_params_keys": names,
        "tune_params": {name: [_json_value(v) for v in values] for name, values in tune_params.items()},
        "objective": objective,
        "cache": {},
    }
    text = json.dumps(header, indent="")[:-3]  # up to and including '"cache": {', as Kernel Tuner writes it
    text += ",".join("\n" + json.dumps({key: entry})[1:-1] for key, entry in entries.items())
    path.write_text(text + "}\n}")
    return path

