"""benchmarks/sm_count_accuracy.py on a synthetic ground-truth file in sm_count_collect.py's format."""
import json
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.sm_count_accuracy import evaluate_case, load_sm_runs, main  # noqa: E402

COUNTS = (16, 32, 64, 132)
# Energy (J) per block size and SM count: the least is 128 threads on 32 SMs (1.0); the least
# at all SMs is 128 threads on 132 (2.0), so picking the SM count saves half.
MEMORY_ENERGY = {64: {16: 3.0, 32: 2.0, 64: 2.5, 132: 4.0}, 128: {16: 2.8, 32: 1.0, 64: 1.5, 132: 2.0}}
MEMORY_TIME = {64: {16: 4.0, 32: 2.2, 64: 2.1, 132: 2.0}, 128: {16: 3.0, 32: 1.2, 64: 1.1, 132: 1.0}}
# A compute-bound kernel that got faster on 32 SMs than on 64 (and 132) in both passes.
COMPUTE_ENERGY = {256: {16: 4.0, 32: 1.0, 64: 2.0, 132: 3.0}}
COMPUTE_TIME = {256: {16: 4.0, 32: 0.5, 64: 1.0, 132: 0.9}}


def _header(case, bound, pass_index):
    counts = list(COUNTS) if pass_index == 0 else list(reversed(COUNTS))
    return {"header": "case", "case": case, "kernel_name": case.split("/")[1].split("@")[0], "family": "syn",
            "source_path": "benchmarks/kernels/corpus/syn.cu", "source_sha256": "0" * 64, "problem_size": [1 << 20],
            "size_index": 0, "grid_div_x": ["block_size_x"], "grid_div_y": None, "restrictions": None,
            "tune_params": {"block_size_x": [64, 128, 256]}, "pass": pass_index, "bound": bound, "split": "dev",
            "sm_counts": counts, "gpu": "NVIDIA H200", "driver": "580.65", "power_limit_w": 700.0,
            "max_sm_clock_mhz": 1980, "date": "2026-12-10T09:00:00+00:00",
            "sm_partitioning": {"sm_count": 132, "min_partition": 8, "alignment": 8}}


