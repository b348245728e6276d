"""The measurement a user avoided by predicting instead of brute-force tuning.

Estimated from the predictions of the configurations a brute-force tuner would have run,
with Kernel Tuner's default protocol for each configuration × power limit: one compile
(``COMPILE_S``, NVRTC per configuration with the GPU idle), one warm-up launch plus
``ITERATIONS`` timed launches, and a ``POWER_WINDOW_S`` power-measurement window (its NVML
observer, as in ``flipflop measure``) during which the kernel runs back to back. While
compiling the GPU draws its idle power; while running, the predicted power. The FlipFlop
paper reports 14.3 GPU-minutes, 188,680 J and 19.4 gCO2e per tuning session.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np

# Per configuration: NVRTC + module load (Kernel Tuner compiles each separately). With the
# 0.6 s window this reproduces Kernel Tuner's measured brute force on the H100: 32 shapes of
# vector_add in 26.8 s (0.84 s each; benchmarks/data/h100/kt_compare_small.json).
COMPILE_S = 0.2
ITERATIONS = 7            # Kernel Tuner's default timed iterations
WARMUP_LAUNCHES = 1
POWER_WINDOW_S = 0.6      # back-to-back launches for a stable NVML energy reading
DEFAULT_GRID_INTENSITY_G_PER_KWH = 400.0
J_PER_KWH = 3.6e6


@dataclass(frozen=True)
class MeasurementAvoided:
    """What brute force would have cost."""

    configurations: int
    gpu_minutes: float
    energy_j: float
    co2_g: float
    grid_intensity_g_per_kwh: float

    def as_dict(self) -> dict:
        return dict(self.__dict__)


def measurement_avoided(time_ms: Sequence[float], power_w: Sequence[float], idle_power_w: float,
                        grid_intensity_g_per_kwh: float = DEFAULT_GRID_INTENSITY_G_PER_KWH,
                        ) -> MeasurementAvoided:
    """Cost of measuring every (configuration, power limit) point whose predictions are given."""
    t_s = np.asarray(time_ms, float) / 1e3
    p_w = np.asarray(power_w, float)
    launches_s = (WARMUP_LAUNCHES + ITERATIONS) * t_s
    window_s = np.maximum(POWER_WINDOW_S, t_s)  # at least one launch in the window
    busy_s = launches_s + window_s
    seconds = float(t_s.size * COMPILE_S + busy_s.sum())
    energy = float(t_s.size * COMPILE_S * idle_power_w + (busy_s * p_w).sum())
    return MeasurementAvoided(int(t_s.size), seconds / 60, energy,
                              energy / J_PER_KWH * grid_intensity_g_per_kwh, grid_intensity_g_per_kwh)
