"""The public API, shaped like ``kernel_tuner.tune_kernel`` so a Kernel Tuner user switches in one line.

``predict`` returns one dict per launchable configuration × power limit; ``recommend`` the
picks and baselines; ``measure`` and ``validate`` run the same space on a real GPU
(``flipflop.measure``, needs CuPy and NVML) and compare.
"""
from __future__ import annotations

import dataclasses
import time
from typing import Any, Callable, Mapping, Sequence

import numpy as np

from flipflop.errors import ConfigurationError
from flipflop.hardware.profile import GpuProfile
from flipflop.hardware.registry import resolve_profile
from flipflop.report.savings import measurement_avoided
from flipflop.search.builds import arguments_key, prebuild, variant_builder
from flipflop.search.evaluate import Evaluated, KernelBuild, evaluate_space
from flipflop.search.recommend import Recommendation, recommend_from
from flipflop.search.space import enumerate_space

MEASURE_BACKENDS = ("flipflop", "kernel_tuner")
POWER_LIMIT_STEPS = 11  # "all": the settable range in this many evenly spaced limits
# PTX scalar parameter type → (numpy kind letters accepted, bytes). Pointers are u64/b64.
PTX_SCALAR_TYPES: dict[str, tuple[str, int]] = {
    "f16": ("f", 2), "bf16": ("fV", 2), "f32": ("f", 4), "f64": ("f", 8),
    "s8": ("iub", 1), "u8": ("iub", 1), "b8": ("iubV", 1), "s16": ("iu", 2), "u16": ("iu", 2), "b16": ("iuf", 2),
    "s32": ("iu", 4), "u32": ("iu", 4), "b32": ("iuf", 4), "s64": ("iu", 8), "u64": ("iu", 8), "b64": ("iuf", 8),
}


class PredictionResults(list):
    """``predict``'s list of result dicts, plus what was left out and how it was obtained.

    ``dropped``: [(params dict, one-line reason)]; ``metadata``: gpu, profile status, toolchain
    versions, and which parts are measured and which modelled.
    """

    def __init__(self, rows: Sequence[dict], dropped: Sequence[tuple[dict, str]], metadata: dict[str, Any]):
        super().__init__(rows)
        self.dropped = list(dropped)
        self.metadata = dict(metadata)


def power_limit_list(profile: GpuProfile, power_limits: Any) -> list[float]:
    """None → the default limit; "all" → the settable range in 11 steps; else a list of watts."""
    if power_limits is None:
        return [float(profile.power_limit_default_w)]
    if isinstance(power_limits, str):
        if power_limits.strip().lower() != "all":
            raise ConfigurationError(f"power_limits must be None, 'all' or a list of watts, got {power_limits!r}")
        steps = np.linspace(profile.power_limit_min_w, profile.power_limit_max_w, POWER_LIMIT_STEPS)
        return sorted({float(round(w)) for w in steps})
    if isinstance(power_limits, (int, float)):
        power_limits = [power_limits]
    limits = []
    for watts in power_limits:
        try:
            w = float(watts)
        except (TypeError, ValueError):
            raise ConfigurationError(f"power limit {watts!r} is not a number of watts") from None
        if not profile.power_limit_min_w <= w <= profile.power_limit_max_w:
            raise ConfigurationError(f"power limit {w:g} W is outside {profile.name}'s settable range "
                                     f"{profile.power_limit_min_w:g}–{profile.power_limit_max_w:g} W")
        limits.append(w)
    if not limits:
        raise ConfigurationError("power_limits is an empty list")
    return sorted(set(limits))


def check_arguments(kernel: str, params: Sequence[Any], arguments: Sequence[Any]) -> None:
    """Kernel Tuner arguments (numpy arrays and scalars, kernel order) against the PTX parameters."""
    if len(arguments) != len(params):
        raise ConfigurationError(f"kernel {kernel} takes {len(params)} arguments, got {len(arguments)}")
    for i, (arg, param) in enumerate(zip(arguments, params)):
        if isinstance(arg, np.ndarray):
            if param.type not in ("u64", "b64") or param.array_len:
                raise ConfigurationError(f"argument {i} of {kernel} is an array but the kernel takes "
                                         f"a {param.type} scalar")
            continue
        if param.array_len:  # a struct passed by value: accept a numpy void/record of its size
            continue
        value = np.asarray(arg)
        if value.ndim != 0 or value.dtype == object:
            raise ConfigurationError(f"argument {i} of {kernel} must be a numpy array or scalar, "
                                     f"got {type(arg).__name__}")
        kinds, size = PTX_SCALAR_TYPES.get(param.type, ("", 0))
        if size and (value.dtype.kind not in kinds or value.dtype.itemsize != size):
            what = "float" if kinds == "f" else "integer"
            raise ConfigurationError(f"argument {i} of {kernel} has dtype {value.dtype} but the kernel "
                                     f"takes a {8 * size}-bit {what} (PTX .{param.type})")


