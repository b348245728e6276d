"""``flipflop`` command line: parses, calls the public API, formats. No logic of its own.

``create_parser()`` and ``run(args, out)`` let tests drive it without a subprocess;
``main()`` turns an expected failure into ``error: <one line>`` on stderr and exit code 2.
"""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any, TextIO

from flipflop.errors import ConfigurationError, FlipflopError
from flipflop.measure.calibrate import create_parser as calibrate_parser

EXIT_ERROR = 2
PLOT_SUFFIXES = (".png", ".html")


def _add_output_flags(p: argparse.ArgumentParser, plot: bool = True) -> None:
    p.add_argument("--json", metavar="FILE", help="write the results as JSON (- for stdout, no table)")
    p.add_argument("--csv", metavar="FILE", help="write the results as CSV")
    if plot:
        p.add_argument("--plot", metavar="FILE", help="FILE.png (scatter + heat-map) or FILE.html (self-contained page)")


def _add_spec_flags(p: argparse.ArgumentParser) -> None:
    p.add_argument("spec", nargs="?", help="tuning spec (TOML): kernel, problem size, arguments, tune_params, ...; "
                                            "or give them with the flags below (which also override a spec)")
    p.add_argument("--kernel", help="kernel name")
    p.add_argument("--source", help=".cu or .ptx file")
    p.add_argument("--problem-size", help="problem size x[,y[,z]]")
    p.add_argument("--tune", action="append", default=[], metavar="NAME=V1,V2,...", help="a tune parameter (repeatable)")
    p.add_argument("--args", help="arguments in order: dtype[size] for an array, dtype=value for a scalar")
    p.add_argument("--restriction", action="append", default=[], metavar="EXPR", help="a restriction (repeatable)")
    for axis in "xyz":
        p.add_argument(f"--grid-div-{axis}", metavar="EXPR[,EXPR]", help=f"grid divisor(s) for {axis}")
    p.add_argument("--gpu", help="bundled profile name or profile JSON path (overrides the spec)")
    p.add_argument("--power-limits", metavar="W", help='"all" or comma-separated watts, e.g. 300,500,700')
    p.add_argument("--active-sms", metavar="N", help='SM counts to confine the kernel to (CUDA green contexts): '
                                                     'comma-separated counts and "all", e.g. 16,32,64,all; '
                                                     '"all" alone; or "sweep" for every partition size')
    p.add_argument("--grid-intensity", type=float, default=None, metavar="G",
                   help="grid carbon intensity for the measurement-avoided figure (gCO2e/kWh, default 400)")


def create_parser() -> argparse.ArgumentParser:
    """The argument parser of every subcommand."""
    parser = argparse.ArgumentParser(prog="flipflop", description=(
        "Predict a CUDA kernel's time, power and energy for every block shape and power limit, "
        "from its PTX, without running it."))
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("predict", help="predict every configuration × power limit of a spec")
    _add_spec_flags(p)
    _add_output_flags(p)
    p.add_argument("--rows", type=int, default=25, help="table rows besides the Pareto set (default 25)")

    p = sub.add_parser("recommend", help="energy-/time-optimal and balanced picks, baselines and savings")
    _add_spec_flags(p)
    _add_output_flags(p)

    p = sub.add_parser("features", help="the static analysis of one kernel for one block shape")
    p.add_argument("kernel", help="kernel name")
    p.add_argument("source", help=".cu or .ptx file")
    p.add_argument("--block", default="256,1,1", help="block shape x,y,z (default 256,1,1)")
    p.add_argument("--problem-size", help="problem size x[,y[,z]] (grid = ceil(size / block))")
    p.add_argument("--args", help="the kernel's arguments in order: dtype[size] for an array, dtype=value for a "
                                  "scalar, e.g. 'float32[1048576],float32[1048576],int32=1048576'")
    p.add_argument("--spec", help="take the kernel's arguments from this spec instead")
    p.add_argument("--define", action="append", default=[], metavar="NAME=VALUE",
                   help="extra #define (repeatable); block_size_x/y/z and grid_size_x/y/z are defined "
                        "Kernel Tuner style")
    p.add_argument("--arch", default="sm_90", help="target architecture (default sm_90)")
    p.add_argument("--json", action="store_true", help="print the features dict as JSON")

    p = sub.add_parser("gpus", help="list the bundled GPU profiles")
    p.add_argument("--json", action="store_true", help="print as JSON")

    # One list of calibration options: the calibration module's own parser.
    sub.add_parser("calibrate", help="measure this GPU and write a profile (needs a GPU)",
                   parents=[calibrate_parser(add_help=False)])

    for name, help_text in (("measure", "measure the spec's configurations on this GPU (CuPy + NVML)"),
                            ("validate", "measure and compare with the predictions")):
        p = sub.add_parser(name, help=help_text)
        _add_spec_flags(p)
        _add_output_flags(p, plot=name == "validate")
        p.add_argument("--top-k", type=int, default=None, help="only the k configurations with least predicted energy")
        p.add_argument("--backend", choices=("flipflop", "kernel_tuner"), default="flipflop",
                       help="flipflop: CuPy launches and the NVML energy-counter protocol (default); "
                            "kernel_tuner: kernel_tuner.tune_kernel with its NVML observer")
        if name == "measure":
            p.add_argument("--kt-cache", metavar="FILE", help="also write the run as a Kernel Tuner cache file")
        if name == "validate":
            p.add_argument("--k", type=int, default=5, help="k of the top-k overlap metric (default 5)")
    return parser


