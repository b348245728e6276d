"""Our energy-counter protocol against Kernel Tuner's NVMLObserver, on the same configurations.

    python benchmarks/ground_truth/kt_compare.py --out OUT.json
        [--cases vector_add@10000000,transpose_tiled@3000x5000,convolution@1000x1000]
        [--budget-s 100] [--passes 2] [--window-s 0.6] [--kt-duration-s 1.0] [--max-configs N]
        [--full-brute-force CASES] [--dry-run]

For each case an evenly spaced subset of its block shapes (as many as the budget allows) is
measured `--passes` times by (a) flipflop.measure.launcher.measure_configs (NVML total-energy
counter between update edges in a busy window × median CUDA-event time) and (b) Kernel Tuner's
brute force with NVMLObserver (median instantaneous NVML power × mean event time), the two
alternating in order from pass to pass. One JSON holds, per configuration, both protocols'
time, power and energy in every pass; per case, Spearman ρ between the protocols (energy, power,
time), each protocol's own pass-to-pass repeatability (its noise), and the wall time and GPU
energy (NVML counter) each protocol spent. `--full-brute-force` also runs Kernel Tuner's brute
force over a case's whole space, timing it and metering its GPU energy (issue 6, RQ3). The GPU's
settings are never changed. Nothing runs past `--budget-s`: steps that would not fit are skipped
and recorded as skipped.
"""

from __future__ import annotations

import argparse
import json
import math
import statistics
import sys
import time
import warnings
from pathlib import Path
from typing import Any, TextIO

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from benchmarks.ground_truth.collect import OVERHEAD_PER_CONFIG_S, launch_configs  # noqa: E402
from benchmarks.kernels.suite import Case, case_by_name  # noqa: E402
from flipflop.errors import MeasurementError  # noqa: E402
from flipflop.measure.kernel_tuner_bridge import only_configurations  # noqa: E402

DEFAULT_CASES = "vector_add@10000000,transpose_tiled@3000x5000,convolution@1000x1000"
# Seconds Kernel Tuner spends per configuration besides its power window: NVRTC compile (serial),
# `iterations` synchronised launches, and its bookkeeping.
KT_OVERHEAD_PER_CONFIG_S = 0.4
# Seconds per case outside the per-configuration loops: copying arguments, our parallel compiles,
# Kernel Tuner's backend start-up and its warm-up configuration.
SETUP_PER_CASE_S = 4.0
# Seconds for the run's metadata (idle power window) and importing Kernel Tuner (it imports torch).
SETUP_RUN_S = 12.0
PROTOCOLS = ("flipflop", "kernel_tuner")
FIGURES = ("measured_time", "measured_power", "measured_energy")


def create_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", default=DEFAULT_CASES, help="comma-separated suite case names")
    parser.add_argument("--out", type=Path, default=Path("kt_compare.json"), help="output JSON")
    parser.add_argument("--budget-s", type=float, default=100.0, help="seconds for the whole run")
    parser.add_argument("--passes", type=int, default=2, help="measurements of each configuration per protocol")
    parser.add_argument("--window-s", type=float, default=0.6, help="our power window per configuration")
    parser.add_argument("--kt-duration-s", type=float, default=1.0,
                        help="Kernel Tuner's continuous power-sampling duration per configuration")
    parser.add_argument("--iterations", type=int, default=7, help="Kernel Tuner's timed launches per configuration")
    parser.add_argument("--max-configs", type=int, default=None, help="at most this many configurations per case")
    parser.add_argument("--full-brute-force", default="",
                        help="comma-separated cases to also tune over their whole space with Kernel Tuner")
    parser.add_argument("--dry-run", action="store_true", help="list the plan; measure nothing")
    return parser


def ours_cost_s(configs: int, window_s: float) -> float:
    return configs * (window_s + OVERHEAD_PER_CONFIG_S)


def kt_cost_s(configs: int, duration_s: float) -> float:
    return configs * (duration_s + KT_OVERHEAD_PER_CONFIG_S)


