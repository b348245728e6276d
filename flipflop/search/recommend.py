"""Picks from the Pareto set, the baselines users would otherwise choose, and the savings
against them, as figures (``flipflop.report.explain`` says why in words).

* energy-optimal: least predicted energy (ties: less time), on the whole GPU unless fewer SMs
  save at least ``SM_SAVING_MARGIN`` (5 %) of the best whole-GPU energy; time-optimal: least time (ties:
  less energy); balanced: the Pareto point nearest the utopia point (min time, min energy)
  after normalising each axis by its minimum, i.e. min √((t/t_min − 1)² + (e/e_min − 1)²) —
  scale-free, so joules and milliseconds weigh alike.
* occupancy-heuristic baseline: what ``cudaOccupancyMaxPotentialBlockSize`` does — the
  largest block reaching the highest occupancy for the kernel's registers and shared
  memory — restricted to the user's space: the configuration with the highest predicted
  occupancy, then the most threads per block. Among 2-D shapes with the same thread count
  the most square one is taken (wider in x on a tie, since x is the coalescing dimension).
* fixed 256-thread baseline: 256 threads per block, most square (16×16 for 2-D, 256 for 1-D).
Both baselines run at the profile's default power limit and on the whole GPU (what a user
who never sets a limit or a green context gets); when several configurations share the shape
(other tune params differ), the
first in tune_params order is the one a user would have kept.
"""
from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

from flipflop.hardware.profile import GpuProfile
from flipflop.search.evaluate import Evaluated

FIXED_BASELINE_THREADS = 256
# The energy-optimal pick leaves the whole GPU only for at least this predicted saving. On the
# SM-count ground truth of both GPUs (H100 run 20/24, H200 run 26: 10 development-corpus kernels),
# every pick on fewer SMs the model promised under 5 % for cost energy when measured (0.4-4.4 %
# promised, -1.3 to -17 % measured); the model's SM-count energies are not finer than that.
SM_SAVING_MARGIN = 0.05


@dataclass(frozen=True)
class Pick:
    """One configuration at one power limit, with its predicted figures and the reasons behind
    them; ``why`` puts those in words (``flipflop.report.explain`` fills it in)."""

    role: str
    params: dict[str, Any]
    block: tuple[int, int, int]
    power_limit_w: float
    time_ms: float
    power_w: float
    energy_j: float
    sm_clock_mhz: float
    reasons: dict[str, Any]
    why: str = ""
    active_sms: int | None = None  # the SMs it is confined to; None: no SM-count dimension
    # The same configuration and limit on the whole GPU, when ``active_sms`` is fewer SMs:
    # time_ms, power_w, energy_j (what the reason compares against).
    whole_gpu: dict[str, float] | None = None

    def same_point(self, other: "Pick") -> bool:
        """Whether ``other`` is the same configuration, power limit and SM count."""
        return (self.params, self.power_limit_w, self.active_sms) == (other.params, other.power_limit_w,
                                                                       other.active_sms)


@dataclass(frozen=True)
class Recommendation:
    """What ``flipflop.recommend`` returns."""

    kernel: str
    gpu: str
    energy_optimal: Pick
    time_optimal: Pick
    balanced: Pick
    occupancy_baseline: Pick
    fixed_256_baseline: Pick | None
    savings: dict[str, dict[str, float]]
    pareto: tuple[Pick, ...]
    configurations: int            # launchable configurations × power limits evaluated
    dropped: int
    search_space_reduction: float  # 1 − |Pareto set| / evaluated points
    metadata: dict[str, Any] = field(default_factory=dict)
    measurement_avoided: dict[str, Any] = field(default_factory=dict)  # flipflop.report.savings

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready dict."""
        return asdict(self)


def _squareness(block: tuple[int, int, int]) -> float:
    return abs(math.log2(block[0] / block[1]))


def _pick(ev: Evaluated, row: int, col: int, role: str) -> Pick:
    active = ev.active_sms[row] if ev.active_sms is not None else None
    whole = int(ev.whole_gpu_rows()[row])
    return Pick(role, ev.configs[row].params_dict, ev.configs[row].block, float(ev.power_limits_w[col]),
                float(ev.time_ms[row, col]), float(ev.power_w[row, col]), float(ev.energy_j[row, col]),
                float(ev.sm_clock_mhz[row, col]), ev.reasons[row].as_dict(), active_sms=active,
                whole_gpu=None if whole == row else {"time_ms": float(ev.time_ms[whole, col]),
                                                      "power_w": float(ev.power_w[whole, col]),
                                                      "energy_j": float(ev.energy_j[whole, col])})


def _whole_gpu(ev: Evaluated) -> list[int]:
    """The rows that run on the whole GPU, where the baselines are."""
    return [int(i) for i in np.unique(ev.whole_gpu_rows())]


def occupancy_baseline_row(ev: Evaluated) -> int:
    """Index of the configuration the occupancy heuristic would choose (on the whole GPU)."""
    def key(i: int) -> tuple:
        block = ev.configs[i].block
        return (-round(ev.reasons[i].occupancy, 6), -ev.configs[i].threads_per_block, _squareness(block),
                -block[0], i)
    return min(_whole_gpu(ev), key=key)


def fixed_baseline_row(ev: Evaluated, threads: int = FIXED_BASELINE_THREADS) -> int | None:
    """Index of the most square ``threads``-thread configuration on the whole GPU, or None if
    the space has none."""
    rows = [i for i in _whole_gpu(ev) if ev.configs[i].threads_per_block == threads]
    if not rows:
        return None
    return min(rows, key=lambda i: (_squareness(ev.configs[i].block), -ev.configs[i].block[0], i))


def saving(pick: Pick, base: Pick | None) -> dict[str, float]:
    """``pick``'s energy saving and time change against ``base``, in percent (empty without one)."""
    if base is None:
        return {}
    return {"energy_saving_pct": 100 * (1 - pick.energy_j / base.energy_j),
            "time_change_pct": 100 * (pick.time_ms / base.time_ms - 1)}