def _power_limits(text: str | None) -> Any:
    if text is None:
        return None
    if text.strip().lower() == "all":
        return "all"
    try:
        return [float(w) for w in text.split(",") if w.strip()]
    except ValueError:
        raise ConfigurationError(f"--power-limits {text!r}: use 'all' or comma-separated watts") from None


def _active_sms(text: str | None) -> Any:
    """--active-sms: "all" or "sweep" as such, else a list of counts and "all" (checked against
    the GPU's partition granularity by the API)."""
    if text is None:
        return None
    if text.strip().lower() in ("all", "sweep"):
        return text.strip().lower()
    values: list[Any] = []
    for item in (t.strip().lower() for t in text.split(",") if t.strip()):
        if item == "all":
            values.append(item)
            continue
        try:
            values.append(int(item))
        except ValueError:
            raise ConfigurationError(f"--active-sms {text!r}: use comma-separated SM counts and 'all', "
                                     "'all' or 'sweep'") from None
    if not values:
        raise ConfigurationError(f"--active-sms {text!r}: use comma-separated SM counts and 'all', 'all' or 'sweep'")
    return values


def _ints(text: str, what: str) -> tuple[int, ...]:
    """'4096,4096' → (4096, 4096): 1 to 3 positive integers."""
    try:
        values = tuple(int(v) for v in text.split(",") if v.strip())
    except ValueError:
        raise ConfigurationError(f"{what} {text!r}: use 1 to 3 comma-separated positive integers") from None
    if not 1 <= len(values) <= 3 or min(values) < 1:
        raise ConfigurationError(f"{what} {text!r}: use 1 to 3 comma-separated positive integers")
    return values


def check_output(path: str | None, flag: str, suffixes: tuple[str, ...] = ()) -> None:
    """Refuse an output path that cannot be written, before any work is done for it."""
    if path is None or path == "-":
        return
    target = Path(path)
    if target.is_dir():
        raise ConfigurationError(f"{flag} {path} is a directory; give a file path")
    if suffixes and target.suffix.lower() not in suffixes:
        raise ConfigurationError(f"{flag} {path}: use a file ending in {' or '.join(suffixes)}")
    parent = target.parent
    if not parent.is_dir():
        raise ConfigurationError(f"{flag} {path}: directory {parent} does not exist")
    if not os.access(parent, os.W_OK | os.X_OK) or (target.exists() and not os.access(target, os.W_OK)):
        raise ConfigurationError(f"{flag} {path}: not writable")