def evenly_spaced(items: list, count: int) -> list:
    """`count` items spread evenly over `items`, first and last included, order kept."""
    if count >= len(items):
        return list(items)
    if count == 1:
        return [items[len(items) // 2]]
    return [items[round(i * (len(items) - 1) / (count - 1))] for i in range(count)]


def plan(cases: list[Case], full: list[Case], args: argparse.Namespace) -> list[dict]:
    """How many configurations of each case fit the budget (full brute-force runs paid first)."""
    budget_s = args.budget_s - SETUP_RUN_S - sum(kt_cost_s(len(launch_configs(c)), args.kt_duration_s)
                                                  + SETUP_PER_CASE_S for c in full)
    share_s = budget_s / max(len(cases), 1) - SETUP_PER_CASE_S
    per_config_s = args.passes * ((args.window_s + OVERHEAD_PER_CONFIG_S) + (args.kt_duration_s + KT_OVERHEAD_PER_CONFIG_S))
    plans = []
    for case in cases:
        configs = launch_configs(case)
        count = max(0, min(len(configs), int(share_s / per_config_s), args.max_configs or len(configs)))
        chosen = evenly_spaced(configs, count) if count else []
        plans.append({"case": case, "configs": chosen, "total": len(configs),
                      "estimate_s": SETUP_PER_CASE_S + count * per_config_s})
    return plans


def dry_run(plans: list[dict], full: list[Case], args: argparse.Namespace, out: TextIO) -> None:
    try:
        import kernel_tuner
        kt_status = f"Kernel Tuner {kernel_tuner.__version__}"
    except ImportError:
        kt_status = "Kernel Tuner NOT installed"
    print(f"{kt_status}; budget {args.budget_s:.0f} s, {args.passes} passes per protocol", file=out)
    for item in plans:
        case, configs = item["case"], item["configs"]
        shapes = " ".join("x".join(str(v) for v in c["block"][:len(case.tune_params)]) for c in configs)
        print(f"{case.name}: {len(configs)}/{item['total']} configs, ~{item['estimate_s']:.0f} s; shapes {shapes}",
              file=out)
        if configs:
            print(f"  Kernel Tuner restriction: {only_configurations(list(case.tune_params), configs)[:160]}", file=out)
    for case in full:
        print(f"{case.name}: full Kernel Tuner brute force over {len(launch_configs(case))} configs, "
              f"~{kt_cost_s(len(launch_configs(case)), args.kt_duration_s) + SETUP_PER_CASE_S:.0f} s", file=out)
    total = SETUP_RUN_S + sum(p["estimate_s"] for p in plans) + sum(
        kt_cost_s(len(launch_configs(c)), args.kt_duration_s) + SETUP_PER_CASE_S for c in full)
    print(f"total: ~{total:.0f} s of {args.budget_s:.0f} s", file=out)


class Meter:
    """Wall clock and NVML total-energy counter around a block of work."""

    def __init__(self, monitor: Any):
        self.monitor = monitor

    def __call__(self, work):
        energy_before_mj = self.monitor.total_energy_mj()
        start_s = time.perf_counter()
        result = work()
        wall_s = time.perf_counter() - start_s
        energy_j = (self.monitor.total_energy_mj() - energy_before_mj) / 1000
        return result, {"wall_s": round(wall_s, 3), "gpu_energy_j": round(energy_j, 3)}


def _params_key(case: Case, row: dict) -> tuple:
    return tuple(row[name] for name in case.tune_params)


def _run_ours(case: Case, configs: list[dict], args, monitor, meter: Meter, budget_s: float):
    from flipflop.measure.launcher import measure_configs

    rows, cost = meter(lambda: measure_configs(case.kernel_name, case.source, case.arguments(), configs,
                                               monitor=monitor, window_s=args.window_s, budget_s=budget_s))
    return {_params_key(case, r): r for r in rows}, cost


def _run_kt(case: Case, configs: list[dict] | None, args, monitor, meter: Meter):
    """Kernel Tuner's brute force over `configs` (None: the whole space)."""
    from flipflop.measure.kernel_tuner_bridge import measure_with_kernel_tuner

    restrictions = list(case.restrictions)
    if configs is not None:
        restrictions.append(only_configurations(list(case.tune_params), configs))
    rows, cost = meter(lambda: measure_with_kernel_tuner(
        case.kernel_name, case.source, case.problem_size, case.arguments(), case.tune_params,
        restrictions=restrictions or None, grid_div_x=case.grid_div_x, grid_div_y=case.grid_div_y,
        iterations=args.iterations, continuous_duration_s=args.kt_duration_s, monitor=monitor))
    cost.update({"kt_wall_time_s": round(rows.metadata["wall_time_s"], 3), "configurations": len(rows),
                 **{k: rows.metadata[k] for k in ("total_compile_time", "total_benchmark_time",
                                                  "total_framework_time") if k in rows.metadata}})
    return {_params_key(case, r): r for r in rows}, cost, rows.metadata


def _figures(row: dict | None) -> dict:
    if row is None:
        return {"status": "absent from this protocol's results"}
    out = {k: row[k] for k in FIGURES if k in row}
    out["status"] = row.get("status")
    for key in ("sm_clock_mhz", "temperature_c", "energy_edges"):
        if key in row:
            out[key] = row[key]
    return out


def _spearman(a: list[float], b: list[float]) -> float | None:
    if len(a) < 3:
        return None
    from scipy.stats import spearmanr

    with warnings.catch_warnings():  # a constant series has no rank correlation: reported as None
        warnings.simplefilter("ignore")
        rho = spearmanr(a, b).statistic
    return None if math.isnan(rho) else round(float(rho), 4)


def _median_rel_diff(a: list[float], b: list[float]) -> float | None:
    if not a:
        return None
    return round(statistics.median(abs(x - y) / ((x + y) / 2) for x, y in zip(a, b)), 4)


def compare(configurations: list[dict], passes: int) -> dict:
    """Agreement between the protocols and each protocol's pass-to-pass noise, over the
    configurations measured "ok" by both protocols in every pass."""
    def ok(entry: dict, protocol: str) -> bool:
        return all(p.get("status") == "ok" and "measured_energy" in p for p in entry[protocol])

    paired = [c for c in configurations if all(ok(c, p) for p in PROTOCOLS) and
              all(len(c[p]) == passes for p in PROTOCOLS)]

    def series(protocol: str, figure: str, pass_index: int | None = None, among: list | None = None) -> list[float]:
        among = paired if among is None else among
        if pass_index is not None:
            return [c[protocol][pass_index][figure] for c in among]
        return [statistics.mean(p[figure] for p in c[protocol]) for c in among]

    result: dict[str, Any] = {"configurations_compared": len(paired)}
    agreement = {}
    for figure in FIGURES:
        ours, kt = series("flipflop", figure), series("kernel_tuner", figure)
        name = figure.removeprefix("measured_")
        agreement[f"spearman_{name}"] = _spearman(ours, kt)
        agreement[f"median_ratio_kt_over_ours_{name}"] = (
            round(statistics.median(k / o for k, o in zip(kt, ours)), 4) if paired else None)
        agreement[f"median_abs_rel_diff_{name}"] = _median_rel_diff(ours, kt)
    if paired:
        ours_e, kt_e = series("flipflop", "measured_energy"), series("kernel_tuner", "measured_energy")
        best_ours, best_kt = ours_e.index(min(ours_e)), kt_e.index(min(kt_e))
        agreement["same_energy_optimum"] = best_ours == best_kt
        # The energy our protocol measures for Kernel Tuner's pick, over our best (and vice versa).
        agreement["regret_of_kt_pick_by_ours"] = round(ours_e[best_kt] / ours_e[best_ours], 4)
        agreement["regret_of_our_pick_by_kt"] = round(kt_e[best_ours] / kt_e[best_kt], 4)
    result["agreement"] = agreement
    repeatability = {}
    for protocol in PROTOCOLS:
        # Each protocol's own noise, over every configuration it measured "ok" in both passes.
        own = [c for c in configurations if len(c[protocol]) >= 2 and ok(c, protocol)]
        noise: dict[str, Any] = {"configurations": len(own)}
        if passes >= 2:
            for figure in FIGURES:
                first, second = series(protocol, figure, 0, own), series(protocol, figure, 1, own)
                name = figure.removeprefix("measured_")
                noise[f"spearman_{name}_pass0_vs_pass1"] = _spearman(first, second)
                noise[f"median_abs_rel_diff_{name}"] = _median_rel_diff(first, second)
        repeatability[protocol] = noise
    result["repeatability"] = repeatability
    return result


def measure_case(item: dict, args, monitor, deadline_s: float, result: dict, save) -> None:
    case, configs = item["case"], item["configs"]
    meter = Meter(monitor)
    by_key = {_params_key(case, c): {"params": {n: c[n] for n in case.tune_params}, "block": list(c["block"]),
                                     "grid": list(c["grid"]), "flipflop": [], "kernel_tuner": []}
              for c in configs}
    runs: dict[str, list] = {p: [] for p in PROTOCOLS}
    skipped: list[str] = []
    configurations = list(by_key.values())
    result.update({
        "case": case.name, "kernel_name": case.kernel_name, "problem_size": list(case.problem_size),
        "configurations_in_space": item["total"], "configurations_measured": len(configs),
        "runs": runs, "skipped": skipped, "kernel_tuner_metadata": None, "configurations": configurations,
    })
    for pass_index in range(args.passes):
        order = PROTOCOLS if pass_index % 2 == 0 else PROTOCOLS[::-1]
        for protocol in order:
            remaining_s = deadline_s - time.perf_counter()
            if protocol == "flipflop":
                if remaining_s < ours_cost_s(1, args.window_s):
                    skipped.append(f"flipflop pass {pass_index}: budget spent")
                    continue
                rows, cost = _run_ours(case, configs, args, monitor, meter, budget_s=remaining_s)
            else:
                if remaining_s < kt_cost_s(len(configs), args.kt_duration_s) + SETUP_PER_CASE_S:
                    skipped.append(f"kernel_tuner pass {pass_index}: would not fit the remaining "
                                   f"{remaining_s:.0f} s")
                    continue
                try:
                    rows, cost, result["kernel_tuner_metadata"] = _run_kt(case, configs, args, monitor, meter)
                except MeasurementError as error:  # recorded; our protocol's passes still run
                    skipped.append(f"kernel_tuner pass {pass_index}: {error}")
                    print(f"{case.name} pass {pass_index} kernel_tuner: {error}", flush=True)
                    continue
            runs[protocol].append({"pass": pass_index, **cost})
            for key, entry in by_key.items():
                entry[protocol].append({"pass": pass_index, **_figures(rows.get(key))})
            print(f"{case.name} pass {pass_index} {protocol}: {len(configs)} configs, {cost}", flush=True)
            save()  # a run cut short keeps every finished pass
    result.update(compare(configurations, args.passes))
    result["configurations"] = result.pop("configurations")  # keep the long list last in the file


def full_brute_force(case: Case, args, monitor, deadline_s: float) -> dict:
    """Kernel Tuner over the case's whole space: wall time and GPU energy of the tuning run."""
    total = len(launch_configs(case))
    estimate_s = kt_cost_s(total, args.kt_duration_s) + SETUP_PER_CASE_S
    if deadline_s - time.perf_counter() < estimate_s:
        return {"case": case.name, "skipped": f"needs ~{estimate_s:.0f} s, budget left "
                                              f"{deadline_s - time.perf_counter():.0f} s"}
    try:
        rows, cost, metadata = _run_kt(case, None, args, monitor, Meter(monitor))
    except MeasurementError as error:
        return {"case": case.name, "skipped": str(error)}
    ok = [r for r in rows.values() if r.get("status") == "ok"]
    best = min(ok, key=lambda r: r["measured_energy"]) if ok else None
    return {"case": case.name, "configurations_in_space": total, **cost,
            "configurations_ok": len(ok), "kernel_tuner_metadata": metadata,
            "energy_optimum": {n: best[n] for n in case.tune_params} if best else None,
            "rows": [{k: v for k, v in r.items() if k != "times_ms"} for r in rows.values()]}


def kt_cost_extrapolated(case_results: list[dict]) -> list[dict]:
    """Kernel Tuner's per-configuration wall time and GPU energy from the subset runs, scaled to
    each case's whole space (labelled extrapolated: brute force cost is linear in configurations)."""
    out = []
    for result in case_results:
        runs = result["runs"]["kernel_tuner"]
        measured = result["configurations_measured"]
        if not runs or not measured:
            continue
        wall_per_config = statistics.mean(r["wall_s"] for r in runs) / measured
        energy_per_config = statistics.mean(r["gpu_energy_j"] for r in runs) / measured
        out.append({"case": result["case"], "configurations_in_space": result["configurations_in_space"],
                    "wall_s_per_config": round(wall_per_config, 3),
                    "gpu_energy_j_per_config": round(energy_per_config, 2),
                    "extrapolated_full_wall_s": round(wall_per_config * result["configurations_in_space"], 1),
                    "extrapolated_full_gpu_energy_j": round(energy_per_config * result["configurations_in_space"], 1)})
    return out


def run(args: argparse.Namespace, argv: list[str], out: TextIO) -> int:
    cases = [case_by_name(name.strip()) for name in args.cases.split(",") if name.strip()]
    full = [case_by_name(name.strip()) for name in args.full_brute_force.split(",") if name.strip()]
    plans = plan(cases, full, args)
    if args.dry_run:
        dry_run(plans, full, args, out)
        return 0
    start_s = time.perf_counter()
    deadline_s = start_s + args.budget_s

    import kernel_tuner

    from benchmarks.ground_truth.collect import run_metadata
    from flipflop.measure.nvml import NvmlMonitor

    monitor = NvmlMonitor()
    report: dict[str, Any] = {
        "metadata": {**run_metadata(argv), "kernel_tuner_version": kernel_tuner.__version__,
                     "budget_s": args.budget_s, "passes": args.passes, "window_s": args.window_s,
                     "kt_continuous_duration_s": args.kt_duration_s, "kt_iterations": args.iterations},
        "protocols": {
            "flipflop": "NVML total-energy counter: ΔE/Δt between the first and last update edge inside a "
                        f"≥{args.window_s} s back-to-back busy window; energy = that power × median CUDA-event "
                        "time per launch (flipflop.measure.energy + launcher)",
            "kernel_tuner": "Kernel Tuner NVMLObserver: median of NVML instantaneous power samples (field "
                            "NVML_FI_DEV_POWER_INSTANT) polled after ceil(duration/time) launches are enqueued; "
                            f"energy = that power × mean of {args.iterations} synchronised CUDA-event launch times",
        },
        "cases": [], "full_brute_force": [],
    }

    def save() -> None:
        report["wall_s"] = round(time.perf_counter() - start_s, 2)
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(report, indent=1, default=str))

    for case in full:
        report["full_brute_force"].append(full_brute_force(case, args, monitor, deadline_s))
        save()
    for item in plans:
        if item["configs"]:
            report["cases"].append({})
            measure_case(item, args, monitor, deadline_s, report["cases"][-1], save)
            save()
    report["kernel_tuner_cost_extrapolated"] = kt_cost_extrapolated(report["cases"])
    save()
    for result in report["cases"]:
        print(f"{result['case']}: {result['configurations_compared']} compared; agreement "
              f"{result['agreement']}; repeatability {result['repeatability']}", file=out)
    print(f"wrote {args.out} after {report['wall_s']} s", file=out)
    return 0


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv if argv is None else argv
    args = create_parser().parse_args(argv[1:])
    try:
        return run(args, argv, sys.stdout)
    except KeyError as error:
        print(error.args[0], file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
