"""Ground truth for the SM-count knob (issue 12): development-corpus kernels × block shapes ×
active SMs (CUDA green contexts) × two passes, plus the green-context probe and the SM sweep.

    python benchmarks/ground_truth/sm_count_collect.py --out OUT [--budget-s 540] [--window-s 0.3]
        [--passes 2] [--sm-counts 16,32,48,64,96,132] [--shapes 4] [--skip-probe] [--skip-sweep] [--dry-run]

Writes, in OUT: green_probe.json (which launch mode is confined to n SMs), sm_sweep_h200.json
(bandwidth and power against n, flipflop.measure.calibrate.sm_sweep) with its fit in
sm_sweep_fit.json, and sm_count.jsonl: one header line per case and pass (corpus_collect's
case header and run metadata), then one line per configuration as it is measured — the
configuration, active_sms, pass, measured_time/power/energy, status and the green launch mode.

Pass 1 measures each kernel's SM counts in increasing order and pass 2 in decreasing order, so
a drift of temperature or clocks over a pass does not masquerade as an SM-count effect. The
budget covers everything (probe, sweep, compiles); a run cut short keeps every line written.
Read-only on the GPU: green contexts are per-process; no limit, clock or mode is changed.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
from dataclasses import asdict
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from benchmarks.ground_truth.collect import _free_gpu_memory, case_header, run_metadata  # noqa: E402
from benchmarks.ground_truth.collect import launch_configs  # noqa: E402
from benchmarks.ground_truth.corpus_collect import _json_safe  # noqa: E402
from benchmarks.kernels.corpus.all import corpus_kernels  # noqa: E402

# Development-split kernels (corpus_split), by the bound that should show in their SM curves.
KERNELS: dict[str, str] = {
    "hecbench/relu_Relu_impl2": "memory",
    "hecbench/gelu_gelu_bias_loop": "memory",
    "hecbench/layernorm_layernorm_forward_kernel2": "memory",
    "cuda-samples/transpose_copy": "memory",
    "hecbench/fma_implicit_fma_kernel_bf16": "compute",
    "hecbench/nbody_accelerate_particles": "compute",
    "cuda-samples/BlackScholes_BlackScholesGPU": "compute",
    "cuda-samples/histogram_histogram256Kernel": "latency/atomic",
    "cuda-samples/reduction_reduce3": "latency/atomic",
    "hecbench/atomicReduction_atomic_reduction": "latency/atomic",
}
DEFAULT_SM_COUNTS = (16, 32, 48, 64, 96, 132)
OUT_FILE = "sm_count.jsonl"
PROBE_FILE = "green_probe.json"
SWEEP_FILE = "sm_sweep_h200.json"
SWEEP_FIT_FILE = "sm_sweep_fit.json"
# Seconds: per measured configuration beyond its power window (warm-up, event timing, NVML),
# per kernel and pass (argument upload, compiles from CuPy's cache after the first pass), the
# first compile of a kernel's shapes, the run metadata (1 s idle window), and the probe.
OVERHEAD_PER_CONFIG_S = 0.4
PER_KERNEL_PASS_S = 1.5
FIRST_COMPILE_S = 2.0
METADATA_S = 2.0
PROBE_S = 10.0
# Keep this much of the budget for closing files and the shell script's own steps.
MARGIN_S = 10.0


def select_shapes(configs: list[dict], count: int) -> list[dict]:
    """`count` configurations spread over the block sizes: the smallest, the largest and
    evenly spaced ones between (by threads per block, then by order), no repeats."""
    ordered = sorted(configs, key=lambda c: (math.prod(c["block"]), configs.index(c)))
    if len(ordered) <= count:
        return ordered
    picks = sorted({round(i * (len(ordered) - 1) / (count - 1)) for i in range(count)})
    return [ordered[i] for i in picks]


def plan(args: argparse.Namespace) -> list[tuple[Any, list[dict]]]:
    """(corpus kernel, its shapes) for every KERNELS entry found in the development split."""
    wanted = {k.case.name.split("@")[0]: k for k in corpus_kernels("dev")}
    missing = [name for name in KERNELS if name not in wanted]
    if missing:
        raise SystemExit(f"not in the development split: {', '.join(missing)}")
    return [(wanted[name], select_shapes(launch_configs(wanted[name].case), args.shapes)) for name in KERNELS]


def estimate_s(items: list[tuple[Any, list[dict]]], args: argparse.Namespace, sweep_s: float) -> float:
    configs = sum(len(shapes) for _k, shapes in items)
    measured = configs * len(args.sm_counts) * args.passes * (args.window_s + OVERHEAD_PER_CONFIG_S)
    setup = len(items) * (args.passes * PER_KERNEL_PASS_S + FIRST_COMPILE_S) + METADATA_S
    return measured + setup + (0 if args.skip_probe else PROBE_S) + (0 if args.skip_sweep else sweep_s)


def dry_run(items: list[tuple[Any, list[dict]]], args: argparse.Namespace, sweep_s: float) -> None:
    for kernel, shapes in items:
        bound = KERNELS[kernel.case.name.split("@")[0]]
        blocks = ", ".join("x".join(map(str, c["block"])) for c in shapes)
        print(f"{kernel.case.name:60s} {bound:15s} blocks {blocks}")
    configs = sum(len(s) for _k, s in items)
    print(f"{len(items)} kernels, {configs} shapes × {len(args.sm_counts)} SM counts {list(args.sm_counts)} × "
          f"{args.passes} passes = {configs * len(args.sm_counts) * args.passes} measurements "
          f"at a {args.window_s} s window")
    total = estimate_s(items, args, sweep_s)
    print(f"probe {'skipped' if args.skip_probe else f'~{PROBE_S:.0f} s'}, sweep "
          f"{'skipped' if args.skip_sweep else f'~{sweep_s:.0f} s'}; estimated total {total:.0f} s "
          f"(budget {args.budget_s:.0f} s{'' if total <= args.budget_s else ': the end of pass 2 will be cut'})")


def measure(items: list[tuple[Any, list[dict]]], args: argparse.Namespace, metadata: dict, started: float,
            session: Any) -> int:
    """Every kernel × SM count × shape, pass after pass, appended to OUT_FILE; lines written."""
    import cupy

    from flipflop.measure.launcher import measure_configs
    from flipflop.measure.nvml import NvmlMonitor

    monitor = NvmlMonitor()
    written = 0
    with open(args.out / OUT_FILE, "a") as out:
        for pass_index in range(args.passes):
            counts = list(args.sm_counts) if pass_index % 2 == 0 else list(reversed(args.sm_counts))
            for kernel, shapes in items:
                case = kernel.case
                if time.time() - started > args.budget_s - MARGIN_S:
                    print(f"budget spent before {case.name} pass {pass_index}", flush=True)
                    return written
                out.write(json.dumps(_json_safe({"header": "case", **case_header(case), "pass": pass_index,
                                                 "bound": KERNELS[case.name.split("@")[0]], "split": "dev",
                                                 "sm_counts": counts, **metadata})) + "\n")
                # Upload once per kernel and pass: every SM count reuses the device copies.
                arguments = [cupy.asarray(a) if isinstance(a, np.ndarray) else a for a in case.arguments()]

                def write(result: dict, case_name: str = case.name, index: int = pass_index) -> None:
                    nonlocal written
                    out.write(json.dumps(_json_safe({"case": case_name, "pass": index, **result})) + "\n")
                    out.flush()
                    written += 1

                for sms in counts:
                    left_s = args.budget_s - MARGIN_S - (time.time() - started)
                    if left_s <= 0:
                        break
                    try:
                        measure_configs(case.kernel_name, case.source, arguments, [dict(c) for c in shapes],
                                        monitor=monitor, window_s=args.window_s, budget_s=left_s,
                                        max_seconds_per_config=10.0, on_result=write, active_sms=sms, green=session)
                    except Exception as error:  # a case that cannot run is a line, not the end of the run
                        write({"active_sms": sms, "status": f"case failed: {type(error).__name__}: "
                               f"{' '.join(str(error).split())[:300]}"})
                    print(f"pass {pass_index} {case.name} {sms} SMs: {len(shapes)} shapes "
                          f"({time.time() - started:.0f} s)", flush=True)
                del arguments
                _free_gpu_memory()
    return written


def create_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True, help="output folder")
    parser.add_argument("--budget-s", type=float, default=540.0, help="seconds for everything")
    parser.add_argument("--window-s", type=float, default=0.3, help="power window per configuration")
    parser.add_argument("--passes", type=int, default=2)
    parser.add_argument("--shapes", type=int, default=4, help="block shapes per kernel")
    parser.add_argument("--sm-counts", default=",".join(map(str, DEFAULT_SM_COUNTS)),
                        type=lambda text: tuple(int(v) for v in text.split(",")), help="comma-separated")
    parser.add_argument("--sweep-window-s", type=float, default=0.3, help="power window per SM-sweep point")
    parser.add_argument("--skip-probe", action="store_true")
    parser.add_argument("--skip-sweep", action="store_true")
    parser.add_argument("--dry-run", action="store_true", help="print the plan and its time; run nothing")
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv if argv is None else argv
    args = create_parser().parse_args(argv[1:])
    started = time.time()
    from flipflop.measure.calibrate.sm_sweep import estimate_seconds, plan_sweep
    from flipflop.measure.green import SmPartitioning

    h200 = SmPartitioning(132, 8, 8)
    sweep_s = estimate_seconds(plan_sweep(h200.sm_count, h200.valid_counts()), args.sweep_window_s)
    items = plan(args)
    if args.dry_run:
        dry_run(items, args, sweep_s)
        return 0
    args.out.mkdir(parents=True, exist_ok=True)
    if not args.skip_probe:
        from benchmarks.ground_truth.green_probe import probe

        report = probe(lambda line: print(line, flush=True))
        (args.out / PROBE_FILE).write_text(json.dumps(_json_safe(report), indent=1) + "\n")
    metadata = run_metadata(argv)
    from flipflop.hardware.calibrate.fit import fit_sm_sweep
    from flipflop.measure.green import GreenSession

    import cupy

    with GreenSession(cupy.cuda.Device().id) as session:
        metadata["sm_partitioning"] = asdict(session.partitioning)
        if not args.skip_sweep:
            from flipflop.measure.calibrate.sm_sweep import run_sm_sweep

            raw = run_sm_sweep(args.out / SWEEP_FILE, window_s=args.sweep_window_s, meta=metadata, session=session,
                               log=lambda line: print(line, flush=True))
            try:
                fit = asdict(fit_sm_sweep(raw))
            except Exception as error:  # the raw numbers are kept; the fit can be redone offline
                fit = {"error": f"{type(error).__name__}: {error}"}
            (args.out / SWEEP_FIT_FILE).write_text(json.dumps(_json_safe(fit), indent=1) + "\n")
            print(f"sm sweep fit: {fit}", flush=True)
            _free_gpu_memory()
        metadata["green_self_test"] = session.self_test_report
        written = measure(items, args, metadata, started, session)
    print(f"{written} configurations written to {args.out / OUT_FILE} in {time.time() - started:.0f} s", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
