"""Prediction speed, cold and warm (issues 4 and 11).

    python -m benchmarks.predict_speed [--sections space,readme,define_space,loops]
        [--cases stencil@8192x8192,...] [--repeats 5] [--loops 200,1660]

Sections:

- ``space``: a 2-D kernel's whole space (51 power-of-two block shapes) × 11 power limits
  through ``flipflop.predict``. "Cold" runs in a fresh Python process with an empty cache
  (FLIPFLOP_CACHE_DIR in a temporary folder), so NVRTC, ptxas, parsing and analysis all
  happen; "warm" repeats the same call in that process. A case name ending in ``+blockDim``
  takes the kernel with ``block_size_x/y/z`` read from ``blockDim`` (and no
  ``__launch_bounds__``), so one PTX serves every shape: the cold time without 51 compiles.
- ``readme``: the README's main job, ``flipflop recommend flipflop/examples/attention.toml``
  (51 shapes × 11 power limits), as a user runs it: cold (empty cache) and warm (a second
  process on the same cache), output piped. Targets (issue 11): ≤ 30 s cold, ≤ 2 s warm.
- ``define_space``: the Kernel Tuner-style define space of ``benchmarks/kernel_tuner_style``
  (every configuration its own compile), per kernel: cold, warm in a new process, and the
  floor: bare NVRTC (uncached, one call per distinct variant, one after the other in one
  process, as Kernel Tuner compiles). Targets: the whole space ≤ 150 s cold and ≤ 2× the
  floor, ≤ 5 s warm.
- ``loops``: a generated kernel of N sequential loops: NVRTC + ptxas, parse, analysis and
  one launch's evaluation, each timed. Target: 1,660 loops analysed in under 20 s.

Writes benchmarks/results/predict_speed.json (machine, date, command, load average) and the
same as a table in predict_speed.txt beside it; ``--render FILE`` prints an earlier JSON's table.
"""
from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULT_PATH = ROOT / "benchmarks" / "results" / "predict_speed.json"
SECTIONS = ("space", "readme", "define_space", "loops")
README_JOB = ("recommend", "flipflop/examples/attention.toml")
DEFAULT_LOOPS = "200,415,830,1660"
DEFAULT_CASES = ("stencil@8192x8192", "matmul_tiled@2048x2048", "transpose_tiled@8192x8192", "attention@seq2048",
                 "stencil@8192x8192+blockDim")
ONE_PTX = "+blockDim"


def _one_ptx_source(source: str) -> str:
    """The kernel reading its block size from ``blockDim`` instead of compile-time macros."""
    source = re.sub(r"__launch_bounds__\([^)]*\)", "", source)
    return re.sub(r"\bblock_size_([xyz])\b", r"blockDim.\1", source)


def _one_case(name: str, repeats: int) -> dict:
    """Runs inside the fresh process: one cold call, then ``repeats`` warm ones."""
    sys.path.insert(0, str(ROOT))
    import flipflop
    from benchmarks.kernels.suite import case_by_name

    case = case_by_name(name.removesuffix(ONE_PTX))
    source = _one_ptx_source(case.source) if name.endswith(ONE_PTX) else str(case.source_path)
    arguments = case.arguments()
    kwargs = dict(power_limits="all", restrictions=case.restrictions or None, grid_div_x=case.grid_div_x,
                  grid_div_y=case.grid_div_y)

    def call():
        return flipflop.predict(case.kernel_name, source, case.problem_size, arguments,
                                case.tune_params, **kwargs)

    start = time.perf_counter()
    rows = call()
    cold_s = time.perf_counter() - start
    warm = []
    for _ in range(repeats):
        start = time.perf_counter()
        call()
        warm.append(time.perf_counter() - start)
    return {"case": name, "configurations": rows.metadata["launchable"],
            "power_limits": len(rows.metadata["power_limits_w"]), "rows": len(rows),
            "distinct_compiles": rows.metadata["distinct_compiles"], "distinct_ptx": rows.metadata["distinct_ptx"],
            "cold_s": round(cold_s, 4), "warm_median_s": round(statistics.median(warm), 5),
            "cold_target_met": cold_s < 0.5, "warm_target_met": statistics.median(warm) < 0.05}