def _evaluate(kernel_name: str, kernel_source: Any, problem_size: Any, arguments: Sequence[Any],
              tune_params: Mapping[str, Sequence[Any]], gpu: str, limits: Any, restrictions: Any,
              grid_div: tuple[Any, Any, Any], block_size_names: Any, smem_args: Any, defines: Any,
              compiler_options: Any) -> tuple[Evaluated, GpuProfile, list[float], dict[str, Any]]:
    from flipflop.frontend import load_kernel_source

    started = time.perf_counter()
    profile = resolve_profile(gpu)
    requested = power_limit_list(profile, limits)
    space = enumerate_space(tune_params, problem_size, restrictions=restrictions, grid_div_x=grid_div[0],
                            grid_div_y=grid_div[1], grid_div_z=grid_div[2], block_size_names=block_size_names,
                            smem_args=smem_args, defines=defines)
    text, kind = load_kernel_source(kernel_source)
    options = tuple(compiler_options or ())
    args_key = arguments_key(arguments)
    variant = variant_builder(text, kernel_name, profile.arch, options, args_key,
                              lambda v: check_arguments(v.kernel, v.params, arguments))

    def prepare(launches: dict) -> None:
        prebuild(text, kernel_name, profile.arch, options, launches, arguments, args_key)

    all_limits = sorted(set(requested) | {float(profile.power_limit_default_w)})
    # A template kernel name's arguments can name defines too (reduce<block_size_x>).
    ev = evaluate_space(space, profile, all_limits, lambda key: KernelBuild(*variant(key)),
                        f"{text}\n{kernel_name}" if kind == "cuda" else None, arguments, prepare)
    metadata = {
        "kernel": kernel_name,
        "gpu": profile.name,
        "gpu_name": profile.display_name,
        "profile_status": profile.status,
        "source_kind": kind,
        **ev.toolchain,
        "configurations": space.total,
        "launchable": len(ev.configs),
        "dropped": len(ev.dropped),
        "power_limits_w": requested,
        "measured": sorted(k for k, v in profile.origin.items() if str(v).startswith("measured")),
        "modelled": ("time, power and energy of every configuration (flipflop.model); the power-limit → "
                     "clock response follows dynamic power ∝ f^K" +
                     (" fitted on measured points" if profile.status == "measured" else " with datasheet figures")),
        "inherited_from": profile.provenance.get("inherited_from"),
        "seconds": round(time.perf_counter() - started, 4),
    }
    return ev, profile, requested, metadata


def _columns(ev: Evaluated, requested: Sequence[float]) -> np.ndarray:
    return np.array([int(np.flatnonzero(ev.power_limits_w == w)[0]) for w in requested])


def predict(kernel_name: str, kernel_source: Any, problem_size: Any, arguments: Sequence[Any],
            tune_params: Mapping[str, Sequence[Any]], *, gpu: str = "h100-sxm", power_limits: Any = None,
            restrictions: Any = None, grid_div_x: Any = None, grid_div_y: Any = None, grid_div_z: Any = None,
            block_size_names: Sequence[str] | None = None, smem_args: Mapping[str, Any] | None = None,
            defines: Mapping[str, Any] | None = None, compiler_options: Sequence[str] | None = None
            ) -> PredictionResults:
    """Predict time (ms), power (W) and energy (J) of every launchable configuration × power limit.

    Arguments follow ``kernel_tuner.tune_kernel``. Each result dict holds the tune params,
    ``power_limit`` (W), ``time`` (ms per launch), ``power`` (W), ``energy`` (J per launch),
    ``pareto`` (on the joint time–energy front), ``sm_clock`` (MHz) and the model's reasons
    (occupancy, coalescing_efficiency, bank_conflict_degree, waves, bound, ...).
    ``.dropped`` lists the configurations left out and why; ``.metadata`` how it was obtained.
    """
    ev, profile, requested, metadata = _evaluate(
        kernel_name, kernel_source, problem_size, arguments, tune_params, gpu, power_limits, restrictions,
        (grid_div_x, grid_div_y, grid_div_z), block_size_names, smem_args, defines, compiler_options)
    return results_table(ev, requested, metadata)


