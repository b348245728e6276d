"""Evaluate a whole configuration space: check launch limits, then predict from built variants.

`plan_space` gives each configuration that the GPU's block and grid limits allow its
variant: only the ``#define`` lines whose names occur in the source as identifiers (a define
the source never mentions cannot change the PTX), so a kernel that ignores, say,
``grid_size_x`` is compiled once per distinct set of the macros it reads. The caller builds
those variants (``flipflop.search.builds``: cached, configurations that produce the same PTX
share one analysis) and hands them to `evaluate_space`, which drops what the resources do not
allow and calls the model once for all configurations and limits.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from typing import Any, Mapping, Sequence

import numpy as np

from flipflop.analysis.features import LaunchFeatures
from flipflop.errors import ArgumentSizeError, CompileError, ConfigurationError
from flipflop.frontend.resources import Resources
from flipflop.hardware.profile import GpuProfile
from flipflop.model.predict import Reasons, predict_launches
from flipflop.search.constraints import Dropped, resource_problem, shape_problem
from flipflop.search.pareto import pareto_mask
from flipflop.search.space import Config, Space

_LOCAL_INCLUDE = re.compile(r'^\s*#\s*include\s*"', re.MULTILINE)
_IDENTIFIER = re.compile(r"[A-Za-z_]\w*")
_TOO_MUCH_SHARED = "too much shared data"

Defines = tuple[tuple[str, str], ...]
Launch = tuple[tuple[int, int, int], tuple[int, int, int], int]  # block, grid, dynamic shared bytes


_PTX_LINES = re.compile(r"PTX lines? (\d+(?:, \d+)*)")


def merged_notes(notes_by_build: Sequence[Sequence[str]]) -> list[str]:
    """The analysis notes of all builds (one sequence a build), sorted, with notes that differ only in
    their PTX line numbers given once: one build's lines of that kind together, the other builds'
    (which number the same instructions differently) in brackets."""
    shapes: dict[str, list[tuple[int, ...]]] = {}
    for notes in notes_by_build:
        lines: dict[str, set[int]] = {}
        for note in notes:
            shape = _PTX_LINES.sub("PTX line #", note)
            if shape.count("PTX line #") != 1:
                shapes.setdefault(note, [])
                continue
            lines.setdefault(shape, set()).update(int(n) for n in _PTX_LINES.search(note).group(1).split(", "))
        for shape, found in lines.items():
            listed = shapes.setdefault(shape, [])
            if tuple(sorted(found)) not in listed:
                listed.append(tuple(sorted(found)))
    merged = []
    for shape, builds in shapes.items():
        if not builds:
            merged.append(shape)
            continue
        first, *others = sorted(builds)
        named = f"PTX line{'s' if len(first) > 1 else ''} {', '.join(map(str, first))}"
        if others:
            named += f" ({'; '.join(', '.join(map(str, o)) for o in others)} in other builds)"
        merged.append(shape.replace("PTX line #", named))
    return sorted(merged)


@dataclass(frozen=True)
class Evaluated:
    """Predictions for every launchable configuration; arrays are (rows, power limits).

    Without an SM-count dimension a row is a configuration. With one, ``active_sms`` gives
    each row's SM count: the rows are configuration-major, each configuration at every
    evaluated count in ascending order, the whole GPU last (always evaluated: the baselines
    run there), so ``configs`` repeats each configuration once per count.
    """

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
    active_sms: tuple[int, ...] | None = None  # per row; None: every row runs on the whole GPU

    def rows_at(self, sm_counts: Sequence[int] | None = None) -> np.ndarray:
        """Indices of the rows at the given SM counts (every row when None)."""
        if sm_counts is None or self.active_sms is None:
            return np.arange(len(self.configs))
        return np.flatnonzero(np.isin(np.asarray(self.active_sms), list(sm_counts)))

    def whole_gpu_rows(self) -> np.ndarray:
        """Each row's configuration on the whole GPU: the row itself without an SM-count dimension."""
        if self.active_sms is None:
            return np.arange(len(self.configs))
        per_config = len(set(self.active_sms))
        return np.arange(len(self.configs)) // per_config * per_config + per_config - 1

    def pareto(self, columns: np.ndarray | None = None, rows: np.ndarray | None = None) -> np.ndarray:
        """Joint (time, energy) Pareto mask over the given power-limit columns and rows (all by default)."""
        cols = np.arange(self.power_limits_w.size) if columns is None else columns
        rows = np.arange(len(self.configs)) if rows is None else rows
        mask = np.zeros(self.time_ms.shape, dtype=bool)
        if self.time_ms.size and rows.size:
            grid = np.ix_(rows, cols)
            mask[grid] = pareto_mask(self.time_ms[grid], self.energy_j[grid]).reshape(len(rows), len(cols))
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