def _check_outputs(args: argparse.Namespace) -> None:
    """Every output flag of a command, checked before it predicts or measures."""
    check_output(getattr(args, "json", None), "--json")
    check_output(getattr(args, "csv", None), "--csv")
    check_output(getattr(args, "plot", None), "--plot", PLOT_SUFFIXES)
    check_output(getattr(args, "kt_cache", None), "--kt-cache")
    intensity = getattr(args, "grid_intensity", None)
    if intensity is not None and not 0 <= intensity < float("inf"):
        raise ConfigurationError(f"--grid-intensity {intensity:g}: give gCO2e per kWh, a number >= 0")
    for flag in ("top_k", "k"):
        value = getattr(args, flag, None)
        if value is not None and value < 1:
            raise ConfigurationError(f"--{flag.replace('_', '-')} {value}: give a positive integer")


def _console(out: TextIO) -> Any:
    from rich.console import Console
    return Console(file=out, width=160, soft_wrap=False, highlight=False)


def _write_outputs(args: argparse.Namespace, rows: list[dict], data: Any, console: Any, title: str,
                   summary_html: str = "") -> None:
    from flipflop.report.writers import to_csv, to_json, write_text

    from flipflop.api import UNITS

    if args.json:
        write_text(to_json({**data, "units": UNITS} if isinstance(data, dict) else data), args.json)
    if args.csv:
        write_text(to_csv(rows, UNITS), args.csv)
    if getattr(args, "plot", None):
        from flipflop.report.plots import write_plot
        for path in write_plot(rows, args.plot, title=title, summary_html=summary_html):
            console.print(f"wrote {path}")


def _spec_call(args: argparse.Namespace) -> tuple[Any, Any, str, Any, Any]:
    """The spec (file and flags), its TuningProblem, and the GPU, power limits and SM counts to use."""
    from flipflop.search.spec import load_spec, parse_argument_list, parse_tune_param, spec_from_flags
    divisors = tuple(getattr(args, f"grid_div_{axis}") for axis in "xyz")
    spec = spec_from_flags(
        load_spec(args.spec) if args.spec else None, kernel_name=args.kernel, kernel_source=args.source,
        problem_size=_ints(args.problem_size, "--problem-size") if args.problem_size else None,
        tune_params=dict(parse_tune_param(t) for t in args.tune),
        arguments=parse_argument_list(args.args) if args.args else None, restrictions=args.restriction,
        grid_div=tuple(d.split(",") if d is not None else None for d in divisors))
    gpu, power_limits = spec.target(args.gpu, _power_limits(args.power_limits))
    return spec, spec.problem(), gpu, power_limits, spec.sm_counts(_active_sms(args.active_sms))


def _avoided(rows: list[dict], gpu: str, intensity: float | None) -> Any:
    from flipflop.hardware.registry import resolve_profile
    from flipflop.report.savings import DEFAULT_GRID_INTENSITY_G_PER_KWH, measurement_avoided
    return measurement_avoided([r["time"] for r in rows], [r["power"] for r in rows],
                               resolve_profile(gpu).idle_power_w,
                               DEFAULT_GRID_INTENSITY_G_PER_KWH if intensity is None else intensity)


def _print_estimates(console: Any, metadata: dict) -> None:
    """What the static analysis had to estimate, so the numbers are read with that in mind."""
    for note in metadata.get("analysis_notes", []):
        console.print(f"[yellow]estimated:[/] {note}")


def _predict(args: argparse.Namespace, out: TextIO) -> int:
    from flipflop import api
    from flipflop.report.plots import pareto_html
    from flipflop.report.tables import avoided_text, dropped_summary, predictions_table

    _check_outputs(args)
    spec, problem, gpu, power_limits, active_sms = _spec_call(args)
    rows = api.predict_problem(problem, gpu=gpu, power_limits=power_limits, active_sms=active_sms)
    avoided = _avoided(rows, gpu, args.grid_intensity)
    console = _console(out)
    title = f"{spec.kernel_name} on {rows.metadata['gpu']}"
    if args.json != "-":
        console.print(predictions_table(rows, list(spec.tune_params), args.rows))
        console.print(f"{dropped_summary(rows.dropped)}; profile {rows.metadata['gpu']} "
                      f"({rows.metadata['profile_status']}); predicted in {rows.metadata['seconds']:.2f} s")
        _print_estimates(console, rows.metadata)
        console.print(avoided_text(avoided))
    data = {"results": list(rows), "dropped": [{"params": p, "reason": r} for p, r in rows.dropped],
            "metadata": rows.metadata, "measurement_avoided": avoided.as_dict()}
    _write_outputs(args, rows, data, console, title, pareto_html(rows, list(spec.tune_params)))
    return 0


