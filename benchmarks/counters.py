"""Hardware counters against the analysis: what flipflop predicts for a launch vs. what ncu counted.

    python benchmarks/counters.py [--csv CSV ...] [--manifest MANIFEST ...] [--gpu PROFILE]
                                  [--out benchmarks/results/counters.json]

(default: every benchmarks/data/{h200,h100}/corpus_run*_counters.csv, each with the
_counters_manifest.json beside it: H200 runs 14-17 and H100 runs 18, 22 and 23, see RUNS.md
in each folder). Each launch is predicted with the profile of the GPU its manifest names
(h200-sxm, h100-sxm) unless --gpu names one for all.

Reads Nsight Compute's CSV (`ncu --csv --print-units base --metrics ...`, made by
benchmarks/ground_truth/runs/run12_corpus.sh) and the launch manifest that
corpus_collect.py --counters wrote beside it, joins them (corpus_collect.join_ncu), and for
every profiled launch computes with flipflop's analysis (KernelAnalysis.evaluate) and traffic
model (flipflop.model.traffic.memory_traffic, at the occupancy flipflop.model.occupancy
gives) the same quantities for the same launch: global load/store requests and sectors,
sectors per request, L2 read/write sectors, DRAM read/write bytes and executed warp-level
instructions. Prints the median relative error per quantity (beside its target) and per
kernel, and the ten worst offenders; writes everything to --out.
"""

from __future__ import annotations

import argparse
import json
import math
import statistics
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Sequence

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.ground_truth.corpus_collect import join_ncu, parse_ncu_csv  # noqa: E402
from flipflop.model.traffic import L2_RESIDENT_SHARE, request_sectors  # noqa: E402

DATA_DIRS = (ROOT / "benchmarks" / "data" / "h200", ROOT / "benchmarks" / "data" / "h100")
DEFAULT_CSV_GLOB = "corpus_run*_counters.csv"
# The manifest's GPU name → the bundled profile its launches are predicted with.
PROFILE_BY_GPU = {"H200": "h200-sxm", "H100": "h100-sxm"}
DEFAULT_OUT = ROOT / "benchmarks" / "results" / "counters.json"
SECTOR_BYTES = 32
# H100-class L2s are two partitions; a sector homed in the far one is looked up at the near
# partition and again at its home across the L2 fabric. With addresses spread evenly over both
# (L2_RESIDENT_SHARE of the sectors are near), lts__t_sectors counts 1.5 lookups per sector an SM
# sends: what the counters themselves show (lts__t_sectors over lts__t_sectors_srcunit_tex:
# median 1.500, quartiles 1.496-1.502, over 363 launches on both GPUs).
L2_LOOKUPS_PER_SECTOR = 1.0 + (1.0 - L2_RESIDENT_SHARE)

