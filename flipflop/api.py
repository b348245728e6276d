"""The public API, shaped like ``kernel_tuner.tune_kernel`` so a Kernel Tuner user switches in one line.

``predict`` returns one dict per launchable configuration × power limit; ``recommend`` the
picks and baselines; ``measure`` and ``validate`` run the same space on a real GPU
(``flipflop.measure``, needs CuPy and NVML) and compare.
"""
from __future__ import annotations

import dataclasses
import os
import re
import time
from typing import Any, Callable, Mapping, Sequence

import numpy as np

from flipflop.errors import CompileError, ConfigurationError
from flipflop.hardware.profile import GpuProfile
from flipflop.hardware.registry import resolve_profile
from flipflop.problem import TuningProblem
from flipflop.report.explain import explained
from flipflop.report.savings import measurement_avoided
from flipflop.report.progress import VariantProgress
from flipflop.search.builds import BuildCache, arguments_key, build_variants, prebuild
from flipflop.search.evaluate import Evaluated, KernelBuild, evaluate_space, plan_space
from flipflop.search.recommend import Recommendation, recommend_from
from flipflop.search.space import active_sms_list, enumerate_problem, evaluate

MEASURE_BACKENDS = ("flipflop", "kernel_tuner")
# The process's compiled variants, analyses and launch features (also kept on disk), handed
# to the search with every call so that a later call reuses what an earlier one built.
BUILD_CACHE = BuildCache()
LANGUAGES = ("CUDA", "CUPY", "NVCUDA")  # Kernel Tuner's lang values that mean a CUDA kernel
# Keywords of kernel_tuner.tune_kernel that do not change a prediction, and why; a call that
# gives them works unchanged and the results' metadata ("ignored") says what was left aside.
KERNEL_TUNER_IGNORED = {
    "answer": "not checked: a prediction runs no kernel (measure with backend='kernel_tuner' checks it)",
    "atol": "not checked: a prediction runs no kernel",
    "verify": "not checked: a prediction runs no kernel",
    "verbose": "the API prints nothing",
    "quiet": "the API prints nothing",
    "log": "the API does not log",
    "device": "the GPU is the profile named by gpu=; measure runs on the current device",
    "platform": "OpenCL platforms do not apply to CUDA",
    "texmem_args": "texture memory is not modelled",
    "compiler": "kernels are compiled with NVRTC (and measured with CuPy's)",
    "iterations": "predictions are per launch; measure follows its own energy protocol",
    "strategy": "every configuration is predicted: no search strategy is needed",
    "strategy_options": "every configuration is predicted: no search strategy is needed",
    "simulation_mode": "a prediction runs nothing",
    "observers": "power and energy come from the model (measure: from NVML)",
}
# Our result keys for Kernel Tuner's objective names (its NVML observables) and ours.
OBJECTIVE_KEYS = {"time": "time", "energy": "energy", "power": "power", "nvml_energy": "energy",
                  "GPU_energy": "energy", "nvml_power": "power", "GPU_power": "power"}
# Units of the result dicts' figures, stated in JSON and CSV output.
UNITS = {"time": "ms per launch", "energy": "J per launch", "power": "W", "power_limit": "W", "sm_clock": "MHz",
         "active_sms": "SMs",
         "measured_time": "ms per launch", "measured_energy": "J per launch", "measured_power": "W"}
