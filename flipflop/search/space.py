"""The configuration space, enumerated with Kernel Tuner's conventions.

Follows ``kernel_tuner.tune_kernel``: the product of ``tune_params`` in their given order;
``restrictions`` as expression strings over the parameter names (all must hold) or a
callable taking the params dict; the thread block from ``block_size_names`` (a missing
dimension is 1); the problem size as ints, expressions over the params, or a callable; the
grid as ceil(problem size / product of the ``grid_div_*`` entries), each ``grid_div_*``
defaulting to ``[block_size_x]`` etc. (1 when that param does not exist); ``smem_args``
``{"size": int | expression string | callable(params)}``; and compile-time ``#define`` lines as Kernel Tuner
writes them. Expressions are evaluated by a restricted evaluator (arithmetic, comparisons,
boolean logic, ``min``/``max``/``abs``/``int``/``float``/``round``; ``flipflop.conventions``),
never ``eval`` on untrusted names.
"""
from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any, Mapping, Sequence

import numpy as np

from flipflop import conventions
from flipflop.conventions import DEFAULT_BLOCK_SIZE_NAMES, as_int, call_user, evaluate
from flipflop.errors import ConfigurationError
from flipflop.hardware.profile import GpuProfile, green_partition_sizes
from flipflop.problem import (TuningProblem, block_size_names_of, check_defines, check_restrictions,
                              check_tune_params, smem_size_of)

@dataclass(frozen=True)
class Config:
    """One point of the space: the tune params and what the launch derives from them."""

    params: tuple[tuple[str, Any], ...]   # ordered as tune_params
    block: tuple[int, int, int]
    grid: tuple[int, int, int]
    problem_size: tuple[int, int, int]
    dynamic_shared_bytes: int
    defines: tuple[tuple[str, str], ...]  # ordered #define name/value pairs for the compiler

    @property
    def params_dict(self) -> dict[str, Any]:
        return dict(self.params)

    @property
    def threads_per_block(self) -> int:
        return self.block[0] * self.block[1] * self.block[2]


@dataclass(frozen=True)
class Space:
    """The enumerated space: configurations kept, and those a restriction removed."""

    configs: tuple[Config, ...]
    restricted: tuple[dict[str, Any], ...]
    total: int  # size of the full product of tune_params


def problem_size_of(problem_size: Any, params: Mapping[str, Any]) -> tuple[int, int, int]:
    """Kernel Tuner's current problem size: int, expression string, sequence of those, or callable."""
    if callable(problem_size):
        problem_size = call_user(problem_size, dict(params), "problem_size")
    if isinstance(problem_size, (str, int, float)) or (hasattr(problem_size, "__index__")
                                                       and getattr(problem_size, "ndim", 0) == 0):
        problem_size = (problem_size,)
    try:
        entries = list(problem_size)
    except TypeError:
        raise ConfigurationError(f"problem_size must be an int, a tuple or a callable, got {problem_size!r}") from None
    if not 1 <= len(entries) <= 3:
        raise ConfigurationError(f"problem_size has {len(entries)} dimensions; 1 to 3 are allowed")
    sizes = [1, 1, 1]
    for i, entry in enumerate(entries):
        value = evaluate(entry, params) if isinstance(entry, str) else entry
        sizes[i] = as_int(value, f"problem_size[{i}]")
    return sizes[0], sizes[1], sizes[2]


def _restriction_holds(restrictions: list[Any], params: dict[str, Any]) -> bool:
    for restriction in restrictions:
        ok = (call_user(restriction, dict(params), f"restriction {getattr(restriction, '__name__', restriction)}")
              if callable(restriction) else evaluate(restriction, params))
        if not ok:
            return False
    return True


def kernel_tuner_defines(params: Mapping[str, Any], block: tuple[int, int, int], grid: tuple[int, int, int],
                         block_size_names: Sequence[str] = DEFAULT_BLOCK_SIZE_NAMES) -> tuple[tuple[str, str], ...]:
    """Kernel Tuner's ``#define`` lines (``flipflop.conventions``) as the (name, text) pairs a
    variant is compiled and keyed by."""
    return tuple((name, str(value)) for name, value in
                 conventions.kernel_tuner_defines(params, block, grid, block_size_names).items())


def _user_defines(defines: Mapping[str, Any], params: dict[str, Any]) -> tuple[tuple[str, str], ...]:
    return tuple((str(name), str(call_user(value, params, f"define {name}") if callable(value) else value))
                 for name, value in defines.items())