def _row(case, block, sms, energy, time_ms, pass_index, status="ok"):
    return {"case": case, "pass": pass_index, "block_size_x": block, "block": [block, 1, 1],
            "grid": [(1 << 20) // block, 1, 1], "shared_bytes": 0, "measured_time": time_ms,
            "measured_power": energy / time_ms * 1e3, "measured_energy": energy, "sm_clock_mhz": 1980,
            "status": status, "active_sms": sms, "green_launch_mode": "stream"}


def write_synthetic(path: Path) -> Path:
    """Two passes of two kernels (pass 1 = pass 0 × 1.01), a failed case line, a budget cut and a
    line cut by a kill: everything sm_count_collect.py can leave in its file."""
    lines = []
    for pass_index in (0, 1):
        scale = 1.0 if pass_index == 0 else 1.01
        for case, bound, energy, times in (("syn/memory@1", "memory", MEMORY_ENERGY, MEMORY_TIME),
                                           ("syn/compute@1", "compute", COMPUTE_ENERGY, COMPUTE_TIME)):
            lines.append(_header(case, bound, pass_index))
            for sms in COUNTS if pass_index == 0 else reversed(COUNTS):
                for block in energy:
                    lines.append(_row(case, block, sms, energy[block][sms] * scale, times[block][sms] * scale,
                                      pass_index))
    lines.append({"case": "syn/compute@1", "pass": 1, "active_sms": 8,
                  "status": "case failed: CUDADriverError: CUDA_ERROR_INVALID_RESOURCE_CONFIGURATION"})
    lines.append(_row("syn/memory@1", 64, 132, 0.0, 1.0, 1, status="not measured: time budget spent"))
    path.write_text("\n".join(json.dumps(line) for line in lines) + '\n{"case": "syn/memory@1", "pa')
    return path


def exact(case):
    """Predictions equal to pass 0: a perfect ranking."""
    return {key: {"time": row["measured_time"], "energy": row["measured_energy"], "power": row["measured_power"]}
            for key, row in case.passes[0].items()}


def reversed_energy(case):
    """Predictions that rank every configuration the wrong way round."""
    return {key: {"time": 1 / row["measured_time"], "energy": 1 / row["measured_energy"],
                  "power": row["measured_power"]} for key, row in case.passes[0].items()}


@pytest.fixture
def runs(tmp_path):
    headers, cases = load_sm_runs(write_synthetic(tmp_path / "sm_count_run19.jsonl"))
    return headers, cases


def test_reading_keys_rows_by_shape_and_sm_count_and_keeps_failures(runs):
    headers, cases = runs
    assert len(headers) == 4 and sorted(cases) == ["syn/compute@1", "syn/memory@1"]
    memory = cases["syn/memory@1"]
    assert memory.bound == "memory" and memory.sm_counts() == list(COUNTS)
    assert len(memory.passes[0]) == 8 and len(memory.passes[1]) == 8  # the budget cut is not a row
    assert memory.passes[0][((128,), 32)]["measured_energy"] == 1.0
    assert memory.labels[(128,)] == "128x1x1"
    assert [f["status"][:11] for f in cases["syn/compute@1"].failed] == ["case failed"]


def test_a_perfect_ranking_has_rho_one_regret_one_and_the_oracle_saving(runs):
    row = evaluate_case(runs[1]["syn/memory@1"], exact(runs[1]["syn/memory@1"]))
    assert row["configs"] == 8 and row["shapes"] == 2 and row["sm_counts"] == list(COUNTS)
    assert row["rho_energy"] == pytest.approx(1.0) and row["rho_time"] == pytest.approx(1.0)
    assert row["regret_energy"] == pytest.approx(1.0)
    assert row["ceiling"]["rho_energy"] == pytest.approx(1.0) and row["ceiling"]["regret_energy"] == pytest.approx(1.0)
    assert row["ceiling"]["median_abs_energy_diff"] == pytest.approx(1 - 1 / 1.01)
    assert row["predicted_best"] == {"shape": "128x1x1", "active_sms": 32} == row["measured_best"]
    assert row["sm_only"]["median_rho_energy"] == pytest.approx(1.0)
    assert row["sm_only"]["geomean_regret_energy"] == pytest.approx(1.0)
    saving = row["saving"]
    assert saving["all_sms"] == 132 and saving["all_sm_pick"] == {"shape": "128x1x1", "active_sms": 132}
    # 1 − E(128, 32) / E(128, 132) = 1 − 1.0 / 2.0, measured (mean of passes), promised and oracle alike.
    assert saving["predicted"] == pytest.approx(0.5) and saving["oracle"] == pytest.approx(0.5)
    assert saving["best_possible"] == pytest.approx(0.5)
    assert saving["promised"] == pytest.approx(0.5) and saving["time_ratio"] == pytest.approx(1.2)
    assert saving["fixed_shape_active_sms"] == 32 and saving["fixed_shape_predicted"] == pytest.approx(0.5)
    assert row["monotonic"]["measured_faster_with_fewer_sms"] == []


def test_a_reversed_ranking_has_rho_minus_one_and_the_worst_regret(runs):
    case = runs[1]["syn/memory@1"]
    row = evaluate_case(case, reversed_energy(case))
    assert row["rho_energy"] == pytest.approx(-1.0) and row["rho_time"] == pytest.approx(-1.0)
    assert row["regret_energy"] == pytest.approx(4.0)  # picks 64 threads on 132 SMs: 4.0 J against 1.0
    # At all SMs it picks 64 threads (4.0 J); on the joint space the same configuration: no saving.
    assert row["saving"]["predicted"] == pytest.approx(0.0) and row["saving"]["oracle"] == pytest.approx(0.5)
    assert row["saving"]["promised"] == pytest.approx(0.0)
    assert row["saving"]["best_possible"] == pytest.approx(0.75)  # 1.0 J from the same 4.0 J start


def test_a_compute_bound_kernel_faster_with_fewer_sms_beyond_noise_is_reported(runs):
    row = evaluate_case(runs[1]["syn/compute@1"], exact(runs[1]["syn/compute@1"]))
    found = row["monotonic"]["measured_faster_with_fewer_sms"]
    # 32 SMs (0.5 ms) beat 64 (1.0 ms) and 132 (0.9 ms); 64 SMs (1.0) against 132 (0.9) is slower: fine.
    assert [(f["fewer_sms"], f["more_sms"]) for f in found] == [(32, 64), (32, 132)]
    assert found[0]["time_saved"] == pytest.approx(0.5)
    assert row["monotonic"]["time_tolerance"] == pytest.approx(0.02)  # the passes differ by 1 % < 2 %
    assert len(row["monotonic"]["predicted_faster_with_fewer_sms"]) == 2  # predictions equal the measurement


def test_main_writes_json_table_and_markdown(tmp_path, capsys):
    data = write_synthetic(tmp_path / "sm_count_run19.jsonl")
    out = tmp_path / "results" / "sm_count_accuracy_h200.json"
    assert main(["--data", str(data), "--out", str(out), "--markdown"], predictor=lambda c, n, g: exact(c)) == 0
    result = json.loads(out.read_text())
    summary = result["summary"]
    assert summary["kernels"] == 2 and summary["configs"] == 12
    assert summary["median_rho_energy"] == pytest.approx(1.0) and summary["geomean_regret_energy"] == pytest.approx(1.0)
    assert summary["monotonic"]["compute_bound_faster_with_fewer_sms"] == ["syn/compute@1"]
    assert summary["saving"]["median_predicted"] == pytest.approx((0.5 + 2 / 3) / 2)  # compute: 1 − 1.0 / 3.0
    assert result["ground_truth"]["gpu"] == "NVIDIA H200" and result["ground_truth"]["passes"] == [0, 1]
    assert out.with_suffix(".txt").read_text().startswith("case")
    printed = capsys.readouterr().out
    assert "syn/memory@1" in printed and "## SM count (CUDA green contexts, issue 12)" in printed
    assert "| syn/compute@1 | compute | 1 × 4 | 1.00 (1.00) |" in printed
    assert "| 128x1x1 @ 32 | 50.0 % (50.0 %, 50.0 %) | 1.20 | 0 |" in printed
    assert "2026-12-10 09:00 – 2026-12-10 09:00 UTC" in printed


def test_a_missing_data_file_exits_2_with_one_line(tmp_path, capsys):
    assert main(["--data", str(tmp_path / "nothing.jsonl"), "--out", str(tmp_path / "r.json")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "no ground truth" in err
    assert not (tmp_path / "r.json").exists()
