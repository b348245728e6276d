"""Picks from the Pareto set, the baselines users would otherwise choose, and why.

* energy-optimal: least predicted energy (ties: less time); time-optimal: least time (ties:
  less energy); balanced: the Pareto point nearest the utopia point (min time, min energy)
  after normalising each axis by its minimum, i.e. min √((t/t_min − 1)² + (e/e_min − 1)²) —
  scale-free, so joules and milliseconds weigh alike.
* occupancy-heuristic baseline: what ``cudaOccupancyMaxPotentialBlockSize`` does — the
  largest block reaching the highest occupancy for the kernel's registers and shared
  memory — restricted to the user's space: the configuration with the highest predicted
  occupancy, then the most threads per block. Among 2-D shapes with the same thread count
  the most square one is taken (wider in x on a tie, since x is the coalescing dimension).
* fixed 256-thread baseline: 256 threads per block, most square (16×16 for 2-D, 256 for 1-D).
Both baselines run at the profile's default power limit (what a user who never sets a
limit gets); when several configurations share the shape (other tune params differ), the
first in tune_params order is the one a user would have kept.
"""
from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field, replace
from typing import Any

import numpy as np

from flipflop.hardware.profile import GpuProfile
from flipflop.search.evaluate import Evaluated

FIXED_BASELINE_THREADS = 256
_BOUND_TEXT = {
    "memory": "memory-bound: moving {dram} through DRAM sets its time",
    "compute": "compute-bound: the SM pipelines set its time",
    "latency": "latency-bound: too few requests in flight to hide memory or pipeline latency",
}


@dataclass(frozen=True)
class Pick:
    """One configuration at one power limit, with its predicted figures and explanation."""

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


def _shape_text(block: tuple[int, int, int]) -> str:
    dims = [block[0], block[1]] + ([block[2]] if block[2] > 1 else [])
    return "×".join(str(d) for d in dims) + f" ({block[0] * block[1] * block[2]} threads)"


def _bytes_text(count: float) -> str:
    for unit, size in (("GB", 1e9), ("MB", 1e6), ("kB", 1e3)):
        if count >= size:
            return f"{count / size:.3g} {unit}"
    return f"{count:.0f} B"


def _squareness(block: tuple[int, int, int]) -> float:
    return abs(math.log2(block[0] / block[1]))


def _pick(ev: Evaluated, row: int, col: int, role: str) -> Pick:
    return Pick(role, ev.configs[row].params_dict, ev.configs[row].block, float(ev.power_limits_w[col]),
                float(ev.time_ms[row, col]), float(ev.power_w[row, col]), float(ev.energy_j[row, col]),
                float(ev.sm_clock_mhz[row, col]), ev.reasons[row].as_dict())


def occupancy_baseline_row(ev: Evaluated) -> int:
    """Index of the configuration the occupancy heuristic would choose."""
    def key(i: int) -> tuple:
        block = ev.configs[i].block
        return (-round(ev.reasons[i].occupancy, 6), -ev.configs[i].threads_per_block, _squareness(block),
                -block[0], i)
    return min(range(len(ev.configs)), key=key)


def fixed_baseline_row(ev: Evaluated, threads: int = FIXED_BASELINE_THREADS) -> int | None:
    """Index of the most square ``threads``-thread configuration, or None if the space has none."""
    rows = [i for i, c in enumerate(ev.configs) if c.threads_per_block == threads]
    if not rows:
        return None
    return min(rows, key=lambda i: (_squareness(ev.configs[i].block), -ev.configs[i].block[0], i))


def explain(pick: Pick, profile: GpuProfile) -> str:
    """A few sentences on why ``pick`` performs as predicted, from its Reasons."""
    r = pick.reasons
    text = [f"{_shape_text(pick.block)} at {pick.power_limit_w:.0f} W: {pick.time_ms:.4g} ms, "
            f"{pick.power_w:.0f} W, {pick.energy_j:.4g} J per launch."]
    text.append("It is " + _BOUND_TEXT.get(r["bound"], r["bound"]).format(dram=_bytes_text(r["dram_bytes"])) + ".")
    coalescing = r["coalescing_efficiency"]
    if coalescing > 1.0:
        details = [f"threads of a warp share addresses, so each byte fetched serves {coalescing:.1f} requested bytes"]
    else:
        details = [f"global accesses use {100 * coalescing:.0f}% of the bytes they fetch"]
    if r["bank_conflict_degree"] > 1.05:
        details.append(f"shared-memory requests replay {r['bank_conflict_degree']:.1f}× from bank conflicts")
    blocks = r["blocks_per_sm"]
    details.append(f"occupancy is {100 * r['occupancy']:.0f}% ({r['warps_per_sm']} warps, {blocks} "
                   f"block{'s' if blocks != 1 else ''} per SM, limited by {r['occupancy_limiter']})")
    details.append(f"the grid runs in {r['waves']:.2f} waves with the last one {100 * r['tail_efficiency']:.0f}% full")
    text.append(details[0][0].upper() + "; ".join(details)[1:] + ".")
    if pick.sm_clock_mhz < profile.max_sm_clock_mhz - 1:
        text.append(f"The {pick.power_limit_w:.0f} W limit holds the SM clock at {pick.sm_clock_mhz:.0f} MHz "
                    f"(of {profile.max_sm_clock_mhz:.0f}), trading time for power.")
    else:
        text.append(f"The SM clock stays at {pick.sm_clock_mhz:.0f} MHz under this limit.")
    return " ".join(text)