def _recommend(args: argparse.Namespace, out: TextIO) -> int:
    from flipflop import api
    from flipflop.report.plots import pareto_html, recommendation_html
    from flipflop.report.tables import avoided_text, recommendation_panels, savings_table

    _check_outputs(args)
    spec, problem, gpu, power_limits, active_sms = _spec_call(args)
    if power_limits is None:  # block shape and power limit are tuned together
        power_limits = "all"
    rec = api.recommend_problem(problem, gpu=gpu, power_limits=power_limits, active_sms=active_sms)
    # compiles and analyses: cached
    rows = api.predict_problem(problem, gpu=gpu, power_limits=power_limits, active_sms=active_sms)
    avoided = _avoided(rows, gpu, args.grid_intensity)
    data = rec.to_dict()
    data["measurement_avoided"] = avoided.as_dict()
    console = _console(out)
    if args.json != "-":
        meta = rec.metadata
        console.print(f"[bold]{spec.kernel_name}[/] on {meta['gpu_name']} (profile {meta['gpu']}, "
                      f"{meta['profile_status']}): {rec.configurations} configurations × limits evaluated, "
                      f"{rec.dropped} dropped, Pareto set of {len(rec.pareto)} "
                      f"({100 * rec.search_space_reduction:.1f}% of the space need not be measured)")
        for panel in recommendation_panels(data):
            console.print(panel)
        console.print(savings_table(data))
        _print_estimates(console, meta)
        console.print(avoided_text(avoided))
    _write_outputs(args, rows, data, console, f"{spec.kernel_name} on {rec.gpu}",
                   recommendation_html(data) + pareto_html(rows, list(spec.tune_params)))
    return 0


def _features(args: argparse.Namespace, out: TextIO) -> int:
    from flipflop.conventions import DEFAULT_BLOCK_SIZE_NAMES, grid_size
    from flipflop.features import features, launch_problem
    from flipflop.report.writers import to_json
    from flipflop.search.space import kernel_tuner_defines

    block = (_ints(args.block, "--block") + (1, 1))[:3]
    launch_problem(block, f"--block {args.block}")
    if args.spec:
        from flipflop.search.spec import load_spec
        arguments = list(load_spec(args.spec).arguments)
    elif args.args:
        from flipflop.search.spec import parse_argument_list
        arguments = list(parse_argument_list(args.args))
    else:
        raise ConfigurationError("features needs the kernel's arguments: --args 'float32[N],...,int32=N' "
                                 "or --spec SPEC.toml")
    problem_size = _ints(args.problem_size, "--problem-size") if args.problem_size else None
    size = (tuple(problem_size) + (1, 1))[:3] if problem_size else block
    grid = grid_size(size, dict(zip(DEFAULT_BLOCK_SIZE_NAMES, block)))
    defines = dict(kernel_tuner_defines({}, block, grid))
    for item in args.define:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise ConfigurationError(f"--define {item!r}: use NAME=VALUE")
        defines[name.strip()] = value.strip()
    facts = features(args.kernel, args.source, arguments, block=block, problem_size=problem_size,
                     arch=args.arch, defines=defines)
    if args.json:
        out.write(to_json(facts) + "\n")
        return 0
    from rich.table import Table
    console = _console(out)
    console.print(f"[bold]{facts['kernel']}[/] ({facts['arch']}): {facts['registers']} registers, "
                  f"{facts['shared_bytes']} B shared, {facts['local_bytes']} B local per thread")
    table = Table(title="dynamic PTX instructions", header_style="bold")
    table.add_column("class")
    table.add_column("per thread", justify="right")
    table.add_column("per warp", justify="right")
    for cls, count in facts["instructions"].items():
        if count or facts["warp_instructions"][cls]:
            table.add_row(cls, f"{count:.4g}", f"{facts['warp_instructions'][cls]:.4g}")
    console.print(table)
    if facts["warp_sass_instructions"] is not None:
        console.print(f"SASS instructions a warp issues: {facts['warp_sass_instructions']:.4g}")
    table = Table(title="memory accesses", header_style="bold")
    for name in ("space", "op", "bytes", "affine", "stride x/y/z (B)", "loop depth", "sectors/request",
                 "bank conflicts"):
        table.add_column(name)
    for a in facts["accesses"]:
        stride = a.get("stride_bytes") or {}
        table.add_row(a["space"], a["op"], str(a["bytes"]), str(a["affine"]),
                      "/".join(str(stride.get(k)) for k in "xyz"), str(a["loop_depth"]),
                      str(a.get("sectors_per_request")), str(a.get("bank_conflict_degree")))
    console.print(table)
    return 0


