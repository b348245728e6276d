"""How predictions are judged against measurements (pure functions, DESIGN.md "How we judge").

All take parallel sequences over the same configurations. Lower is better for time and
energy.
"""
from __future__ import annotations

import math
from typing import Any, Sequence

import numpy as np

from flipflop.search.pareto import pareto_mask

NEAR_OPTIMUM = 1.05  # "a configuration within 5 % of the measured optimum"


def spearman(predicted: Sequence[float], measured: Sequence[float]) -> float:
    """Spearman rank correlation (average ranks for ties); NaN with fewer than 2 points or no spread."""
    from scipy.stats import spearmanr

    if len(predicted) < 2 or np.ptp(predicted) == 0 or np.ptp(measured) == 0:
        return math.nan
    return float(spearmanr(predicted, measured).statistic)


def regret(predicted: Sequence[float], measured: Sequence[float]) -> float:
    """Measured value of the predicted-best configuration ÷ the measured best (1 = perfect)."""
    measured = np.asarray(measured, float)
    return float(measured[int(np.argmin(predicted))] / measured.min())


def top_k_overlap(predicted: Sequence[float], measured: Sequence[float], k: int) -> float:
    """Share of the measured top-k (lowest) that the predicted top-k contains."""
    k = min(k, len(measured))
    if k == 0:
        return math.nan
    best_predicted = set(np.argsort(predicted, kind="stable")[:k].tolist())
    best_measured = set(np.argsort(measured, kind="stable")[:k].tolist())
    return len(best_predicted & best_measured) / k


def pareto_coverage(predicted_pareto: Sequence[bool], measured_time: Sequence[float],
                    measured_energy: Sequence[float]) -> float:
    """Share of the measured Pareto set that the predicted Pareto set contains."""
    measured_front = pareto_mask(measured_time, measured_energy)
    predicted = np.asarray(predicted_pareto, bool)
    return float((measured_front & predicted).sum() / measured_front.sum()) if measured_front.any() else math.nan


def near_optimum_in_set(chosen: Sequence[bool], measured_energy: Sequence[float],
                        tolerance: float = NEAR_OPTIMUM) -> bool:
    """Whether a chosen configuration measures within ``tolerance`` × the measured least energy."""
    measured = np.asarray(measured_energy, float)
    chosen = np.asarray(chosen, bool)
    return bool(chosen.any() and measured[chosen].min() <= tolerance * measured.min())


def search_space_reduction(chosen: int, space: int) -> float:
    """1 − |recommended set| / |space|."""
    return 1 - chosen / space if space else math.nan


def validation_metrics(predicted_time: Sequence[float], predicted_energy: Sequence[float],
                       measured_time: Sequence[float], measured_energy: Sequence[float],
                       predicted_pareto: Sequence[bool], k: int = 5,
                       pareto_size: int | None = None, space_size: int | None = None) -> dict[str, Any]:
    """Every metric at once, as ``flipflop validate`` prints them."""
    n = len(measured_energy)
    if n == 0:
        return {"measured": 0}
    return {
        "measured": n,
        "spearman_energy": spearman(predicted_energy, measured_energy),
        "spearman_time": spearman(predicted_time, measured_time),
        "regret_energy": regret(predicted_energy, measured_energy),
        "regret_time": regret(predicted_time, measured_time),
        f"top_{k}_overlap_energy": top_k_overlap(predicted_energy, measured_energy, k),
        "pareto_coverage": pareto_coverage(predicted_pareto, measured_time, measured_energy),
        "near_optimum_in_pareto": near_optimum_in_set(predicted_pareto, measured_energy),
        "search_space_reduction": search_space_reduction(
            pareto_size if pareto_size is not None else int(np.sum(predicted_pareto)),
            space_size if space_size is not None else n),
    }
