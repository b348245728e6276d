"""Steady-state power of a kernel from NVML's slow energy counter (DESIGN.md's protocol).

The H100's total-energy counter publishes a new value only every ~100 ms. Reading it around a
single launch therefore gives ±20–40 % noise. Instead the kernel is kept running back-to-back
for a window of several update periods; the counter is polled between batches of launches,
and the power is ΔE/Δt between the first and the last update edge seen inside the window, so
only whole, fully busy counter periods are counted. When the caller can tell whether the GPU
is still busy, the counter is also polled while a batch runs, so a launch longer than a
counter period has its edges timed to a millisecond instead of to half a launch.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Callable

from flipflop.errors import MeasurementError
from flipflop.measure.nvml import GpuMonitor

# A batch (launches between two counter polls) should last this long: long enough that the
# idle gap of a synchronize is negligible, short enough that an edge is timed to a few ms.
BATCH_TARGET_S = 0.005
# Edges needed inside the window for a reading at all; fewer means the counter is not moving.
MIN_EDGES = 2
# Give up if the window has run this many times its length without enough edges.
MAX_WINDOW_FACTOR = 4.0
# Counter polls while a batch runs (when `is_busy` is given): fine enough to time an edge.
POLL_INTERVAL_S = 0.001


@dataclass(frozen=True)
class PowerReading:
    """One steady-state power measurement and how it was taken."""

    power_w: float  # ΔE/Δt between the first and last counter edge inside the window
    energy_j: float  # ΔE between those edges
    elapsed_s: float  # Δt between those edges
    edges: int  # counter updates seen inside the window
    batches: int  # counter polls (batches) inside the window
    launches_per_batch: int  # launch_batch calls per batch
    window_s: float  # busy time of the whole window, warm-up excluded
    sm_clock_mhz: int  # SM clock read at the end of the window (kernel still busy)
    temperature_c: int
    clock_event_reasons: tuple[str, ...]  # throttle reasons active at the end of the window


def _edge_time_s(previous_poll_s: float, poll_s: float) -> float:
    """The counter moved somewhere between two polls: take the middle (error ≤ half a batch)."""
    return (previous_poll_s + poll_s) / 2


def steady_power(
    launch_batch: Callable[[], None],
    synchronize: Callable[[], None],
    monitor: GpuMonitor,
    window_s: float = 0.6,
    *,
    warmup_s: float = 0.05,
    is_busy: Callable[[], bool] | None = None,
    clock: Callable[[], float] = time.perf_counter,
    sleep: Callable[[float], None] = time.sleep,
) -> PowerReading:
    """Measure the steady-state power (W) of `launch_batch` run back-to-back.

    `launch_batch` enqueues work (e.g. one or several kernel launches) without waiting;
    `synchronize` waits for all enqueued work. The work is first run for `warmup_s` (clocks
    and power settle, and the number of calls per ~5 ms batch is found), then for at least
    `window_s` while the energy counter is polled after every batch, and every millisecond
    during it when `is_busy` (True while enqueued work runs) is given. `warmup_s=0` skips the
    warm-up: for launches long enough that the caller has already run one. Raises
    MeasurementError when the counter shows fewer than two update edges.
    """
    calls = 1
    warmup_start_s = clock()
    while warmup_s > 0:
        batch_start_s = clock()
        for _ in range(calls):
            launch_batch()
        synchronize()
        batch_s = clock() - batch_start_s
        if batch_s < BATCH_TARGET_S:
            calls = max(calls * 2, int(calls * BATCH_TARGET_S / max(batch_s, 1e-9)))
        elif clock() - warmup_start_s >= warmup_s:
            break

    edges: list[tuple[float, int]] = []  # (time of the edge, counter value after it) in mJ
    previous_poll_s = clock()
    previous_mj = monitor.total_energy_mj()
    window_start_s = previous_poll_s
    batches = 0
    while True:
        for _ in range(calls):
            launch_batch()
        while is_busy is not None and is_busy():
            sleep(POLL_INTERVAL_S)
            poll_s = clock()
            energy_mj = monitor.total_energy_mj()
            if energy_mj != previous_mj:
                edges.append((_edge_time_s(previous_poll_s, poll_s), energy_mj))
            previous_poll_s, previous_mj = poll_s, energy_mj
        synchronize()
        poll_s = clock()
        energy_mj = monitor.total_energy_mj()
        batches += 1
        if energy_mj != previous_mj:
            edges.append((_edge_time_s(previous_poll_s, poll_s), energy_mj))
        previous_poll_s, previous_mj = poll_s, energy_mj
        busy_s = poll_s - window_start_s
        if busy_s >= window_s and len(edges) >= MIN_EDGES:
            break
        if busy_s >= window_s * MAX_WINDOW_FACTOR:
            raise MeasurementError(
                f"energy counter moved {len(edges)} times in {busy_s:.2f} s; cannot measure power"
            )
    sm_clock_mhz = monitor.sm_clock_mhz()
    temperature_c = monitor.temperature_c()
    reasons = monitor.clock_event_reasons()

    (first_s, first_mj), (last_s, last_mj) = edges[0], edges[-1]
    energy_j = (last_mj - first_mj) / 1000.0
    elapsed_s = last_s - first_s
    return PowerReading(
        power_w=energy_j / elapsed_s,
        energy_j=energy_j,
        elapsed_s=elapsed_s,
        edges=len(edges),
        batches=batches,
        launches_per_batch=calls,
        window_s=busy_s,
        sm_clock_mhz=sm_clock_mhz,
        temperature_c=temperature_c,
        clock_event_reasons=reasons,
    )