_PTX_CONST = re.compile(r"^\s*\.const\s+(?:\.align\s+\d+\s+)?\.([a-z]+)(\d*)\s+([\w$]+)(?:\[(\d+)\])?",
                        re.MULTILINE)
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
    if isinstance(power_limits, (int, float, np.number)):
        power_limits = [power_limits]
    if isinstance(power_limits, (Mapping, bytes)) or not isinstance(power_limits, (Sequence, np.ndarray)):
        raise ConfigurationError(f"power_limits must be None, 'all' or a list of watts, got {power_limits!r}"[:200])
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
        pointer_or_integer = param.type in ("u64", "b64", "s64") and not param.array_len
        if isinstance(arg, np.ndarray) and arg.ndim > 0:
            if param.type not in ("u64", "b64") or param.array_len:
                raise ConfigurationError(f"argument {i} of {kernel} is an array but the kernel takes "
                                         f"a {param.type} scalar")
            continue
        if param.array_len:  # a struct passed by value: accept a numpy void/record of its size
            continue
        value = np.asarray(arg) if isinstance(arg, (int, float, complex, bool, np.generic, np.ndarray)) else None
        if value is None or value.ndim != 0 or value.dtype == object:
            hint = " (a pointer parameter takes a numpy array)" if pointer_or_integer else ""
            raise ConfigurationError(f"argument {i} of {kernel} must be a numpy array or a numpy scalar, "
                                     f"got {type(arg).__name__}{hint}")
        kinds, size = PTX_SCALAR_TYPES.get(param.type, ("", 0))
        if size and (value.dtype.kind not in kinds or value.dtype.itemsize != size):
            if pointer_or_integer:
                raise ConfigurationError(f"argument {i} of {kernel} is a {value.dtype} scalar but the kernel takes "
                                         f"a pointer (pass a numpy array) or a 64-bit integer (PTX .{param.type})")
            what = "float" if kinds == "f" else "integer"
            raise ConfigurationError(f"argument {i} of {kernel} has dtype {value.dtype} but the kernel "
                                     f"takes a {8 * size}-bit {what} (PTX .{param.type})")


def check_memory(arguments: Sequence[Any], profile: GpuProfile) -> None:
    """The argument arrays must fit in the GPU's memory together (no kernel launches otherwise)."""
    if profile.dram_bytes is None:
        return
    total = sum(int(a.nbytes) for a in arguments if isinstance(a, np.ndarray))
    if total > profile.dram_bytes:
        largest = max((i for i, a in enumerate(arguments) if isinstance(a, np.ndarray)),
                      key=lambda i: arguments[i].nbytes)
        raise ConfigurationError(f"the argument arrays hold {total / 1e9:,.1f} GB (argument {largest}: "
                                 f"{arguments[largest].shape} {arguments[largest].dtype}) but {profile.name} has "
                                 f"{profile.dram_bytes / 1e9:g} GB of memory")


def _constant_symbol(given: str, symbols: Mapping[str, int]) -> str | None:
    """The module's symbol ``given`` names: itself, or the one C++-mangled symbol of that
    identifier (a variable template ``mask<float>`` or a namespaced ``ns::mask`` is ``_Z4maskIfE`` or
    ``_ZN2ns4maskE`` in the PTX); None when there is none or several."""
    if given in symbols:
        return given
    identifier = re.sub(r"<.*>$", "", given.strip()).split("::")[-1].strip()
    if not identifier.isidentifier():
        return None
    pattern = re.compile(rf"_Z.*(?<!\d){len(identifier)}{re.escape(identifier)}(?:I|E|$)")
    found = [symbol for symbol in symbols if symbol.startswith("_Z") and pattern.search(symbol)]
    return found[0] if len(found) == 1 else None


