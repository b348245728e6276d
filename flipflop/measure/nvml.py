"""The GPU monitor: one small interface over NVML, with a real implementation and a fake.

Everything flipflop reads from a GPU's management library goes through `GpuMonitor`, so the
measurement protocol (energy.py) and the power-limit guard (powerlimit.py) are tested on a
CPU against `FakeNvml`. NVML errors are turned into `MeasurementError` here, once.
"""

from __future__ import annotations

import functools
import time
from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import Callable

from flipflop.errors import MeasurementError


@dataclass(frozen=True)
class GpuInfo:
    """Static facts about the GPU being measured, recorded beside every measurement."""

    name: str
    driver_version: str
    power_limit_w: float
    power_limit_range_w: tuple[float, float]
    max_sm_clock_mhz: int
    max_memory_clock_mhz: int


class GpuMonitor(ABC):
    """Read-only view of one GPU (plus the opt-in power-limit setter used by powerlimit.py)."""

    @abstractmethod
    def total_energy_mj(self) -> int:
        """The GPU's cumulative energy counter in millijoules (moves at the driver's cadence)."""

    @abstractmethod
    def power_limit_w(self) -> float:
        """The enforced power limit in watts."""

    @abstractmethod
    def power_limit_range_w(self) -> tuple[float, float]:
        """The settable power-limit range (min, max) in watts."""

    @abstractmethod
    def set_power_limit_w(self, watts: float) -> None:
        """Set the power limit (needs root); only powerlimit.power_limit calls this."""

    @abstractmethod
    def sm_clock_mhz(self) -> int:
        """The current SM clock in MHz."""

    @abstractmethod
    def memory_clock_mhz(self) -> int:
        """The current memory clock in MHz."""

    @abstractmethod
    def temperature_c(self) -> int:
        """The GPU core temperature in degrees Celsius."""

    @abstractmethod
    def clock_event_reasons(self) -> tuple[str, ...]:
        """Names of the active clock-event (throttle) reasons, e.g. ("sw_power_cap",)."""

    @abstractmethod
    def info(self) -> GpuInfo:
        """Name, driver, limits and maximum clocks."""


# NVML clock-event reason bits → names (nvml.h, nvmlClocksEventReason*).
CLOCK_EVENT_REASONS: dict[int, str] = {
    0x1: "gpu_idle",
    0x2: "applications_clocks_setting",
    0x4: "sw_power_cap",
    0x8: "hw_slowdown",
    0x10: "sync_boost",
    0x20: "sw_thermal_slowdown",
    0x40: "hw_thermal_slowdown",
    0x80: "hw_power_brake_slowdown",
    0x100: "display_clock_setting",
}


def _nvml_errors(method: Callable) -> Callable:
    """Turn any NVML error raised by `method` into a one-line MeasurementError."""

    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        try:
            return method(self, *args, **kwargs)
        except self._nvml.NVMLError as error:
            raise MeasurementError(f"NVML {method.__name__} failed: {error}") from None

    return wrapper