def _define_case(name: str, repeats: int) -> dict:
    """Runs inside a fresh process: one call for a define-space kernel, then ``repeats`` in-process."""
    sys.path.insert(0, str(ROOT))
    import flipflop
    from benchmarks.kernel_tuner_style import CASES

    case = next(c for c in CASES if c.name == name)
    arguments = case.arguments()

    def call():
        return flipflop.predict(case.kernel_name, str(case.source_path), case.problem_size, arguments,
                                case.tune_params, power_limits="all", restrictions=case.restrictions or None,
                                grid_div_x=case.grid_div_x, grid_div_y=case.grid_div_y)

    start = time.perf_counter()
    rows = call()
    first_s = time.perf_counter() - start
    again = []
    for _ in range(repeats):
        start = time.perf_counter()
        call()
        again.append(time.perf_counter() - start)
    restricted = sum(reason == "excluded by restrictions" for _, reason in rows.dropped)
    return {"case": name, "configurations": rows.metadata["configurations"] - restricted,
            "launchable": rows.metadata["launchable"], "distinct_compiles": rows.metadata["distinct_compiles"],
            "distinct_ptx": rows.metadata["distinct_ptx"], "first_s": round(first_s, 3),
            "in_process_median_s": round(statistics.median(again), 4) if again else None}


def _nvrtc_floor(name: str) -> dict:
    """Bare NVRTC for every distinct variant the prediction compiles: uncached, one call each."""
    sys.path.insert(0, str(ROOT))
    from benchmarks.kernel_tuner_style import CASES
    from flipflop.frontend.nvrtc import run_nvrtc, with_defines
    from flipflop.hardware.registry import resolve_profile
    from flipflop.search.constraints import shape_problem
    from flipflop.search.evaluate import relevant_defines
    from flipflop.search.space import enumerate_space

    case = next(c for c in CASES if c.name == name)
    profile = resolve_profile("h100-sxm")
    source = case.source_path.read_text()
    space = enumerate_space(case.tune_params, case.problem_size, restrictions=case.restrictions or None,
                            grid_div_x=case.grid_div_x, grid_div_y=case.grid_div_y)
    variants = list(dict.fromkeys(relevant_defines(f"{source}\n{case.kernel_name}", config.defines)
                                  for config in space.configs
                                  if not shape_problem(profile, config.block, config.grid)))
    start = time.perf_counter()
    for defines in variants:
        try:
            run_nvrtc(with_defines(source, dict(defines), case.file), case.file, profile.arch, ())
        except Exception:  # noqa: BLE001 - a variant NVRTC rejects still cost its time
            pass
    return {"case": name, "variants": len(variants), "nvrtc_s": round(time.perf_counter() - start, 3)}


def _children_cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _child(args: list[str], cache: str) -> dict:
    """A fresh process's JSON answer, with the CPU seconds it and its workers used (``cpu_s``:
    what the wall time would be on one otherwise idle core; the machine may be shared)."""
    env = {**os.environ, "FLIPFLOP_CACHE_DIR": cache}
    cpu = _children_cpu_s()
    out = subprocess.run([sys.executable, "-m", "benchmarks.predict_speed", *args], cwd=ROOT, env=env,
                         capture_output=True, text=True, check=True)
    return {**json.loads(out.stdout.strip().splitlines()[-1]), "cpu_s": round(_children_cpu_s() - cpu, 2)}


def _space_section(cases: list[str], repeats: int) -> list[dict]:
    results = []
    for name in cases:
        with tempfile.TemporaryDirectory() as cache:
            result = _child(["--child", name, "--repeats", str(repeats)], cache)
        results.append(result)
        print(f"{name:28s} {result['configurations']:3d} shapes × {result['power_limits']:2d} limits, "
              f"{result['distinct_compiles']:2d} compiles: cold {result['cold_s']:.3f} s, "
              f"warm {1e3 * result['warm_median_s']:.1f} ms", flush=True)
    return results


def _readme_section() -> dict:
    """The README's command in fresh processes, piped: cold on an empty cache, then warm."""
    times = []
    with tempfile.TemporaryDirectory() as cache:
        env = {**os.environ, "FLIPFLOP_CACHE_DIR": cache}
        outputs = []
        cpus = []
        for _ in range(2):
            start, cpu = time.perf_counter(), _children_cpu_s()
            out = subprocess.run([sys.executable, "-m", "flipflop.cli", *README_JOB], cwd=ROOT, env=env,
                                 capture_output=True, text=True, check=True)
            times.append(time.perf_counter() - start)
            cpus.append(round(_children_cpu_s() - cpu, 2))
            outputs.append(out.stdout)
    result = {"command": "flipflop " + " ".join(README_JOB), "cold_s": round(times[0], 2),
              "warm_s": round(times[1], 2), "cold_cpu_s": cpus[0], "warm_cpu_s": cpus[1],
              "same_output": outputs[0] == outputs[1],
              "cold_target_met": times[0] <= 30, "warm_target_met": times[1] <= 2}
    print(f"README job: cold {times[0]:.1f} s, warm {times[1]:.2f} s (targets 30 s, 2 s)", flush=True)
    return result


