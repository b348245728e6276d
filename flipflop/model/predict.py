"""The coupled time/power/energy model, evaluated for many launches and power limits at once.

Time (per launch, at SM clock f) follows the structure of Hong & Kim's MWP/CWP model as the
FlipFlop paper uses it, with its inputs replaced by exact per-shape facts:

  T(f) = T_launch + ‖(T_path(f) + T_mem, T_sm(f), T_dispatch, T_atomic)‖_p

  T_path = max(rounds, I) · (ALU/barrier path / f + memory round trips · latency · R),
  I = the slowest block's path over the mean block's (the analysis's block_imbalance), times its
      busiest warp's over its mean warp's (path_instructions: where thread 0 works alone, one
      round lasts the busiest warp's path, not the mean warp's),
  R = 1 + c·ln(warps per block)/√(round trips)   (a block's slot frees with its slowest warp);
  the path and T_mem add (loaded latency in Little's law), docs/model.md "Loaded latency".

  T_sm   = n_b · max(C_issue, C_pipe, C_l1, C_l2port) / f   (busiest SM, cycles → s)
  T_mem  = n_b · max(dram_reads / BW_dram + dram_writes / BW_dram_write, l2_line_bytes / BW_l2) per block
           (l2_line_bytes: L2 traffic, each line a request touches at least L2's minimum transfer:
            a whole line for a store, half for a load)

A launch may be confined to n SMs (a CUDA green context; default all of them): blocks
spread over n SMs (n_b = ⌈blocks / n⌉, rounds, waves), and when the profile knows the DRAM
bandwidth b_sm one SM draws alone, the DRAM rates are capped at min(1, n_active·b_sm / BW_dram).

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
OVERLAP_NORM = 4.0      # ‖·‖_p combining the time terms: p=∞ would be perfect overlap
LOADED_NORM = 1.0       # ‖·‖_q of exposed memory latency and bandwidth time: 1 = queueing (fit_corpus_dev.py)
BLOCK_RELEASE = 0.6     # slot release: memory latency × (1 + c·ln(warps per block)/√round trips) (fit_corpus_dev.py)
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
    active_sms: int | None = None  # the SMs the launch was confined to; None: the whole GPU

    def as_dict(self) -> dict:
        """The reasons as a dict; ``active_sms`` only when the launch was confined to a count."""
        out = dict(self.__dict__)
        if out["active_sms"] is None:
            del out["active_sms"]
        return out


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
    """Clock-independent pieces of one launch's time and power.

    Cycle counts scale with the SM clock, seconds do not. ``rounds`` × the block's latency
    path is the time when too few blocks are resident to hide latency; ``busiest`` × the
    per-block throughput terms the time when a resource saturates.
    """

    rounds: float
    busiest: float
    latency_cycles: float       # one block's dependent path: ALU chains, barriers
    barrier_cycles: float       # the barriers' share of that path
    latency_s: float            # one block's exposed memory latency
    warps_per_block: float
    memory_phases: float        # dependent memory round trips on one warp's path
    imbalance: float            # the slowest block's busiest warp's path over the mean warp's
    throughput_cycles: float    # per block: issue, pipes, shared, L1
    throughput_s: float         # per block: its share of L2 and DRAM bandwidth
    dispatch_s: float           # per block: the block scheduler
    atomic_s: float             # whole launch: same-address atomics, serialised
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


def _terms(f: LaunchFeatures, profile: GpuProfile, sm_count: int | None = None) -> _Terms:
    """The clock-independent terms of launch ``f`` on ``sm_count`` SMs (default: all of them)."""
    threads = f.threads_per_block
    occ = occupancy(profile, threads, f.registers, f.shared_bytes)
    if occ.blocks_per_sm == 0:
        raise ConfigurationError(
            f"{f.kernel} block {f.block} cannot launch on {profile.name} ({occ.limiter} limit)")
    sms = profile.sm_count if sm_count is None else sm_count
    blocks = f.blocks
    busiest = math.ceil(blocks / sms)                    # blocks on the busiest SM
    rounds = math.ceil(busiest / occ.blocks_per_sm)
    resident_warps = busiest * occ.warps_per_block / rounds
    active_sms = blocks / busiest

    per_unit = dict.fromkeys(UNIT_CLASSES, 0.0)          # thread-instructions per thread (energy)
    per_warp = dict.fromkeys(UNIT_CLASSES, 0.0)          # instructions a warp issues (time)
    for cls, count in f.instructions.items():
        per_unit[UNIT_OF_CLASS.get(cls, "other")] += count
    for cls, count in f.warp_instructions.items():
        per_warp[UNIT_OF_CLASS.get(cls, "other")] += count
    # A warp issues (and occupies its pipe for) an instruction if any lane runs it.
    warp_instr = {u: n * occ.warps_per_block for u, n in per_warp.items()}  # per block
    issue_cycles = sum(warp_instr.values()) / profile.schedulers_per_sm
    pipe_cycles = max(warp_instr[u] * profile.warp_size / profile.ops_per_clock_per_sm[u]
                      for u in UNIT_CLASSES if profile.ops_per_clock_per_sm[u] > 0)

    traffic = memory_traffic(f, profile, occ.blocks_per_sm, sms)
    # Shared memory and L1 share one data pipeline: a wavefront per cycle between them.
    l1_cycles = (traffic.shared_wavefronts + traffic.global_wavefronts) / blocks
    l2_port_cycles = traffic.l2_bytes / blocks / profile.l2_bytes_per_clock_per_sm
    throughput_cycles = max(issue_cycles, pipe_cycles, l1_cycles, l2_port_cycles)
    # Reads and write-backs share the DRAM bus, each at its own calibrated rate.
    read_bandwidth = profile.dram_bandwidth_bytes_per_s
    write_bandwidth = profile.dram_write_bandwidth_bytes_per_s or read_bandwidth
    if profile.dram_bandwidth_per_sm_bytes_per_s is not None:
        # Each SM's own request queue limits what it draws: the SMs holding blocks reach at
        # most their sum, which only bites when few SMs run (a green context, a small grid).
        reach = min(1.0, min(sms, blocks) * profile.dram_bandwidth_per_sm_bytes_per_s / read_bandwidth)
        read_bandwidth, write_bandwidth = read_bandwidth * reach, write_bandwidth * reach
    dram_s = ((traffic.dram_bytes - traffic.dram_write_bytes) / read_bandwidth
              + traffic.dram_write_bytes / write_bandwidth)
    throughput_s = max(dram_s / blocks * active_sms,
                       traffic.l2_line_bytes / blocks / (profile.l2_bandwidth_bytes_per_s / active_sms))

    # A block's dependent path: each warp's instructions issue one ALU latency apart, every
    # barrier waits for the block, and each group of loads in flight waits one memory latency.
    thread_instr = sum(per_warp.values())
    busiest_warp = thread_instr if f.path_instructions is None else f.path_instructions
    imbalance = f.block_imbalance * (max(1.0, busiest_warp / thread_instr) if thread_instr > 0 else 1.0)
    barrier_cycles = f.barriers_per_thread * profile.barrier_cycles
    latency_cycles = thread_instr * profile.alu_latency_cycles + barrier_cycles
    phases = traffic.load_round_trips_per_thread
    if traffic.l1_bytes > 0:
        l1_hit = max(0.0, 1.0 - traffic.l2_bytes / traffic.l1_bytes)
        dram_share = min(1.0, traffic.dram_bytes / traffic.l2_bytes) if traffic.l2_bytes else 0.0
        miss_ns = dram_share * profile.dram_latency_ns + (1 - dram_share) * profile.l2_latency_ns
        latency_s = phases * 1e-9 * (l1_hit * profile.shared_latency_ns + (1 - l1_hit) * miss_ns)
    else:
        latency_s = 0.0

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
        active_sms=sm_count,
    )
    return _Terms(rounds, busiest, latency_cycles, barrier_cycles, latency_s, occ.warps_per_block, phases,
                  imbalance, throughput_cycles, throughput_s,
                  profile.block_launch_ns * 1e-9, traffic.atomic_serial_ns * 1e-9,
                  active_sms, resident_warps, sm_energy, memory_energy, reasons)


def _clock_grid_hz(profile: GpuProfile) -> np.ndarray:
    steps = max(1, int(round((profile.max_sm_clock_mhz - profile.min_sm_clock_mhz) / CLOCK_STEP_MHZ)))
    return np.linspace(profile.min_sm_clock_mhz, profile.max_sm_clock_mhz, steps + 1) * 1e6


def predict_launches(
    features: Sequence[LaunchFeatures], profile: GpuProfile, power_limits_w: Sequence[float] | None = None,
    active_sms: Sequence[int | None] | None = None,
) -> Prediction:
    """Time, power and energy of each launch at each power limit (vectorised over both).

    ``active_sms``: per launch, the number of SMs it is confined to (None: the whole GPU,
    and the reasons carry no count); the counts are taken as given (the search checks them
    against the profile's partition granularity).
    """
    _check_profile(profile)
    limits = np.asarray(power_limits_w if power_limits_w is not None else [profile.power_limit_default_w], float)
    counts = list(active_sms) if active_sms is not None else [None] * len(features)
    if len(counts) != len(features):
        raise ValueError("active_sms needs one SM count (or None) per launch")
    terms = [_terms(f, profile, n) for f, n in zip(features, counts)]
    col = lambda name: np.array([getattr(t, name) for t in terms], float)[:, None]  # noqa: E731

    clocks = _clock_grid_hz(profile)[None, :]                    # (1, F)
    scale = clocks / (profile.max_sm_clock_mhz * 1e6)
    shape = (len(terms), clocks.shape[1])
    # A block's slot frees when its slowest warp ends. Warps differ by their memory round
    # trips; the expected maximum of n of them grows like ln n, and a path of k independent
    # round trips varies relatively like 1/√k.
    release = 1.0 + BLOCK_RELEASE * np.log(col("warps_per_block")) / np.sqrt(np.maximum(col("memory_phases"), 1.0))
    parts = {
        # Slots turn over `rounds` times, and no launch ends before its slowest block does.
        "latency": np.maximum(col("rounds"), col("imbalance")) * (col("latency_cycles") / clocks
                                                                   + col("latency_s") * release),
        "compute": col("busiest") * col("throughput_cycles") / clocks,
        "memory": np.broadcast_to(col("busiest") * col("throughput_s"), shape),
        "dispatch": np.broadcast_to(col("busiest") * col("dispatch_s"), shape),
        "atomic": np.broadcast_to(col("atomic_s"), shape),
    }
    loaded = (parts["latency"] ** LOADED_NORM + parts["memory"] ** LOADED_NORM) ** (1.0 / LOADED_NORM)
    busy_s = (loaded ** OVERLAP_NORM + sum(parts[name] ** OVERLAP_NORM for name in ("compute", "dispatch", "atomic"))
              ) ** (1.0 / OVERLAP_NORM)
    time_s = profile.launch_overhead_us * 1e-6 + busy_s
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
        at_max = {name: part[i, top] for name, part in parts.items()}
        bound = max(at_max, key=at_max.get)
        reasons.append(Reasons(
            bound={"dispatch": "latency", "atomic": "memory"}.get(bound, bound),
            sm_time_ms=max(at_max["compute"], at_max["latency"]) * 1e3,
            memory_time_ms=max(at_max["memory"], at_max["atomic"]) * 1e3,
            sync_time_ms=term.rounds * term.barrier_cycles / clocks[0, top] * 1e3, **term.reasons))
    return Prediction(t * 1e3, p, p * t, f_mhz, limits, tuple(reasons))