@dataclass(frozen=True)
class SpacePlan:
    """A space's configurations that the GPU's launch limits allow, each with the variant
    (its relevant defines) it needs, and the configurations already dropped."""

    shaped: tuple[tuple[Config, Defines], ...]
    dropped: tuple[Dropped, ...]

    @property
    def variants(self) -> list[Defines]:
        """The distinct variants to build, in the order the configurations first need them."""
        return list(dict.fromkeys(key for _, key in self.shaped))

    @property
    def launches(self) -> dict[Defines, list[Launch]]:
        """Each variant's launches (block, grid, dynamic shared bytes), for building ahead."""
        launches: dict[Defines, list[Launch]] = {key: [] for key in self.variants}
        for config, key in self.shaped:
            launches[key].append((config.block, config.grid, config.dynamic_shared_bytes))
        return launches


def plan_space(space: Space, profile: GpuProfile, source: str | None) -> SpacePlan:
    """Drop what restrictions or the GPU's block and grid limits exclude, and give each other
    configuration its variant: ``source`` is the CUDA text that says which defines matter
    (None for PTX input: one variant)."""
    dropped: list[Dropped] = [Dropped(p, "excluded by restrictions") for p in space.restricted]
    shaped: list[tuple[Config, Defines]] = []
    for config in space.configs:
        problem = shape_problem(profile, config.block, config.grid)
        if problem:
            dropped.append(Dropped(config.params_dict, problem))
        else:
            key = relevant_defines(source, config.defines) if source is not None else ()
            shaped.append((config, key))
    return SpacePlan(tuple(shaped), tuple(dropped))


def evaluate_space(
    plan: SpacePlan,
    builds: Mapping[Defines, KernelBuild | CompileError],
    profile: GpuProfile,
    power_limits_w: Sequence[float],
    arguments: Sequence[Any],
    sm_counts: Sequence[int] | None = None,
) -> Evaluated:
    """Predict every configuration of ``plan`` at every power limit (and, given ``sm_counts``,
    confined to each of those numbers of SMs and to the whole GPU; ``Evaluated`` says how the
    rows are laid out).

    ``builds`` holds each of the plan's variants, compiled and analysed, or the CompileError
    that stopped it (``flipflop.search.builds.build_variants``). Configurations the GPU cannot
    launch become ``Dropped`` records; if none is left, ConfigurationError says why the first
    few failed.
    """
    dropped = list(plan.dropped)
    compile_errors = [b for b in builds.values() if isinstance(b, CompileError)]
    if compile_errors and len(compile_errors) == len(builds) and not any(
            _TOO_MUCH_SHARED in str(e) for e in compile_errors):
        raise compile_errors[0]

    kept: list[Config] = []
    features: list[LaunchFeatures] = []
    resources: list[Resources] = []
    versions: dict[str, Any] = {}
    overruns: list[ArgumentSizeError] = []
    for config, key in plan.shaped:
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
    versions["analysis_notes"] = merged_notes([f.notes for f in features])
    versions["distinct_compiles"] = len(builds)
    versions["distinct_ptx"] = len({hashlib.sha1(b.compiled.ptx.encode()).hexdigest()
                                    for b in builds.values() if isinstance(b, KernelBuild)})
    active: tuple[int, ...] | None = None
    if sm_counts is not None:
        counts = sorted(set(sm_counts) | {profile.sm_count})
        kept, features, resources = ([item for item in items for _ in counts] for items in (kept, features, resources))
        active = tuple(counts) * (len(kept) // len(counts))
    prediction = predict_launches(features, profile, list(power_limits_w), active)
    return Evaluated(tuple(kept), prediction.power_limits_w, prediction.time_ms, prediction.power_w,
                     prediction.energy_j, prediction.sm_clock_mhz, prediction.reasons, tuple(resources),
                     tuple(dropped), versions, active)
