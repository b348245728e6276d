"""The corpus device script on the CPU: dry run, shared-memory sizes, names, the ncu join."""

from __future__ import annotations

import dataclasses
import io
import json
import sys
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.ground_truth import collect  # noqa: E402
from benchmarks.ground_truth import corpus_collect as cc  # noqa: E402
from benchmarks.kernels.corpus import CorpusKernel  # noqa: E402
from benchmarks.kernels.suite import CASES  # noqa: E402


def _fake_kernel(smem=None, kernel_name=None) -> CorpusKernel:
    base = next(c for c in CASES if c.name.startswith("vector_add@"))
    case = dataclasses.replace(base, name="hecbench/vadd@1m", family="corpus", smem_args=smem,
                               kernel_name=kernel_name or base.kernel_name,
                               arguments=lambda: pytest.fail("the dry run must not build full-size arguments"))
    small = dataclasses.replace(base, name="hecbench/vadd@small", problem_size=(1000,), smem_args=smem,
                                kernel_name=kernel_name or base.kernel_name,
                                arguments=lambda: [np.zeros(1000, np.float32)] * 3 + [np.int32(1000)])
    return CorpusKernel(case=case, small=small, reference=lambda a: {0: a[1] + a[2]},
                        source="hecbench", origin="test")


def test_dry_run_lists_configs_and_estimate(monkeypatch, capsys):
    kernel = _fake_kernel(smem={"size": "block_size_x * 4"})
    monkeypatch.setattr(cc, "select_kernels", lambda split, only, part=None: [kernel])
    assert cc.main(["corpus_collect.py", "--out", "/nonexistent", "--dry-run", "--counter-configs", "8"]) == 0
    out = capsys.readouterr().out
    assert "hecbench/vadd@1m: 32 configs, check 3 (32x1 544x1 1024x1), counters 8" in out
    assert "shared 128..4096 B" in out
    assert "total: 1 kernels, check 3 configs" in out and "counters 8 launches" in out
    assert not Path("/nonexistent").exists()


def test_dry_run_on_the_real_corpus_runs(capsys):
    # Whatever part of the corpus is written: the dry run builds no full-size arguments.
    code = cc.main(["corpus_collect.py", "--out", "/nonexistent", "--dry-run"])
    assert code in (0, 2)


def test_shared_bytes_from_smem_args():
    base = next(c for c in CASES if c.name.startswith("vector_add@"))
    params = {"block_size_x": 256, "block_size_y": 2, "block": (256, 2, 1), "grid": (4, 1, 1), "shared_bytes": 0}
    assert collect.shared_bytes(base, params) == 0
    assert collect.shared_bytes(dataclasses.replace(base, smem_args={"size": 1024}), params) == 1024
    expr = dataclasses.replace(base, smem_args={"size": "block_size_x * block_size_y * 4 + 16"})
    assert collect.shared_bytes(expr, params) == 256 * 2 * 4 + 16
    call = dataclasses.replace(base, smem_args={"size": lambda p: p["block_size_x"] * 8})
    assert collect.shared_bytes(call, params) == 2048
    configs = collect.launch_configs(dataclasses.replace(base, smem_args={"size": "block_size_x*8"}))
    assert [c["shared_bytes"] for c in configs[:2]] == [256, 512]


def test_instantiated_name():
    params = {"block_size_x": 256, "block": (256, 1, 1), "use_x": True, "block_size_x_2": 7}
    assert cc.instantiated_name("reduce6<float, block_size_x, true>", params) == "reduce6<float, 256, true>"
    assert cc.instantiated_name("k<block_size_x_2, use_x>", params) == "k<7, true>"
    assert cc.instantiated_name("vector_add", params) == "vector_add"


def test_spread_configs_keeps_ends():
    configs = [{"block": (b, 1, 1)} for b in range(32, 1025, 32)]
    picks = cc.spread_configs(configs, 8)
    assert len(picks) == 8 and picks[0]["block"][0] == 32 and picks[-1]["block"][0] == 1024
    assert [c["block"][0] for c in cc.spread_configs(configs, 3)] == [32, 544, 1024]


def test_compare_and_errors():
    kernel = _fake_kernel()
    expected = {0: np.array([1.0, 2.0], np.float32)}
    assert cc.compare_outputs(kernel, {0: np.array([1.0, 2.0], np.float32)}, expected) is None
    poisoned = np.array([1.0, 2.0], np.float32)
    poisoned.view(np.uint8)[4:] = 0xFF  # a value the kernel never wrote
    assert "1 of 2" in cc.compare_outputs(kernel, {0: poisoned}, expected)
    assert cc.errors_of({0: poisoned}, expected)[0] == float("inf")
    assert cc.errors_of({0: np.array([1.0, 2.5])}, expected) == (0.5, 0.25)
    assert cc.errors_of({0: np.array([1.0, 2.0, 9.0])}, expected) == (0.0, 0.0)  # a reference of a prefix
    assert cc.errors_of({0: np.array([1.0])}, expected)[0] == float("inf")


