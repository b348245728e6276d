"""The calibration fit on a hand-made raw file (tests/fixtures/calibration/h100_handmade_raw.json:
the read-only probe's real FMA rows plus round values chosen so the coefficients are known)."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from flipflop.hardware.calibrate.fit import CalibrationFitError, fit_profile, main
from flipflop.hardware.profile import load_profile

FIXTURES = Path(__file__).parent / "fixtures" / "calibration"
FIXTURE = FIXTURES / "h100_handmade_raw.json"
# The datasheet H100 profile as it stood before calibration (the shipped file becomes measured).
BASE = FIXTURES / "h100_datasheet_base.json"


@pytest.fixture(scope="module")
def raw() -> dict:
    return json.loads(FIXTURE.read_text())


@pytest.fixture(scope="module")
def profile(raw):
    return fit_profile(raw, load_profile(BASE))


def test_residency_sweeps_give_static_sm_and_warp_power(profile):
    assert profile.static_power_w == pytest.approx(120.0, rel=1e-12)
    assert profile.sm_active_power_w == pytest.approx(0.1, rel=1e-12)
    assert profile.warp_resident_power_w == pytest.approx(0.004, rel=1e-12)
    assert profile.provenance["extras"]["residency_fit_rms_w"] == pytest.approx(0.0, abs=1e-9)


def test_unit_energy_is_power_above_the_baseline_over_the_op_rate(profile):
    assert profile.energy_pj_per_op["fp32"] == pytest.approx(3.0, rel=1e-12)
    assert profile.energy_pj_per_op["tensor"] == pytest.approx(55.0, rel=1e-12)
    assert profile.ops_per_clock_per_sm["fp32"] == pytest.approx(128.0, rel=1e-12)
    assert profile.ops_per_clock_per_sm["tensor"] == pytest.approx(32.0, rel=1e-12)
    assert profile.origin["energy_pj_per_op"].startswith("measured") and "fp32, tensor" in profile.origin["energy_pj_per_op"]


def test_unmeasured_figures_come_from_the_base_profile(profile):
    base = load_profile(BASE)
    assert profile.energy_pj_per_op["fp64"] == base.energy_pj_per_op["fp64"]
    assert profile.dram_energy_pj_per_byte == base.dram_energy_pj_per_byte
    assert profile.register_alloc_unit == base.register_alloc_unit
    assert profile.origin["dram_energy_pj_per_byte"].startswith("from base profile h100-sxm")


def test_queried_facts_latency_and_launch_overhead(profile):
    assert profile.status == "measured"
    assert (profile.idle_power_w, profile.power_limit_default_w, profile.power_limit_min_w,
            profile.power_limit_max_w, profile.max_sm_clock_mhz) == (76.0, 700.0, 200.0, 700.0, 1980.0)
    assert profile.dram_latency_ns == pytest.approx(600.0)
    assert profile.launch_overhead_us == pytest.approx(2.5)
    assert profile.provenance["gpu"] == "NVIDIA H100 80GB HBM3"
    assert profile.provenance["driver"] == "580.159.04"
    assert profile.provenance["command"] == "HAND-MADE test fixture, not a measurement"


def test_power_limit_response_is_modelled_without_a_sweep(profile):
    assert profile.voltage_exponent == 3.0
    assert profile.origin["voltage_exponent"].startswith("modelled") and "K = 3" in profile.origin["voltage_exponent"]


def test_probe_fma_rows_are_checked_against_the_fitted_model(profile):
    check = {c["active_sms"]: c for c in profile.provenance["extras"]["fma_scaling_check"]}
    assert sorted(check) == [8, 16, 33, 66, 99, 132]
    ops_per_s = 132 * 1024 * 20000 * 8 * 226.21259813823667  # the probe's steps per second
    expected_w = 120.0 + 0.1 * 132 + 0.004 * 132 * 32 + ops_per_s * 3e-12
    assert check[132]["predicted_w"] == pytest.approx(expected_w, rel=1e-9)
    assert check[132]["measured_w"] == pytest.approx(172.1797308447597)


def test_fit_keeps_the_raw_numbers_for_refits(raw, profile):
    assert profile.raw == raw
    refit = fit_profile(profile.raw, profile)
    assert refit.static_power_w == pytest.approx(profile.static_power_w)
    assert refit.origin["dram_energy_pj_per_byte"] == profile.origin["dram_energy_pj_per_byte"]


def test_cli_writes_a_loadable_profile(tmp_path):
    out = tmp_path / "h100.json"
    assert main([str(FIXTURE), "--out", str(out), "--base", str(BASE)]) == 0
    assert load_profile(out).static_power_w == pytest.approx(120.0)


def test_cli_reports_a_missing_file_in_one_line(tmp_path, capsys):
    assert main([str(tmp_path / "none.json"), "--out", str(tmp_path / "p.json")]) == 1
    assert capsys.readouterr().err.startswith("error: cannot read")


def test_wrong_schema_and_missing_sweeps_are_one_line_errors(raw):
    with pytest.raises(CalibrationFitError, match="not a flipflop calibration raw file"):
        fit_profile({"schema": "other"})
    no_sweeps = {**raw, "points": [p for p in raw["points"] if p["group"] not in ("sm_scaling", "warp_scaling")]}
    with pytest.raises(CalibrationFitError, match="residency sweeps"):
        fit_profile(no_sweeps, load_profile(BASE))


def test_default_base_is_the_bundled_profile_of_the_same_gpu(raw):
    assert fit_profile(raw).name == "h100-sxm"


def test_launch_overhead_is_the_gpu_side_cost_and_host_latency_an_extra(profile, raw):
    assert profile.launch_overhead_us == pytest.approx(2.5)
    assert profile.provenance["extras"]["host_launch_latency_us"] == pytest.approx(10.9)
    # an early runner timed one launch between events: that is host latency, not the field
    legacy = {**raw, "points": [p for p in raw["points"] if p["name"] != "launch_latency_host"]}
    for p in legacy["points"]:
        if p["name"] == "launch_overhead":
            legacy["points"][legacy["points"].index(p)] = {**p, "param": 1, "time_ms": 0.0109}
    fitted = fit_profile(legacy, load_profile(BASE))
    assert fitted.launch_overhead_us == load_profile(BASE).launch_overhead_us
    assert fitted.provenance["extras"]["host_launch_latency_us"] == pytest.approx(10.9)


def test_idle_reading_at_full_clock_is_not_idle_power(raw):
    busy = {**raw, "idle": {"power_w": 126.8, "sm_clock_mhz": 1980.0}}
    fitted = fit_profile(busy, load_profile(BASE))
    assert fitted.idle_power_w == load_profile(BASE).idle_power_w
    assert fitted.provenance["extras"]["idle_reading"]["power_w"] == 126.8


def test_a_dram_chase_as_fast_as_l2_keeps_the_base_dram_latency(raw):
    fast = {**raw, "points": [{**p, "time_ms": 2.9} if p["name"] == "latency_dram" else p for p in raw["points"]]}
    fitted = fit_profile(fast, load_profile(BASE))
    assert fitted.dram_latency_ns == load_profile(BASE).dram_latency_ns
    assert fitted.l2_latency_ns == pytest.approx(250.0)
    assert fitted.provenance["extras"]["pointer_chase_ns"]["latency_dram"] == pytest.approx(145.0)


def test_a_negative_sm_slope_is_fitted_as_zero(raw):
    flat = {**raw, "points": [
        {**p, "power_w": p["power_w"] - 0.15 * p["active_sms"] + 0.15 * 132} if p["group"] == "sm_scaling" else p
        for p in raw["points"]]}
    fitted = fit_profile(flat, load_profile(BASE))
    assert fitted.sm_active_power_w == 0.0
    assert fitted.origin["sm_active_power_w"].endswith("(no measurable slope; fitted as 0)")


def test_notes_go_to_provenance(raw):
    assert fit_profile(raw, load_profile(BASE), ("a note",)).provenance["notes"] == ["a note"]


def test_a_loop_rate_far_below_the_peak_replaces_it_one_near_it_confirms_it(raw):
    slow = {**raw, "points": [
        {**p, "ops_per_s": p["ops_per_s"] * 0.5} if p["name"] == "tensor_mma" else
        {**p, "ops_per_s": p["ops_per_s"] * 0.9} if p["name"] == "fp32_fma" else p
        for p in raw["points"]]}
    fitted = fit_profile(slow, load_profile(BASE))
    assert fitted.ops_per_clock_per_sm["tensor"] == pytest.approx(16.0)
    assert fitted.ops_per_clock_per_sm["fp32"] == 128
    assert fitted.provenance["extras"]["loop_ops_per_clock_per_sm"]["fp32"] == pytest.approx(115.2)


def test_cli_records_its_command(tmp_path):
    out = tmp_path / "h100.json"
    assert main([str(FIXTURE), "--out", str(out), "--base", str(BASE), "--note", "two words"]) == 0
    provenance = load_profile(out).provenance
    assert provenance["fit_command"].endswith('--note "two words"')
    assert provenance["notes"] == ["two words"]


def test_refitting_over_a_calibrated_profile_changes_nothing(profile):
    refit = fit_profile(profile.raw, profile)
    assert refit.origin == profile.origin
    assert refit.ops_per_clock_per_sm == profile.ops_per_clock_per_sm
    assert refit.energy_pj_per_op == pytest.approx(profile.energy_pj_per_op)


def test_write_bandwidth_comes_from_the_copy_and_read_streams():
    """2/copy = 1/read + 1/write: the shipped H100's run-5 streams (3.05 TB/s read, 2.80 copy)."""
    raw = json.loads((Path(__file__).parents[1] / "benchmarks" / "data" / "h100" / "calib_raw_run5.json").read_text())
    fitted = fit_profile(raw, load_profile(BASE))
    points = {p["name"]: p["bytes_per_s"] for p in raw["points"] if p["name"] in ("dram_read", "dram_copy")}
    expected = 1 / (2 / points["dram_copy"] - 1 / points["dram_read"])
    assert fitted.dram_write_bandwidth_bytes_per_s == pytest.approx(expected)
    assert 2.59e12 < fitted.dram_write_bandwidth_bytes_per_s < 2.60e12
    assert load_profile("h100-sxm").dram_write_bandwidth_bytes_per_s == pytest.approx(expected)
