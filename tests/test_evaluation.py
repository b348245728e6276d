"""The paper-evaluation metrics and report pieces on small synthetic data (exact values)."""
from __future__ import annotations

import math

import numpy as np
import pytest

from flipflop.report.evaluation import (
    chance_top_k_coverage, co2e_g, fmt, geomean, grid_neighbours, is_measured_local_minimum, local_optimum_found, markdown_table, median,
    pct, per_configuration_cost, saving_pct, throughput_gain_pct, top_k_coverage, verdict)

GRID = {"block_size_x": [1, 2, 4], "block_size_y": [1, 2]}
CONFIGS = [{"block_size_x": x, "block_size_y": y} for x in GRID["block_size_x"] for y in GRID["block_size_y"]]
# index: 0 = 1×1, 1 = 1×2, 2 = 2×1, 3 = 2×2, 4 = 4×1, 5 = 4×2


def test_top_k_coverage_counts_the_measured_top_k_inside_the_predicted_top_k():
    measured = list(range(25))                       # best measured: 0..19
    predicted = [24 - i for i in range(25)]          # exact reverse: top-20 predicted = indices 5..24
    assert top_k_coverage(predicted, measured, 20) == 15 / 20
    assert top_k_coverage(measured, measured, 20) == 1.0


def test_top_k_coverage_is_undefined_when_the_space_is_no_larger_than_k():
    assert math.isnan(top_k_coverage([1.0] * 20, [1.0] * 20, 20))
    assert math.isnan(chance_top_k_coverage(20))
    assert chance_top_k_coverage(32) == 0.625
    assert chance_top_k_coverage(51) == 20 / 51


def test_grid_neighbours_are_one_step_along_one_parameter():
    neighbours = grid_neighbours(CONFIGS, GRID)
    assert neighbours[0] == [1, 2]        # 1×1 → 1×2, 2×1
    assert neighbours[3] == [1, 2, 5]     # 2×2 → 1×2, 2×1, 4×2
    assert neighbours[4] == [2, 5]        # 4×1 → 2×1, 4×2


def test_grid_neighbours_skip_configurations_not_in_the_list():
    subset = [c for c in CONFIGS if c != {"block_size_x": 2, "block_size_y": 1}]
    # 1×1's neighbours: 1×2 only (2×1 is missing); index 1 in the subset.
    assert grid_neighbours(subset, GRID)[0] == [1]


def test_local_optimum_found_exact_neighbour_within_tolerance_and_miss():
    measured = [10.0, 5.0, 9.0, 5.2, 8.0, 5.1]   # best: 1×2 (index 1)
    exact = [9.0, 1.0, 9.0, 9.0, 9.0, 9.0]
    assert local_optimum_found(CONFIGS, GRID, exact, measured)
    neighbour_close = [9.0, 9.0, 9.0, 1.0, 9.0, 9.0]   # 2×2 is a neighbour at 5.2 ≤ 1.05 × 5
    assert local_optimum_found(CONFIGS, GRID, neighbour_close, measured)
    far_but_close = [9.0, 9.0, 9.0, 9.0, 9.0, 1.0]     # 4×2 measures 5.1 but is not a neighbour of 1×2
    assert not local_optimum_found(CONFIGS, GRID, far_but_close, measured)
    neighbour_poor = [9.0, 9.0, 9.0, 9.0, 9.0, 9.0]
    neighbour_poor[0] = 1.0                             # 1×1 is a neighbour but measures 10 > 5.25
    assert not local_optimum_found(CONFIGS, GRID, neighbour_poor, measured)


