"""benchmarks/counters.py on a synthetic ncu CSV: the join, the analysis's figures, the report."""

from __future__ import annotations

import dataclasses
import json
import sys
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks import counters  # noqa: E402
from flipflop.frontend import compile_kernel  # noqa: E402
from flipflop.frontend.sass import sass_line_counts  # noqa: E402
from flipflop.measure.launcher import kernel_tuner_defines  # noqa: E402
from benchmarks.kernels.corpus import CorpusKernel  # noqa: E402
from benchmarks.kernels.suite import CASES  # noqa: E402

N = 1 << 23  # 3 arrays of 32 MB: more than the L2 holds, so back-to-back launches still read DRAM
# ncu 2025.3's --csv details page under --nvtx adds two NVTX columns before "Kernel Name".
HEADER = ('"ID","Process ID","Process Name","Host Name",'
          '"thread Domain:Push/Pop_Range:PL_Type:PL_Value:CLR_Type:Color:Msg_Type:Msg",'
          '"Id:Domain:Start/Stop_Range:PL_Type:PL_Value:CLR_Type:Color:Msg_Type:Msg",'
          '"Kernel Name","Context","Stream","Block Size","Grid Size","Device","CC","Section Name",'
          '"Metric Name","Metric Unit","Metric Value"')


def _kernel() -> CorpusKernel:
    base = next(c for c in CASES if c.name.startswith("vector_add@"))
    args = lambda: [np.zeros(N, np.float32)] * 3 + [np.int32(N)]  # noqa: E731
    case = dataclasses.replace(base, name="hecbench/vadd@1m", family="corpus", problem_size=(N,), arguments=args)
    return CorpusKernel(case=case, small=case, reference=lambda a: {}, source="hecbench", origin="test")


def _metrics(block: int) -> dict[str, tuple[str, str]]:
    warps = N // 32
    return {
        "dram__bytes_read.sum": ("byte", f"{2 * 4 * N:,}"),
        "dram__bytes_write.sum": ("byte", f"{int(4 * N * 1.05):,}"),
        # the SMs send 3 N / 8 sectors; L2 looks each far-homed half up twice (1.5 lookups a sector)
        "lts__t_sectors_op_read.sum": ("sector", f"{3 * N // 8:,}"),
        "lts__t_sectors_op_write.sum": ("sector", f"{3 * N // 16:,}"),
        "lts__t_sectors_srcunit_tex_op_read.sum": ("sector", f"{2 * N // 8:,}"),
        "lts__t_sectors_srcunit_tex_op_write.sum": ("sector", f"{N // 8:,}"),
        "l1tex__t_sectors_pipe_lsu_mem_global_op_ld.sum": ("sector", f"{2 * 4 * warps:,}"),
        "l1tex__t_requests_pipe_lsu_mem_global_op_ld.sum": ("", f"{2 * warps:,}"),
        "l1tex__t_sectors_pipe_lsu_mem_global_op_st.sum": ("sector", f"{4 * warps:,}"),
        "l1tex__t_requests_pipe_lsu_mem_global_op_st.sum": ("", f"{warps:,}"),
        "smsp__inst_executed.sum": ("inst", f"{12 * warps:,}"),
        "gpu__time_duration.sum": ("ns", "12,345"),
    }


def _write_fixture(tmp_path: Path, blocks=(128, 1024)) -> tuple[Path, Path]:
    launches, lines = [], ["==PROF== Connected to process 1 (/usr/bin/python3)", HEADER]
    for i, block in enumerate(blocks):
        grid = N // block
        entry = {"case": "hecbench/vadd@1m", "kernel_name": "vector_add", "instantiated": "vector_add",
                 "params": {"block_size_x": block}, "block": [block, 1, 1], "grid": [grid, 1, 1], "shared_bytes": 0}
        launches += [{**entry, "launch": len(launches), "profiled": False},
                     {**entry, "launch": len(launches) + 1, "profiled": True}]
        for metric, (unit, value) in _metrics(block).items():
            lines.append(f'"{i}","1","python3","host","1  ""<default domain>:ff_profile:none""","","vector_add",'
                         f'"1","7","({block}, 1, 1)","({grid}, 1, 1)","0","9.0","Command line profiler metrics",'
                         f'"{metric}","{unit}","{value}"')
    csv_path = tmp_path / "corpus_counters_run12_p1of2.csv"
    manifest_path = tmp_path / "corpus_counters_manifest_run12_p1of2.json"
    csv_path.write_text("\n".join(lines + ["==PROF== Disconnected from process 1"]) + "\n")
    manifest_path.write_text(json.dumps({"header": "counters", "gpu": "NVIDIA H200", "launches": launches}))
    return csv_path, manifest_path