def check_cmem_args(kernel: str, ptx: str, cmem_args: Mapping[str, Any]) -> None:
    """Kernel Tuner's ``cmem_args`` (name → numpy array): each a ``__constant__`` variable of the
    module that the array fits in, as Kernel Tuner's copy to the symbol needs."""
    sizes = {m.group(3): (int(m.group(2) or 8) // 8) * int(m.group(4) or 1) for m in _PTX_CONST.finditer(ptx)}
    for given, value in cmem_args.items():
        name = _constant_symbol(given, sizes)
        if name is None:
            raise ConfigurationError(f"cmem_args[{given!r}]: {kernel}'s module has no __constant__ variable of "
                                     f"that name; it has: {', '.join(sorted(sizes)) or 'none'}")
        if not isinstance(value, (np.ndarray, np.generic)):
            raise ConfigurationError(f"cmem_args[{given!r}] must be a numpy array, got {type(value).__name__}")
        if value.nbytes > sizes[name]:
            raise ConfigurationError(f"cmem_args[{given!r}] holds {value.nbytes} bytes but the __constant__ "
                                     f"variable has {sizes[name]}")


def ignored_options(options: Mapping[str, Any]) -> dict[str, str]:
    """The Kernel Tuner keywords given that do not change a prediction (name → why); any other
    keyword is a ConfigurationError."""
    unknown = sorted(set(options) - set(KERNEL_TUNER_IGNORED))
    if unknown:
        raise ConfigurationError(f"unknown keyword argument '{unknown[0]}'; besides gpu and power_limits, the "
                                 "keywords of kernel_tuner.tune_kernel are accepted")
    return {name: KERNEL_TUNER_IGNORED[name] for name in options}


def _check_lang(lang: Any) -> None:
    if lang is not None and (not isinstance(lang, str) or lang.upper() not in LANGUAGES):
        raise ConfigurationError(f"lang {lang!r} is not supported: flipflop predicts CUDA kernels "
                                 f"(lang one of {', '.join(LANGUAGES)} or None)")


def _evaluate(problem: TuningProblem, gpu: str, limits: Any, active_sms: Any
              ) -> tuple[Evaluated, GpuProfile, list[float], list[int] | None, dict[str, Any]]:
    from flipflop.frontend.nvrtc import with_source_name

    started = time.perf_counter()
    profile = resolve_profile(gpu)
    requested = power_limit_list(profile, limits)
    sm_counts = active_sms_list(profile, active_sms)
    arguments = list(problem.arguments)
    check_memory(arguments, profile)
    space = enumerate_problem(problem)
    text, kind, kernel_name = problem.source.text, problem.source.kind, problem.kernel_name
    options = problem.compiler_options
    args_key = arguments_key(arguments)

    all_limits = sorted(set(requested) | {float(profile.power_limit_default_w)})
    # A template kernel name's arguments can name defines too (reduce<block_size_x>).
    plan = plan_space(space, profile, f"{text}\n{kernel_name}" if kind == "cuda" else None)
    try:
        with VariantProgress() as progress:
            prebuild(text, kernel_name, profile.arch, options, plan.launches, arguments, args_key, BUILD_CACHE,
                     progress)
        builds = build_variants(text, kernel_name, profile.arch, options, plan.variants, args_key, BUILD_CACHE)
        # The kernel's parameters are those of every variant: one check of the arguments serves all.
        first = next((b.compiled for b in builds.values() if isinstance(b, KernelBuild)), None)
        if first is not None:
            check_arguments(first.kernel, first.params, arguments)
            if problem.cmem_args:
                check_cmem_args(first.kernel, first.ptx, problem.cmem_args)
        ev = evaluate_space(plan, builds, profile, all_limits, arguments, sm_counts)
    except CompileError as error:  # name the user's file, not the text's stand-in name
        raise CompileError(with_source_name(str(error), problem.source.path)) from None
    ev = dataclasses.replace(ev, dropped=tuple(dataclasses.replace(d, reason=with_source_name(d.reason,
                                                                                               problem.source.path))
                                               for d in ev.dropped))
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
    if sm_counts is not None:
        metadata["active_sms"] = sm_counts
        metadata["sm_partition"] = {"min": profile.sm_partition_min, "alignment": profile.sm_partition_alignment,
                                    "sm_count": profile.sm_count}
    return ev, profile, requested, sm_counts, metadata


def _columns(ev: Evaluated, requested: Sequence[float]) -> np.ndarray:
    return np.array([int(np.flatnonzero(ev.power_limits_w == w)[0]) for w in requested])


@dataclasses.dataclass(frozen=True)
class Options:
    """The keyword arguments of ``predict`` and ``recommend`` that are not part of the
    ``TuningProblem``: where and how to predict, and what to do with the results."""

    gpu: str = "h100-sxm"
    power_limits: Any = None
    active_sms: Any = None
    lang: Any = None
    cache: Any = None
    metrics: Any = None
    objective: Any = None
    objective_higher_is_better: Any = None
    ignored: Mapping[str, Any] = dataclasses.field(default_factory=dict)


def _problem_and_options(kernel_name: Any, kernel_source: Any, problem_size: Any, arguments: Any, tune_params: Any,
                         *, gpu: str = "h100-sxm", power_limits: Any = None, restrictions: Any = None,
                         grid_div_x: Any = None, grid_div_y: Any = None, grid_div_z: Any = None,
                         block_size_names: Any = None, smem_args: Any = None, defines: Any = None,
                         compiler_options: Any = None, cmem_args: Any = None, lang: Any = None, cache: Any = None,
                         metrics: Any = None, objective: Any = None, objective_higher_is_better: Any = None,
                         active_sms: Any = None, **kernel_tuner_options: Any) -> tuple[TuningProblem, Options]:
    """A call's ``TuningProblem`` and the other keywords, both checked (the keywords first)."""
    options = Options(gpu, power_limits, active_sms, lang, cache, metrics, objective, objective_higher_is_better,
                      kernel_tuner_options)
    ignored_options(options.ignored)
    _check_lang(options.lang)
    if options.cache is not None and not isinstance(options.cache, (str, os.PathLike)):
        raise ConfigurationError(f"cache must be a file path, got {type(options.cache).__name__}")
    _metric_functions(options.metrics)
    problem = TuningProblem.from_tune_kernel(
        kernel_name, kernel_source, problem_size, arguments, tune_params, restrictions=restrictions,
        grid_div_x=grid_div_x, grid_div_y=grid_div_y, grid_div_z=grid_div_z, block_size_names=block_size_names,
        smem_args=smem_args, cmem_args=cmem_args, defines=defines, compiler_options=compiler_options)
    return problem, options


def _run(problem: TuningProblem, options: Options
         ) -> tuple[Evaluated, GpuProfile, list[float], list[int] | None, dict[str, Any]]:
    """Evaluate the problem's space, and record what was ignored and why."""
    ev, profile, requested, sm_counts, metadata = _evaluate(problem, options.gpu, options.power_limits,
                                                            options.active_sms)
    ignored = ignored_options(options.ignored)
    if ignored:
        metadata["ignored"] = ignored
    metadata["units"] = dict(UNITS)
    return ev, profile, requested, sm_counts, metadata


def _metric_functions(metrics: Any) -> dict[str, Any]:
    """Kernel Tuner's ``metrics``: name → callable(result dict) or expression string over its keys."""
    if metrics is None:
        return {}
    if not isinstance(metrics, Mapping) or not all(isinstance(k, str) and (callable(v) or isinstance(v, str))
                                                   for k, v in metrics.items()):
        raise ConfigurationError("metrics must be a dict of name → callable(result dict) or expression string, "
                                 "as Kernel Tuner takes them (time is in ms)")
    return dict(metrics)


def _apply_metrics(rows: Sequence[dict], metrics: Any) -> None:
    """Add each user metric to every row, computed in order (a metric may use an earlier one)."""
    from flipflop.search.space import call_user

    for name, metric in _metric_functions(metrics).items():
        for row in rows:
            row[name] = call_user(metric, row, f"metric {name!r}") if callable(metric) else evaluate(metric, row)


def _objective(rows: Sequence[dict], keys: Sequence[str], options: Options) -> dict[str, Any] | None:
    """The best row for Kernel Tuner's ``objective`` (a result key or metric; lower is better
    unless ``objective_higher_is_better``), as the metadata's ``objective`` entry."""
    if options.objective is None:
        return None
    name = options.objective
    key = OBJECTIVE_KEYS.get(name, name) if isinstance(name, str) else None
    if key is None or not rows or key not in rows[0]:
        known = ", ".join(sorted(set(OBJECTIVE_KEYS) | set(_metric_functions(options.metrics))))
        raise ConfigurationError(f"objective {name!r} is not a result of flipflop; use one of {known}")
    higher = bool(options.objective_higher_is_better)
    values = [float(r[key]) for r in rows]
    best = rows[int(np.argmax(values) if higher else np.argmin(values))]
    return {"name": name, "key": key, "higher_is_better": higher,
            "best": {k: best[k] for k in (*keys, "active_sms", "power_limit") if k in best},
            "value": float(best[key])}


def _kernel_tuner_cache_of(ev: Evaluated, profile: GpuProfile, metadata: dict[str, Any], problem: TuningProblem,
                           options: Options) -> str:
    """Write the predictions at the profile's default power limit as a Kernel Tuner cache file
    (Kernel Tuner's ``cache``), which its simulation mode replays; returns the path."""
    from flipflop.measure.kernel_tuner_bridge import PREDICTED, write_kernel_tuner_cache

    # A Kernel Tuner cache holds one entry per tune-parameter set: the whole GPU's.
    whole_gpu = None if ev.active_sms is None else [profile.sm_count]
    rows = results_table(ev, [float(profile.power_limit_default_w)], metadata, whole_gpu)
    _apply_metrics(rows, options.metrics)
    measured_like = [{**row, "measured_time": row["time"], "measured_power": row["power"],
                      "measured_energy": row["energy"], "sm_clock_mhz": row["sm_clock"], "status": "ok",
                      "backend": PREDICTED} for row in rows]
    objective = {"energy": "nvml_energy", "power": "nvml_power"}.get(OBJECTIVE_KEYS.get(options.objective, ""), "time")
    size = problem.problem_size if isinstance(problem.problem_size, (int, str, Sequence)) else None
    try:
        path = write_kernel_tuner_cache(options.cache, problem.kernel_name, size, dict(problem.tune_params),
                                        measured_like,
                                        device_name=profile.display_name, objective=objective, dropped=rows.dropped)
    except OSError as error:
        raise ConfigurationError(f"cannot write cache {options.cache}: {error.strerror}") from None
    return str(path)


def predict(kernel_name: str, kernel_source: Any, problem_size: Any, arguments: Sequence[Any],
            tune_params: Mapping[str, Sequence[Any]], *, gpu: str = "h100-sxm", power_limits: Any = None,
            restrictions: Any = None, grid_div_x: Any = None, grid_div_y: Any = None, grid_div_z: Any = None,
            block_size_names: Sequence[str] | None = None, smem_args: Mapping[str, Any] | None = None,
            defines: Mapping[str, Any] | None = None, compiler_options: Sequence[str] | None = None,
            cmem_args: Mapping[str, Any] | None = None, lang: str | None = None, cache: Any = None,
            metrics: Mapping[str, Any] | None = None, objective: str | None = None,
            objective_higher_is_better: bool | None = None, active_sms: Any = None,
            **kernel_tuner_options: Any) -> PredictionResults:
    """Predict time (ms), power (W) and energy (J) of every launchable configuration × power limit.

    Arguments follow ``kernel_tuner.tune_kernel``; every keyword it takes is accepted. Used:
    restrictions, grid_div_*, block_size_names, smem_args (``size`` an int, an expression
    string or a callable), defines, compiler_options, cmem_args (checked against the module's
    ``__constant__`` variables), lang (CUDA only), metrics (added to every result), objective
    and objective_higher_is_better (the best result goes to ``metadata["objective"]``) and
    cache (the predictions at the default power limit written as a Kernel Tuner cache file).
    ``active_sms`` adds the number of SMs a launch is confined to (a CUDA green context) as a
    dimension: None (default) leaves it out, "all" is the whole GPU, "sweep" every partition
    size the GPU allows, or a list of counts and "all" (e.g. [16, 32, 64, "all"]) in the
    profile's granularity (``sm_partition_min``, multiples of ``sm_partition_alignment``);
    each result then carries ``active_sms``.
    The others (answer, verify, iterations, strategy, ...) are listed with the reason in
    ``metadata["ignored"]``. Each result dict holds the tune params, ``power_limit`` (W),
    ``time`` (ms per launch), ``power`` (W), ``energy`` (J per launch), ``pareto`` (on the
    joint time–energy front), ``sm_clock`` (MHz) and the model's reasons (occupancy,
    coalescing_efficiency, bank_conflict_degree, waves, bound, ...). ``.dropped`` lists the
    configurations left out and why; ``.metadata`` how it was obtained.
    """
    problem, options = _problem_and_options(
        kernel_name, kernel_source, problem_size, arguments, tune_params, gpu=gpu, power_limits=power_limits,
        restrictions=restrictions, grid_div_x=grid_div_x, grid_div_y=grid_div_y, grid_div_z=grid_div_z,
        block_size_names=block_size_names, smem_args=smem_args, defines=defines, compiler_options=compiler_options,
        cmem_args=cmem_args, lang=lang, cache=cache, metrics=metrics, objective=objective,
        objective_higher_is_better=objective_higher_is_better, active_sms=active_sms, **kernel_tuner_options)
    return _predicted(problem, options)[0]


def predict_problem(problem: TuningProblem, *, gpu: str = "h100-sxm", power_limits: Any = None,
                    active_sms: Any = None) -> PredictionResults:
    """``predict`` on a built ``TuningProblem`` (the spec reader's and the CLI's)."""
    return _predicted(problem, Options(gpu, power_limits, active_sms))[0]


def _predicted(problem: TuningProblem, options: Options) -> tuple[PredictionResults, Evaluated]:
    """``predict``'s results for a problem, and the evaluation they come from (one row per
    launchable configuration × requested limit, in the evaluation's order)."""
    ev, profile, requested, sm_counts, metadata = _run(problem, options)
    rows = results_table(ev, requested, metadata, sm_counts)
    _apply_metrics(rows, options.metrics)
    best = _objective(rows, list(problem.tune_params), options)
    if best is not None:
        rows.metadata["objective"] = best
    if options.cache is not None:
        rows.metadata["kernel_tuner_cache"] = _kernel_tuner_cache_of(ev, profile, rows.metadata, problem, options)
    return rows, ev


def results_table(ev: Evaluated, requested: Sequence[float], metadata: dict[str, Any],
                  sm_counts: Sequence[int] | None = None) -> PredictionResults:
    """Evaluated predictions → predict's list of dicts (rows ordered by config, then SM count
    when ``ev`` has that dimension — only the requested ``sm_counts`` — then limit)."""
    cols = _columns(ev, requested)
    chosen = ev.rows_at(sm_counts)
    pareto = ev.pareto(cols, chosen)
    rows = []
    for i in chosen:
        config, reasons = ev.configs[i], ev.reasons[i].as_dict()
        active = {} if ev.active_sms is None else {"active_sms": ev.active_sms[i]}
        for j in cols:
            rows.append({**config.params_dict, **active, "power_limit": float(ev.power_limits_w[j]),
                         "time": float(ev.time_ms[i, j]), "power": float(ev.power_w[i, j]),
                         "energy": float(ev.energy_j[i, j]), "pareto": bool(pareto[i, j]),
                         "sm_clock": float(ev.sm_clock_mhz[i, j]), **reasons})
    return PredictionResults(rows, [(d.params, d.reason) for d in ev.dropped], metadata)


def recommend(kernel_name: str, kernel_source: Any, problem_size: Any, arguments: Sequence[Any],
              tune_params: Mapping[str, Sequence[Any]], *, gpu: str = "h100-sxm", power_limits: Any = "all",
              restrictions: Any = None, grid_div_x: Any = None, grid_div_y: Any = None, grid_div_z: Any = None,
              block_size_names: Sequence[str] | None = None, smem_args: Mapping[str, Any] | None = None,
              defines: Mapping[str, Any] | None = None, compiler_options: Sequence[str] | None = None,
              cmem_args: Mapping[str, Any] | None = None, lang: str | None = None, cache: Any = None,
              metrics: Mapping[str, Any] | None = None, objective: str | None = None,
              objective_higher_is_better: bool | None = None, active_sms: Any = None,
              **kernel_tuner_options: Any) -> Recommendation:
    """The energy-optimal, time-optimal and balanced picks, the baselines, savings and reasons.

    Same arguments as ``predict``, except that ``power_limits`` defaults to "all": block
    shape and power limit are tuned together (None: the default limit only). Baselines
    (occupancy heuristic, fixed 256 threads) are evaluated at the profile's default power limit
    on the whole GPU. ``active_sms`` as in ``predict``: the picks may then confine the kernel
    to fewer SMs, and say what that gains.
    """
    problem, options = _problem_and_options(
        kernel_name, kernel_source, problem_size, arguments, tune_params, gpu=gpu, power_limits=power_limits,
        restrictions=restrictions, grid_div_x=grid_div_x, grid_div_y=grid_div_y, grid_div_z=grid_div_z,
        block_size_names=block_size_names, smem_args=smem_args, defines=defines, compiler_options=compiler_options,
        cmem_args=cmem_args, lang=lang, cache=cache, metrics=metrics, objective=objective,
        objective_higher_is_better=objective_higher_is_better, active_sms=active_sms, **kernel_tuner_options)
    return _recommended(problem, options)


def recommend_problem(problem: TuningProblem, *, gpu: str = "h100-sxm", power_limits: Any = "all",
                      active_sms: Any = None) -> Recommendation:
    """``recommend`` on a built ``TuningProblem`` (the spec reader's and the CLI's)."""
    return _recommended(problem, Options(gpu, power_limits, active_sms))


def _recommended(problem: TuningProblem, options: Options) -> Recommendation:
    ev, profile, requested, sm_counts, metadata = _run(problem, options)
    default_col = int(np.flatnonzero(ev.power_limits_w == float(profile.power_limit_default_w))[0])
    cols = _columns(ev, requested)
    chosen = ev.rows_at(sm_counts)
    if options.objective is not None:
        rows = results_table(ev, requested, metadata, sm_counts)
        _apply_metrics(rows, options.metrics)
        metadata["objective"] = _objective(rows, list(problem.tune_params), options)
    if options.cache is not None:
        metadata["kernel_tuner_cache"] = _kernel_tuner_cache_of(ev, profile, metadata, problem, options)
    rec = explained(recommend_from(ev, profile, problem.kernel_name, cols, default_col, chosen), profile)
    avoided = measurement_avoided(ev.time_ms[np.ix_(chosen, cols)].ravel(), ev.power_w[np.ix_(chosen, cols)].ravel(),
                                  profile.idle_power_w)
    return dataclasses.replace(rec, metadata=metadata, measurement_avoided=avoided.as_dict())


def _check_measure(backend: Any, top_k: Any, cache: Any) -> None:
    if backend not in MEASURE_BACKENDS:
        raise ConfigurationError(f"backend must be one of {', '.join(MEASURE_BACKENDS)}, got {backend!r}")
    if top_k is not None and (isinstance(top_k, bool) or not isinstance(top_k, int) or top_k < 1):
        raise ConfigurationError(f"top_k must be a positive integer or None, got {top_k!r}")
    if cache is not None and not isinstance(cache, (str, os.PathLike)):
        raise ConfigurationError(f"cache must be a file path, got {type(cache).__name__}")


def _measured(problem: TuningProblem, options: Options, cache: Any, top_k: int | None, monitor: Any,
              on_result: Callable[[dict], None] | None, backend: str) -> PredictionResults:
    """Predict at the GPU's default limit (``options.power_limits`` is None), then measure the
    chosen configurations with ``backend`` and write the run to ``cache`` when given."""
    rows, ev = _predicted(problem, options)
    chosen = sorted(sorted(range(len(rows)), key=lambda i: rows[i]["energy"])[:top_k] if top_k else range(len(rows)))
    keys = list(problem.tune_params)
    if backend == "kernel_tuner" and ev.active_sms is not None:
        raise ConfigurationError("active_sms needs backend='flipflop' (its green-context launcher); the "
                                 "kernel_tuner backend runs every launch on the whole GPU")
    if backend == "kernel_tuner":
        from flipflop.measure.kernel_tuner_bridge import measure_problem_with_kernel_tuner, only_configurations

        tuned = measure_problem_with_kernel_tuner(
            # A restriction string: Kernel Tuner passes a lone tune parameter's bare value to a callable.
            problem, [only_configurations(keys, [rows[i] for i in chosen])], monitor=monitor,
            iterations=options.ignored.get("iterations"))
        by_params = {tuple(r[k] for k in keys): r for r in tuned}
        measured = [by_params.get(tuple(rows[i][k] for k in keys), {"status": "not measured by Kernel Tuner"})
                    for i in chosen]
        run = {"device_name": tuned.metadata.get("device_name"), "kernel_tuner": tuned.metadata}
    else:
        from flipflop.measure.launcher import measure_configs
        from flipflop.measure.nvml import NvmlMonitor

        monitor = monitor or NvmlMonitor()
        # One limit (the default): the rows are the evaluated rows at the requested SM counts, in order.
        configs = [ev.configs[i] for i in ev.rows_at(rows.metadata.get("active_sms"))]
        launches = [{**config.params_dict, "block": config.block, "grid": config.grid,
                     "shared_bytes": config.dynamic_shared_bytes} for config in configs]
        if ev.active_sms is None:
            measured = measure_configs(problem.kernel_name, problem.source.text, list(problem.arguments),
                                       [launches[i] for i in chosen], monitor=monitor, defines=problem.defines,
                                       on_result=on_result)
        else:  # one green context per SM count, each measuring its rows
            by_row = {}
            for count in sorted({rows[i]["active_sms"] for i in chosen}):
                mine = [i for i in chosen if rows[i]["active_sms"] == count]
                results = measure_configs(problem.kernel_name, problem.source.text, list(problem.arguments),
                                          [launches[i] for i in mine], monitor=monitor, defines=problem.defines,
                                          on_result=on_result, active_sms=count)
                by_row.update(zip(mine, results))
            measured = [by_row[i] for i in chosen]
        run = {"device_name": monitor.info().name}
    out = []
    for i, result in zip(chosen, measured):
        row = dict(rows[i])
        row.update({k: result[k] for k in ("measured_time", "measured_power", "measured_energy", "status")
                    if k in result})
        out.append(row)
    results = PredictionResults(out, rows.dropped, {**rows.metadata, **run, "backend": backend,
                                                    "measured_configurations": len(out),
                                                    "pareto_size": sum(r["pareto"] for r in rows),
                                                    "space_size": len(rows)})
    if cache is not None:
        from flipflop.measure.kernel_tuner_bridge import write_kernel_tuner_cache

        results.metadata["kernel_tuner_cache"] = str(write_kernel_tuner_cache(
            cache, problem.kernel_name, problem.problem_size, dict(problem.tune_params), results,
            device_name=str(run["device_name"])))
    return results


def measure(kernel_name: str, kernel_source: Any, problem_size: Any, arguments: Sequence[Any],
            tune_params: Mapping[str, Sequence[Any]], *, top_k: int | None = None, monitor: Any = None,
            on_result: Callable[[dict], None] | None = None, backend: str = "flipflop",
            **kwargs: Any) -> PredictionResults:
    """Launch the launchable configurations on the GPU (all, or the ``top_k`` by predicted energy).

    Same arguments as ``predict``; returns predict's dicts at the default power limit with
    ``measured_time`` (ms), ``measured_power`` (W), ``measured_energy`` (J) and ``status``.
    With ``active_sms``, each row runs inside a green context of its SM count.
    ``backend``: "flipflop" (CuPy launches, NVML energy-counter protocol) or "kernel_tuner"
    (``kernel_tuner.tune_kernel`` with its NVML observer). Needs a GPU, CuPy and NVML
    (``pip install flipflop[gpu]``; Kernel Tuner for its backend).
    """
    kwargs = dict(kwargs)
    kwargs["power_limits"] = None  # the GPU runs at whatever limit it has; predictions at the default
    cache = kwargs.pop("cache", None)  # the measured run is what goes into a Kernel Tuner cache
    _check_measure(backend, top_k, cache)
    problem, options = _problem_and_options(kernel_name, kernel_source, problem_size, arguments, tune_params,
                                            **kwargs)
    return _measured(problem, options, cache, top_k, monitor, on_result, backend)


def measure_problem(problem: TuningProblem, *, gpu: str = "h100-sxm", top_k: int | None = None, monitor: Any = None,
                    on_result: Callable[[dict], None] | None = None, backend: str = "flipflop",
                    active_sms: Any = None) -> PredictionResults:
    """``measure`` on a built ``TuningProblem`` (the spec reader's and the CLI's)."""
    _check_measure(backend, top_k, None)
    return _measured(problem, Options(gpu, active_sms=active_sms), None, top_k, monitor, on_result, backend)


def validate(kernel_name: str, kernel_source: Any, problem_size: Any, arguments: Sequence[Any],
             tune_params: Mapping[str, Sequence[Any]], *, top_k: int | None = None, k: int = 5,
             monitor: Any = None, on_result: Callable[[dict], None] | None = None, backend: str = "flipflop",
             **kwargs: Any) -> dict[str, Any]:
    """Measure (all or the ``top_k`` predicted) and compare with the predictions.

    Returns {"metrics": spearman_energy, spearman_time, regret, top_k_overlap, pareto_coverage,
    near_optimum_in_pareto, search_space_reduction, measured; "results": the measured rows}.
    """
    rows = measure(kernel_name, kernel_source, problem_size, arguments, tune_params, top_k=top_k,
                   monitor=monitor, on_result=on_result, backend=backend, **kwargs)
    return _validation(rows, k)


def validate_problem(problem: TuningProblem, *, gpu: str = "h100-sxm", top_k: int | None = None, k: int = 5,
                     monitor: Any = None, on_result: Callable[[dict], None] | None = None,
                     backend: str = "flipflop", active_sms: Any = None) -> dict[str, Any]:
    """``validate`` on a built ``TuningProblem`` (the spec reader's and the CLI's)."""
    return _validation(measure_problem(problem, gpu=gpu, top_k=top_k, monitor=monitor, on_result=on_result,
                                       backend=backend, active_sms=active_sms), k)


def _validation(rows: PredictionResults, k: int) -> dict[str, Any]:
    from flipflop.report.metrics import validation_metrics

    ok = [r for r in rows if r.get("status") == "ok" and "measured_energy" in r]
    metrics = validation_metrics(
        predicted_time=[r["time"] for r in ok], predicted_energy=[r["energy"] for r in ok],
        measured_time=[r["measured_time"] for r in ok], measured_energy=[r["measured_energy"] for r in ok],
        predicted_pareto=[r["pareto"] for r in ok], k=k, pareto_size=rows.metadata["pareto_size"],
        space_size=rows.metadata["space_size"])
    return {"metrics": metrics, "results": rows, "metadata": rows.metadata}
