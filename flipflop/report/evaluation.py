"""The paper's evaluation metrics and the Markdown that reports them (pure functions).

Used by ``benchmarks/evaluation.py``, which reproduces the FlipFlop paper's RQ1–RQ3 on
measured ground truth. Every function takes plain sequences over the same configurations;
lower is better for time and energy.

Definitions (stated again in docs/evaluation.md):
* top-k coverage — the paper's: the share of the measured top-k (least energy) that the
  predicted top-k contains. Undefined (NaN) when the space has no more than k
  configurations, since then it is 1 whatever the prediction.
* locally optimal configuration found — the predicted energy-optimal configuration is the
  measured optimum, or one of its grid neighbours (one step along one tune parameter's
  value list, every other parameter equal) measuring within ``NEIGHBOUR_TOLERANCE`` of it.
  Two looser readings are reported beside it: the predicted best measures within that
  tolerance of the optimum (anywhere in the grid), and the predicted best is a measured
  local minimum (no grid neighbour measures less than it by more than the tolerance).
"""
from __future__ import annotations

import math
from typing import Any, Mapping, Sequence

import numpy as np

from flipflop.report.metrics import top_k_overlap

NEIGHBOUR_TOLERANCE = 1.05  # a neighbour within 5 % of the measured optimum counts as found
PAPER_TOP_K = 20


def top_k_coverage(predicted: Sequence[float], measured: Sequence[float], k: int = PAPER_TOP_K) -> float:
    """Share of the measured top-k that the predicted top-k contains; NaN when len ≤ k."""
    if len(measured) <= k:
        return math.nan
    return top_k_overlap(predicted, measured, k)


def chance_top_k_coverage(size: int, k: int = PAPER_TOP_K) -> float:
    """Expected top-k coverage of a random ranking of ``size`` configurations (k / size)."""
    return k / size if size > k else math.nan


def grid_neighbours(configs: Sequence[Mapping[str, Any]], tune_params: Mapping[str, Sequence[Any]]
                    ) -> list[list[int]]:
    """For each configuration, the indices of those one step away along one tune parameter.

    A step is to the adjacent value in that parameter's value list (e.g. 16 → 8 or 32 for
    powers of two, 64 → 32 or 96 for multiples of 32); all other parameters are equal.
    Configurations absent from ``configs`` (not launchable, not measured) are skipped.
    """
    names = list(tune_params)
    position = {name: {value: i for i, value in enumerate(tune_params[name])} for name in names}
    index = {tuple(c[n] for n in names): i for i, c in enumerate(configs)}
    result = []
    for config in configs:
        key = [config[n] for n in names]
        found = []
        for axis, name in enumerate(names):
            values = tune_params[name]
            here = position[name][key[axis]]
            for step in (-1, 1):
                if 0 <= here + step < len(values):
                    other = tuple(key[:axis] + [values[here + step]] + key[axis + 1:])
                    if other in index:
                        found.append(index[other])
        result.append(sorted(found))
    return result


def local_optimum_found(configs: Sequence[Mapping[str, Any]], tune_params: Mapping[str, Sequence[Any]],
                        predicted_energy: Sequence[float], measured_energy: Sequence[float],
                        tolerance: float = NEIGHBOUR_TOLERANCE) -> bool:
    """Whether the predicted best is the measured best or a near-equal grid neighbour of it."""
    measured = np.asarray(measured_energy, float)
    best_measured = int(np.argmin(measured))
    best_predicted = int(np.argmin(np.asarray(predicted_energy, float)))
    if best_predicted == best_measured:
        return True
    neighbours = grid_neighbours(configs, tune_params)[best_measured]
    return bool(best_predicted in neighbours and measured[best_predicted] <= tolerance * measured[best_measured])


def is_measured_local_minimum(configs: Sequence[Mapping[str, Any]], tune_params: Mapping[str, Sequence[Any]],
                              predicted_energy: Sequence[float], measured_energy: Sequence[float],
                              tolerance: float = NEIGHBOUR_TOLERANCE) -> bool:
    """Whether no grid neighbour of the predicted best measures less than it ÷ ``tolerance``."""
    measured = np.asarray(measured_energy, float)
    best_predicted = int(np.argmin(np.asarray(predicted_energy, float)))
    neighbours = grid_neighbours(configs, tune_params)[best_predicted]
    return bool(all(measured[best_predicted] <= tolerance * measured[n] for n in neighbours))


def saving_pct(value: float, baseline: float) -> float:
    """How much less ``value`` is than ``baseline``, in % of the baseline (energy or latency saved)."""
    return 100.0 * (1.0 - value / baseline)


def throughput_gain_pct(time: float, baseline_time: float) -> float:
    """Throughput gain of running in ``time`` instead of ``baseline_time``, in %."""
    return 100.0 * (baseline_time / time - 1.0)


def per_configuration_cost(total: float, configurations: int) -> float:
    """A measured total (seconds or joules) spread evenly over the configurations it covered."""
    if configurations <= 0:
        raise ValueError("a cost needs at least one configuration")
    return total / configurations


def co2e_g(energy_j: float, grid_intensity_g_per_kwh: float) -> float:
    """Grams of CO2-equivalent for ``energy_j`` joules at a grid intensity in g/kWh."""
    return energy_j / 3.6e6 * grid_intensity_g_per_kwh


def verdict(ours: float, paper: float, higher_is_better: bool = True) -> str:
    """"better", "worse" or "equal" (within 0.5 % of the paper's value); "n/a" for NaN."""
    if math.isnan(ours) or math.isnan(paper):
        return "n/a"
    if abs(ours - paper) <= 0.005 * abs(paper):
        return "equal"
    return "better" if (ours > paper) == higher_is_better else "worse"


def fmt(value: Any, digits: int = 3) -> str:
    """A table cell: NaN/None as "—", floats to ``digits`` significant figures, else str()."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    if isinstance(value, (bool, np.bool_)):
        return "yes" if value else "no"
    if isinstance(value, (float, np.floating)):
        return f"{float(value):.{digits}g}"
    return str(value)


def pct(value: float, digits: int = 1, signed: bool = False) -> str:
    """A percentage cell, "—" for NaN."""
    if value is None or math.isnan(value):
        return "—"
    return f"{value:+.{digits}f} %" if signed else f"{value:.{digits}f} %"


def markdown_table(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    """A GitHub-flavoured Markdown table; cells go through ``fmt`` unless already strings."""
    def cell(value: Any) -> str:
        return (value if isinstance(value, str) else fmt(value)).replace("|", "\\|")

    lines = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows]
    return "\n".join(lines)


def median(values: Sequence[float]) -> float:
    """Median of the finite values, NaN when there are none."""
    finite = [v for v in values if v is not None and not math.isnan(v)]
    return float(np.median(finite)) if finite else math.nan


def geomean(values: Sequence[float]) -> float:
    """Geometric mean of the finite positive values, NaN when there are none."""
    finite = [v for v in values if v is not None and not math.isnan(v) and v > 0]
    return float(np.exp(np.mean(np.log(finite)))) if finite else math.nan