def test_measured_quantities_and_errors():
    metrics = {name: float(value.replace(",", "")) for name, (_, value) in _metrics(256).items()}
    measured = counters.measured_quantities(metrics)
    assert measured["ld_sectors_per_request"] == 4.0 and measured["st_sectors_per_request"] == 4.0
    assert measured["l2_sectors"] == 9 * N // 16 and measured["l2_sectors_from_sm"] == 3 * N // 8
    assert measured["dram_bytes"] == 2 * 4 * N + int(4 * N * 1.05)
    assert counters.measured_quantities({})["instructions"] is None
    assert counters.relative_error(11.0, 10.0) == pytest.approx(0.1)
    assert counters.relative_error(0.0, 0.0) == 0.0 and counters.relative_error(1.0, 0.0) is None


def test_vector_add_against_the_synthetic_csv(tmp_path):
    csv_path, manifest_path = _write_fixture(tmp_path)
    kernel = _kernel()
    result = counters.run(csv_path, manifest_path, "h200-sxm", kernels={kernel.case.name: kernel})
    assert result["join_mode"] == "filtered" and result["analysed"] == 2
    for record in result["records"]:
        predicted, errors = record["predicted"], record["relative_error"]
        # vector_add: two coalesced 4-byte loads and one store per thread, 4 sectors a request.
        assert predicted["ld_requests"] == pytest.approx(2 * N / 32)
        assert predicted["ld_sectors_per_request"] == pytest.approx(4.0)
        assert predicted["st_sectors_per_request"] == pytest.approx(4.0)
        assert errors["ld_sectors_per_request"] == pytest.approx(0.0)
        # DRAM: whatever the model says (it keeps part of the data in L2 between launches), the
        # error is the one of the figures it reports.
        measured = record["measured"]
        assert 0 < predicted["dram_read_bytes"] <= 2 * 4 * N
        assert errors["dram_read_bytes"] == pytest.approx(
            abs(predicted["dram_read_bytes"] - measured["dram_read_bytes"]) / measured["dram_read_bytes"])
        assert predicted["dram_bytes"] == pytest.approx(predicted["dram_read_bytes"] + predicted["dram_write_bytes"])
        assert errors["l2_sectors"] < 0.05 and errors["l2_sectors_from_sm"] < 0.05
        assert predicted["l2_write_sectors"] == pytest.approx(1.5 * N / 8)  # stores write through
        assert predicted["instructions"] > 0
    summary = result["per_quantity"]
    assert summary["ld_sectors_per_request"]["meets_target"] is True
    assert set(result["per_kernel"]) == {"hecbench/vadd@1m"} and len(result["worst"]) == 10
    text = counters.report(result, result["join_mode"])
    assert "ld_sectors_per_request" in text and "<= 2%" in text and "10 worst offenders" in text
    # every thread of vector_add runs every line once: a launch issues its whole SASS listing per warp
    for record in result["records"]:
        compiled = compile_kernel(kernel.case.source, kernel.case.kernel_name,
                                  defines=kernel_tuner_defines(record["params"], record["grid"]))
        listing = sum(sass_line_counts(compiled.ptx)[compiled.function.name].counts.values())
        assert record["predicted"]["instructions"] == pytest.approx(listing * N / 32)


