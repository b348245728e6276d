"""The coupled time/power/energy model, evaluated for many launches and power limits at once.

Time (per launch, at SM clock f) follows the structure of Hong & Kim's MWP/CWP model as the
FlipFlop paper uses it, with its inputs replaced by exact per-shape facts:

  T(f) = T_launch + ‖(T_sm(f), T_mem)‖_p + T_sync(f)

  T_sm   = n_b · max(C_issue / η_lat, C_pipe, C_shared, C_l1) / f   (busiest SM, cycles → s)
  T_mem  = max(dram_bytes / BW_dram, l2_bytes / BW_l2, Little's law: bytes × latency / bytes in flight)
  T_sync = rounds · barriers · (c_bar / f + exposed memory latency / blocks per SM)

Power (board power while the kernel runs back to back):

  P(f) = P_static + (N_sm · P_sm + N_warps · P_warp) · (f/f_max)^K
         + (E_sm · (f/f_max)^(K−1) + E_mem) / T(f)

Under a power limit the clock is the highest one whose predicted power fits. Energy per
launch = P · T. docs/model.md gives the sources of each term.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Sequence

import numpy as np

from flipflop.analysis.features import LaunchFeatures
from flipflop.errors import ConfigurationError, ProfileNotFoundError
from flipflop.hardware.profile import UNIT_CLASSES, GpuProfile
from flipflop.model.occupancy import occupancy
from flipflop.model.traffic import memory_traffic

# Which functional unit executes each instruction class of the analysis.
UNIT_OF_CLASS: dict[str, str] = {
    "fp32": "fp32", "fp16": "fp16", "fp64": "fp64", "int": "int", "sfu": "sfu",
    "tensor": "tensor", "convert": "convert",
    "global_load": "ldst", "global_store": "ldst", "shared_load": "ldst", "shared_store": "ldst",
    "local_load": "ldst", "local_store": "ldst", "const_load": "ldst", "atomic": "ldst",
    "barrier": "other", "branch": "branch", "other": "other",
}
OVERLAP_NORM = 3.0      # ‖·‖_p combining SM-side and memory-side time: p=∞ is perfect overlap
CLOCK_STEP_MHZ = 15.0   # NVIDIA's SM clock granularity


@dataclass(frozen=True)
class Reasons:
    """Why a configuration performs as predicted (at the profile's maximum clock)."""

    occupancy: float
    blocks_per_sm: int
    warps_per_sm: int
    occupancy_limiter: str
    coalescing_efficiency: float
    bank_conflict_degree: float
    waves: float
    tail_efficiency: float
    bound: str                  # "memory", "compute" or "latency"
    dram_bytes: float
    l2_bytes: float
    sm_time_ms: float
    memory_time_ms: float
    sync_time_ms: float
    active_fraction: float

    def as_dict(self) -> dict:
        return dict(self.__dict__)


@dataclass(frozen=True)
class Prediction:
    """Model outputs; arrays are (configurations, power limits)."""

    time_ms: np.ndarray
    power_w: np.ndarray
    energy_j: np.ndarray
    sm_clock_mhz: np.ndarray
    power_limits_w: np.ndarray
    reasons: tuple[Reasons, ...]


@dataclass(frozen=True)
class _Terms:
    """Clock-independent pieces of one launch's time and power."""

    sm_cycles: float
    memory_s: float
    memory_bound_by_latency: bool
    sync_cycles: float
    sync_s: float
    active_sms: float
    resident_warps: float
    sm_energy_pj: float
    memory_energy_pj: float
    reasons: dict


def _check_profile(profile: GpuProfile) -> None:
    for table, name in ((profile.ops_per_clock_per_sm, "ops_per_clock_per_sm"),
                        (profile.energy_pj_per_op, "energy_pj_per_op")):
        missing = [u for u in UNIT_CLASSES if u not in table]
        if missing:
            raise ProfileNotFoundError(f"profile {profile.name}: {name} lacks {', '.join(missing)}")


def _terms(f: LaunchFeatures, profile: GpuProfile) -> _Terms:
    threads = f.threads_per_block
    occ = occupancy(profile, threads, f.registers, f.shared_bytes)
    if occ.blocks_per_sm == 0:
        raise ConfigurationError(
            f"{f.kernel} block {f.block} cannot launch on {profile.name} ({occ.limiter} limit)")
    sms = profile.sm_count
    blocks = f.blocks
    busiest = math.ceil(blocks / sms)                    # blocks on the busiest SM
    rounds = math.ceil(busiest / occ.blocks_per_sm)
    resident_warps = busiest * occ.warps_per_block / rounds
    active_sms = blocks / busiest

    per_unit = dict.fromkeys(UNIT_CLASSES, 0.0)          # thread-instructions per thread
    for cls, count in f.instructions.items():
        per_unit[UNIT_OF_CLASS.get(cls, "other")] += count
    warp_instr = {u: n * occ.warps_per_block for u, n in per_unit.items()}  # per block
    issue_cycles = sum(warp_instr.values()) / profile.schedulers_per_sm
    pipe_cycles = max(warp_instr[u] * profile.warp_size / profile.ops_per_clock_per_sm[u]
                      for u in UNIT_CLASSES if profile.ops_per_clock_per_sm[u] > 0)
    # A warp issues a dependent instruction every alu_latency cycles: the schedulers stay
    # busy only with enough resident warps to interleave.
    hiding = min(1.0, resident_warps / (profile.schedulers_per_sm * profile.alu_latency_cycles))

    traffic = memory_traffic(f, profile, occ.blocks_per_sm)
    shared_cycles = traffic.shared_wavefronts / blocks
    l1_cycles = traffic.l1_bytes / blocks / profile.shared_bytes_per_clock_per_sm
    block_cycles = max(issue_cycles / hiding, pipe_cycles, shared_cycles, l1_cycles)
    sm_cycles = busiest * block_cycles

    dram_s = traffic.dram_bytes / profile.dram_bandwidth_bytes_per_s
    l2_s = traffic.l2_bytes / profile.l2_bandwidth_bytes_per_s
    bytes_per_request = traffic.l1_bytes / traffic.global_requests if traffic.global_requests else 0.0
    in_flight = active_sms * resident_warps * traffic.loads_in_flight_per_warp * bytes_per_request
    latency_s = 0.0
    if in_flight > 0 and traffic.l2_bytes > 0:
        dram_share = min(1.0, traffic.dram_bytes / traffic.l2_bytes)
        mean_latency_s = 1e-9 * (dram_share * profile.dram_latency_ns + (1 - dram_share) * profile.l2_latency_ns)
        latency_s = traffic.l2_bytes * mean_latency_s / in_flight
    memory_s = max(dram_s, l2_s, latency_s)

    sync_cycles = rounds * f.barriers_per_thread * profile.barrier_cycles
    exposed_s = profile.dram_latency_ns * 1e-9 / occ.blocks_per_sm if traffic.global_requests else 0.0
    sync_s = rounds * f.barriers_per_thread * exposed_s

    sm_energy = sum(per_unit[u] * profile.energy_pj_per_op[u] for u in UNIT_CLASSES) * threads * blocks
    sm_energy += traffic.shared_bytes * profile.shared_energy_pj_per_byte
    memory_energy = traffic.l2_bytes * profile.l2_energy_pj_per_byte + traffic.dram_bytes * profile.dram_energy_pj_per_byte

    full_waves = math.ceil(blocks / (occ.blocks_per_sm * sms))
    reasons = dict(
        occupancy=occ.occupancy, blocks_per_sm=occ.blocks_per_sm, warps_per_sm=occ.warps_per_sm,
        occupancy_limiter=occ.limiter, coalescing_efficiency=traffic.coalescing_efficiency,
        bank_conflict_degree=traffic.bank_conflict_degree,
        waves=blocks / (occ.blocks_per_sm * sms),
        tail_efficiency=blocks / (full_waves * occ.blocks_per_sm * sms),
        dram_bytes=traffic.dram_bytes, l2_bytes=traffic.l2_bytes, active_fraction=f.active_fraction,
        latency_limited_issue=hiding < 1.0 and issue_cycles / hiding >= max(pipe_cycles, shared_cycles, l1_cycles),
    )
    return _Terms(sm_cycles, memory_s, latency_s >= max(dram_s, l2_s), sync_cycles, sync_s,
                  active_sms, resident_warps, sm_energy, memory_energy, reasons)


def _clock_grid_hz(profile: GpuProfile) -> np.ndarray:
    steps = max(1, int(round((profile.max_sm_clock_mhz - profile.min_sm_clock_mhz) / CLOCK_STEP_MHZ)))
    return np.linspace(profile.min_sm_clock_mhz, profile.max_sm_clock_mhz, steps + 1) * 1e6


def predict_launches(
    features: Sequence[LaunchFeatures], profile: GpuProfile, power_limits_w: Sequence[float] | None = None
) -> Prediction:
    """Time, power and energy of each launch at each power limit (vectorised over both)."""
    _check_profile(profile)
    limits = np.asarray(power_limits_w if power_limits_w is not None else [profile.power_limit_default_w], float)
    terms = [_terms(f, profile) for f in features]
    col = lambda name: np.array([getattr(t, name) for t in terms], float)[:, None]  # noqa: E731

    clocks = _clock_grid_hz(profile)[None, :]                    # (1, F)
    scale = clocks / (profile.max_sm_clock_mhz * 1e6)
    sm_s = col("sm_cycles") / clocks
    mem_s = np.broadcast_to(col("memory_s"), sm_s.shape)
    busy_s = (sm_s ** OVERLAP_NORM + mem_s ** OVERLAP_NORM) ** (1.0 / OVERLAP_NORM)
    time_s = profile.launch_overhead_us * 1e-6 + busy_s + col("sync_cycles") / clocks + col("sync_s")
    k = profile.voltage_exponent
    power = (profile.static_power_w
             + (col("active_sms") * profile.sm_active_power_w
                + col("active_sms") * col("resident_warps") * profile.warp_resident_power_w) * scale ** k
             + (col("sm_energy_pj") * scale ** (k - 1) + col("memory_energy_pj")) * 1e-12 / time_s)

    # Highest clock whose predicted power fits each limit (the lowest clock if none does).
    fits = power[:, None, :] <= limits[None, :, None]             # (N, L, F)
    last = fits.shape[2] - 1 - np.argmax(fits[:, :, ::-1], axis=2)
    choice = np.where(fits.any(axis=2), last, 0)
    rows = np.arange(len(terms))[:, None]
    t = time_s[rows, choice]
    p = power[rows, choice]
    f_mhz = clocks[0, choice] / 1e6

    reasons = []
    top = clocks.shape[1] - 1
    for i, term in enumerate(terms):
        r = dict(term.reasons)
        latency_issue = r.pop("latency_limited_issue")
        if mem_s[i, top] >= sm_s[i, top]:
            bound = "latency" if term.memory_bound_by_latency else "memory"
        else:
            bound = "latency" if latency_issue else "compute"
        reasons.append(Reasons(
            bound=bound, sm_time_ms=sm_s[i, top] * 1e3, memory_time_ms=mem_s[i, top] * 1e3,
            sync_time_ms=(term.sync_cycles / clocks[0, top] + term.sync_s) * 1e3, **r))
    return Prediction(t * 1e3, p, p * t, f_mhz, limits, tuple(reasons))