# Quantity → how it is measured: one ncu metric, a sum, or a ratio of sums.
MEASURED: dict[str, tuple[str, tuple[str, ...]]] = {
    "ld_requests": ("sum", ("l1tex__t_requests_pipe_lsu_mem_global_op_ld.sum",)),
    "ld_sectors": ("sum", ("l1tex__t_sectors_pipe_lsu_mem_global_op_ld.sum",)),
    "ld_sectors_per_request": ("ratio", ("l1tex__t_sectors_pipe_lsu_mem_global_op_ld.sum",
                                         "l1tex__t_requests_pipe_lsu_mem_global_op_ld.sum")),
    "st_requests": ("sum", ("l1tex__t_requests_pipe_lsu_mem_global_op_st.sum",)),
    "st_sectors": ("sum", ("l1tex__t_sectors_pipe_lsu_mem_global_op_st.sum",)),
    "st_sectors_per_request": ("ratio", ("l1tex__t_sectors_pipe_lsu_mem_global_op_st.sum",
                                         "l1tex__t_requests_pipe_lsu_mem_global_op_st.sum")),
    "l2_read_sectors": ("sum", ("lts__t_sectors_op_read.sum",)),
    "l2_write_sectors": ("sum", ("lts__t_sectors_op_write.sum",)),
    "l2_sectors": ("sum", ("lts__t_sectors_op_read.sum", "lts__t_sectors_op_write.sum")),
    # The sectors the SMs' L1/TEX asked of L2 (not in runs 12-15): lts__t_sectors also counts the
    # far partition's share a second time when it crosses the L2 fabric (L2_LOOKUPS_PER_SECTOR).
    "l2_sectors_from_sm": ("sum", ("lts__t_sectors_srcunit_tex_op_read.sum", "lts__t_sectors_srcunit_tex_op_write.sum")),
    "dram_read_bytes": ("sum", ("dram__bytes_read.sum",)),
    "dram_write_bytes": ("sum", ("dram__bytes_write.sum",)),
    "dram_bytes": ("sum", ("dram__bytes_read.sum", "dram__bytes_write.sum")),
    "instructions": ("sum", ("smsp__inst_executed.sum",)),
}
QUANTITIES = tuple(MEASURED)
# Median relative error each quantity should reach (None: no target, shown for context).
TARGETS: dict[str, float | None] = {
    "ld_requests": None, "ld_sectors": None, "ld_sectors_per_request": 0.02,
    "st_requests": None, "st_sectors": None, "st_sectors_per_request": 0.02,
    "l2_read_sectors": 0.15, "l2_write_sectors": 0.15, "l2_sectors": 0.15, "l2_sectors_from_sm": 0.15,
    "dram_read_bytes": 0.10, "dram_write_bytes": 0.10, "dram_bytes": 0.10,
    "instructions": 0.10,
}
# What the analysis cannot give, said beside every result.
LIMITATIONS = (
    "instructions: SASS a warp issues, from the SASS ptxas makes of each PTX line (ptxas -lineinfo + "
    "nvdisasm) times the analysis's per-warp block counts; branches on data go as the arguments' values "
    "(after the elements a launch overwrites with a constant, bfs's flags: the state a warm-up launch leaves) "
    "where the analysis follows the data, half the time where it does not; ptxas's loop copies are told "
    "apart by the loop's memory and float lines only",
    "L2 reads/writes: memory_traffic returns one L2 byte total; the split here counts stores and "
    "atomics as write-through writes and the rest as reads",
    "atomics: not in the LSU ld/st request and sector counters; their L2 traffic (lts op_atom / "
    "op_red) is not collected, the model's L2 total includes them",
    "DRAM: predicted for back-to-back launches (data that fits in L2 stays there), so run 12 profiles "
    "with ncu --cache-control none right after a warm-up launch; the model exposes no cold-cache "
    "(first launch) DRAM figure to compare with a flushed profile",
)


@dataclass(frozen=True)
class Predicted:
    """flipflop's figures for one launch, in the units ncu counts them."""

    ld_requests: float
    ld_sectors: float
    st_requests: float
    st_sectors: float
    atomic_requests: float
    l2_read_sectors: float
    l2_write_sectors: float
    dram_read_bytes: float
    dram_write_bytes: float
    instructions: float  # warp-level

    def quantities(self) -> dict[str, float | None]:
        ratio = lambda a, b: a / b if b else None  # noqa: E731
        return {
            "ld_requests": self.ld_requests, "ld_sectors": self.ld_sectors,
            "ld_sectors_per_request": ratio(self.ld_sectors, self.ld_requests),
            "st_requests": self.st_requests, "st_sectors": self.st_sectors,
            "st_sectors_per_request": ratio(self.st_sectors, self.st_requests),
            "l2_read_sectors": self.l2_read_sectors * L2_LOOKUPS_PER_SECTOR,
            "l2_write_sectors": self.l2_write_sectors * L2_LOOKUPS_PER_SECTOR,
            "l2_sectors": (self.l2_read_sectors + self.l2_write_sectors) * L2_LOOKUPS_PER_SECTOR,
            "l2_sectors_from_sm": self.l2_read_sectors + self.l2_write_sectors,
            "dram_read_bytes": self.dram_read_bytes, "dram_write_bytes": self.dram_write_bytes,
            "dram_bytes": self.dram_read_bytes + self.dram_write_bytes,
            "instructions": self.instructions,
        }


