"""The calibration runner against a fake GPU whose power follows a known linear model: the
runner's bookkeeping (work per launch, rates, records, incremental JSON) and the fit together
must recover that model's coefficients."""
from __future__ import annotations

import json
import math
from contextlib import contextmanager
from pathlib import Path

import pytest

from flipflop.hardware.calibrate.fit import fit_profile
from flipflop.hardware.profile import load_profile
from flipflop.measure.calibrate import microbenchmarks as mb
from flipflop.measure.calibrate import raw_path_for
from flipflop.measure.calibrate.runner import (
    CalibrationDevice,
    Load,
    RawWriter,
    plan_loads,
    power_limit_steps,
    run_calibration,
    work_per_launch,
)

BASE = Path(__file__).parent / "fixtures" / "calibration" / "h100_datasheet_base.json"
CLOCK_MHZ = 1980.0
SMS = 132
META = {
    "name": "NVIDIA H100 80GB HBM3", "driver": "fake", "sm_count": SMS, "max_threads_per_sm": 2048,
    "max_threads_per_block": 1024, "max_blocks_per_sm": 32, "registers_per_sm": 65536,
    "shared_per_sm_bytes": 233472, "max_shared_per_block_bytes": 232448, "shared_reserved_per_block_bytes": 1024,
    "l2_bytes": 52428800, "power_limit_w": 700.0, "power_limit_range_w": [200.0, 700.0],
    "max_sm_clock_mhz": CLOCK_MHZ, "max_memory_clock_mhz": 2619, "supported_sm_clocks_mhz": [345, 990, 1980],
}
# The fake GPU's truth (plausible H100 values).
TRUTH = dict(idle_w=76.0, static_w=120.0, sm_w=0.1, warp_w=0.004,
             ops_per_clock={"fp32": 128.0, "fp16": 128.0, "fp64": 64.0, "int": 64.0, "sfu": 16.0, "tensor": 32.0,
                            "ldst": 32.0},
             energy_pj={"fp32": 3.0, "fp16": 3.5, "fp64": 9.0, "int": 2.5, "sfu": 12.0, "tensor": 55.0,
                        "ldst": 4.0, "barrier": 1.0},
             shared_pj_per_byte=1.5, l1_pj_per_byte=2.5, l1_bytes_per_clock=64.0, l2_pj_per_byte=5.0,
             dram_pj_per_byte=20.0,
             l2_bytes_per_s=5.5e12, dram_bytes_per_s=3.0e12, launch_us=2.5,
             latency_ns={"latency_dram": 600.0, "latency_l2": 250.0, "latency_shared": 15.0}, alu_cycles=4.0,
             barrier_cycles=24.0)