def enumerate_space(
    tune_params: Mapping[str, Sequence[Any]],
    problem_size: Any,
    *,
    restrictions: Any = None,
    grid_div_x: Any = None,
    grid_div_y: Any = None,
    grid_div_z: Any = None,
    block_size_names: Sequence[str] | None = None,
    smem_args: Mapping[str, Any] | None = None,
    defines: Mapping[str, Any] | None = None,
) -> Space:
    """Every configuration of ``tune_params`` that the restrictions allow, with its launch."""
    check_tune_params(tune_params)
    names = block_size_names_of(block_size_names)
    check_defines(defines)
    smem = smem_size_of(smem_args)
    checked = check_restrictions(restrictions)
    configs, restricted, total = [], [], 0
    keys = list(tune_params)
    for values in itertools.product(*(list(tune_params[k]) for k in keys)):
        total += 1
        params = dict(zip(keys, values))
        if not _restriction_holds(checked, params):
            restricted.append(params)
            continue
        block = tuple(as_int(params.get(n, 1), f"{n} (a block dimension)") for n in names)
        size = problem_size_of(problem_size, params)
        grid = conventions.grid_size(size, params, (grid_div_x, grid_div_y, grid_div_z), names)
        if callable(smem):
            smem_value = call_user(smem, dict(params), "smem_args['size']")
        else:
            smem_value = evaluate(smem, params) if isinstance(smem, str) else smem
        dynamic = as_int(smem_value, f"smem_args['size'] for {params}", minimum=0)
        pairs = (_user_defines(defines, params) if defines is not None
                 else kernel_tuner_defines(params, block, grid, names))
        configs.append(Config(tuple(params.items()), block, grid, size, dynamic, pairs))
    return Space(tuple(configs), tuple(restricted), total)


def enumerate_problem(problem: TuningProblem) -> Space:
    """The space of a ``TuningProblem``: every configuration its restrictions allow, with its launch."""
    return enumerate_space(problem.tune_params, problem.problem_size, restrictions=problem.restrictions,
                           grid_div_x=problem.grid_div[0], grid_div_y=problem.grid_div[1],
                           grid_div_z=problem.grid_div[2], block_size_names=problem.block_size_names,
                           smem_args=problem.smem_args, defines=problem.defines)


def sm_partition_sizes(profile: GpuProfile) -> list[int]:
    """Every SM count a green context can confine a launch to on ``profile``'s GPU: the
    minimum partition, then the multiples of the alignment above it, then the whole GPU."""
    return green_partition_sizes(profile.sm_count, profile.sm_partition_min, profile.sm_partition_alignment)


def _sm_count(profile: GpuProfile, value: Any) -> int:
    """One requested SM count ("all" is the whole GPU), checked against the partition granularity."""
    total = profile.sm_count
    if isinstance(value, str) and value.strip().lower() == "all":
        return total
    granularity = (f"{profile.name} takes {profile.sm_partition_min}–{total} SMs in multiples of "
                   f"{profile.sm_partition_alignment}, or all {total}")
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise ConfigurationError(f"active_sms value {value!r} is not an SM count; {granularity}"[:300])
    n = int(value)
    if n != total and not (profile.sm_partition_min <= n < total and n % profile.sm_partition_alignment == 0):
        raise ConfigurationError(f"active_sms {n} is not a valid SM partition: {granularity}")
    return n


def active_sms_list(profile: GpuProfile, active_sms: Any) -> list[int] | None:
    """The SM counts to predict: None → None (the whole GPU, no SM-count dimension); "all" →
    [sm_count]; "sweep" → every partition size (``sm_partition_sizes``); else a list of counts
    and "all", each checked against the profile's partition granularity, sorted, distinct."""
    if active_sms is None:
        return None
    if isinstance(active_sms, str) and active_sms.strip().lower() == "sweep":
        return sm_partition_sizes(profile)
    if isinstance(active_sms, (str, int, np.integer)):
        active_sms = [active_sms]
    if isinstance(active_sms, (Mapping, bytes)) or not isinstance(active_sms, (Sequence, np.ndarray)):
        raise ConfigurationError(f"active_sms must be None, 'all', 'sweep' or a list of SM counts, "
                                 f"got {active_sms!r}"[:200])
    counts = sorted({_sm_count(profile, value) for value in active_sms})
    if not counts:
        raise ConfigurationError("active_sms is an empty list")
    return counts
