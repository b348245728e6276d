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

from flipflop.errors import FlipflopError


def create_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="flipflop calibrate",
                                     description="Measure this GPU with micro-benchmarks and write its profile.")
    parser.add_argument("--out", required=True, help="profile JSON to write (raw numbers go to OUT.raw.json)")
    parser.add_argument("--quick", action="store_true", help="shorter power windows and fewer sweep points")
    parser.add_argument("--set-power-limits", action="store_true",
                        help="also sweep power limits (root only; the original limit is always restored)")
    parser.add_argument("--base", help="profile supplying what is not measured (default: the bundled one of this GPU)")
    parser.add_argument("--no-progress", action="store_true", help="no time estimate or progress bar")
    return parser


def raw_path_for(profile_path: str | Path) -> Path:
    """Where the raw numbers of a calibration that writes `profile_path` go."""
    path = Path(profile_path)
    return path.with_name(path.stem + ".raw.json")


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
    return 0


def main_calibrate(argv: list[str] | None = None) -> int:
    """Entry point for `flipflop calibrate --out PROFILE [--quick] [--set-power-limits]`."""
    argv = list(sys.argv[1:] if argv is None else argv)
    args = create_parser().parse_args(argv)
    args.argv = argv
    return run(args)