HEADER = ('"ID","Process ID","Process Name","Host Name","Kernel Name","Context","Stream","Block Size",'
          '"Grid Size","Device","CC","Section Name","Metric Name","Metric Unit","Metric Value"')


def _ncu_csv(launches: list[tuple[str, tuple, tuple, dict]]) -> str:
    lines = ["==PROF== Connected to process 123 (/usr/bin/python3)", "some program output", HEADER]
    for i, (name, block, grid, metrics) in enumerate(launches):
        for metric, (unit, value) in metrics.items():
            lines.append(f'"{i}","123","python3","host","{name}","1","7","({block[0]}, {block[1]}, {block[2]})",'
                         f'"({grid[0]}, {grid[1]}, {grid[2]})","0","9.0","Command line profiler metrics",'
                         f'"{metric}","{unit}","{value}"')
    lines.append("==PROF== Disconnected from process 123")
    return "\n".join(lines) + "\n"


def _manifest() -> dict:
    launches = []
    for block in (32, 256, 1024):
        entry = {"case": "hecbench/reduce@1m", "kernel_name": "reduce6<float, block_size_x, true>",
                 "instantiated": f"reduce6<float, {block}, true>", "params": {"block_size_x": block},
                 "block": [block, 1, 1], "grid": [1 << 20 // block if False else (1 << 20) // block, 1, 1],
                 "shared_bytes": block * 4}
        launches += [{**entry, "launch": len(launches), "profiled": False},
                     {**entry, "launch": len(launches) + 1, "profiled": True}]
    return {"header": "counters", "launches": launches}


def _metrics(block: int) -> dict:
    return {"dram__bytes_read.sum": ("byte", f"{4 * (1 << 20):,}"),
            "smsp__inst_executed.sum": ("inst", f"{1000 + block:,}"),
            "gpu__time_duration.sum": ("usecond", "12.5")}


def test_parse_ncu_csv_values_and_units():
    text = _ncu_csv([("reduce6", (32, 1, 1), (32768, 1, 1), _metrics(32))])
    (launch,) = cc.parse_ncu_csv(text)
    assert launch["block"] == [32, 1, 1] and launch["grid"] == [32768, 1, 1]
    assert launch["metrics"]["dram__bytes_read.sum"] == 4 * (1 << 20)
    assert launch["metrics"]["smsp__inst_executed.sum"] == 1032
    assert launch["metrics"]["gpu__time_duration.sum"] == 12500.0  # ns
    assert cc.parse_value("1.5", "Mbyte") == 1.5e6 and cc.parse_value("n/a") is None
    assert cc.parse_value("938,528", "ns") == 938528.0  # ncu 2025.3 with --print-units base


@pytest.mark.parametrize("with_warmups", [False, True])
def test_join_ncu_with_manifest(with_warmups):
    manifest = _manifest()
    shown = manifest["launches"] if with_warmups else [l for l in manifest["launches"] if l["profiled"]]
    names = {32: "reduce6", 256: "void reduce6<float, 256, true>(const float *, float *, unsigned int)",
             1024: "reduce6"}
    text = _ncu_csv([(names[l["block"][0]], tuple(l["block"]), tuple(l["grid"]), _metrics(l["block"][0]))
                     for l in shown])
    rows, mode = cc.join_ncu(cc.parse_ncu_csv(text), manifest)
    assert mode == ("all" if with_warmups else "filtered")
    assert [r["params"]["block_size_x"] for r in rows] == [32, 256, 1024]
    assert [r["metrics"]["smsp__inst_executed.sum"] for r in rows] == [1032, 1256, 2024]
    assert all(r["case"] == "hecbench/reduce@1m" for r in rows)


def test_join_ncu_aligns_around_foreign_kernels():
    manifest = _manifest()
    shown = [("cupy_fill", (128, 1, 1), (8, 1, 1), _metrics(0))]
    shown += [("reduce6", tuple(l["block"]), tuple(l["grid"]), _metrics(l["block"][0]))
              for l in manifest["launches"][:4]]  # warm-ups included, cut short after the second config
    rows, mode = cc.join_ncu(cc.parse_ncu_csv(_ncu_csv(shown)), manifest)
    assert mode == "aligned"
    assert [r["params"]["block_size_x"] for r in rows] == [32, 256]
    assert rows[0]["ncu_id"] == 2


def test_resume_reads_done_work(tmp_path):
    path = tmp_path / "corpus.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in [
        {"header": "run"}, {"check": "a@1", "passed": True}, {"header": "case", "case": "a@1"},
        {"case": "a@1", "pass": 0, "status": "ok"}]) + "\n{\"cut")
    records = cc.read_jsonl(path)
    assert set(cc.done_checks(records)) == {"a@1"}
    assert cc.done_cases(records, 0) == {"a@1"} and cc.done_cases(records, 1) == set()