class FakeDevice(CalibrationDevice):
    """Times from fixed rates; power from the linear model the fit inverts."""

    def __init__(self, truth=TRUTH, throttle_k: float | None = None):
        self.truth = truth
        self.limit_w = 700.0
        self.limits_set: list[float] = []
        self.throttle_k = throttle_k

    def meta(self):
        return dict(META)

    def resident_blocks_per_sm(self, load):
        if load.shared_bytes:
            return int(META["shared_per_sm_bytes"] // (load.shared_bytes + 1024))
        return 2048 // load.block

    def _rates(self, load: Load, iters: int) -> tuple[float, float]:
        """(seconds per launch, excess power W at full clock) for the load."""
        t = self.truth
        clock_hz = CLOCK_MHZ * 1e6
        ops, nbytes = work_per_launch(load, iters)
        bench = load.bench
        if bench.kind == "unit":
            seconds = ops / (t["ops_per_clock"][bench.unit] * SMS * clock_hz) if load.group != "latency" else 0
            if load.group == "fma_scaling":
                seconds = ops / (t["ops_per_clock"]["fp32"] * load.grid * clock_hz)
            return seconds, ops / seconds * t["energy_pj"][bench.unit] * 1e-12
        if bench.kind == "shared":
            rate = t["ops_per_clock"]["ldst"] * SMS * clock_hz / bench.param * (0.25 if bench.kernel.endswith("v4") else 1)
            seconds = ops / rate
            return seconds, (ops * t["energy_pj"]["ldst"] + nbytes * t["shared_pj_per_byte"]) * 1e-12 / seconds
        if bench.kind == "l1":
            seconds = nbytes / (t["l1_bytes_per_clock"] * SMS * clock_hz)
            return seconds, (ops * t["energy_pj"]["ldst"] + nbytes * t["l1_pj_per_byte"]) * 1e-12 / seconds
        if bench.kind in ("l2", "dram", "scattered"):
            sectors = nbytes if bench.kind != "scattered" else ops / 32 * bench.param * 32
            seconds = sectors / (t["l2_bytes_per_s"] if bench.kind == "l2" else t["dram_bytes_per_s"])
            per_byte = t["l2_pj_per_byte"] + (0 if bench.kind == "l2" else t["dram_pj_per_byte"])
            return seconds, (ops * t["energy_pj"]["ldst"] + sectors * per_byte) * 1e-12 / seconds
        if bench.kind == "barrier":
            seconds = iters * t["barrier_cycles"] / clock_hz  # the blocks of an SM wait side by side
            return seconds, ops / seconds * t["energy_pj"]["barrier"] * 1e-12
        if bench.kind == "residency":
            return iters * 250e-9, 0.0
        if bench.kind == "launch":
            return t["launch_us"] * 1e-6, 0.0
        if bench.name == "fp32_latency":
            return iters * t["alu_cycles"] / clock_hz, 0.0
        return t["latency_ns"][bench.name] * 1e-9 * bench.param, 0.0

    def time_ms(self, load, iters, launches):
        seconds, _ = self._rates(load, iters)
        return seconds * 1e3 * (iters if load.iters_is_launches else 1)

    def _power(self, load, iters, scale=1.0):
        t = self.truth
        _, excess_w = self._rates(load, iters)
        warps = min(self.resident_blocks_per_sm(load), math.ceil(load.grid / SMS)) * math.ceil(load.block / 32)
        active = min(load.grid, SMS)
        return t["static_w"] + (active * t["sm_w"] + active * warps * t["warp_w"]) * scale ** 3 + excess_w * scale ** 3

    def steady(self, load, iters, window_s):
        power = self._power(load, iters)
        clock = CLOCK_MHZ
        if self.throttle_k and power > self.limit_w:
            # the clock falls until P_static + (P - P_static)·s^K meets the limit
            s = ((self.limit_w - self.truth["static_w"]) / (power - self.truth["static_w"])) ** (1 / self.throttle_k)
            clock, power = CLOCK_MHZ * s, self.limit_w
        return {"power_w": power, "edges": 6, "sm_clock_mhz": clock, "sm_clock_min_mhz": clock,
                "clock_event_reasons": [], "temperature_c": 50}

    def idle(self, seconds):
        return {"power_w": self.truth["idle_w"], "edges": 20}

    def gemm_anchor(self, dtype, n, window_s):
        return None

    def scheduling(self):
        return {"block_launch_ns": 82.0, "atomic_same_address_ns": 1.8, "atomic_same_address_int_ns": 0.77,
                "atomic_scattered_ns_by_span": {"32": 0.16, "4096": 0.085}, "l2_partial_write_factor": 1.9}

    @contextmanager
    def power_limit(self, watts):
        original = self.limit_w
        self.limits_set.append(watts)
        self.limit_w = watts
        try:
            yield watts
        finally:
            self.limit_w = original


def test_plan_covers_every_benchmark_once_at_full_occupancy():
    loads = plan_loads(META)
    full = [load for load in loads if load.group == "full"]
    assert sorted(load.name for load in full) == sorted(
        b.name for b in mb.all_benchmarks() if b.kind not in ("latency", "launch"))
    assert {load.grid * load.block // SMS for load in full if load.bench.kind != "barrier"} == {2048}
    sm_sweep = [load for load in loads if load.group == "sm_scaling"]
    assert [load.grid for load in sm_sweep] == [8, 16, 33, 66, 99, 132]


def test_scaling_loads_pin_blocks_per_sm_with_shared_memory():
    device = FakeDevice()
    warp_sweep = [load for load in plan_loads(META) if load.group == "warp_scaling"]
    assert [(load.grid // SMS, load.block) for load in warp_sweep] == [
        (1, 32), (1, 64), (1, 128), (1, 256), (1, 512), (1, 1024), (2, 1024)]
    assert [device.resident_blocks_per_sm(load) for load in warp_sweep] == [1] * 6 + [2]


def test_work_per_launch_counts_thread_instructions_and_bytes():
    fma = Load(mb.UNIT_BENCHMARKS[0], 1056, 256, ("out", "iters"))
    assert work_per_launch(fma, 100) == (8 * 1056 * 256 * 100, 0.0)
    copy = next(b for b in mb.MEMORY_BENCHMARKS if b.name == "dram_copy")
    assert work_per_launch(Load(copy, 1056, 256, (), iters_is_launches=True), 7) == (2 * 2 ** 26, 32 * 2 ** 26)


def test_power_limit_steps_span_the_settable_range():
    assert power_limit_steps(META) == [700.0, 650.0, 600.0, 550.0, 500.0, 450.0, 400.0, 350.0, 300.0, 250.0, 200.0]
    assert power_limit_steps({"power_limit_range_w": [150.0, 300.0]}) == [300.0, 250.0, 200.0, 150.0]


def test_run_writes_raw_json_with_metadata(tmp_path: Path):
    out = tmp_path / "raw.json"
    raw = run_calibration(out, quick=True, progress=False, device=FakeDevice(), command="test")
    on_disk = json.loads(out.read_text())
    assert on_disk == json.loads(json.dumps(raw))
    assert raw["complete"] is True and raw["errors"] == []
    assert raw["meta"]["command"] == "test" and raw["meta"]["quick"] is True
    assert raw["meta"]["name"] == "NVIDIA H100 80GB HBM3" and "date" in raw["meta"]
    assert raw["idle"]["power_w"] == 76.0
    names = {p["name"] for p in raw["points"]}
    assert {"fp32_fma", "tensor_mma", "latency_dram", "launch_overhead", "shared_load_v4"} <= names


def test_a_cut_off_run_keeps_what_was_measured(tmp_path: Path):
    class Failing(FakeDevice):
        def steady(self, load, iters, window_s):
            if load.name == "int_imad":
                raise KeyboardInterrupt
            return super().steady(load, iters, window_s)

    out = tmp_path / "raw.json"
    with pytest.raises(KeyboardInterrupt):
        run_calibration(out, progress=False, device=Failing())
    raw = json.loads(out.read_text())
    assert raw["complete"] is False
    assert [p["name"] for p in raw["points"]] == ["fp32_fma", "fp16_hfma2", "bf16_hfma2", "fp64_dfma"]
    assert raw["meta"]["duration_s"] >= 0


def test_fit_recovers_the_fake_gpus_coefficients(tmp_path: Path):
    raw = run_calibration(tmp_path / "raw.json", progress=False, device=FakeDevice())
    profile = fit_profile(raw, load_profile(BASE))
    t = TRUTH
    assert profile.status == "measured"
    assert profile.static_power_w == pytest.approx(t["static_w"], rel=1e-9)
    assert profile.sm_active_power_w == pytest.approx(t["sm_w"], rel=1e-9)
    assert profile.warp_resident_power_w == pytest.approx(t["warp_w"], rel=1e-9)
    for unit in ("fp32", "fp16", "fp64", "int", "sfu", "tensor", "ldst"):
        assert profile.energy_pj_per_op[unit] == pytest.approx(t["energy_pj"][unit], rel=1e-9), unit
        assert profile.ops_per_clock_per_sm[unit] == pytest.approx(t["ops_per_clock"][unit], rel=1e-9), unit
    assert profile.shared_energy_pj_per_byte == pytest.approx(1.5, rel=1e-9)
    assert profile.l2_energy_pj_per_byte == pytest.approx(5.0, rel=1e-9)
    assert profile.dram_energy_pj_per_byte == pytest.approx(20.0, rel=1e-9)
    assert profile.dram_bandwidth_bytes_per_s == pytest.approx(3.0e12, rel=1e-9)
    assert profile.l2_bandwidth_bytes_per_s == pytest.approx(5.5e12, rel=1e-9)
    assert profile.shared_bytes_per_clock_per_sm == pytest.approx(128.0, rel=1e-9)
    assert profile.dram_latency_ns == pytest.approx(600.0)
    assert profile.l2_latency_ns == pytest.approx(250.0)
    assert profile.shared_latency_ns == pytest.approx(15.0)
    assert profile.launch_overhead_us == pytest.approx(2.5)
    assert profile.alu_latency_cycles == pytest.approx(4.0)
    assert profile.barrier_cycles == pytest.approx(24.0)
    assert profile.idle_power_w == 76.0 and profile.min_sm_clock_mhz == 345.0
    assert profile.origin["voltage_exponent"].startswith("modelled")
    assert profile.origin["static_power_w"].startswith("measured")
    assert profile.origin["register_alloc_unit"].startswith("from base profile h100-sxm")
    extras = profile.provenance["extras"]
    assert extras["shared_load_slowdown_by_conflict_degree"] == pytest.approx(
        {"1": 1.0, "2": 2.0, "4": 4.0, "8": 8.0, "16": 16.0, "32": 32.0})
    assert extras["barrier_energy_pj_per_thread"] == pytest.approx(1.0)
    assert extras["l1_energy_pj_per_byte"] == pytest.approx(2.5)
    assert extras["l1_bytes_per_clock_per_sm"] == pytest.approx(64.0)
    for check in extras["fma_scaling_check"]:
        assert check["predicted_w"] == pytest.approx(check["measured_w"])
    assert profile.raw is raw


def test_power_limit_sweep_is_restored_and_fits_the_voltage_exponent(tmp_path: Path):
    device = FakeDevice(throttle_k=2.5)
    raw = run_calibration(tmp_path / "raw.json", quick=True, set_power_limits=True, progress=False, device=device)
    assert device.limits_set == power_limit_steps(META) and device.limit_w == 700.0
    assert all(p["power_limit_w"] == w for p, w in zip(raw["power_limit_sweep"], device.limits_set))
    profile = fit_profile(raw, load_profile(BASE))
    assert profile.voltage_exponent == pytest.approx(2.5, rel=1e-9)
    assert profile.origin["voltage_exponent"].startswith("measured: power-limit sweep")


def test_raw_path_sits_beside_the_profile():
    assert raw_path_for("out/h100.json") == Path("out/h100.raw.json")


def test_raw_writer_replaces_the_file_atomically(tmp_path: Path):
    writer = RawWriter(tmp_path / "sub" / "raw.json", {"points": []})
    writer.raw["points"].append({"name": "x"})
    writer.flush()
    assert json.loads((tmp_path / "sub" / "raw.json").read_text()) == {"points": [{"name": "x"}]}
    assert not (tmp_path / "sub" / "raw.json.tmp").exists()


def test_main_calibrate_writes_profile_and_raw_beside_it(tmp_path: Path, monkeypatch):
    from flipflop.measure.calibrate import main_calibrate, runner

    monkeypatch.setattr(runner, "CupyDevice", FakeDevice)
    out = tmp_path / "gpu.json"
    assert main_calibrate(["--out", str(out), "--quick", "--no-progress", "--base", str(BASE)]) == 0
    profile = load_profile(out)
    assert profile.status == "measured" and profile.static_power_w == pytest.approx(TRUTH["static_w"])
    raw = json.loads((tmp_path / "gpu.raw.json").read_text())
    assert raw["meta"]["command"].startswith("flipflop calibrate --out")
    assert (profile.block_launch_ns, profile.atomic_same_address_ns, profile.l2_partial_write_factor) == (82.0, 1.8, 1.9)
    assert profile.atomic_same_address_int_ns == 0.77
    assert profile.atomic_scattered_ns_by_span == {"32": 0.16, "4096": 0.085}
    assert profile.origin["block_launch_ns"].startswith("measured")


def test_main_calibrate_without_cupy_is_a_one_line_error(tmp_path: Path, monkeypatch, capsys):
    import builtins

    from flipflop.measure.calibrate import main_calibrate

    real_import = builtins.__import__

    def no_cupy(name, *args, **kwargs):
        if name == "cupy" or name.startswith("cupy."):
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_cupy)
    assert main_calibrate(["--out", str(tmp_path / "p.json"), "--no-progress"]) == 1
    assert capsys.readouterr().err.strip() == "error: calibration needs CuPy: pip install cupy-cuda12x (or cupy-cuda13x)"


def test_a_broken_benchmark_is_recorded_and_the_run_goes_on(tmp_path: Path):
    class Broken(FakeDevice):
        def time_ms(self, load, iters, launches):
            if load.name == "sfu_sin":
                raise AttributeError("no such thing")
            return super().time_ms(load, iters, launches)

    raw = run_calibration(tmp_path / "raw.json", quick=True, progress=False, device=Broken())
    assert raw["complete"] is True
    assert raw["errors"] == [{"name": "sfu_sin", "error": "AttributeError: no such thing"}]
    assert "sfu_sin" not in {p["name"] for p in raw["points"]} and "sfu_ex2" in {p["name"] for p in raw["points"]}


@pytest.mark.parametrize("module", ["runner", "scheduling"])
def test_former_module_paths_still_run_the_measure_stage_commands(module: str):
    """Recorded run scripts and profile provenance name flipflop.hardware.calibrate.*."""
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-m", f"flipflop.hardware.calibrate.{module}", "--help"],
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert "--out" in done.stdout