def _gpus(args: argparse.Namespace, out: TextIO) -> int:
    from flipflop.hardware.registry import list_profiles
    from flipflop.report.tables import gpus_table
    from flipflop.report.writers import to_json

    summaries = list_profiles()
    if args.json:
        out.write(to_json([s.__dict__ for s in summaries]) + "\n")
    else:
        _console(out).print(gpus_table(summaries))
    return 0


def _calibrate(args: argparse.Namespace, out: TextIO) -> int:
    from flipflop.measure import calibrate
    args.argv = sys.argv[2:]
    return EXIT_ERROR if calibrate.run(args) else 0  # it has printed its one-line error


def _measure(args: argparse.Namespace, out: TextIO) -> int:
    from flipflop import api
    from flipflop.report.tables import predictions_table

    _check_outputs(args)
    spec, problem, gpu, _, active_sms = _spec_call(args)
    rows = api.measure_problem(problem, gpu=gpu, top_k=args.top_k, backend=args.backend, active_sms=active_sms)
    console = _console(out)
    if args.json != "-":
        console.print(predictions_table(rows, list(spec.tune_params), None))
    if args.kt_cache:
        from flipflop.measure.kernel_tuner_bridge import write_kernel_tuner_cache
        path = write_kernel_tuner_cache(args.kt_cache, spec.kernel_name, problem.problem_size, spec.tune_params, rows,
                                        device_name=rows.metadata["device_name"])
        console.print(f"wrote {path}")
    _write_outputs(args, rows, {"results": list(rows), "metadata": rows.metadata}, console,
                   f"{spec.kernel_name} measured")
    return 0


def _validate(args: argparse.Namespace, out: TextIO) -> int:
    from flipflop import api
    from flipflop.report.tables import metrics_table

    _check_outputs(args)
    spec, problem, gpu, _, active_sms = _spec_call(args)
    report = api.validate_problem(problem, gpu=gpu, top_k=args.top_k, k=args.k, backend=args.backend,
                                  active_sms=active_sms)
    console = _console(out)
    if args.json != "-":
        console.print(metrics_table(report["metrics"]))
    rows = report["results"]
    if getattr(args, "plot", None):
        from flipflop.report.plots import write_validation_plot
        console.print(f"wrote {write_validation_plot(rows, args.plot)}")
        args.plot = None
    _write_outputs(args, rows, report, console, f"{spec.kernel_name} validated")
    return 0


COMMANDS = {"predict": _predict, "recommend": _recommend, "features": _features, "gpus": _gpus,
            "calibrate": _calibrate, "measure": _measure, "validate": _validate}


def run(args: argparse.Namespace, out: TextIO) -> int:
    """Run one parsed command, writing human output to ``out``; returns the exit code."""
    return COMMANDS[args.command](args, out)


def main(argv: list[str] | None = None) -> int:
    """Console entry point."""
    args = create_parser().parse_args(argv)
    try:
        return run(args, sys.stdout)
    except FlipflopError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("error: interrupted", file=sys.stderr)
        return EXIT_ERROR


if __name__ == "__main__":
    sys.exit(main())
