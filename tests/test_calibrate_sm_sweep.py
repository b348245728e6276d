"""The SM-count sweep on the CPU: its plan (SM counts on the driver's grid, time), and the pure
fit of per-SM DRAM bandwidth and power per active SM on synthetic data."""

import pytest

from flipflop.hardware.calibrate.fit import CalibrationFitError, bandwidth_per_sm, fit_sm_sweep
from flipflop.measure.calibrate.sm_sweep import (
    BENCHES, bytes_and_flops, describe_plan, estimate_seconds, plan_sweep, sweep_sm_counts)
from flipflop.measure.green import SmPartitioning

COUNTS = [8, 16, 24, 32, 48, 64, 96, 128, 132]


def synthetic_raw(read_per_sm=60e9, read_bw=4.8e12, copy_per_sm=80e9, copy_bw=4.0e12):
    """Points of bandwidth(n) = min(BW, n·b) and power lines 150 + 1.5 n (read),
    160 + 1.8 n (copy), 90 + 1.2 n (fma)."""
    points = []
    for n in COUNTS:
        for bench, bw, watts in (("dram_read", min(read_bw, n * read_per_sm), 150 + 1.5 * n),
                                 ("dram_copy", min(copy_bw, n * copy_per_sm), 160 + 1.8 * n),
                                 ("fma", None, 90 + 1.2 * n)):
            moved, flops = bytes_and_flops(bench)
            time_ms = (moved / bw if bw else flops / (n * 250e9)) * 1000
            points.append({"bench": bench, "bytes": moved, "flops": flops, "active_sms": n, "status": "ok",
                           "measured_time": time_ms, "measured_power": watts})
    points.append({"bench": "dram_read", "active_sms": 40, "status": "launch failed: x"})  # ignored
    return {"meta": {"sm_partitioning": {"sm_count": 132, "min_partition_sms": 8, "alignment_sms": 8}},
            "points": points}


def test_sweep_counts_land_on_the_partition_grid():
    h200 = SmPartitioning(132, 8, 8)
    assert sweep_sm_counts(132, h200.valid_counts()) == COUNTS
    # a GPU that splits in steps of 16 from 16: 24 becomes 32, 128 is more than it has: all 114
    other = SmPartitioning(114, 16, 16)
    assert sweep_sm_counts(114, other.valid_counts()) == [16, 32, 48, 64, 96, 114]


def test_plan_measures_every_load_at_every_count_within_a_minute():
    plan = plan_sweep(132, SmPartitioning(132, 8, 8).valid_counts())
    assert len(plan) == 3 * len(COUNTS) and [p.bench for p in plan[:3]] == list(BENCHES)
    assert [p.active_sms for p in plan[::3]] == COUNTS
    assert estimate_seconds(plan, 0.3) < 60
    assert describe_plan(SmPartitioning(132, 8, 8), 0.3).startswith("sm sweep: 27 points")


def test_fit_recovers_the_per_sm_slope_plateau_and_knee():
    fit = fit_sm_sweep(synthetic_raw())
    assert fit.dram_bandwidth_per_sm_bytes_per_s == pytest.approx(60e9)
    assert fit.dram_plateau_bytes_per_s == pytest.approx(4.8e12)
    assert fit.dram_knee_sms == pytest.approx(80.0)
    assert fit.linear_points == 5  # 8..48 SMs are below 80 % of the plateau (64 is at it)
    assert fit.copy_bandwidth_per_sm_bytes_per_s == pytest.approx(80e9)
    assert fit.copy_plateau_bytes_per_s == pytest.approx(4.0e12)
    assert fit.sm_partitioning["alignment_sms"] == 8


def test_fit_reports_power_per_active_sm_per_load():
    fit = fit_sm_sweep(synthetic_raw())
    assert fit.power_per_sm_w == pytest.approx({"dram_read": 1.5, "dram_copy": 1.8, "fma": 1.2})
    assert fit.power_intercept_w == pytest.approx({"dram_read": 150.0, "dram_copy": 160.0, "fma": 90.0})
    # the read stream saturates at 80 SMs; the first sweep point past it is 96 SMs
    assert fit.power_at_knee_fraction == pytest.approx((150 + 1.5 * 96) / (150 + 1.5 * 132))


def test_a_stream_saturated_at_every_count_gives_the_smallest_point_as_a_lower_bound():
    series = [(n, 4.8e12, 300.0) for n in COUNTS]
    slope, plateau, used = bandwidth_per_sm(series)
    assert (slope, plateau, used) == (pytest.approx(4.8e12 / 8), pytest.approx(4.8e12), 1)


def test_a_sweep_without_read_points_is_a_fit_error():
    with pytest.raises(CalibrationFitError, match="no good point"):
        fit_sm_sweep({"points": []})


def test_calibrate_sm_sweep_flag_writes_the_raw_sweep_and_its_fit_beside_the_profile(tmp_path, monkeypatch):
    import json

    from flipflop.hardware.profile import load_profile
    from flipflop.measure.calibrate import _sm_sweep, create_parser
    from flipflop.measure.calibrate import sm_sweep

    args = create_parser().parse_args(["--out", str(tmp_path / "gpu.json"), "--sm-sweep", "--quick"])
    assert args.sm_sweep and not create_parser().parse_args(["--out", "x.json"]).sm_sweep
    seen = {}

    def fake_sweep(path, *, window_s, meta):
        seen.update(path=path, window_s=window_s)
        return synthetic_raw()

    monkeypatch.setattr(sm_sweep, "run_sm_sweep", fake_sweep)
    assert _sm_sweep(args, load_profile("h200-sxm")) == 0
    assert seen == {"path": tmp_path / "gpu.sm_sweep.json", "window_s": 0.2}
    fit = json.loads((tmp_path / "gpu.sm_sweep_fit.json").read_text())
    assert fit["dram_bandwidth_per_sm_bytes_per_s"] == pytest.approx(60e9)
    profile = load_profile(tmp_path / "gpu.json")  # the calibrated profile takes the sweep
    assert profile.dram_bandwidth_per_sm_bytes_per_s == pytest.approx(60e9)
    assert profile.origin["dram_bandwidth_per_sm_bytes_per_s"].startswith("measured: SM sweep gpu.sm_sweep.json")


def test_the_cli_takes_the_calibration_options_including_the_sm_sweep():
    """`flipflop calibrate` and `python -m flipflop.measure.calibrate` share one option list."""
    from flipflop.cli import create_parser

    args = create_parser().parse_args(["calibrate", "--out", "h200.json", "--sm-sweep", "--quick"])
    assert (args.out, args.sm_sweep, args.quick, args.set_power_limits) == ("h200.json", True, True, False)
