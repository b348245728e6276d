"""The NVML energy-counter protocol against a fake GPU whose counter moves every 100 ms."""

import math

import pytest

from flipflop.errors import MeasurementError
from flipflop.measure.energy import steady_power
from flipflop.measure.nvml import FakeNvml


class VirtualGpu:
    """A simulated clock: each launch advances time by the kernel's duration."""

    def __init__(self, start_s: float, launch_s: float):
        self.now_s = start_s
        self.launch_s = launch_s
        self.launches = 0

    def clock(self) -> float:
        return self.now_s

    def launch(self) -> None:
        self.launches += 1
        self.now_s += self.launch_s

    def synchronize(self) -> None:
        self.now_s += 20e-6  # a synchronize costs a few microseconds of idle time


@pytest.mark.parametrize("launch_ms", [0.013, 0.37, 2.9, 11.0])
@pytest.mark.parametrize("phase_s", [0.0, 0.031, 0.077])
def test_constant_power_recovered_within_2_percent(launch_ms, phase_s):
    gpu = VirtualGpu(start_s=phase_s, launch_s=launch_ms / 1000)
    fake = FakeNvml(lambda t: 76.0 if t < 0.05 else 412.0, clock=gpu.clock)
    gpu.now_s += 0.05  # the kernel starts after the counter has seen idle power
    reading = steady_power(gpu.launch, gpu.synchronize, fake, window_s=0.6, clock=gpu.clock)
    assert reading.power_w == pytest.approx(412.0, rel=0.02)
    assert reading.edges >= 5
    assert reading.elapsed_s >= 0.4


def test_fluctuating_power_gives_its_mean_within_2_percent():
    gpu = VirtualGpu(start_s=0.013, launch_s=0.8e-3)
    # A 7 Hz ripple of ±60 W around 300 W: the mean over whole counter periods is 300 W.
    fake = FakeNvml(lambda t: 300.0 + 60.0 * math.sin(2 * math.pi * 7 * t), clock=gpu.clock)
    reading = steady_power(gpu.launch, gpu.synchronize, fake, window_s=1.0, clock=gpu.clock)
    assert reading.power_w == pytest.approx(300.0, rel=0.02)


def test_batches_last_about_five_milliseconds():
    gpu = VirtualGpu(start_s=0.0, launch_s=0.01e-3)
    fake = FakeNvml(250.0, clock=gpu.clock)
    reading = steady_power(gpu.launch, gpu.synchronize, fake, window_s=0.6, clock=gpu.clock)
    batch_s = reading.launches_per_batch * gpu.launch_s
    assert 0.005 <= batch_s <= 0.02
    assert reading.window_s >= 0.6


def test_a_counter_that_never_moves_is_a_measurement_error():
    gpu = VirtualGpu(start_s=0.0, launch_s=1e-3)
    fake = FakeNvml(250.0, clock=gpu.clock, update_period_s=100.0)
    with pytest.raises(MeasurementError, match="energy counter moved 0 times"):
        steady_power(gpu.launch, gpu.synchronize, fake, window_s=0.3, clock=gpu.clock)


def test_reading_records_clock_and_limit_state():
    gpu = VirtualGpu(start_s=0.0, launch_s=1e-3)
    fake = FakeNvml(250.0, clock=gpu.clock, sm_clock_mhz=1845)
    reading = steady_power(gpu.launch, gpu.synchronize, fake, window_s=0.3, clock=gpu.clock)
    assert reading.sm_clock_mhz == 1845
    assert reading.clock_event_reasons == ()


class AsyncVirtualGpu:
    """Launches are queued and run while the host polls or waits, as on a real GPU."""

    def __init__(self, start_s: float, launch_s: float):
        self.now_s = start_s
        self.launch_s = launch_s
        self.busy_until_s = start_s
        self.launches = 0

    def clock(self) -> float:
        return self.now_s

    def launch(self) -> None:
        self.launches += 1
        self.busy_until_s = max(self.now_s, self.busy_until_s) + self.launch_s

    def is_busy(self) -> bool:
        return self.now_s < self.busy_until_s

    def sleep(self, seconds: float) -> None:
        self.now_s += seconds

    def synchronize(self) -> None:
        self.now_s = max(self.now_s, self.busy_until_s) + 20e-6


def _power_with_startup_transient(start_s: float, launch_s: float):
    """412 W steady, but the first 150 ms of every launch run at 250 W (clocks ramping up)."""
    def power(t: float) -> float:
        return 250.0 if (t - start_s) % launch_s < 0.15 else 412.0
    return power


def test_polling_times_the_edges_of_one_long_launch():
    start_s, launch_s = 0.05, 2.5
    gpu = AsyncVirtualGpu(start_s=start_s, launch_s=launch_s)
    fake = FakeNvml(_power_with_startup_transient(start_s, launch_s), clock=gpu.clock)
    gpu.now_s = start_s
    reading = steady_power(gpu.launch, gpu.synchronize, fake, window_s=0.6, warmup_s=0.0,
                           is_busy=gpu.is_busy, clock=gpu.clock, sleep=gpu.sleep)
    assert gpu.launches == 1  # no warm-up launch: the caller's probe launch was the warm-up
    assert reading.edges >= 20
    # Edges inside the launch, timed to a millisecond: the mean over whole counter periods,
    # which here are almost all past the transient.
    expected_w = (0.15 * 250.0 + 2.35 * 412.0) / 2.5
    assert expected_w < reading.power_w <= 412.0 * 1.005


def test_without_polling_a_long_launch_has_edges_only_between_launches():
    start_s, launch_s = 0.05, 0.8
    gpu = AsyncVirtualGpu(start_s=start_s, launch_s=launch_s)
    fake = FakeNvml(412.0, clock=gpu.clock)
    polled = steady_power(gpu.launch, gpu.synchronize, fake, window_s=0.6, warmup_s=0.0,
                          is_busy=gpu.is_busy, clock=gpu.clock, sleep=gpu.sleep)
    gpu = AsyncVirtualGpu(start_s=start_s, launch_s=launch_s)
    fake = FakeNvml(412.0, clock=gpu.clock)
    unpolled = steady_power(gpu.launch, gpu.synchronize, fake, window_s=0.6, warmup_s=0.0,
                            clock=gpu.clock)
    assert polled.edges >= 7 and unpolled.edges == 2
    assert polled.power_w == pytest.approx(412.0, rel=0.002)