def results_table(ev: Evaluated, requested: Sequence[float], metadata: dict[str, Any]) -> PredictionResults:
    """Evaluated predictions → predict's list of dicts (rows ordered by config, then limit)."""
    cols = _columns(ev, requested)
    pareto = ev.pareto(cols)
    rows = []
    for i, config in enumerate(ev.configs):
        reasons = ev.reasons[i].as_dict()
        for j in cols:
            rows.append({**config.params_dict, "power_limit": float(ev.power_limits_w[j]),
                         "time": float(ev.time_ms[i, j]), "power": float(ev.power_w[i, j]),
                         "energy": float(ev.energy_j[i, j]), "pareto": bool(pareto[i, j]),
                         "sm_clock": float(ev.sm_clock_mhz[i, j]), **reasons})
    return PredictionResults(rows, [(d.params, d.reason) for d in ev.dropped], metadata)


def recommend(kernel_name: str, kernel_source: Any, problem_size: Any, arguments: Sequence[Any],
              tune_params: Mapping[str, Sequence[Any]], *, gpu: str = "h100-sxm", power_limits: Any = None,
              restrictions: Any = None, grid_div_x: Any = None, grid_div_y: Any = None, grid_div_z: Any = None,
              block_size_names: Sequence[str] | None = None, smem_args: Mapping[str, Any] | None = None,
              defines: Mapping[str, Any] | None = None, compiler_options: Sequence[str] | None = None
              ) -> Recommendation:
    """The energy-optimal, time-optimal and balanced picks, the baselines, savings and reasons.

    Same arguments as ``predict``. Baselines (occupancy heuristic, fixed 256 threads) are
    evaluated at the profile's default power limit.
    """
    ev, profile, requested, metadata = _evaluate(
        kernel_name, kernel_source, problem_size, arguments, tune_params, gpu, power_limits, restrictions,
        (grid_div_x, grid_div_y, grid_div_z), block_size_names, smem_args, defines, compiler_options)
    default_col = int(np.flatnonzero(ev.power_limits_w == float(profile.power_limit_default_w))[0])
    cols = _columns(ev, requested)
    rec = recommend_from(ev, profile, kernel_name, cols, default_col)
    avoided = measurement_avoided(ev.time_ms[:, cols].ravel(), ev.power_w[:, cols].ravel(), profile.idle_power_w)
    return dataclasses.replace(rec, metadata=metadata, measurement_avoided=avoided.as_dict())


def _measure_rows(kernel_name: str, kernel_source: Any, problem_size: Any, arguments: Sequence[Any],
                  tune_params: Mapping[str, Sequence[Any]], kwargs: dict[str, Any], top_k: int | None,
                  monitor: Any, on_result: Callable[[dict], None] | None, backend: str) -> PredictionResults:
    from flipflop.frontend import load_kernel_source

    if backend not in MEASURE_BACKENDS:
        raise ConfigurationError(f"backend must be one of {', '.join(MEASURE_BACKENDS)}, got {backend!r}")
    kwargs = dict(kwargs)
    kwargs["power_limits"] = None  # the GPU runs at whatever limit it has; predictions at the default
    rows = predict(kernel_name, kernel_source, problem_size, arguments, tune_params, **kwargs)
    chosen = sorted(sorted(range(len(rows)), key=lambda i: rows[i]["energy"])[:top_k] if top_k else range(len(rows)))
    text, _ = load_kernel_source(kernel_source)
    keys = list(tune_params)
    if backend == "kernel_tuner":
        from flipflop.measure.kernel_tuner_bridge import measure_with_kernel_tuner, only_configurations

        options = {"compiler_options": kwargs["compiler_options"]} if kwargs.get("compiler_options") else {}
        tuned = measure_with_kernel_tuner(
            kernel_name, text, problem_size, arguments, tune_params,
            # A restriction string: Kernel Tuner passes a lone tune parameter's bare value to a callable.
            restrictions=[only_configurations(keys, [rows[i] for i in chosen])], defines=kwargs.get("defines"),
            grid_div_x=kwargs.get("grid_div_x"),
            grid_div_y=kwargs.get("grid_div_y"), grid_div_z=kwargs.get("grid_div_z"),
            block_size_names=kwargs.get("block_size_names"), smem_args=kwargs.get("smem_args"), monitor=monitor,
            **options)
        by_params = {tuple(r[k] for k in keys): r for r in tuned}
        measured = [by_params.get(tuple(rows[i][k] for k in keys), {"status": "not measured by Kernel Tuner"})
                    for i in chosen]
        run = {"device_name": tuned.metadata.get("device_name"), "kernel_tuner": tuned.metadata}
    else:
        from flipflop.measure.launcher import measure_configs
        from flipflop.measure.nvml import NvmlMonitor

        monitor = monitor or NvmlMonitor()
        launches = _configs_for(problem_size, tune_params, kwargs, rows)
        measured = measure_configs(kernel_name, text, arguments, [launches[i] for i in chosen], monitor=monitor,
                                   defines=kwargs.get("defines"), on_result=on_result)
        run = {"device_name": monitor.info().name}
    out = []
    for i, result in zip(chosen, measured):
        row = dict(rows[i])
        row.update({k: result[k] for k in ("measured_time", "measured_power", "measured_energy", "status")
                    if k in result})
        out.append(row)
    return PredictionResults(out, rows.dropped, {**rows.metadata, **run, "backend": backend,
                                                 "measured_configurations": len(out),
                                                 "pareto_size": sum(r["pareto"] for r in rows),
                                                 "space_size": len(rows)})


