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
