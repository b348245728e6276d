"""Pareto front: exact small cases and hypothesis properties."""
import numpy as np
from hypothesis import given, settings, strategies as st

from flipflop.search.pareto import pareto_mask


def dominates(a, b):
    return a[0] <= b[0] and a[1] <= b[1] and (a[0] < b[0] or a[1] < b[1])


def test_known_front():
    time = [1.0, 2.0, 3.0, 2.0, 4.0]
    energy = [5.0, 3.0, 1.0, 4.0, 1.0]
    assert pareto_mask(time, energy).tolist() == [True, True, True, False, False]


def test_duplicates_are_all_kept_and_ties_in_time_resolved_by_energy():
    assert pareto_mask([1, 1, 1], [2, 2, 3]).tolist() == [True, True, False]


def test_empty():
    assert pareto_mask([], []).tolist() == []


points = st.lists(st.tuples(st.integers(0, 20), st.integers(0, 20)), min_size=1, max_size=60)


@settings(max_examples=300, deadline=None)
@given(points)
def test_front_is_exactly_the_nondominated_set(pts):
    arr = np.array(pts, dtype=float)
    mask = pareto_mask(arr[:, 0], arr[:, 1])
    front = [p for p, m in zip(pts, mask) if m]
    # no front point is dominated by any point
    for p in front:
        assert not any(dominates(q, p) for q in pts)
    # every non-front point is dominated by a front point
    for p, m in zip(pts, mask):
        if not m:
            assert any(dominates(q, p) for q in front)
