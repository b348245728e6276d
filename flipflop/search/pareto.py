"""Pareto front of (time, energy) minimisation, vectorised."""
from __future__ import annotations

import numpy as np


def pareto_mask(time: np.ndarray, energy: np.ndarray) -> np.ndarray:
    """Boolean mask of the points no other point dominates.

    A point dominates another when it is no worse in both time and energy and better in
    one. Identical points do not dominate each other, so duplicates on the front are all
    kept. O(n log n): sort by (time, energy); a point is dominated exactly when some point
    earlier in that order, other than its own duplicates, has energy ≤ its energy.
    """
    time = np.asarray(time, dtype=float).ravel()
    energy = np.asarray(energy, dtype=float).ravel()
    if time.shape != energy.shape:
        raise ValueError("time and energy must have the same number of points")
    n = time.size
    if n == 0:
        return np.zeros(0, dtype=bool)
    order = np.lexsort((energy, time))
    t, e = time[order], energy[order]
    new_group = np.ones(n, dtype=bool)
    new_group[1:] = (t[1:] != t[:-1]) | (e[1:] != e[:-1])
    group_start = np.maximum.accumulate(np.where(new_group, np.arange(n), 0))
    best_before = np.empty(n)
    best_before[0] = np.inf
    best_before[1:] = np.minimum.accumulate(e)[:-1]
    dominated = best_before[group_start] <= e
    mask = np.empty(n, dtype=bool)
    mask[order] = ~dominated
    return mask