def test_measured_local_minimum_compares_the_predicted_best_with_its_own_neighbours():
    measured = [10.0, 5.0, 9.0, 5.2, 8.0, 5.1]
    # 4×2 (5.1): neighbours 2×2 (5.2) and 4×1 (8.0): a local minimum though not the global one.
    assert is_measured_local_minimum(CONFIGS, GRID, [9, 9, 9, 9, 9, 1], measured)
    # 2×1 (9.0): neighbours 1×1 (10), 2×2 (5.2), 4×1 (8): 9 > 1.05 × 5.2.
    assert not is_measured_local_minimum(CONFIGS, GRID, [9, 9, 1, 9, 9, 9], measured)
    # 2×2 (5.2) vs neighbour 1×2 (5.0): 5.2 ≤ 1.05 × 5.0, within tolerance.
    assert is_measured_local_minimum(CONFIGS, GRID, [9, 9, 9, 1, 9, 9], measured)
    assert not is_measured_local_minimum(CONFIGS, GRID, [9, 9, 9, 1, 9, 9], measured, tolerance=1.0)


def test_savings_arithmetic():
    assert saving_pct(21.0, 30.0) == pytest.approx(30.0)
    assert saving_pct(33.0, 30.0) == pytest.approx(-10.0)
    assert throughput_gain_pct(5.0, 10.0) == pytest.approx(100.0)
    assert throughput_gain_pct(10.0, 8.0) == pytest.approx(-20.0)
    assert per_configuration_cost(26.8, 32) == pytest.approx(0.8375)
    with pytest.raises(ValueError):
        per_configuration_cost(1.0, 0)
    assert co2e_g(3.6e6, 400.0) == pytest.approx(400.0)
    assert co2e_g(11_324.0, 400.0) == pytest.approx(1.25822, rel=1e-5)


def test_verdict_respects_direction_and_tolerance():
    assert verdict(0.9, 0.857) == "better"
    assert verdict(0.5, 0.66) == "worse"
    assert verdict(0.858, 0.857) == "equal"
    assert verdict(1.02, 1.10, higher_is_better=False) == "better"
    assert verdict(math.nan, 0.857) == "n/a"


def test_cells_and_markdown_table():
    assert fmt(math.nan) == "—"
    assert fmt(None) == "—"
    assert fmt(True) == "yes"
    assert fmt(np.bool_(False)) == "no"
    assert fmt(0.123456) == "0.123"
    assert fmt(7) == "7"
    assert pct(12.345) == "12.3 %"
    assert pct(-4.0, signed=True) == "-4.0 %"
    assert pct(math.nan) == "—"
    table = markdown_table(["case", "ρ", "note"], [["a|b", 0.91234, None], ["c", math.nan, "ok"]])
    assert table.splitlines() == [
        "| case | ρ | note |",
        "|---|---|---|",
        "| a\\|b | 0.912 | — |",
        "| c | — | ok |",
    ]


def test_median_and_geomean_skip_nan():
    assert median([1.0, math.nan, 3.0]) == 2.0
    assert math.isnan(median([math.nan]))
    assert geomean([1.0, 4.0, math.nan]) == pytest.approx(2.0)


def test_runs_md_durations_and_collection_cost(tmp_path):
    from benchmarks.evaluation import collection_cost, section_durations

    text = ("# runs\n\n## Run 1 — first\n- Duration: 465.6 s of command time (493 s of device time).\n"
            "## Run 2 — second\n- Command (one device call, warm machine, 444.7 s of command time):\n"
            "## Not measured yet\n- 12.0 s of command time\n")
    assert section_durations(text) == {"Run 1": 465.6, "Run 2": 444.7}
    lines = ['{"header": "run", "idle_power_w": 100.0}',
             '{"header": "case", "case": "k@1"}',
             '{"case": "k@1", "measured_power": 300.0, "power_window_s": 0.5, "status": "ok"}',
             '{"case": "k@1", "measured_power": 200.0, "power_window_s": 0.5, "status": "ok"}',
             '{"case": "k@1", "status": "not measured: time budget spent"}']
    path = tmp_path / "gt.jsonl"
    path.write_text("\n".join(lines))
    cost = collection_cost(path, wall_s=10.0)
    # 300·0.5 + 200·0.5 = 250 J busy, plus 100 W idle over the other 9 s.
    assert cost["configurations"] == 2
    assert cost["energy_j"] == pytest.approx(1150.0)
    assert cost["s_per_config"] == pytest.approx(5.0)
    assert cost["j_per_config"] == pytest.approx(575.0)
