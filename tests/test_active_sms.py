"""The SM-count knob (CUDA green contexts), prediction side: the space, the model's monotonic
facts on NVRTC-compiled kernels, the recommendation's reason, spec and CLI, and unchanged
output when the knob is not used."""
import csv
import dataclasses
import io
import json
import textwrap

import numpy as np
import pytest

import flipflop
from flipflop.cli import create_parser, main, run
from flipflop.errors import ConfigurationError, ProfileNotFoundError
from flipflop.hardware.profile import GpuProfile, load_profile
from flipflop.model import predict_launches
from flipflop.search.space import active_sms_list, sm_partition_sizes
from flipflop.search.spec import load_spec

H200 = load_profile("h200-sxm")
A100 = load_profile("a100-sxm")

# Each thread copies 8 float4 with independent loads in flight: DRAM-bound with latency hidden.
COPY8 = """
extern "C" __global__ void copy8(const float4 *in, float4 *out, int n)
{
    int base = blockIdx.x * block_size_x * 8 + threadIdx.x;
    float4 v[8];
    #pragma unroll
    for (int k = 0; k < 8; k++) v[k] = in[base + k * block_size_x];
    #pragma unroll
    for (int k = 0; k < 8; k++) out[base + k * block_size_x] = v[k];
}
"""
# Two dependent FMA chains per thread and one store: compute-bound.
FMA = """
extern "C" __global__ void fma_loop(float *out, int iters)
{
    float a = threadIdx.x, b = 1.0001f, c = 0.5f, d = blockIdx.x;
    for (int k = 0; k < iters; k++) { a = a * b + c; d = d * b + c; }
    out[blockIdx.x * block_size_x + threadIdx.x] = a + d;
}
"""
VECTORS = 1 << 24           # float4 elements copied: 256 MB each way
FMA_THREADS = 132 * 8 * 256


def copy_args():
    return [np.zeros((VECTORS, 4), np.float32), np.zeros((VECTORS, 4), np.float32), np.int32(VECTORS)]


def fma_args():
    return [np.zeros(FMA_THREADS, np.float32), np.int32(4096)]


def _by_sms(rows):
    return {r["active_sms"]: r for r in rows}


# --- the space -----------------------------------------------------------------------

def test_profiles_carry_the_green_context_granularity():
    # The H200's come from its SM sweep (run 26: the driver's partition sizes, 125 GB/s per SM);
    # a datasheet profile's from the CUDA guide, with no per-SM bandwidth.
    assert (H200.sm_partition_min, H200.sm_partition_alignment) == (8, 8)
    assert H200.dram_bandwidth_per_sm_bytes_per_s == pytest.approx(125.1e9, rel=1e-3)
    assert H200.origin["sm_partition_min"].startswith("measured: cuDeviceGetDevResource")
    assert H200.origin["dram_bandwidth_per_sm_bytes_per_s"].startswith("measured: SM sweep")
    assert (A100.sm_partition_min, A100.sm_partition_alignment) == (4, 2)
    assert A100.dram_bandwidth_per_sm_bytes_per_s is None
    assert A100.origin["sm_partition_min"].startswith("datasheet")
    assert "not calibrated" in A100.origin["dram_bandwidth_per_sm_bytes_per_s"]


def test_a_profile_without_the_fields_loads_with_any_count_allowed():
    data = json.loads(H200.to_json())
    for name in ("sm_partition_min", "sm_partition_alignment", "dram_bandwidth_per_sm_bytes_per_s"):
        del data[name]
    old = GpuProfile.from_dict(data)
    assert (old.sm_partition_min, old.sm_partition_alignment, old.dram_bandwidth_per_sm_bytes_per_s) == (1, 1, None)
    with pytest.raises(ProfileNotFoundError, match="sm_partition_alignment must be a positive integer"):
        GpuProfile.from_dict({**data, "sm_partition_alignment": 0})


def test_sweep_is_the_minimum_then_multiples_of_the_alignment_then_the_whole_gpu():
    assert sm_partition_sizes(H200) == [8, 16, 24, 32, 40, 48, 56, 64, 72, 80, 88, 96, 104, 112, 120, 128, 132]
    a100 = sm_partition_sizes(A100)
    assert a100[:3] == [4, 6, 8] and a100[-2:] == [106, 108] and len(a100) == 53
    assert active_sms_list(H200, "sweep") == sm_partition_sizes(H200)


