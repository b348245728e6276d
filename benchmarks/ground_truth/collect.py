"""Measure ground truth on a GPU (development suite or a held-out set): time, power and energy per block shape.

    python benchmarks/ground_truth/collect.py --cases all --sizes 0 --out OUT [--single-file NAME]
                                              [--budget-s 500] [--window-s 0.6] [--passes 1] [--dry-run]

Writes one JSONL per case (or every case into one file with --single-file): a header line
with the run's metadata (GPU, driver, clocks, power limit read-only, idle power, date, the
exact command, CuPy and NVRTC versions, host), then one line per configuration as soon as it
is measured. The budget is shared out over the cases by their number of configurations, so a
run that is cut short keeps what it measured. The GPU's settings are never changed.
"""

from __future__ import annotations

import argparse
import datetime
import hashlib
import json
import platform
import shlex
import sys
import time
from pathlib import Path
from typing import Any, TextIO

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from benchmarks.kernels.heldout import HELDOUT_CASES  # noqa: E402
from benchmarks.kernels.heldout2 import HELDOUT2_CASES  # noqa: E402
from benchmarks.kernels.heldout3 import HELDOUT3_CASES  # noqa: E402
from benchmarks.kernels.robust import ADDRESSES_BY_VALUE, NEEDS_PROGRAM_LIMITS, robust_cases, short_name  # noqa: E402
from benchmarks.kernels.suite import CASES, Case, configurations  # noqa: E402
from benchmarks.kernels.unseen import UNSEEN_CASES  # noqa: E402
from benchmarks.kernels.unseen2 import UNSEEN2_CASES  # noqa: E402
from flipflop.measure.launcher import grid_for  # noqa: E402

# Estimated seconds per configuration on top of the power window: warm-up, event timing,
# synchronisation and bookkeeping (measured per config on the H100: ~0.2 s).
OVERHEAD_PER_CONFIG_S = 0.2
# A configuration's launch geometry; every other key is a tunable parameter.
LAUNCH_KEYS = ("block", "grid", "shared_bytes")
# Exit status of a run that stopped because a kernel broke the CUDA context (unseen_collect --isolate
# restarts past that case).
CONTEXT_BROKEN_EXIT = 3


def create_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", default="all",
                        help="comma-separated case names or kernel names (before '@'), 'all' (the "
                             "development suite), 'heldout' (every case of the first held-out set), "
                             "'heldout2' (every case of the second) or 'heldout3' (every case of the "
                             "third), whatever --sizes")
    parser.add_argument("--sizes", default="0", help="comma-separated size indices (0: first size, 1: second)")
    parser.add_argument("--out", type=Path, required=True, help="output folder")
    parser.add_argument("--single-file", default=None, help="write every case into this one JSONL in --out")
    parser.add_argument("--budget-s", type=float, default=500.0, help="seconds for all measurements")
    parser.add_argument("--window-s", type=float, default=0.6, help="power window per configuration")
    parser.add_argument("--passes", type=int, default=1, help="measure every configuration this many times")
    parser.add_argument("--first-pass", type=int, default=0,
                        help="the first pass's index in the rows (a later call's second pass: 1)")
    parser.add_argument("--dry-run", action="store_true", help="list configurations and time; run nothing")
    return parser


def launchable_robust_cases() -> list[Case]:
    """The robustness set's cases this collector can launch as they are: one argument list, no
    `__constant__` data and a numeric problem size (those needing cmem_args, block-size-dependent
    arguments or a problem size that is an expression of the block stay out), and no device address passed
    by value (robust.ADDRESSES_BY_VALUE: unfold's illegal address in run 46), and no context limit its program
    sets (robust.NEEDS_PROGRAM_LIMITS: interval's stack in run 48)."""
    sizes = lambda case: case.problem_size if isinstance(case.problem_size, (tuple, list)) else (case.problem_size,)  # noqa: E731
    return [case for case in robust_cases() if case.cmem_args is None and case.block_arguments is None
            and all(not isinstance(size, str) for size in sizes(case))
            and short_name(case) not in ADDRESSES_BY_VALUE | NEEDS_PROGRAM_LIMITS]


