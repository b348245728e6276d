"""benchmarks/corpus_accuracy.py: reading the corpus runs and the two-pass noise ceiling."""
import json
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.corpus_accuracy import load_passes, noise_ceiling, two_pass_regret  # noqa: E402


def _row(case, block, energy, time, pass_index=0, status="ok"):
    return {"case": case, "pass": pass_index, "block": [block, 1, 1], "measured_energy": energy,
            "measured_time": time, "measured_power": energy / time * 1e3 if time else None, "status": status}


def test_a_later_run_replaces_a_configuration_and_failed_launches_are_kept(tmp_path):
    header = {"header": "run", "gpu": "NVIDIA H200", "driver": "580", "date": "2026-12-02T14:00:00+00:00",
              "power_limit_w": 700.0, "max_sm_clock_mhz": 1980, "command": "corpus_collect.py"}
    first = [header, _row("k@1", 32, 2.0, 1.0), _row("k@1", 64, 1.0, 0.5),
             _row("k@1", 1024, 0, 0, status="launch failed: too many resources"),
             _row("k@1", 128, 0, 0, status="not measured: time budget spent")]
    second = [header, _row("k@1", 64, 1.5, 0.6)]
    for name, rows in (("corpus_run14_call1.jsonl", first), ("corpus_run15.jsonl", second)):
        (tmp_path / name).write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    passes, headers, failed = load_passes(tmp_path)
    assert sorted(passes[0]["k@1"]) == [(32, 1, 1), (64, 1, 1)]
    assert passes[0]["k@1"][(64, 1, 1)]["measured_energy"] == 1.5  # run 15 measured it again
    assert failed == {"k@1": {(1024, 1, 1)}}  # a budget cut is not a failed launch
    assert [h["file"] for h in headers] == ["corpus_run14_call1.jsonl", "corpus_run15.jsonl"]


def test_noise_ceiling_compares_the_configurations_both_passes_measured():
    a = {(b, 1, 1): _row("k", b, e, t) for b, e, t in ((32, 3.0, 3.0), (64, 2.0, 2.0), (128, 1.0, 1.0), (256, 4.0, 4.0))}
    b = {(b, 1, 1): _row("k", b, e, t, 1) for b, e, t in ((32, 3.3, 3.0), (64, 1.8, 2.0), (128, 1.1, 1.0))}
    c = noise_ceiling(a, b)
    assert c["configs"] == 3 and c["rho_energy"] == pytest.approx(1.0) and c["regret_energy"] == pytest.approx(1.0)
    assert c["median_abs_energy_diff"] == pytest.approx(abs(3.0 / 3.3 - 1))
    assert noise_ceiling(a, {}) is None


def test_two_pass_regret_judges_the_pick_by_both_passes_mean():
    """Pass 0 alone makes 64 the best (1.0 against 1.05); both passes' geometric mean makes 32 the
    best (sqrt(1.05 * 0.95) = 0.999 against sqrt(1.0 * 1.2) = 1.095), so picking 64 costs 1.096x."""
    first = {(b, 1, 1): _row("k", b, e, 1.0) for b, e in ((32, 1.05), (64, 1.0), (128, 2.0))}
    second = {(b, 1, 1): _row("k", b, e, 1.0, 1) for b, e in ((32, 0.95), (64, 1.2), (128, 2.1))}
    picks_64 = {(32, 1, 1): 2.0, (64, 1, 1): 1.0, (128, 1, 1): 3.0}
    assert two_pass_regret(picks_64, first, second) == pytest.approx((1.0 * 1.2) ** 0.5 / (1.05 * 0.95) ** 0.5)
    assert two_pass_regret(picks_64, first, {}) is None  # too few measured twice