class NvmlMonitor(GpuMonitor):
    """GpuMonitor over NVML (the `nvidia-ml-py` package, imported here and nowhere else)."""

    def __init__(self, device_index: int = 0):
        try:
            import pynvml
        except ImportError:
            raise MeasurementError("NVML bindings missing: pip install nvidia-ml-py") from None
        self._nvml = pynvml
        try:
            pynvml.nvmlInit()
            self._handle = pynvml.nvmlDeviceGetHandleByIndex(device_index)
        except pynvml.NVMLError as error:
            raise MeasurementError(f"no NVIDIA GPU {device_index} through NVML: {error}") from None

    @_nvml_errors
    def total_energy_mj(self) -> int:
        return int(self._nvml.nvmlDeviceGetTotalEnergyConsumption(self._handle))

    @_nvml_errors
    def power_limit_w(self) -> float:
        return self._nvml.nvmlDeviceGetEnforcedPowerLimit(self._handle) / 1000.0

    @_nvml_errors
    def power_limit_range_w(self) -> tuple[float, float]:
        low_mw, high_mw = self._nvml.nvmlDeviceGetPowerManagementLimitConstraints(self._handle)
        return low_mw / 1000.0, high_mw / 1000.0

    @_nvml_errors
    def set_power_limit_w(self, watts: float) -> None:
        self._nvml.nvmlDeviceSetPowerManagementLimit(self._handle, int(round(watts * 1000)))

    @_nvml_errors
    def sm_clock_mhz(self) -> int:
        return int(self._nvml.nvmlDeviceGetClockInfo(self._handle, self._nvml.NVML_CLOCK_SM))

    @_nvml_errors
    def memory_clock_mhz(self) -> int:
        return int(self._nvml.nvmlDeviceGetClockInfo(self._handle, self._nvml.NVML_CLOCK_MEM))

    @_nvml_errors
    def temperature_c(self) -> int:
        return int(self._nvml.nvmlDeviceGetTemperature(self._handle, self._nvml.NVML_TEMPERATURE_GPU))

    @_nvml_errors
    def clock_event_reasons(self) -> tuple[str, ...]:
        mask = int(self._nvml.nvmlDeviceGetCurrentClocksEventReasons(self._handle))
        return tuple(name for bit, name in CLOCK_EVENT_REASONS.items() if mask & bit)

    @_nvml_errors
    def info(self) -> GpuInfo:
        name = self._nvml.nvmlDeviceGetName(self._handle)
        driver = self._nvml.nvmlSystemGetDriverVersion()
        return GpuInfo(
            name=name.decode() if isinstance(name, bytes) else name,
            driver_version=driver.decode() if isinstance(driver, bytes) else driver,
            power_limit_w=self.power_limit_w(),
            power_limit_range_w=self.power_limit_range_w(),
            max_sm_clock_mhz=int(self._nvml.nvmlDeviceGetMaxClockInfo(self._handle, self._nvml.NVML_CLOCK_SM)),
            max_memory_clock_mhz=int(self._nvml.nvmlDeviceGetMaxClockInfo(self._handle, self._nvml.NVML_CLOCK_MEM)),
        )


class FakeNvml(GpuMonitor):
    """A simulated GPU for tests: its energy counter integrates `true_power_w(t)` but, like an
    H100's, only publishes a new value every `update_period_s` (edges at multiples of the period
    after start). Time is the given clock (default: time.monotonic), so tests can drive it."""

    def __init__(
        self,
        true_power_w: Callable[[float], float] | float = 300.0,
        *,
        update_period_s: float = 0.1,
        clock: Callable[[], float] = time.monotonic,
        power_limit_w: float = 700.0,
        power_limit_range_w: tuple[float, float] = (200.0, 700.0),
        sm_clock_mhz: int = 1980,
        integration_step_s: float = 1e-4,
        name: str = "Fake H100",
    ):
        self._power = true_power_w if callable(true_power_w) else (lambda _t, p=true_power_w: p)
        self._period_s = update_period_s
        self._clock = clock
        self._start_s = clock()
        self._step_s = integration_step_s
        self._limit_w = power_limit_w
        self._range_w = power_limit_range_w
        self._sm_clock_mhz = sm_clock_mhz
        self._name = name
        self.set_calls: list[float] = []
        self._integrated_until_s = 0.0
        self._energy_j = 0.0

    def _energy_at(self, t_s: float) -> float:
        """True energy (J) consumed from start until t_s, integrated incrementally (midpoint rule)."""
        while self._integrated_until_s + self._step_s <= t_s:
            mid = self._integrated_until_s + self._step_s / 2
            self._energy_j += self._power(mid) * self._step_s
            self._integrated_until_s += self._step_s
        return self._energy_j

    def total_energy_mj(self) -> int:
        elapsed_s = self._clock() - self._start_s
        last_edge_s = int(elapsed_s / self._period_s) * self._period_s
        return int(self._energy_at(last_edge_s) * 1000.0)

    def power_limit_w(self) -> float:
        return self._limit_w

    def power_limit_range_w(self) -> tuple[float, float]:
        return self._range_w

    def set_power_limit_w(self, watts: float) -> None:
        low, high = self._range_w
        if not low <= watts <= high:
            raise MeasurementError(f"power limit {watts:g} W outside the settable range {low:g}–{high:g} W")
        self.set_calls.append(watts)
        self._limit_w = watts

    def sm_clock_mhz(self) -> int:
        return self._sm_clock_mhz

    def memory_clock_mhz(self) -> int:
        return 2619

    def temperature_c(self) -> int:
        return 40

    def clock_event_reasons(self) -> tuple[str, ...]:
        return ()

    def info(self) -> GpuInfo:
        return GpuInfo(self._name, "fake", self._limit_w, self._range_w, self._sm_clock_mhz, 2619)