def launch_warps(features: Any, warp_size: int = 32) -> int:
    """Warps one launch runs: ceil(threads per block / warp size) × blocks."""
    return -(-features.threads_per_block // warp_size) * features.blocks


def lsu_counts(features: Any, warp_size: int = 32) -> dict[str, float]:
    """Global (and generic) loads' and stores' warp requests and 32-byte sectors for one launch,
    as the L1's LSU pipe counts them under lsu_mem_global: requests = executions per warp (a
    warp's request when any of its lanes runs the access) × warps; sectors per request as the
    analysis gives them, clamped to [1, warp size] (an access the analysis cannot resolve: one
    sector per thread) and to what the lanes that run the access touch, as memory_traffic takes
    them (traffic.request_sectors). Local accesses and spills are
    lsu_mem_local operations, outside these counters (RowwiseMoments' stack frame: 3 local
    stores a thread, 4096 global ones in the whole launch)."""
    warps = launch_warps(features, warp_size)
    counts = dict(ld_requests=0.0, ld_sectors=0.0, st_requests=0.0, st_sectors=0.0,
                  atomic_requests=0.0, atomic_sectors=0.0)
    for access in features.accesses:
        if access.space not in ("global", "generic"):
            continue
        # A warp issues the request when any of its lanes runs the access (a block's thread 0
        # storing its partial sum: one request a block, not 1/32 of one).
        per_warp = access.executions_per_thread if access.warp_executions is None else access.warp_executions
        requests = per_warp * warps
        sectors, _ = request_sectors(access, requests, features.threads_per_block * features.blocks, warp_size)
        kind = {"load": "ld", "store": "st"}.get(access.op, "atomic")
        counts[f"{kind}_requests"] += requests
        counts[f"{kind}_sectors"] += requests * sectors
    return counts


def warp_instructions(features: Any, warp_size: int = 32) -> float:
    """Warp-level instructions one launch executes (smsp__inst_executed's unit): the SASS
    instructions a warp issues (the analysis's block counts as a warp runs them, each PTX
    line weighted by the SASS ptxas made of it) × the launch's warps; without a
    disassembler, the PTX instructions a warp issues."""
    per_warp = features.warp_sass_instructions
    if per_warp is None:
        per_warp = sum(features.warp_instructions.values())
    return per_warp * launch_warps(features, warp_size)


def predict_launch(features: Any, profile: Any) -> Predicted:
    """Every quantity for one launch from its LaunchFeatures and the GPU profile."""
    from flipflop.model.occupancy import occupancy
    from flipflop.model.traffic import memory_traffic

    occ = occupancy(profile, features.threads_per_block, features.registers, features.shared_bytes)
    traffic = memory_traffic(features, profile, max(1, occ.blocks_per_sm))
    lsu = lsu_counts(features, profile.warp_size)
    l2_sectors = traffic.l2_bytes / SECTOR_BYTES
    # memory_traffic gives one L2 total; stores and atomics write through, all of it reaches L2.
    written = min(l2_sectors, lsu["st_sectors"] + lsu["atomic_sectors"])
    return Predicted(
        ld_requests=lsu["ld_requests"], ld_sectors=lsu["ld_sectors"],
        st_requests=lsu["st_requests"], st_sectors=lsu["st_sectors"], atomic_requests=lsu["atomic_requests"],
        l2_read_sectors=l2_sectors - written, l2_write_sectors=written,
        dram_read_bytes=traffic.dram_bytes - traffic.dram_write_bytes, dram_write_bytes=traffic.dram_write_bytes,
        instructions=warp_instructions(features, profile.warp_size),
    )


def measured_quantities(metrics: dict[str, float | None]) -> dict[str, float | None]:
    """ncu's metrics → the quantities (None where a metric is missing)."""
    out: dict[str, float | None] = {}
    for quantity, (how, names) in MEASURED.items():
        values = [metrics.get(name) for name in names]
        if any(v is None for v in values):
            out[quantity] = None
        elif how == "ratio":
            out[quantity] = values[0] / values[1] if values[1] else None
        else:
            out[quantity] = float(sum(values))
    return out


def relative_error(predicted: float | None, measured: float | None) -> float | None:
    """|predicted - measured| / measured; 0 when both are 0, None when either is unknown or
    only the measurement is 0."""
    if predicted is None or measured is None:
        return None
    if measured == 0:
        return 0.0 if predicted == 0 else None
    return abs(predicted - measured) / abs(measured)


def _features_for(row: dict, kernel: Any, arguments: Sequence, arch: str) -> Any:
    from flipflop.analysis.kernel import analyze_kernel
    from flipflop.frontend import compile_kernel
    from flipflop.frontend.sass import kernel_sass_lines
    from flipflop.measure.launcher import kernel_tuner_defines

    defines = kernel_tuner_defines(row["params"], row["grid"])
    compiled = compile_kernel(kernel.case.source, row["kernel_name"], arch=arch, defines=defines)
    analysis = analyze_kernel(compiled.module, compiled.function.name)
    return analysis.evaluate(tuple(row["block"]), tuple(row["grid"]), arguments, compiled.resources,
                             dynamic_shared_bytes=int(row.get("shared_bytes", 0)), sass_lines=kernel_sass_lines(compiled))


def compare(rows: list[dict], kernels: dict[str, Any], profiles: dict[str, Any],
            features_for=_features_for) -> list[dict]:
    """One record per joined launch: params, predicted, measured and relative error per quantity.
    Each row names its profile (``row["gpu_profile"]``, a key of ``profiles``)."""
    records = []
    arguments: dict[str, list] = {}
    for row in rows:
        kernel = kernels.get(row["case"])
        profile = profiles[row["gpu_profile"]]
        record = {"case": row["case"], "gpu_profile": row["gpu_profile"], "params": row["params"],
                  "block": row["block"], "grid": row["grid"],
                  "shared_bytes": row.get("shared_bytes", 0), "ncu_id": row.get("ncu_id")}
        measured = measured_quantities(row["metrics"])
        record["measured"] = measured
        record["gpu_time_ns"] = row["metrics"].get("gpu__time_duration.sum")
        if kernel is None:
            record["status"] = "case not in the corpus"
            records.append(record)
            continue
        try:
            if row["case"] not in arguments:
                arguments.clear()  # full-size arguments: keep one case's at a time
                arguments[row["case"]] = kernel.case.arguments()
            features = features_for(row, kernel, arguments[row["case"]], profile.arch)
            predicted = predict_launch(features, profile).quantities()
        except Exception as error:  # one kernel the analysis cannot take must not end the report
            record["status"] = f"analysis failed: {type(error).__name__}: {' '.join(str(error).split())[:200]}"
            records.append(record)
            continue
        record["predicted"] = predicted
        record["relative_error"] = {q: relative_error(predicted[q], measured[q]) for q in QUANTITIES}
        record["status"] = "ok"
        records.append(record)
    return records


def _median(values: list[float]) -> float | None:
    return statistics.median(values) if values else None


def _medians_by(records: list[dict], key: str) -> dict[str, dict]:
    """Median relative error per quantity, and the launch count, of the records grouped by ``key``."""
    out = {}
    for value in dict.fromkeys(r[key] for r in records):
        mine = [r for r in records if r[key] == value]
        out[value] = {q: _median([r["relative_error"][q] for r in mine if r["relative_error"][q] is not None])
                      for q in QUANTITIES}
        out[value]["launches"] = len(mine)
    return out


def summarise(records: list[dict]) -> dict:
    ok = [r for r in records if r.get("status") == "ok"]
    per_quantity = {}
    for q in QUANTITIES:
        errors = [r["relative_error"][q] for r in ok if r["relative_error"][q] is not None]
        median = _median(errors)
        target = TARGETS[q]
        per_quantity[q] = {"median": median, "launches": len(errors), "target": target,
                           "meets_target": None if target is None or median is None else median <= target}
    per_kernel = _medians_by(ok, "case")
    offenders = sorted(
        ({"case": r["case"], "block": r["block"], "params": r["params"], "quantity": q,
          "predicted": r["predicted"][q], "measured": r["measured"][q], "relative_error": r["relative_error"][q]}
         for r in ok for q in QUANTITIES if r["relative_error"][q] is not None),
        key=lambda o: -o["relative_error"])[:10]
    per_gpu = _medians_by(ok, "gpu_profile")
    return {"per_quantity": per_quantity, "per_gpu": per_gpu, "per_kernel": per_kernel, "worst": offenders,
            "launches": len(records), "analysed": len(ok),
            "failed": [{"case": r["case"], "block": r["block"], "status": r["status"]}
                       for r in records if r.get("status") != "ok"]}


def _pct(value: float | None) -> str:
    if value is None:
        return "     -"
    return f"{100 * value:5.1f}%" if value < 10 else f"{value:5.0f}x"


SHORT = {"ld_requests": "ld req", "ld_sectors": "ld sec", "ld_sectors_per_request": "ld s/r",
         "st_requests": "st req", "st_sectors": "st sec", "st_sectors_per_request": "st s/r",
         "l2_read_sectors": "L2 rd", "l2_write_sectors": "L2 wr", "l2_sectors": "L2", "l2_sectors_from_sm": "L2<-SM",
         "dram_read_bytes": "DRAM rd", "dram_write_bytes": "DRAM wr", "dram_bytes": "DRAM",
         "instructions": "inst"}


def report(summary: dict, mode: str) -> str:
    lines = [f"{summary['analysed']} of {summary['launches']} profiled launches analysed (ncu join: {mode})", "",
             f"{'quantity':24s} {'median err':>10s} {'target':>8s} {'launches':>8s}"]
    for q, s in summary["per_quantity"].items():
        verdict = "" if s["meets_target"] is None else ("  ok" if s["meets_target"] else "  MISSED")
        target = "-" if s["target"] is None else f"<= {100 * s['target']:.0f}%"
        lines.append(f"{q:24s} {_pct(s['median']):>10s} {target:>8s} {s['launches']:8d}{verdict}")
    lines += ["", "median relative error per GPU (each launch predicted with its own GPU's profile)",
              f"{'profile':36s} {'launches':>7s} " + " ".join(f"{SHORT[q]:>7s}" for q in QUANTITIES)]
    for gpu, errors in summary["per_gpu"].items():
        lines.append(f"{gpu:36s} {errors['launches']:7d} " + " ".join(f"{_pct(errors[q]):>7s}" for q in QUANTITIES))
    lines += ["", "median relative error per kernel", f"{'kernel':44s} " + " ".join(f"{SHORT[q]:>7s}" for q in QUANTITIES)]
    for case, errors in summary["per_kernel"].items():
        lines.append(f"{case[:44]:44s} " + " ".join(f"{_pct(errors[q]):>7s}" for q in QUANTITIES))
    lines += ["", "10 worst offenders"]
    for o in summary["worst"]:
        lines.append(f"  {o['case'][:44]:44s} {'x'.join(map(str, o['block'][:2])):>8s} {o['quantity']:22s} "
                     f"pred {o['predicted']:.4g} meas {o['measured']:.4g} ({_pct(o['relative_error']).strip()})")
    if summary["failed"]:
        lines += ["", f"{len(summary['failed'])} launches not analysed:"]
        lines += [f"  {f['case']} {f['block']}: {f['status']}" for f in summary["failed"][:10]]
    lines += ["", "not predicted exactly:", *(f"  - {text}" for text in LIMITATIONS)]
    return "\n".join(lines)


def _json_safe(value):
    if isinstance(value, np.generic):  # numpy bools and floats from the comparisons
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_json_safe(v) for v in value]
    return value