def _define_space_section(repeats: int) -> dict:
    sys.path.insert(0, str(ROOT))
    from benchmarks.kernel_tuner_style import CASES

    rows = []
    for case in CASES:
        with tempfile.TemporaryDirectory() as cache:
            cold = _child(["--define-child", case.name, "--repeats", "0"], cache)
            warm = _child(["--define-child", case.name, "--repeats", str(repeats)], cache)
        with tempfile.TemporaryDirectory() as cache:
            floor = _child(["--floor", case.name], cache)
        row = {**cold, "cold_s": cold["first_s"], "cold_cpu_s": cold["cpu_s"], "warm_s": warm["first_s"],
               "warm_in_process_s": warm["in_process_median_s"], "nvrtc_floor_s": floor["nvrtc_s"],
               "floor_variants": floor["variants"], "cold_over_floor": round(cold["first_s"] / floor["nvrtc_s"], 2)}
        del row["first_s"], row["in_process_median_s"], row["cpu_s"]
        rows.append(row)
        print(f"{case.name:12s} {row['configurations']:3d} configs, {row['distinct_compiles']:3d} compiles: "
              f"cold {row['cold_s']:7.1f} s, warm {row['warm_s']:5.2f} s, NVRTC floor {row['nvrtc_floor_s']:6.1f} s "
              f"(cold/floor {row['cold_over_floor']:.2f})", flush=True)
    total = {key: round(sum(r[key] for r in rows), 2)
             for key in ("configurations", "cold_s", "cold_cpu_s", "warm_s", "nvrtc_floor_s")}
    total["cold_over_floor"] = round(total["cold_s"] / total["nvrtc_floor_s"], 2)
    total.update(cold_target_met=total["cold_s"] <= 150 and total["cold_over_floor"] <= 2,
                 warm_target_met=total["warm_s"] <= 5)
    print(f"{'all':12s} {total['configurations']:3d} configs: cold {total['cold_s']:.1f} s, "
          f"warm {total['warm_s']:.2f} s, NVRTC floor {total['nvrtc_floor_s']:.1f} s "
          f"(cold/floor {total['cold_over_floor']:.2f}; targets 150 s and 2x, 5 s)", flush=True)
    return {"kernels": rows, "total": total}


def loops_kernel(count: int) -> str:
    """A kernel of ``count`` sequential loops, each kept a loop (``#pragma unroll 1``)."""
    body = "\n".join(f"    #pragma unroll 1\n    for (int i = 0; i < n; i++) acc += a[(i * {k + 1} + t) % m] * {k + 1}.0f;"
                     for k in range(count))
    return (f'extern "C" __global__ void loops(float *out, const float *a, int n, int m)\n{{\n'
            f"    int t = blockIdx.x * blockDim.x + threadIdx.x;\n    float acc = 0.0f;\n{body}\n"
            f"    out[t] = acc;\n}}\n")


def _loops_case(count: int) -> dict:
    """Runs inside a fresh process with an empty cache: each stage of one many-loop kernel."""
    import numpy as np

    sys.path.insert(0, str(ROOT))
    from flipflop.analysis.kernel import analyze_kernel
    from flipflop.frontend import compile_to_ptx, parse_ptx, ptxas_resources

    source = loops_kernel(count)
    start = time.perf_counter()
    ptx = compile_to_ptx(source, kernel_name="loops").ptx
    resources = ptxas_resources(ptx)["loops"]
    compiled = time.perf_counter()
    module = parse_ptx(ptx)
    parsed = time.perf_counter()
    analysis = analyze_kernel(module, "loops")
    analysed = time.perf_counter()
    analysis.evaluate((256, 1, 1), (1024, 1, 1), [np.zeros(1 << 18, np.float32), np.zeros(1 << 20, np.float32),
                                                  np.int32(64), np.int32(1 << 20)], resources)
    evaluated = time.perf_counter()
    return {"loops": count, "ptx_lines": ptx.count("\n"), "compile_s": round(compiled - start, 2),
            "parse_s": round(parsed - compiled, 2), "analysis_s": round(analysed - parsed, 2),
            "evaluate_s": round(evaluated - analysed, 2)}


def _loops_section(counts: list[int]) -> list[dict]:
    rows = []
    for count in counts:
        with tempfile.TemporaryDirectory() as cache:
            row = _child(["--loops-child", str(count)], cache)
        rows.append(row)
        print(f"{count:5d} loops ({row['ptx_lines']:6d} PTX lines): compile {row['compile_s']:5.1f} s, "
              f"parse {row['parse_s']:4.1f} s, analysis {row['analysis_s']:5.1f} s, "
              f"evaluate {row['evaluate_s']:4.1f} s", flush=True)
    return rows