def _configs_for(problem_size: Any, tune_params: Mapping[str, Any], kwargs: dict[str, Any],
                 rows: PredictionResults) -> list[dict]:
    """The launch dicts ``measure_configs`` takes, aligned with ``rows`` (one limit per config)."""
    space = enumerate_space(tune_params, problem_size, restrictions=kwargs.get("restrictions"),
                            grid_div_x=kwargs.get("grid_div_x"), grid_div_y=kwargs.get("grid_div_y"),
                            grid_div_z=kwargs.get("grid_div_z"), block_size_names=kwargs.get("block_size_names"),
                            smem_args=kwargs.get("smem_args"), defines=kwargs.get("defines"))
    by_params = {config.params: config for config in space.configs}
    keys = list(tune_params)
    launches = []
    for row in rows:
        config = by_params[tuple((k, row[k]) for k in keys)]
        launches.append({**config.params_dict, "block": config.block, "grid": config.grid,
                         "shared_bytes": config.dynamic_shared_bytes})
    return launches


def measure(kernel_name: str, kernel_source: Any, problem_size: Any, arguments: Sequence[Any],
            tune_params: Mapping[str, Sequence[Any]], *, top_k: int | None = None, monitor: Any = None,
            on_result: Callable[[dict], None] | None = None, backend: str = "flipflop",
            **kwargs: Any) -> PredictionResults:
    """Launch the launchable configurations on the GPU (all, or the ``top_k`` by predicted energy).

    Same arguments as ``predict``; returns predict's dicts at the default power limit with
    ``measured_time`` (ms), ``measured_power`` (W), ``measured_energy`` (J) and ``status``.
    ``backend``: "flipflop" (CuPy launches, NVML energy-counter protocol) or "kernel_tuner"
    (``kernel_tuner.tune_kernel`` with its NVML observer). Needs a GPU, CuPy and NVML
    (``pip install flipflop[gpu]``; Kernel Tuner for its backend).
    """
    return _measure_rows(kernel_name, kernel_source, problem_size, arguments, tune_params, kwargs, top_k,
                         monitor, on_result, backend)


def validate(kernel_name: str, kernel_source: Any, problem_size: Any, arguments: Sequence[Any],
             tune_params: Mapping[str, Sequence[Any]], *, top_k: int | None = None, k: int = 5,
             monitor: Any = None, on_result: Callable[[dict], None] | None = None, backend: str = "flipflop",
             **kwargs: Any) -> dict[str, Any]:
    """Measure (all or the ``top_k`` predicted) and compare with the predictions.

    Returns {"metrics": spearman_energy, spearman_time, regret, top_k_overlap, pareto_coverage,
    near_optimum_in_pareto, search_space_reduction, measured; "results": the measured rows}.
    """
    from flipflop.report.metrics import validation_metrics

    rows = measure(kernel_name, kernel_source, problem_size, arguments, tune_params, top_k=top_k,
                   monitor=monitor, on_result=on_result, backend=backend, **kwargs)
    ok = [r for r in rows if r.get("status") == "ok" and "measured_energy" in r]
    metrics = validation_metrics(
        predicted_time=[r["time"] for r in ok], predicted_energy=[r["energy"] for r in ok],
        measured_time=[r["measured_time"] for r in ok], measured_energy=[r["measured_energy"] for r in ok],
        predicted_pareto=[r["pareto"] for r in ok], k=k, pareto_size=rows.metadata["pareto_size"],
        space_size=rows.metadata["space_size"])
    return {"metrics": metrics, "results": rows, "metadata": rows.metadata}