def manifest_for(csv_path: Path) -> Path:
    """The manifest written beside an ncu CSV: X_counters.csv → X_counters_manifest.json (runs 14-15;
    run 12's scripts named them corpus_counters_X.csv → corpus_counters_manifest_X.json)."""
    name = csv_path.name
    if name.startswith("corpus_counters_"):
        return csv_path.with_name(name.replace("corpus_counters_", "corpus_counters_manifest_", 1)
                                  .removesuffix(".csv") + ".json")
    return csv_path.with_name(name.removesuffix(".csv") + "_manifest.json")


def profile_for(manifest: dict, gpu: str | None) -> str:
    """The profile a run's launches are predicted with: ``gpu`` if given, else the bundled
    profile of the GPU the manifest names."""
    if gpu:
        return gpu
    for key, name in PROFILE_BY_GPU.items():
        if key in manifest.get("gpu", ""):
            return name
    raise ValueError(f"no bundled profile for the GPU {manifest.get('gpu')!r}; pass --gpu")


def run(csv_paths: Path | Sequence[Path], manifest_paths: Path | Sequence[Path], gpu: str | None = None,
        kernels: dict[str, Any] | None = None, features_for=_features_for) -> dict:
    """Join every CSV with its manifest (paired in order), analyse, summarise. ``gpu`` names
    one profile for every launch; None takes each run's own (``profile_for``)."""
    from flipflop.hardware.profile import load_profile

    csv_paths = [Path(csv_paths)] if isinstance(csv_paths, (str, Path)) else [Path(p) for p in csv_paths]
    manifest_paths = ([Path(manifest_paths)] if isinstance(manifest_paths, (str, Path))
                      else [Path(p) for p in manifest_paths])
    if len(csv_paths) != len(manifest_paths):
        raise ValueError(f"{len(csv_paths)} CSVs but {len(manifest_paths)} manifests")
    rows, modes, runs = [], [], []
    for csv_path, manifest_path in zip(csv_paths, manifest_paths):
        manifest = json.loads(manifest_path.read_text())
        part_rows, part_mode = join_ncu(parse_ncu_csv(csv_path.read_text()), manifest)
        for row in part_rows:
            row["gpu_profile"] = profile_for(manifest, gpu)
        rows += part_rows
        modes.append(part_mode)
        runs.append({"csv": str(csv_path), "manifest": str(manifest_path), "join_mode": part_mode,
                     "profiled_launches": len(part_rows),
                     **{k: v for k, v in manifest.items() if k != "launches"}})
    mode = ",".join(dict.fromkeys(modes))
    if kernels is None:
        kernels = profiled_kernels()
    profiles = {name: load_profile(name) for name in dict.fromkeys(row["gpu_profile"] for row in rows)}
    records = compare(rows, kernels, profiles, features_for)
    summary = summarise(records)
    return {"gpu_profiles": list(profiles), "join_mode": mode, "runs": runs,
            "targets": TARGETS, "limitations": list(LIMITATIONS), **summary, "records": records}