def render_table(result: dict) -> str:
    """The results as a plain-text table (what ``main`` prints), from the JSON it writes."""
    lines = [f"predict_speed, {result['date']}, {result['machine']}, {result['cpus']} CPUs, "
             f"load average {result.get('load_average_before')} before, {result.get('load_average_after')} after"]
    for row in result.get("results", []):
        lines.append(f"space {row['case']:28s} {row['configurations']:3d} shapes x {row['power_limits']:2d} limits, "
                     f"{row['distinct_compiles']:2d} compiles: cold {row['cold_s']:.2f} s, "
                     f"warm (in process) {1e3 * row['warm_median_s']:.1f} ms")
    if "readme_job" in result:
        job = result["readme_job"]
        cpu = f" (CPU {job['cold_cpu_s']:.1f} s and {job['warm_cpu_s']:.1f} s)" if "cold_cpu_s" in job else ""
        lines.append(f"README job ({job['command']}): cold {job['cold_s']:.1f} s, warm {job['warm_s']:.2f} s{cpu} "
                     f"(targets 30 s, 2 s)")
    if "define_space" in result:
        lines.append(f"{'define space':14s} {'configs':>7s} {'compiles':>8s} {'cold s':>7s} {'cold CPU s':>10s} "
                     f"{'warm s':>7s} {'NVRTC floor s':>13s} {'cold/floor':>10s}")
        for row in result["define_space"]["kernels"] + [{**result["define_space"]["total"], "case": "all",
                                                          "distinct_compiles": ""}]:
            lines.append(f"{row['case']:14s} {row['configurations']:7d} {row['distinct_compiles']!s:>8s} "
                         f"{row['cold_s']:7.1f} {row.get('cold_cpu_s', float('nan')):10.1f} {row['warm_s']:7.2f} "
                         f"{row['nvrtc_floor_s']:13.1f} "
                         f"{row['cold_over_floor']:10.2f}")
        lines.append("targets: all <= 150 s cold and <= 2x the floor, <= 5 s warm")
    for row in result.get("loops", []):
        lines.append(f"{row['loops']:5d} loops ({row['ptx_lines']:6d} PTX lines): compile {row['compile_s']:5.1f} s, "
                     f"parse {row['parse_s']:4.1f} s, analysis {row['analysis_s']:5.1f} s, "
                     f"evaluate {row['evaluate_s']:4.1f} s")
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sections", default=",".join(SECTIONS))
    parser.add_argument("--cases", default=",".join(DEFAULT_CASES))
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--loops", default=DEFAULT_LOOPS)
    parser.add_argument("--out", type=Path, default=RESULT_PATH)
    parser.add_argument("--render", type=Path, help="print the table of an earlier JSON and exit")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--define-child", help=argparse.SUPPRESS)
    parser.add_argument("--floor", help=argparse.SUPPRESS)
    parser.add_argument("--loops-child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.render:
        print(render_table(json.loads(args.render.read_text())), end="")
        return 0
    if args.child:
        print(json.dumps(_one_case(args.child, args.repeats)))
        return 0
    if args.define_child:
        print(json.dumps(_define_case(args.define_child, args.repeats)))
        return 0
    if args.floor:
        print(json.dumps(_nvrtc_floor(args.floor)))
        return 0
    if args.loops_child:
        print(json.dumps(_loops_case(args.loops_child)))
        return 0
    sections = args.sections.split(",")
    unknown = set(sections) - set(SECTIONS)
    if unknown:
        parser.error(f"unknown sections {', '.join(sorted(unknown))}; known: {', '.join(SECTIONS)}")
    out: dict = {
        "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "machine": platform.platform(), "cpus": os.cpu_count(), "python": platform.python_version(),
        "load_average_before": [round(x, 2) for x in os.getloadavg()],
        "command": "python -m benchmarks.predict_speed " + " ".join(sys.argv[1:])}
    if "space" in sections:
        out["results"] = _space_section(args.cases.split(","), args.repeats)
    if "readme" in sections:
        out["readme_job"] = _readme_section()
    if "define_space" in sections:
        out["define_space"] = _define_space_section(args.repeats)
    if "loops" in sections:
        out["loops"] = _loops_section([int(n) for n in args.loops.split(",")])
    out["load_average_after"] = [round(x, 2) for x in os.getloadavg()]
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(out, indent=1) + "\n")
    args.out.with_suffix(".txt").write_text(render_table(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
