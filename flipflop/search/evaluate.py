"""Evaluate a whole configuration space: compile, check launch limits, analyse, predict.

Compilation and analysis are cached per distinct input: a configuration's compile key is
only the ``#define`` lines whose names occur in the source as identifiers (a define the
source never mentions cannot change the PTX), so a kernel that ignores, say, ``grid_size_x``
is compiled once per distinct set of the macros it reads, and configurations that produce
the same PTX share one analysis. Distinct compiles run in a thread pool (NVRTC releases the
GIL; ptxas is a subprocess). The model is called once for all configurations and limits.
"""
from __future__ import annotations

import hashlib
import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Callable, Sequence

import numpy as np

from flipflop.analysis.features import LaunchFeatures
from flipflop.errors import ArgumentSizeError, CompileError, ConfigurationError
from flipflop.frontend.resources import Resources
from flipflop.hardware.profile import GpuProfile
from flipflop.model.predict import Reasons, predict_launches
from flipflop.search.constraints import Dropped, resource_problem, shape_problem
from flipflop.search.pareto import pareto_mask
from flipflop.search.space import Config, Space

COMPILE_THREADS = 8
_LOCAL_INCLUDE = re.compile(r'^\s*#\s*include\s*"', re.MULTILINE)
_IDENTIFIER = re.compile(r"[A-Za-z_]\w*")
_TOO_MUCH_SHARED = "too much shared data"


@dataclass(frozen=True)
class Evaluated:
    """Predictions for every launchable configuration; arrays are (configs, power limits)."""

    configs: tuple[Config, ...]
    power_limits_w: np.ndarray
    time_ms: np.ndarray
    power_w: np.ndarray
    energy_j: np.ndarray
    sm_clock_mhz: np.ndarray
    reasons: tuple[Reasons, ...]
    resources: tuple[Resources, ...]
    dropped: tuple[Dropped, ...]
    toolchain: dict[str, Any] = field(default_factory=dict)

    def pareto(self, columns: np.ndarray | None = None) -> np.ndarray:
        """Joint (time, energy) Pareto mask over the given power-limit columns (all by default)."""
        cols = np.arange(self.power_limits_w.size) if columns is None else columns
        mask = np.zeros(self.time_ms.shape, dtype=bool)
        if self.time_ms.size:
            sub = pareto_mask(self.time_ms[:, cols], self.energy_j[:, cols]).reshape(len(self.configs), len(cols))
            mask[:, cols] = sub
        return mask


def relevant_defines(source: str, defines: tuple[tuple[str, str], ...]) -> tuple[tuple[str, str], ...]:
    """The defines that can change what ``source`` compiles to (all of them if it includes local files)."""
    if _LOCAL_INCLUDE.search(source):
        return defines
    used = set(_IDENTIFIER.findall(source))
    return tuple((name, value) for name, value in defines if name in used)


@dataclass(frozen=True)
class KernelBuild:
    """One compiled variant and what evaluates its launches.

    ``compiled`` needs ``ptx``, ``resources``, ``nvrtc_version`` and ``ptxas_version``
    (a ``flipflop.search.builds.Variant`` or the front end's CompiledKernel); ``analysis``
    needs ``evaluate(block, grid, arguments, resources, dynamic_shared_bytes)`` (a
    KernelAnalysis or ``builds.CachedAnalysis``).
    """

    compiled: Any
    analysis: Any