def profiled_kernels() -> dict[str, Any]:
    """Every case a counter run may have profiled, by name: the corpus, both unseen sets and the
    robustness set."""
    from benchmarks.ground_truth.unseen_counters import SETS, unseen_kernels
    from benchmarks.kernels.corpus.all import corpus
    return {k.case.name: k for k in [*corpus(), *unseen_kernels(list(SETS))]}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--csv", type=Path, nargs="+", default=None,
                        help=f"ncu CSVs (default: benchmarks/data/{{h200,h100}}/{DEFAULT_CSV_GLOB})")
    parser.add_argument("--manifest", type=Path, nargs="+", default=None,
                        help="their manifests, in the same order (default: the one beside each CSV)")
    parser.add_argument("--gpu", default=None, help="one profile for every launch (default: each run's GPU's)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args(argv)
    csvs = args.csv or [p for folder in DATA_DIRS for p in sorted(folder.glob(DEFAULT_CSV_GLOB))]
    if not csvs:
        print(f"no ncu CSV: none given and none matches {DEFAULT_CSV_GLOB} in {', '.join(map(str, DATA_DIRS))}",
              file=sys.stderr)
        return 2
    result = run(csvs, args.manifest or [manifest_for(p) for p in csvs], args.gpu)
    print(report(result, result["join_mode"]))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(_json_safe(result), indent=1) + "\n")
    print(f"\nwrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