def _saving(pick: Pick, base: Pick | None) -> dict[str, float]:
    if base is None:
        return {}
    return {"energy_saving_pct": 100 * (1 - pick.energy_j / base.energy_j),
            "time_change_pct": 100 * (pick.time_ms / base.time_ms - 1)}


def _with_comparison(pick: Pick, profile: GpuProfile, occ: Pick, fixed: Pick | None) -> Pick:
    why = explain(pick, profile)
    comparisons = []
    for base, name in ((occ, "the occupancy heuristic's"), (fixed, "the fixed")):
        if base is None or (base.params == pick.params and base.power_limit_w == pick.power_limit_w):
            continue
        s = _saving(pick, base)
        comparisons.append(f"{abs(s['energy_saving_pct']):.0f}% {'less' if s['energy_saving_pct'] >= 0 else 'more'} "
                           f"energy and {abs(s['time_change_pct']):.0f}% {'more' if s['time_change_pct'] >= 0 else 'less'} "
                           f"time than {name} {_shape_text(base.block)}")
    if comparisons:
        why += " Predicted: " + "; ".join(comparisons) + "."
    return replace(pick, why=why)


def _trade_off(energy_pick: Pick, time_pick: Pick) -> str:
    """Why the energy-optimal pick is not the fastest: what it gives up and what it saves."""
    if energy_pick.params == time_pick.params and energy_pick.power_limit_w == time_pick.power_limit_w:
        return " It is also the fastest configuration."
    slower = 100 * (energy_pick.time_ms / time_pick.time_ms - 1)
    saved = 100 * (1 - energy_pick.energy_j / time_pick.energy_j)
    causes = []
    if energy_pick.params != time_pick.params:
        causes.append(f"its shape draws {energy_pick.power_w:.0f} W instead of {time_pick.power_w:.0f} W")
    if energy_pick.sm_clock_mhz < time_pick.sm_clock_mhz - 1:
        causes.append(f"its power limit lowers the clock to {energy_pick.sm_clock_mhz:.0f} MHz")
    because = f" because {' and '.join(causes)}" if causes else ""
    return (f" Against the time-optimal pick it runs {slower:.0f}% longer but uses {saved:.0f}% less energy"
            f"{because}.")


def recommend_from(ev: Evaluated, profile: GpuProfile, kernel: str, columns: np.ndarray,
                   default_column: int) -> Recommendation:
    """Build the recommendation from predictions over the requested power-limit ``columns``.

    ``default_column`` indexes the profile's default limit (the baselines' limit) in ``ev``.
    """
    pareto = ev.pareto(columns)
    rows, cols = np.nonzero(pareto)
    t, e = ev.time_ms[rows, cols], ev.energy_j[rows, cols]
    energy_i = np.lexsort((t, e))[0]
    time_i = np.lexsort((e, t))[0]
    balanced_i = int(np.argmin(np.hypot(t / t.min() - 1, e / e.min() - 1)))

    occ = _pick(ev, occupancy_baseline_row(ev), default_column, "occupancy heuristic")
    fixed_row = fixed_baseline_row(ev)
    fixed = _pick(ev, fixed_row, default_column, "fixed 256 threads") if fixed_row is not None else None

    def chosen(i: int, role: str) -> Pick:
        return _with_comparison(_pick(ev, int(rows[i]), int(cols[i]), role), profile, occ, fixed)

    energy_pick, time_pick, balanced_pick = chosen(energy_i, "energy-optimal"), chosen(time_i, "time-optimal"), \
        chosen(balanced_i, "balanced")
    energy_pick = replace(energy_pick, why=energy_pick.why + _trade_off(energy_pick, time_pick))
    savings = {}
    for pick, name in ((energy_pick, "energy_optimal"), (balanced_pick, "balanced"), (time_pick, "time_optimal")):
        savings[f"{name}_vs_occupancy"] = _saving(pick, occ)
        if fixed is not None:
            savings[f"{name}_vs_fixed_256"] = _saving(pick, fixed)
    front = tuple(_pick(ev, int(r), int(c), "pareto") for r, c in sorted(zip(rows, cols), key=lambda rc: (
        ev.time_ms[rc], ev.energy_j[rc])))
    evaluated = len(ev.configs) * len(columns)
    return Recommendation(
        kernel=kernel, gpu=profile.name, energy_optimal=energy_pick, time_optimal=time_pick, balanced=balanced_pick,
        occupancy_baseline=replace(occ, why=explain(occ, profile)),
        fixed_256_baseline=None if fixed is None else replace(fixed, why=explain(fixed, profile)),
        savings=savings, pareto=front, configurations=evaluated, dropped=len(ev.dropped),
        search_space_reduction=1 - len(front) / evaluated,
    )