def test_requested_counts_are_checked_sorted_and_all_is_the_whole_gpu():
    assert active_sms_list(H200, None) is None
    assert active_sms_list(H200, "all") == [132]
    assert active_sms_list(H200, [64, "all", 16, 64]) == [16, 64, 132]
    assert active_sms_list(H200, 132) == [132]


@pytest.mark.parametrize("bad, message", [
    (12, "active_sms 12 is not a valid SM partition: h200-sxm takes 8–132 SMs in multiples of 8, or all 132"),
    (0, "active_sms 0 is not a valid SM partition"),
    (136, "active_sms 136 is not a valid SM partition"),
    ([16, "half"], "active_sms value 'half' is not an SM count"),
    ([16, 8.0], "active_sms value 8.0 is not an SM count"),
    ([], "active_sms is an empty list"),
    ({"n": 8}, "active_sms must be None, 'all', 'sweep' or a list of SM counts"),
])
def test_bad_counts_get_a_one_line_error_naming_the_value_and_the_granularity(bad, message):
    with pytest.raises(ConfigurationError, match=message.replace("(", r"\(")) as info:
        active_sms_list(H200, bad)
    assert "\n" not in str(info.value)


# --- the model -----------------------------------------------------------------------

def test_a_compute_bound_kernel_never_gets_faster_with_fewer_sms():
    rows = flipflop.predict("fma_loop", FMA, FMA_THREADS, fma_args(), {"block_size_x": [128, 256, 512]},
                            gpu="h200-sxm", active_sms="sweep")
    for size in (128, 256, 512):
        mine = sorted((r for r in rows if r["block_size_x"] == size), key=lambda r: r["active_sms"])
        assert mine[-1]["bound"] == "compute"
        times = [r["time"] for r in mine]
        assert all(a >= b for a, b in zip(times, times[1:])), size
        powers = [r["power"] for r in mine]
        assert all(a <= b for a, b in zip(powers, powers[1:])), size