def select_cases(names: str, sizes: str) -> list[Case]:
    """The cases named, in the order named (a full name selects that case; a kernel name, the
    part before '@', selects its cases at the given size indices); 'all': every development-suite
    case at them; 'heldout' / 'heldout2' / 'heldout3' / 'unseen' / 'unseen2' (also as one of the
    names): every case of the first / second / third held-out set or of the first / second unseen set
    (each has one size); 'robust': the robustness set's launchable cases. Names are looked up in the
    development suite, the three held-out sets, the two unseen sets and the robustness set."""
    size_indices = {int(s) for s in sizes.split(",")}
    if names == "all":
        return [case for case in CASES if case.size_index in size_indices]
    chosen: list[Case] = []
    sets = {"heldout": HELDOUT_CASES, "heldout2": HELDOUT2_CASES, "heldout3": HELDOUT3_CASES, "unseen": UNSEEN_CASES,
            "unseen2": UNSEEN2_CASES, "robust": launchable_robust_cases()}
    for name in (n.strip() for n in names.split(",")):
        if name in sets:
            chosen += [case for case in sets[name] if case not in chosen]
            continue
        everything = (CASES + HELDOUT_CASES + HELDOUT2_CASES + HELDOUT3_CASES + UNSEEN_CASES + UNSEEN2_CASES
                      + launchable_robust_cases())
        chosen += [case for case in everything if case not in chosen and (
            case.name == name or (case.name.split("@")[0] == name and case.size_index in size_indices))]
    return chosen


def shared_bytes(case: Case, params: dict[str, Any]) -> int:
    """Dynamic shared memory for one configuration: the case's smem_args["size"] (Kernel
    Tuner's meaning: bytes as an int, an expression over the tune params, or a callable of
    them); 0 without smem_args."""
    if not case.smem_args:
        return 0
    size = case.smem_args.get("size", 0)
    tune = {k: v for k, v in params.items() if k not in LAUNCH_KEYS}
    if callable(size):
        size = size(tune)
    elif isinstance(size, str):
        size = eval(size, {"__builtins__": {}, "min": min, "max": max}, tune)  # noqa: S307 - Kernel Tuner's syntax
    return int(size)


def launch_configs(case: Case) -> list[dict]:
    """measure_configs' inputs for every configuration of `case`, dynamic shared memory included."""
    configs = []
    for params in configurations(case):
        block = (params.get("block_size_x", 1), params.get("block_size_y", 1), params.get("block_size_z", 1))
        grid = grid_for(case.problem_size, params, (case.grid_div_x, case.grid_div_y))
        configs.append(dict(params, block=block, grid=grid, shared_bytes=shared_bytes(case, params)))
    return configs


def case_header(case: Case) -> dict:
    source = case.source
    return {
        "case": case.name, "kernel_name": case.kernel_name, "family": case.family,
        "source_path": str(case.source_path.relative_to(Path(__file__).resolve().parents[2])),
        "source_sha256": hashlib.sha256(source.encode()).hexdigest(),
        "problem_size": list(case.problem_size), "size_index": case.size_index,
        "grid_div_x": case.grid_div_x, "grid_div_y": case.grid_div_y,
        "restrictions": case.restrictions, "tune_params": case.tune_params,
    }


def run_metadata(argv: list[str]) -> dict:
    """GPU, driver, clocks, limit, idle power, toolchain and host, read without changing anything."""
    import cupy

    from flipflop.measure.energy import steady_power
    from flipflop.measure.nvml import NvmlMonitor

    monitor = NvmlMonitor()
    info = monitor.info()
    # Idle power: the same edge protocol with the GPU doing nothing between polls.
    idle = steady_power(lambda: time.sleep(0.002), lambda: None, monitor, window_s=1.0)
    return {
        "gpu": info.name, "driver": info.driver_version,
        "power_limit_w": info.power_limit_w, "power_limit_range_w": list(info.power_limit_range_w),
        "max_sm_clock_mhz": info.max_sm_clock_mhz, "max_memory_clock_mhz": info.max_memory_clock_mhz,
        "idle_sm_clock_mhz": monitor.sm_clock_mhz(), "idle_memory_clock_mhz": monitor.memory_clock_mhz(),
        "idle_power_w": idle.power_w, "temperature_c": monitor.temperature_c(),
        "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "command": " ".join(shlex.quote(a) for a in argv),
        "cupy_version": cupy.__version__,
        "nvrtc_version": ".".join(map(str, cupy.cuda.nvrtc.getVersion())),
        "cuda_runtime_version": cupy.cuda.runtime.runtimeGetVersion(),
        "hostname": platform.node(),
    }


def _estimate_s(configs: int, window_s: float, passes: int) -> float:
    return configs * passes * (window_s + OVERHEAD_PER_CONFIG_S)


def dry_run(cases: list[Case], args: argparse.Namespace, out: TextIO) -> None:
    total_configs = 0
    for case in cases:
        configs = launch_configs(case)
        arguments = case.arguments()
        total_configs += len(configs)
        shapes = " ".join(f"{c['block'][0]}x{c['block'][1]}" for c in configs)
        print(f"{case.name}: {len(configs)} configs, {len(arguments)} arguments, "
              f"~{_estimate_s(len(configs), args.window_s, args.passes):.0f} s; grid of first {configs[0]['grid']}; "
              f"shapes {shapes}", file=out)
    estimate = _estimate_s(total_configs, args.window_s, args.passes)
    print(f"total: {len(cases)} cases, {total_configs} configs, ~{estimate:.0f} s "
          f"(budget {args.budget_s:.0f} s)", file=out)