def test_each_run_is_predicted_with_its_own_gpus_profile(tmp_path):
    csv_path, manifest_path = _write_fixture(tmp_path)
    kernel = _kernel()
    h100 = tmp_path / "h100_counters_manifest.json"
    h100.write_text(manifest_path.read_text().replace("NVIDIA H200", "NVIDIA H100 80GB HBM3"))
    result = counters.run([csv_path, csv_path], [manifest_path, h100], kernels={kernel.case.name: kernel})
    assert result["gpu_profiles"] == ["h200-sxm", "h100-sxm"]
    assert {gpu: s["launches"] for gpu, s in result["per_gpu"].items()} == {"h200-sxm": 2, "h100-sxm": 2}
    assert counters.run(csv_path, manifest_path, "h100-sxm", kernels={kernel.case.name: kernel})["gpu_profiles"] == [
        "h100-sxm"]
    with pytest.raises(ValueError, match="no bundled profile for the GPU 'NVIDIA A100'"):
        counters.profile_for({"gpu": "NVIDIA A100"}, None)


def test_main_writes_json(tmp_path, monkeypatch):
    csv_path, manifest_path = _write_fixture(tmp_path, blocks=(256,))
    kernel = _kernel()
    import benchmarks.kernels.corpus.all as corpus_all
    monkeypatch.setattr(corpus_all, "corpus", lambda: [kernel])
    out = tmp_path / "counters.json"
    assert counters.manifest_for(csv_path) == manifest_path
    later = tmp_path / "corpus_run15_counters.csv"  # runs 14-15 name the manifest after the CSV
    assert counters.manifest_for(later) == tmp_path / "corpus_run15_counters_manifest.json"
    assert counters.main(["--csv", str(csv_path), "--out", str(out)]) == 0
    data = json.loads(out.read_text())
    assert data["analysed"] == 1 and data["runs"][0]["gpu"] == "NVIDIA H200"
    assert data["per_quantity"]["dram_read_bytes"]["target"] == 0.10


def test_a_failing_analysis_is_reported_not_raised(tmp_path):
    csv_path, manifest_path = _write_fixture(tmp_path, blocks=(256,))
    kernel = _kernel()

    def broken(*_):
        raise RuntimeError("no")
    result = counters.run(csv_path, manifest_path, "h200-sxm", kernels={kernel.case.name: kernel}, features_for=broken)
    assert result["analysed"] == 0 and "analysis failed" in result["failed"][0]["status"]


def test_counter_runs_of_the_unseen_sets_find_their_cases():
    """Run 34 profiled both unseen sets through unseen_counters.py; the report looks their cases up
    by the names the manifest records, as it does the corpus's."""
    from benchmarks.ground_truth.unseen_counters import unseen_kernels
    from benchmarks.kernels.unseen import UNSEEN_CASES
    from benchmarks.kernels.unseen2 import UNSEEN2_CASES
    known = counters.profiled_kernels()
    assert {c.name for c in UNSEEN_CASES + UNSEEN2_CASES} <= set(known)
    assert any(name.startswith("hecbench/") for name in known)
    assert [k.case for k in unseen_kernels(["unseen2"])] == UNSEEN2_CASES


def test_lsu_counts_one_request_a_warp_for_a_store_one_lane_makes():
    """A block's thread 0 storing its partial sum (cuda-samples reduce7, 64 blocks): one request a
    block, as Nsight Compute counts them (64), not 1/32 of one per warp (2)."""
    source = r"""
    extern "C" __global__ void partial(const float* x, float* sums, int n) {
        float s = x[blockIdx.x * blockDim.x + threadIdx.x];
        if (threadIdx.x == 0) sums[blockIdx.x] = s;
    }"""
    from flipflop.analysis.kernel import analyze_kernel
    compiled = compile_kernel(source, "partial", arch="sm_90")
    features = analyze_kernel(compiled.module, compiled.function.name).evaluate(
        (256, 1, 1), (64, 1, 1), [np.zeros(1 << 14, np.float32), np.zeros(64, np.float32), np.int32(1 << 14)],
        compiled.resources)
    lsu = counters.lsu_counts(features)
    assert lsu["st_requests"] == 64 and lsu["ld_requests"] == 64  # nvcc sinks the load into the branch