def evaluate_space(
    space: Space,
    profile: GpuProfile,
    power_limits_w: Sequence[float],
    build: Callable[[tuple[tuple[str, str], ...]], KernelBuild],
    source: str | None,
    arguments: Sequence[Any],
    prepare: Callable[[dict[tuple, list[tuple]]], None] | None = None,
) -> Evaluated:
    """Predict every configuration of ``space`` at every power limit.

    ``build(defines)`` compiles and analyses one variant (cached by the caller); ``source``
    is the CUDA text used to find which defines matter (None for PTX input: one variant).
    ``prepare(launches by defines)``, if given, runs first (e.g. to build variants in parallel).
    Configurations the GPU cannot launch become ``Dropped`` records; if none is left,
    ConfigurationError says why the first few failed.
    """
    dropped: list[Dropped] = [Dropped(p, "excluded by restrictions") for p in space.restricted]
    shaped: list[tuple[Config, tuple[tuple[str, str], ...]]] = []
    for config in space.configs:
        problem = shape_problem(profile, config.block, config.grid)
        if problem:
            dropped.append(Dropped(config.params_dict, problem))
        else:
            key = relevant_defines(source, config.defines) if source is not None else ()
            shaped.append((config, key))

    keys = list(dict.fromkeys(key for _, key in shaped))
    if prepare is not None:
        launches: dict[tuple, list[tuple]] = {key: [] for key in keys}
        for config, key in shaped:
            launches[key].append((config.block, config.grid, config.dynamic_shared_bytes))
        prepare(launches)

    def attempt(key: tuple) -> KernelBuild | CompileError:
        try:
            return build(key)
        except CompileError as error:
            return error

    with ThreadPoolExecutor(max_workers=min(COMPILE_THREADS, max(1, len(keys)))) as pool:
        builds: dict[tuple, KernelBuild | CompileError] = dict(zip(keys, pool.map(attempt, keys)))
    compile_errors = [b for b in builds.values() if isinstance(b, CompileError)]
    if compile_errors and len(compile_errors) == len(builds) and not any(
            _TOO_MUCH_SHARED in str(e) for e in compile_errors):
        raise compile_errors[0]

    kept: list[Config] = []
    features: list[LaunchFeatures] = []
    resources: list[Resources] = []
    versions: dict[str, Any] = {}
    overruns: list[ArgumentSizeError] = []
    for config, key in shaped:
        variant = builds[key]
        if isinstance(variant, CompileError):
            reason = str(variant)
            dropped.append(Dropped(config.params_dict, f"not launchable: ptxas: {reason}"
                                   if _TOO_MUCH_SHARED in reason else f"compile failed: {reason}"))
            continue
        res = variant.compiled.resources
        problem = resource_problem(profile, config.block, res, config.dynamic_shared_bytes)
        if problem:
            dropped.append(Dropped(config.params_dict, problem))
            continue
        versions.setdefault("nvrtc_version", getattr(variant.compiled, "nvrtc_version", None))
        versions.setdefault("ptxas_version", getattr(variant.compiled, "ptxas_version", None))
        versions["resources_estimated"] = versions.get("resources_estimated", False) or res.estimated
        try:
            features.append(variant.analysis.evaluate(config.block, config.grid, arguments, res,
                                                      dynamic_shared_bytes=config.dynamic_shared_bytes))
        except ArgumentSizeError as error:  # this launch overruns an argument; others may not
            dropped.append(Dropped(config.params_dict, str(error)))
            overruns.append(error)
            continue
        kept.append(config)
        resources.append(res)

    if not kept and overruns:
        raise overruns[0]  # the arguments are too small for every launch: that one line says how
    if not kept:
        reasons = "; ".join(sorted({d.reason for d in dropped})[:3])
        raise ConfigurationError(f"no launchable configuration on {profile.name}: {reasons}")
    # What the analysis had to guess (unknown trip counts, data-dependent branches), so a
    # user knows which predictions rest on an estimate.
    versions["analysis_notes"] = sorted({note for f in features for note in f.notes})
    versions["distinct_compiles"] = len(keys)
    versions["distinct_ptx"] = len({hashlib.sha1(b.compiled.ptx.encode()).hexdigest()
                                    for b in builds.values() if isinstance(b, KernelBuild)})
    prediction = predict_launches(features, profile, list(power_limits_w))
    return Evaluated(tuple(kept), prediction.power_limits_w, prediction.time_ms, prediction.power_w,
                     prediction.energy_j, prediction.sm_clock_mhz, prediction.reasons, tuple(resources),
                     tuple(dropped), versions)
