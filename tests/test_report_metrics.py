"""Validation metrics: exact values on small hand-made cases."""
import math

from flipflop.report.metrics import (near_optimum_in_set, pareto_coverage, regret, search_space_reduction,
                                     spearman, top_k_overlap, validation_metrics)


def test_spearman_perfect_and_reversed():
    assert spearman([1, 2, 3, 4], [10, 20, 30, 40]) == 1.0
    assert spearman([1, 2, 3, 4], [4, 3, 2, 1]) == -1.0
    assert math.isnan(spearman([1], [1]))


def test_regret_is_measured_of_predicted_best_over_measured_best():
    assert regret([3, 1, 2], [1.0, 1.5, 2.0]) == 1.5
    assert regret([1, 2, 3], [1.0, 1.5, 2.0]) == 1.0


def test_top_k_overlap():
    assert top_k_overlap([1, 2, 3, 4], [1, 2, 3, 4], 2) == 1.0
    assert top_k_overlap([1, 2, 3, 4], [4, 3, 2, 1], 2) == 0.0
    assert top_k_overlap([1, 2, 3, 4], [1, 3, 2, 4], 2) == 0.5


def test_pareto_coverage_and_near_optimum():
    # measured front: configs 0 (fast) and 2 (frugal); config 1 dominated by 0
    time, energy = [1.0, 2.0, 3.0], [2.0, 3.0, 1.0]
    assert pareto_coverage([True, False, False], time, energy) == 0.5
    assert pareto_coverage([True, True, True], time, energy) == 1.0
    assert near_optimum_in_set([True, False, False], energy) is False
    assert near_optimum_in_set([False, False, True], energy) is True


def test_search_space_reduction_and_all_metrics():
    assert search_space_reduction(4, 66) == 1 - 4 / 66
    m = validation_metrics([1, 2, 3], [3, 2, 1], [1, 2, 3], [3, 2, 1], [True, True, True], k=2)
    assert m["spearman_energy"] == 1.0 and m["regret_energy"] == 1.0 and m["top_2_overlap_energy"] == 1.0
    assert m["search_space_reduction"] == 0.0