def test_parts_cover_the_corpus_once():
    kernels = [_fake_kernel()] + [dataclasses.replace(_fake_kernel(), case=dataclasses.replace(
        _fake_kernel().case, name=f"hecbench/k{i}@1", tune_params={"block_size_x": list(range(32, 32 * (i + 2), 32))}))
        for i in range(6)]
    parts = [cc.part_of(kernels, f"{k}/3") for k in (1, 2, 3)]
    names = [cc._name(k) for part in parts for k in part]
    assert sorted(names) == sorted(cc._name(k) for k in kernels) and len(set(names)) == len(names)
    loads = [sum(len(collect.launch_configs(k.case)) for k in part) for part in parts]
    assert max(loads) - min(loads) <= 32
    assert cc.part_of(kernels, "1/1") == kernels and cc.part_of(kernels, None) == kernels


def test_join_ncu_drops_launches_the_cut_manifest_does_not_name():
    """A timeout killed the run after ncu wrote a kernel's launches but before its manifest entry."""
    manifest = _manifest()
    manifest["launches"] = manifest["launches"][:4]  # the third configuration was never saved
    shown = [("reduce6", (b, 1, 1), ((1 << 20) // b, 1, 1), _metrics(b)) for b in (32, 256)]
    shown.append(("MatrixMulCUDA", (16, 16, 1), (126, 126, 1), _metrics(0)))
    rows, mode = cc.join_ncu(cc.parse_ncu_csv(_ncu_csv(shown)), manifest)
    assert mode == "filtered"
    assert [r["params"]["block_size_x"] for r in rows] == [32, 256]


def test_isolate_measures_pass_by_pass_restarts_past_a_broken_context_and_resumes(tmp_path, monkeypatch):
    """unseen_collect --isolate on the CPU, its processes faked: the second case breaks the CUDA
    context (collect's exit 3), so the next process starts at the third; pass 1 follows pass 0; a
    later call with --resume measures only what the first left; the evaluation keeps one row a
    configuration when a case was measured in two calls."""
    from benchmarks import unseen_accuracy
    from benchmarks.ground_truth import unseen_collect as uc
    from benchmarks.kernels.suite import configurations
    cases = collect.launchable_robust_cases()[:3]
    names = ",".join(c.name for c in cases)
    calls = []

    def fake_run(command, timeout, check):
        batch = command[command.index("--cases") + 1].split(",")
        out = Path(command[command.index("--out") + 1])
        index = int(command[command.index("--first-pass") + 1])
        calls.append((index, batch))
        out.mkdir(parents=True, exist_ok=True)
        for name in batch:
            case = next(c for c in cases if c.name == name)
            with open(uc._case_file(out, case), "a") as f:
                f.write(json.dumps({"header": "case"}) + "\n")
                if name == cases[1].name:
                    f.write(json.dumps({"case": name, "pass": index, "status": "case failed: broken"}) + "\n")
                    return type("Done", (), {"returncode": collect.CONTEXT_BROKEN_EXIT})()
                for params in configurations(case):
                    f.write(json.dumps({"case": name, "pass": index, "status": "ok", "measured_energy": 1.0,
                                        "measured_time": 1.0, **params}) + "\n")
        return type("Done", (), {"returncode": 0})()

    monkeypatch.setattr(uc.subprocess, "run", fake_run)
    first = tmp_path / "call1"
    uc.isolate(["x", "--isolate", "--cases", names, "--out", str(first), "--passes", "2", "--budget-s", "600"])
    assert calls == [(0, [c.name for c in cases]), (0, [cases[2].name]),
                     (1, [c.name for c in cases]), (1, [cases[2].name])]
    calls.clear()
    uc.isolate(["x", "--isolate", "--cases", names, "--out", str(tmp_path / "call2"), "--passes", "2",
                "--budget-s", "600", "--resume", str(first)])
    assert calls == []  # everything whole (the broken case is not tried again)
    uc.isolate(["x", "--isolate", "--cases", cases[0].name, "--out", str(tmp_path / "call2"), "--passes", "1",
                "--budget-s", "600"])  # measured again in a later call, without --resume
    rows, _, _ = unseen_accuracy.load_measurements(tmp_path, cases)
    assert len(rows[cases[0].name][0]) == len(configurations(cases[0]))


def test_cases_holding_device_addresses_by_value_are_never_launched():
    """unfold's functor carries stand-in cudaMalloc addresses (run 46: an illegal address at every launch):
    the collector leaves out every case whose arguments hold addresses inside a struct, array or functor, and
    every case that needs a context limit its program sets (interval's stack, run 48)."""
    from benchmarks.kernels.robust import ADDRESSES_BY_VALUE, NEEDS_PROGRAM_LIMITS, ROBUST_CASES, short_name
    assert ADDRESSES_BY_VALUE | NEEDS_PROGRAM_LIMITS <= {short_name(c) for c in ROBUST_CASES}
    launchable = {short_name(c) for c in collect.launchable_robust_cases()}
    assert not launchable & (ADDRESSES_BY_VALUE | NEEDS_PROGRAM_LIMITS) and {"dropout", "adamw_4bit"} <= launchable