def test_a_dram_bound_kernel_keeps_its_time_on_half_the_sms_while_its_power_falls():
    """66 of 132 SMs (a count the model takes as given) on the H200: under 10 % slower, over
    5 % less power."""
    features = _features("copy8", COPY8, VECTORS // 8, copy_args(), 256)
    p = predict_launches([features, features], H200, None, [66, 132])
    assert p.reasons[1].bound == "memory"
    assert p.time_ms[0, 0] < 1.10 * p.time_ms[1, 0]
    assert p.power_w[0, 0] < 0.95 * p.power_w[1, 0]
    assert (p.reasons[0].active_sms, p.reasons[1].active_sms) == (66, 132)
    assert p.reasons[0].waves == pytest.approx(2 * p.reasons[1].waves)


def test_a_calibrated_per_sm_bandwidth_caps_dram_at_n_times_it():
    features = _features("copy8", COPY8, VECTORS // 8, copy_args(), 256)
    per_sm = H200.dram_bandwidth_bytes_per_s / 100  # 100 SMs saturate the DRAM
    capped = dataclasses.replace(H200, dram_bandwidth_per_sm_bytes_per_s=per_sm)
    uncapped = dataclasses.replace(H200, dram_bandwidth_per_sm_bytes_per_s=None)
    free, cap = (predict_launches([features] * 3, profile, None, [16, 64, 132]) for profile in (uncapped, capped))
    for row, n in enumerate((16, 64, 132)):
        reach = min(1.0, n / 100)
        assert cap.reasons[row].memory_time_ms == pytest.approx(free.reasons[row].memory_time_ms / reach)
    assert cap.time_ms[2, 0] == pytest.approx(free.time_ms[2, 0])


def test_without_a_count_the_reasons_and_figures_are_those_of_the_whole_gpu():
    features = _features("copy8", COPY8, VECTORS // 8, copy_args(), 256)
    plain, counted = predict_launches([features], H200), predict_launches([features], H200, None, [132])
    assert "active_sms" not in plain.reasons[0].as_dict() and counted.reasons[0].as_dict()["active_sms"] == 132
    assert plain.time_ms[0, 0] == counted.time_ms[0, 0] and plain.power_w[0, 0] == counted.power_w[0, 0]


def _features(name, source, size, arguments, block_x):
    """LaunchFeatures of one launch of a compiled kernel (front end and analysis, as the search runs them)."""
    from flipflop.analysis.kernel import analyze_kernel
    from flipflop.frontend.kernel import compile_kernel

    compiled = compile_kernel(source, name, defines={"block_size_x": block_x})
    analysis = analyze_kernel(compiled.module, name)
    grid = (-(-size // block_x), 1, 1)
    return analysis.evaluate((block_x, 1, 1), grid, arguments, compiled.resources, dynamic_shared_bytes=0)


# --- API, recommendation ------------------------------------------------------------

def test_predict_without_active_sms_is_unchanged():
    tune = {"block_size_x": [128, 256]}
    plain = flipflop.predict("copy8", COPY8, VECTORS // 8, copy_args(), tune, gpu="h200-sxm")
    whole = flipflop.predict("copy8", COPY8, VECTORS // 8, copy_args(), tune, gpu="h200-sxm", active_sms="all")
    assert all("active_sms" not in r for r in plain) and "active_sms" not in plain.metadata
    assert [r["active_sms"] for r in whole] == [132, 132] and whole.metadata["active_sms"] == [132]
    for a, b in zip(plain, whole):
        assert {k: v for k, v in b.items() if k != "active_sms"} == a


def test_rows_carry_only_the_requested_counts_after_the_tune_params():
    rows = flipflop.predict("copy8", COPY8, VECTORS // 8, copy_args(), {"block_size_x": [128, 256]},
                            gpu="h200-sxm", active_sms=[32, 64], power_limits=[400, 700])
    assert [(r["block_size_x"], r["active_sms"], r["power_limit"]) for r in rows] == [
        (b, n, w) for b in (128, 256) for n in (32, 64) for w in (400.0, 700.0)]
    assert list(rows[0])[:3] == ["block_size_x", "active_sms", "power_limit"]


def test_recommend_confines_a_dram_bound_kernel_and_says_why_from_the_figures():
    rec = flipflop.recommend("copy8", COPY8, VECTORS // 8, copy_args(), {"block_size_x": [128, 256]},
                             gpu="h200-sxm", active_sms="sweep", power_limits=None)
    pick = rec.energy_optimal
    assert pick.active_sms is not None and pick.active_sms < 132
    assert rec.occupancy_baseline.active_sms == 132 and rec.occupancy_baseline.whole_gpu is None
    whole = pick.whole_gpu
    assert pick.energy_j < whole["energy_j"] and pick.power_w < whole["power_w"]
    reach = round(100 * whole["time_ms"] / pick.time_ms)
    power = round(100 * pick.power_w / whole["power_w"])
    assert (f"DRAM-bound: {pick.active_sms} SMs reach {reach}% of the bandwidth of all 132 at {power}% of the power"
            in pick.why)
    assert f"on {pick.active_sms} SMs" in pick.why
    assert {p.active_sms for p in rec.pareto} >= {pick.active_sms, 132}
    assert rec.configurations == 2 * len(sm_partition_sizes(H200))


def test_recommend_stays_on_the_whole_gpu_for_a_saving_under_the_margin(monkeypatch):
    """Fewer SMs are picked only for at least SM_SAVING_MARGIN of the best whole-GPU energy: with the
    margin above what the copy kernel's confinement saves, the pick is the best all-SM point."""
    from flipflop.search import recommend as module

    args = ("copy8", COPY8, VECTORS // 8, copy_args(), {"block_size_x": [128, 256]})
    confined = flipflop.recommend(*args, gpu="h200-sxm", active_sms="sweep", power_limits=None)
    saving = 1 - confined.energy_optimal.energy_j / confined.energy_optimal.whole_gpu["energy_j"]
    assert saving >= module.SM_SAVING_MARGIN
    monkeypatch.setattr(module, "SM_SAVING_MARGIN", saving + 0.01)
    kept = flipflop.recommend(*args, gpu="h200-sxm", active_sms="sweep", power_limits=None)
    pick = kept.energy_optimal
    assert pick.active_sms == 132 and pick.whole_gpu is None and pick.role == "energy-optimal"
    whole = flipflop.recommend(*args, gpu="h200-sxm", active_sms="all", power_limits=None).energy_optimal
    assert (pick.params, pick.energy_j) == (whole.params, whole.energy_j)


def test_measure_with_active_sms_refuses_the_kernel_tuner_backend():
    with pytest.raises(ConfigurationError, match="active_sms needs backend='flipflop'"):
        flipflop.measure("copy8", COPY8, VECTORS // 8, copy_args(), {"block_size_x": [256]}, gpu="h200-sxm",
                         active_sms=[64], backend="kernel_tuner")


def test_measure_runs_each_count_in_its_own_green_context(monkeypatch):
    from flipflop.measure import launcher

    calls = []

    def fake_measure(kernel_name, source, arguments, configs, *, active_sms=None, **options):
        calls.append((active_sms, [c["block_size_x"] for c in configs]))
        return [{"measured_time": 1.0, "measured_power": 100.0 + (active_sms or 0), "measured_energy": 0.1,
                 "status": "ok"} for _ in configs]

    class Monitor:
        def info(self):
            return type("Info", (), {"name": "fake"})()

    monkeypatch.setattr(launcher, "measure_configs", fake_measure)
    rows = flipflop.measure("copy8", COPY8, VECTORS // 8, copy_args(), {"block_size_x": [128, 256]},
                            gpu="h200-sxm", active_sms=[32, "all"], monitor=Monitor())
    assert calls == [(32, [128, 256]), (132, [128, 256])]
    assert [(r["block_size_x"], r["active_sms"], r["measured_power"]) for r in rows] == [
        (128, 32, 132.0), (128, 132, 232.0), (256, 32, 132.0), (256, 132, 232.0)]


# --- spec and CLI --------------------------------------------------------------------

SPEC = """
kernel_name = "copy8"
kernel_source = "copy8.cu"
problem_size = 2097152
gpu = "h200-sxm"
power_limits = [700]
active_sms = [32, 64, "all"]

[tune_params]
block_size_x = [128, 256]

[[arguments]]
type = "array"
dtype = "float32"
size = 67108864

[[arguments]]
type = "array"
dtype = "float32"
size = 67108864

[[arguments]]
type = "scalar"
dtype = "int32"
value = 16777216
"""


def _spec(tmp_path, text=SPEC):
    (tmp_path / "copy8.cu").write_text(COPY8)
    (tmp_path / "copy8.toml").write_text(textwrap.dedent(text))
    return tmp_path / "copy8.toml"


def test_the_spec_reads_active_sms_and_a_flag_overrides_it(tmp_path):
    spec = load_spec(_spec(tmp_path))
    assert spec.active_sms == [32, 64, "all"] and spec.sm_counts() == [32, 64, "all"]
    assert spec.sm_counts("sweep") == "sweep" and spec.api_kwargs()["active_sms"] == [32, 64, "all"]
    assert load_spec(_spec(tmp_path, SPEC.replace('[32, 64, "all"]', '"all"'))).active_sms == "all"


def test_a_bad_spec_value_is_a_one_line_error(tmp_path):
    with pytest.raises(ConfigurationError, match="spec: 'active_sms' must be"):
        load_spec(_spec(tmp_path, SPEC.replace('[32, 64, "all"]', '"half"')))


def test_cli_predict_writes_the_column_to_csv_and_json(tmp_path):
    out_csv, out_json = tmp_path / "p.csv", tmp_path / "p.json"
    args = create_parser().parse_args(["predict", str(_spec(tmp_path)), "--csv", str(out_csv), "--json",
                                       str(out_json)])
    assert run(args, io.StringIO()) == 0
    table = list(csv.DictReader(out_csv.open()))
    assert [(r["block_size_x"], r["active_sms (SMs)"]) for r in table] == [
        ("128", "32"), ("128", "64"), ("128", "132"), ("256", "32"), ("256", "64"), ("256", "132")]
    assert [r["active_sms"] for r in json.loads(out_json.read_text())["results"]] == [32, 64, 132] * 2


@pytest.mark.parametrize("flag, counts", [("sweep", 17), ("all", 1), ("16,all", 2)])
def test_cli_active_sms_flag_overrides_the_spec(tmp_path, flag, counts):
    out_json = tmp_path / "p.json"
    args = create_parser().parse_args(["predict", str(_spec(tmp_path)), "--active-sms", flag, "--json",
                                       str(out_json)])
    assert run(args, io.StringIO()) == 0
    assert len(json.loads(out_json.read_text())["results"]) == 2 * counts


def test_cli_recommend_shows_the_sm_count_and_its_reason(tmp_path):
    out = io.StringIO()
    args = create_parser().parse_args(["recommend", str(_spec(tmp_path)), "--active-sms", "sweep"])
    assert run(args, out) == 0
    text = out.getvalue()
    assert " SMs at 700 W" in text and "DRAM-bound: " in text


@pytest.mark.parametrize("flag, message", [
    ("12", "active_sms 12 is not a valid SM partition: h200-sxm takes 8–132 SMs in multiples of 8, or all 132"),
    ("16,half", "--active-sms '16,half': use comma-separated SM counts and 'all', 'all' or 'sweep'"),
])
def test_cli_bad_counts_exit_2_with_one_line(tmp_path, capsys, flag, message):
    assert main(["predict", str(_spec(tmp_path)), "--active-sms", flag]) == 2
    err = capsys.readouterr().err
    assert err == f"error: {message}\n"