def _whole_gpu_unless_clearly_better(ev: Evaluated, pick: Pick, candidates: np.ndarray,
                                     columns: np.ndarray) -> Pick:
    """``pick`` if it runs on the whole GPU (the largest SM count asked for) or saves at least
    ``SM_SAVING_MARGIN`` of the energy of the best whole-GPU candidate; that candidate otherwise."""
    if pick.whole_gpu is None:
        return pick
    whole = np.intersect1d(np.unique(ev.whole_gpu_rows()), candidates)
    if whole.size == 0:  # no candidate runs on the whole GPU
        return pick
    energies = ev.energy_j[np.ix_(whole, columns)]
    r, c = np.unravel_index(int(np.argmin(energies)), energies.shape)
    if pick.energy_j <= (1 - SM_SAVING_MARGIN) * energies[r, c]:
        return pick
    return _pick(ev, int(whole[r]), int(columns[c]), pick.role)


def recommend_from(ev: Evaluated, profile: GpuProfile, kernel: str, columns: np.ndarray,
                   default_column: int, rows: np.ndarray | None = None) -> Recommendation:
    """Build the recommendation from predictions over the requested power-limit ``columns``
    and ``rows`` (all by default; ``Evaluated.rows_at`` selects SM counts), the picks' ``why``
    left empty for ``flipflop.report.explain.explained``.

    ``default_column`` indexes the profile's default limit (the baselines' limit) in ``ev``.
    """
    candidates = np.arange(len(ev.configs)) if rows is None else rows
    pareto = ev.pareto(columns, candidates)
    on_rows, on_cols = np.nonzero(pareto)
    t, e = ev.time_ms[on_rows, on_cols], ev.energy_j[on_rows, on_cols]
    energy_i = np.lexsort((t, e))[0]
    time_i = np.lexsort((e, t))[0]
    balanced_i = int(np.argmin(np.hypot(t / t.min() - 1, e / e.min() - 1)))

    occ = _pick(ev, occupancy_baseline_row(ev), default_column, "occupancy heuristic")
    fixed_row = fixed_baseline_row(ev)
    fixed = _pick(ev, fixed_row, default_column, "fixed 256 threads") if fixed_row is not None else None

    def chosen(i: int, role: str) -> Pick:
        return _pick(ev, int(on_rows[i]), int(on_cols[i]), role)

    energy_pick, time_pick, balanced_pick = chosen(energy_i, "energy-optimal"), chosen(time_i, "time-optimal"), \
        chosen(balanced_i, "balanced")
    energy_pick = _whole_gpu_unless_clearly_better(ev, energy_pick, candidates, columns)
    savings = {}
    for pick, name in ((energy_pick, "energy_optimal"), (balanced_pick, "balanced"), (time_pick, "time_optimal")):
        savings[f"{name}_vs_occupancy"] = saving(pick, occ)
        if fixed is not None:
            savings[f"{name}_vs_fixed_256"] = saving(pick, fixed)
    front = tuple(_pick(ev, int(r), int(c), "pareto") for r, c in sorted(zip(on_rows, on_cols), key=lambda rc: (
        ev.time_ms[rc], ev.energy_j[rc])))
    evaluated = len(candidates) * len(columns)
    return Recommendation(
        kernel=kernel, gpu=profile.name, energy_optimal=energy_pick, time_optimal=time_pick, balanced=balanced_pick,
        occupancy_baseline=occ, fixed_256_baseline=fixed,
        savings=savings, pareto=front, configurations=evaluated, dropped=len(ev.dropped),
        search_space_reduction=1 - len(front) / evaluated,
    )
