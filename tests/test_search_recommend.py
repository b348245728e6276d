"""Recommendation picks and baselines on a synthetic evaluated space (no compiler, no model)."""
import dataclasses

import numpy as np

from flipflop.frontend.resources import Resources
from flipflop.hardware.profile import load_profile
from flipflop.model.predict import Reasons
from flipflop.search.evaluate import Evaluated
from flipflop.report.explain import explained
from flipflop.search.recommend import fixed_baseline_row, occupancy_baseline_row, recommend_from
from flipflop.search.space import enumerate_space

H100 = load_profile("h100-sxm")


def reasons(occ):
    return Reasons(occupancy=occ, blocks_per_sm=2, warps_per_sm=int(64 * occ), occupancy_limiter="threads",
                   coalescing_efficiency=1.0, bank_conflict_degree=1.0, waves=3.5, tail_efficiency=0.875,
                   bound="memory", dram_bytes=8e6, l2_bytes=8e6, sm_time_ms=0.1, memory_time_ms=0.2,
                   sync_time_ms=0.0, active_fraction=1.0)


def synthetic():
    space = enumerate_space({"block_size_x": [16, 32, 64, 256], "block_size_y": [1, 4, 16]}, (4096, 4096),
                            restrictions=["block_size_x*block_size_y in (256, 1024)"])
    configs = space.configs  # 16x16, 64x4, 64x16, 256x1, 256x4
    assert [c.block[:2] for c in configs] == [(16, 16), (64, 4), (64, 16), (256, 1), (256, 4)]
    occ = [1.0, 1.0, 1.0, 1.0, 1.0]
    # two limits: 700 (default) and 400 W; energy lowest for 64x4 at 400 W, time lowest for 64x16 at 700 W
    time = np.array([[2.0, 2.4], [1.5, 1.7], [1.2, 1.6], [3.0, 3.1], [1.3, 1.5]])
    energy = np.array([[1.0, 0.9], [0.8, 0.6], [0.9, 0.85], [1.5, 1.4], [0.95, 0.9]])
    power = energy / time * 1e3
    clocks = np.array([[1980.0, 1500.0]] * 5)
    res = Resources(32, 0, 0, 0, 0, False)
    return Evaluated(configs, np.array([700.0, 400.0]), time, power, energy, clocks,
                     tuple(reasons(o) for o in occ), (res,) * 5, ())


def test_picks_and_savings():
    ev = synthetic()
    rec = explained(recommend_from(ev, H100, "k", np.array([0, 1]), default_column=0), H100)
    assert rec.energy_optimal.params == {"block_size_x": 64, "block_size_y": 4}
    assert rec.energy_optimal.power_limit_w == 400.0
    assert rec.time_optimal.params == {"block_size_x": 64, "block_size_y": 16}
    assert rec.time_optimal.power_limit_w == 700.0
    # occupancy heuristic: full occupancy, most threads (1024), most square → 64x16
    assert rec.occupancy_baseline.params == {"block_size_x": 64, "block_size_y": 16}
    assert rec.fixed_256_baseline.params == {"block_size_x": 16, "block_size_y": 16}
    s = rec.savings["energy_optimal_vs_occupancy"]
    assert abs(s["energy_saving_pct"] - 100 * (1 - 0.6 / 0.9)) < 1e-9
    assert abs(s["time_change_pct"] - 100 * (1.7 / 1.2 - 1)) < 1e-9
    assert abs(rec.savings["energy_optimal_vs_fixed_256"]["energy_saving_pct"] - 40.0) < 1e-9
    # front: (1.2,0.9) (1.3,0.95)? dominated by (1.2,0.9); (1.5,0.8) (1.7,0.6) and (1.5, 0.9)? dominated
    assert [(p.time_ms, p.energy_j) for p in rec.pareto] == [(1.2, 0.9), (1.5, 0.8), (1.7, 0.6)]
    assert rec.search_space_reduction == 1 - 3 / 10
    assert "1500 MHz" in rec.energy_optimal.why and "less energy" in rec.energy_optimal.why
    assert rec.to_dict()["balanced"]["role"] == "balanced"


def test_balanced_is_nearest_to_utopia():
    rec = recommend_from(synthetic(), H100, "k", np.array([0, 1]), default_column=0)
    # normalised distances: (1.2,0.9)->0.5, (1.5,0.8)->0.417, (1.7,0.6)->0.417... tie broken by first
    assert (rec.balanced.time_ms, rec.balanced.energy_j) in {(1.5, 0.8), (1.7, 0.6)}


def test_baseline_rows_for_1d():
    space = enumerate_space({"block_size_x": [128, 256, 512, 1024]}, 1 << 20)
    res = Resources(32, 0, 0, 0, 0, False)
    n = len(space.configs)
    ev = Evaluated(space.configs, np.array([700.0]), np.ones((n, 1)), np.ones((n, 1)), np.ones((n, 1)),
                   np.ones((n, 1)), tuple(reasons(o) for o in (1.0, 1.0, 1.0, 0.5)), (res,) * n, ())
    assert ev.configs[occupancy_baseline_row(ev)].block == (512, 1, 1)
    assert ev.configs[fixed_baseline_row(ev)].block == (256, 1, 1)


def test_energy_pick_explains_its_trade_off_against_the_fastest():
    rec = explained(recommend_from(synthetic(), H100, "k", np.array([0, 1]), default_column=0), H100)
    assert "Against the time-optimal pick it runs 42% longer but uses 33% less energy" in rec.energy_optimal.why
    assert "its power limit lowers the clock to 1500 MHz" in rec.energy_optimal.why


def test_search_gives_figures_and_report_gives_the_words():
    bare = recommend_from(synthetic(), H100, "k", np.array([0, 1]), default_column=0)
    assert all(not p.why for p in (bare.energy_optimal, bare.time_optimal, bare.balanced, bare.occupancy_baseline))
    rec = explained(bare, H100)
    assert rec.occupancy_baseline.why.startswith("64×16 (1024 threads) at 700 W")
    assert "than the fixed 16×16 (256 threads)" in rec.time_optimal.why
    assert dataclasses.replace(rec, energy_optimal=bare.energy_optimal, time_optimal=bare.time_optimal,
                               balanced=bare.balanced, occupancy_baseline=bare.occupancy_baseline,
                               fixed_256_baseline=bare.fixed_256_baseline) == bare
