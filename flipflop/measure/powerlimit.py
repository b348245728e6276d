"""Setting a GPU power limit for a while, always putting the original back.

Opt-in only (`--set-power-limits`, root, users' own machines): flipflop never changes a GPU's
settings unless asked. The original limit is restored on normal exit, on an exception, on
Ctrl-C and on SIGTERM (turned into SystemExit while the limit is held, so the `finally`
runs).
"""

from __future__ import annotations

import signal
import threading
from contextlib import contextmanager
from typing import Iterator

from flipflop.errors import MeasurementError
from flipflop.measure.nvml import GpuMonitor


def _raise_system_exit(signum, _frame) -> None:
    raise SystemExit(128 + signum)


@contextmanager
def power_limit(monitor: GpuMonitor, watts: float) -> Iterator[float]:
    """Hold the GPU at `watts` inside the `with` block; yields the limit actually set.

    Raises MeasurementError when `watts` is outside the GPU's settable range or the limit
    cannot be set (e.g. not root); the GPU is then left unchanged.
    """
    low_w, high_w = monitor.power_limit_range_w()
    if not low_w <= watts <= high_w:
        raise MeasurementError(f"power limit {watts:g} W outside the settable range {low_w:g}–{high_w:g} W")
    original_w = monitor.power_limit_w()
    in_main_thread = threading.current_thread() is threading.main_thread()
    previous_handler = signal.signal(signal.SIGTERM, _raise_system_exit) if in_main_thread else None
    try:
        monitor.set_power_limit_w(watts)
        yield monitor.power_limit_w()
    finally:
        try:
            monitor.set_power_limit_w(original_w)
        finally:
            if in_main_thread:
                signal.signal(signal.SIGTERM, previous_handler)