def _summary_row(case: Case, results: list[dict]) -> str:
    ok = [r for r in results if r.get("status") == "ok"]
    if not ok:
        return f"{case.name:32s} {0:4d}/{len(results):<4d}"
    best_e = min(ok, key=lambda r: r["measured_energy"])
    best_t = min(ok, key=lambda r: r["measured_time"])
    spread = max(r["measured_energy"] for r in ok) / best_e["measured_energy"]
    shape = lambda r: f"{r['block'][0]}x{r['block'][1]}"  # noqa: E731
    return (f"{case.name:32s} {len(ok):4d}/{len(results):<4d} best-E {shape(best_e):>8s} "
            f"{best_e['measured_energy'] * 1000:9.3f} mJ {best_e['measured_power']:6.0f} W  "
            f"best-t {shape(best_t):>8s} {best_t['measured_time']:8.3f} ms  E spread {spread:5.2f}x")


def collect(cases: list[Case], args: argparse.Namespace, argv: list[str]) -> list[str]:
    """Measure every case; returns the summary table rows."""
    from flipflop.measure.launcher import measure_configs
    from flipflop.measure.nvml import NvmlMonitor

    args.out.mkdir(parents=True, exist_ok=True)
    metadata = run_metadata(argv)
    print(json.dumps(metadata), flush=True)
    monitor = NvmlMonitor()
    single = open(args.out / args.single_file, "a") if args.single_file else None
    if single:
        single.write(json.dumps({"header": "run", **metadata}) + "\n")
    rows = []
    start_s = time.perf_counter()
    remaining_configs = sum(len(configurations(c)) for c in cases) * args.passes
    for case in cases:
        configs = launch_configs(case)
        share = len(configs) * args.passes / max(remaining_configs, 1)
        remaining_configs -= len(configs) * args.passes
        case_budget_s = max(0.0, args.budget_s - (time.perf_counter() - start_s)) * share
        out = single or open(args.out / f"{case.name.replace('@', '_')}.jsonl", "a")
        out.write(json.dumps({"header": "case", **case_header(case),
                              **({} if single else metadata)}) + "\n")
        case_start_s = time.perf_counter()
        for pass_index in range(args.passes):
            def write(result: dict, pass_index=pass_index) -> None:
                out.write(json.dumps({"case": case.name, "pass": args.first_pass + pass_index, **result}) + "\n")
                out.flush()
            pass_budget_s = max(0.0, case_budget_s - (time.perf_counter() - case_start_s)) / (args.passes - pass_index)
            try:
                results = measure_configs(case.kernel_name, case.source, case.arguments(), configs,
                                          monitor=monitor, window_s=args.window_s,
                                          budget_s=pass_budget_s, on_result=write)
            except Exception as error:  # one broken case must not end the run
                print(f"{case.name}: failed: {type(error).__name__}: {error}", flush=True)
                out.write(json.dumps({"case": case.name, "pass": args.first_pass + pass_index,
                                      "status": f"case failed: {type(error).__name__}: {error}"}) + "\n")
                out.flush()
                _stop_if_broken(case)
                continue
            rows.append(_summary_row(case, results) + (f"  pass {pass_index}" if args.passes > 1 else ""))
            print(rows[-1], flush=True)
            # a launch that failed inside the case (an illegal address) broke the context too, and its
            # error would surface in the next case's first launch (run 41: four cases lost that way)
            _stop_if_broken(case)
        if not single:
            out.close()
        _free_gpu_memory()
    if single:
        single.close()
    return rows


def _stop_if_broken(case: Case) -> None:
    """End the run when the CUDA context no longer runs work: every later case would fail with it, so
    a caller (unseen_collect --isolate) restarts past this case instead."""
    if not _context_usable():
        print(f"{case.name}: the CUDA context is broken; stopping", flush=True)
        raise SystemExit(CONTEXT_BROKEN_EXIT)


def _context_usable() -> bool:
    """Whether the process's CUDA context still runs work (an illegal instruction or address breaks it)."""
    import cupy
    try:
        cupy.cuda.runtime.deviceSynchronize()
        cupy.zeros(1).sum().item()
    except Exception:  # any CUDA error here means the context is gone
        return False
    return True


def _free_gpu_memory() -> None:
    import cupy
    cupy.get_default_memory_pool().free_all_blocks()


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv if argv is None else argv
    args = create_parser().parse_args(argv[1:])
    cases = select_cases(args.cases, args.sizes)
    if not cases:
        print("no case matches", file=sys.stderr)
        return 2
    if args.dry_run:
        dry_run(cases, args, sys.stdout)
        return 0
    rows = collect(cases, args, argv)
    print("\n".join(["", "case                             ok/all", *rows]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
