"""`flipflop calibrate`: micro-benchmarks on a GPU (runner.py, scheduling.py) fitted into a
GpuProfile (flipflop.hardware.calibrate.fit).

The raw numbers are written beside the profile (``PROFILE.raw.json``) as they are measured,
so a cut-off run keeps its data and the fit can be redone offline with
``python -m flipflop.hardware.calibrate.fit``.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from flipflop.errors import FlipflopError

if TYPE_CHECKING:
    from flipflop.hardware.profile import GpuProfile


def create_parser(add_help: bool = True) -> argparse.ArgumentParser:
    """`flipflop calibrate`'s options; the CLI takes them as its subcommand's parent parser."""
    parser = argparse.ArgumentParser(prog="flipflop calibrate", add_help=add_help,
                                     description="Measure this GPU with micro-benchmarks and write its profile.")
    parser.add_argument("--out", required=True, help="profile JSON to write (raw numbers go to OUT.raw.json)")
    parser.add_argument("--quick", action="store_true", help="shorter power windows and fewer sweep points")
    parser.add_argument("--set-power-limits", action="store_true",
                        help="also sweep power limits (root only; the original limit is always restored)")
    parser.add_argument("--base", help="profile supplying what is not measured (default: the bundled one of this GPU)")
    parser.add_argument("--sm-sweep", action="store_true",
                        help="also sweep bandwidth and power against active SMs through green contexts "
                             "(~25 s; raw numbers to OUT.sm_sweep.json, fit to OUT.sm_sweep_fit.json)")
    parser.add_argument("--no-progress", action="store_true", help="no time estimate or progress bar")
    return parser


def raw_path_for(profile_path: str | Path) -> Path:
    """Where the raw numbers of a calibration that writes `profile_path` go."""
    path = Path(profile_path)
    return path.with_name(path.stem + ".raw.json")


def sm_sweep_paths(profile_path: str | Path) -> tuple[Path, Path]:
    """Where the SM sweep's raw numbers and its fit go for a calibration that writes `profile_path`."""
    path = Path(profile_path)
    return path.with_name(path.stem + ".sm_sweep.json"), path.with_name(path.stem + ".sm_sweep_fit.json")


def run(args: argparse.Namespace) -> int:
    """Calibrate, fit, write the profile; a one-line error and status 1 on expected failures."""
    from flipflop.hardware.calibrate.fit import fit_profile
    from flipflop.measure.calibrate.runner import run_calibration
    from flipflop.hardware.profile import load_profile

    try:
        base = load_profile(args.base) if args.base else None
        raw = run_calibration(raw_path_for(args.out), quick=args.quick, set_power_limits=args.set_power_limits,
                              progress=not args.no_progress,
                              command="flipflop calibrate " + " ".join(getattr(args, "argv", []) or []))
        profile = fit_profile(raw, base)
    except FlipflopError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    Path(args.out).write_text(profile.to_json() + "\n")
    print(f"wrote {args.out} (raw numbers: {raw_path_for(args.out)})", file=sys.stderr)
    return _sm_sweep(args, profile) if getattr(args, "sm_sweep", False) else 0


def _sm_sweep(args: argparse.Namespace, profile: GpuProfile) -> int:
    """The opt-in SM sweep after the profile: raw JSON and its fit beside the profile, and the
    profile rewritten with the per-SM DRAM bandwidth and SM partition sizes it measured."""
    import json
    from dataclasses import asdict

    from flipflop.hardware.calibrate.fit import apply_sm_sweep, fit_sm_sweep
    from flipflop.measure.calibrate.sm_sweep import run_sm_sweep

    raw_path, fit_path = sm_sweep_paths(args.out)
    try:
        raw = run_sm_sweep(raw_path, window_s=0.2 if args.quick else 0.3,
                           meta={"command": "flipflop calibrate " + " ".join(getattr(args, "argv", []) or [])})
        fit = fit_sm_sweep(raw)
    except FlipflopError as error:
        print(f"error: SM sweep: {error}", file=sys.stderr)
        return 1
    fit_path.write_text(json.dumps(asdict(fit), indent=1) + "\n")
    Path(args.out).write_text(apply_sm_sweep(profile, fit, raw_path.name).to_json() + "\n")
    print(f"SM sweep: {fit.dram_bandwidth_per_sm_bytes_per_s / 1e9:.1f} GB/s per SM up to "
          f"{fit.dram_plateau_bytes_per_s / 1e12:.2f} TB/s (knee {fit.dram_knee_sms:.0f} SMs); wrote {fit_path} and the profile's "
          "dram_bandwidth_per_sm_bytes_per_s",
          file=sys.stderr)
    return 0


def main_calibrate(argv: list[str] | None = None) -> int:
    """Entry point for `flipflop calibrate --out PROFILE [--quick] [--set-power-limits] [--sm-sweep]`."""
    argv = list(sys.argv[1:] if argv is None else argv)
    args = create_parser().parse_args(argv)
    args.argv = argv
    return run(args)
