"""The calibration fit: raw micro-benchmark numbers → a GpuProfile (pure; no GPU, no NVML).

Power model inverted here (the same one flipflop.model evaluates):

    P = P_static + n_sm · P_sm + n_sm · w · P_warp + Σ_u rate_u · E_u

* Residency sweeps (sleeping warps on k SMs, and w warps on every SM) fit P_static, P_sm
  (per active SM) and P_warp (per resident warp) by least squares.
* Each unit loop at full occupancy gives E_u = (P − residency baseline) / op rate.
* Shared loads of 4 and 16 bytes per instruction separate the energy of a load/store
  instruction (``ldst``) from that of a shared-memory byte; L2-resident reads then give the
  L2 energy per byte, DRAM streams the DRAM energy per byte on top of the L2's (every DRAM
  byte also crosses L2, as the model charges it).
* Energies measured at a clock below the maximum are scaled to the maximum clock by
  (f_max / f)^(K−1) (dynamic energy per operation ∝ V² ∝ f^(K−1) in the DVFS range).
* The power-limit → clock response is f = f_max · ((P_cap − P_static) / (P − P_static))^(1/K).
  K comes from a power-limit sweep when one was run (``--set-power-limits``), otherwise it
  stays at the base profile's K (3, the paper's) and is marked modelled.

    python -m flipflop.hardware.calibrate.fit RAW.json --out profile.json [--base h100-sxm]
"""
from __future__ import annotations

import argparse
import json
import math
import statistics
import sys
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

from flipflop.errors import FlipflopError, ProfileNotFoundError
from flipflop.hardware.profile import GpuProfile, available_profiles, load_profile

# Which micro-benchmarks stand for each profile unit class.
UNIT_SOURCES: dict[str, tuple[str, ...]] = {
    "fp32": ("fp32_fma",),
    "fp16": ("fp16_hfma2", "bf16_hfma2"),
    "fp64": ("fp64_dfma",),
    "int": ("int_imad", "int_lop3"),
    "sfu": ("sfu_ex2", "sfu_sin"),
    "tensor": ("tensor_mma",),
}
# Device attributes recorded by the runner that are profile fields of the same name.
ATTRIBUTE_FIELDS = ("sm_count", "max_threads_per_sm", "max_threads_per_block", "max_blocks_per_sm",
                    "registers_per_sm", "shared_per_sm_bytes", "max_shared_per_block_bytes",
                    "shared_reserved_per_block_bytes", "l2_bytes")
# A sweep point counts as throttled when its clock is this far under the maximum.
THROTTLED_FRACTION = 0.98
# An idle reading counts only if the SM clock had fallen below this share of its maximum.
IDLE_CLOCK_FRACTION = 0.5
# A unit loop's measured rate within this fraction of the base profile's peak confirms the peak.
LOOP_RATE_TOLERANCE = 0.2
# A DRAM pointer chase must be this much slower than the L2 one to count as reaching DRAM.
DRAM_OVER_L2_LATENCY = 1.5
PJ = 1e-12


class CalibrationFitError(FlipflopError):
    """Raw calibration numbers that cannot be fitted (missing points, wrong schema)."""


def _points(raw: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {p["name"]: p for p in raw.get("points", [])}


def _mean(values: list[float]) -> float:
    return statistics.fmean(values)


class _Fit:
    """Accumulates fitted fields and their origin while the fit proceeds."""

    def __init__(self, raw: dict[str, Any]):
        self.raw = raw
        self.meta = raw["meta"]
        self.points = _points(raw)
        self.fields: dict[str, Any] = {}
        self.origin: dict[str, str] = {}
        self.extras: dict[str, Any] = {}
        self.max_clock_mhz = float(self.meta["max_sm_clock_mhz"])
        self.sm_count = int(self.meta["sm_count"])

    def set(self, name: str, value: Any, origin: str) -> None:
        self.fields[name] = value
        self.origin[name] = origin

    def clock_hz(self, point: dict[str, Any]) -> float:
        """The SM clock during a load (the maximum where the load was not sampled)."""
        return float(point.get("sm_clock_mhz") or self.max_clock_mhz) * 1e6

    def has(self, *names: str) -> bool:
        return all(n in self.points and self.points[n].get("time_ms") for n in names)


def _residency(fit: _Fit) -> tuple[float, float, float] | None:
    """(P_static, P_sm, P_warp) from the residency sweeps, least squares; None if absent."""
    rows = [p for p in fit.raw["points"]
            if p.get("group") in ("sm_scaling", "warp_scaling") and p.get("power_w") is not None]
    if len(rows) < 3:
        return None
    design = np.array([[1.0, p["active_sms"], p["active_sms"] * p["warps_per_sm"]] for p in rows])
    power = np.array([p["power_w"] for p in rows])
    (static_w, sm_w, warp_w), *_ = np.linalg.lstsq(design, power, rcond=None)
    if sm_w < 0:
        # No measurable cost per active SM: fit static and per-warp power alone (sm_w = 0)
        # rather than report a negative power.
        (static_w, warp_w), *_ = np.linalg.lstsq(design[:, [0, 2]], power, rcond=None)
        static_w, warp_w = float(static_w), float(warp_w)
        sm_w = 0.0
        fit.extras["sm_active_power_clamped"] = True
    residual = power - design @ np.array([static_w, sm_w, warp_w])
    fit.extras["residency_fit_rms_w"] = float(np.sqrt(np.mean(residual ** 2)))
    return float(static_w), float(sm_w), float(warp_w)


def _excess_power_w(fit: _Fit, point: dict[str, Any], k: float) -> float:
    """Power above the residency baseline of the load's SMs and warps, at its clock."""
    scale = fit.clock_hz(point) / (fit.max_clock_mhz * 1e6)
    baseline = (fit.fields["static_power_w"]
                + (point["active_sms"] * fit.fields["sm_active_power_w"]
                   + point["active_sms"] * point["warps_per_sm"] * fit.fields["warp_resident_power_w"]) * scale ** k)
    return point["power_w"] - baseline


def _energy_at_max_clock(fit: _Fit, point: dict[str, Any], joules: float, k: float) -> float:
    return joules * (fit.max_clock_mhz * 1e6 / fit.clock_hz(point)) ** (k - 1)


def _throughput(fit: _Fit, base: GpuProfile, unit: str, measured: float, confirmed: list[str],
                replaced: list[str]) -> float:
    """The unit's peak rate: the base's when the measured loop rate confirms it, else the measured one."""
    fit.extras.setdefault("loop_ops_per_clock_per_sm", {})[unit] = measured
    peak = base.ops_per_clock_per_sm.get(unit)
    if peak and abs(measured / peak - 1) <= LOOP_RATE_TOLERANCE:
        confirmed.append(unit)
        return peak
    replaced.append(unit)
    return measured


def _fit_units(fit: _Fit, base: GpuProfile, k: float) -> None:
    ops_per_clock = dict(base.ops_per_clock_per_sm)
    energy = dict(base.energy_pj_per_op)
    confirmed: list[str] = []
    replaced: list[str] = []
    measured_energy = []
    for unit, names in UNIT_SOURCES.items():
        present = [fit.points[n] for n in names if fit.has(n)]
        if not present:
            continue
        rate = _mean([p["ops_per_s"] / (fit.sm_count * fit.clock_hz(p)) for p in present])
        ops_per_clock[unit] = _throughput(fit, base, unit, rate, confirmed, replaced)
        powered = [p for p in present if p.get("power_w") is not None]
        if powered:
            energy[unit] = _mean([_energy_at_max_clock(fit, p, _excess_power_w(fit, p, k) / p["ops_per_s"], k) / PJ
                                  for p in powered])
            measured_energy.append(unit)
    if fit.has("shared_load_conflict1"):
        p = fit.points["shared_load_conflict1"]
        rate = p["ops_per_s"] / (fit.sm_count * fit.clock_hz(p))
        ops_per_clock["ldst"] = _throughput(fit, base, "ldst", rate, confirmed, replaced)
    fit.set("ops_per_clock_per_sm", ops_per_clock,
            f"measured loop rates (extras.loop_ops_per_clock_per_sm); within {LOOP_RATE_TOLERANCE:.0%} of the base "
            f"profile's peak they confirm it and the peak is kept (the shortfall is the loop's own counter and "
            f"branch, which the model counts apart): {', '.join(confirmed) or 'none'}; further off, the measured "
            f"rate replaces it: {', '.join(replaced) or 'none'}{REST_MARKER}{_rest_origin(base, 'ops_per_clock_per_sm')})")
    fit.fields["energy_pj_per_op"] = energy
    fit.extras["measured_energy_units"] = measured_energy


def _fit_memory(fit: _Fit, base: GpuProfile, k: float) -> None:
    """ldst instruction energy, shared/L2/DRAM energy per byte, bandwidths."""
    energy = fit.fields["energy_pj_per_op"]
    origin_energy = fit.extras["measured_energy_units"]

    def per_s(point: dict[str, Any]) -> tuple[float, float, float]:
        """(excess power at max clock, instructions/s, bytes/s) of a memory load."""
        scale = (fit.max_clock_mhz * 1e6 / fit.clock_hz(point)) ** (k - 1)
        return _excess_power_w(fit, point, k) * scale, point["ops_per_s"], point["bytes_per_s"]

    shared = [fit.points[n] for n in ("shared_load_conflict1", "shared_load_v4")
              if fit.has(n) and fit.points[n].get("power_w") is not None]
    if len(shared) == 2:
        # two equations E_i·r_i + E_b·b_i = P_i in the instruction and byte energies
        rows = [per_s(p) for p in shared]
        a = np.array([[r[1], r[2]] for r in rows])
        instr_j, byte_j = (float(x) for x in np.linalg.solve(a, np.array([r[0] for r in rows])))
        if instr_j < 0:  # noise: attribute everything to bytes rather than report a negative energy
            instr_j, byte_j = 0.0, _mean([r[0] / r[2] for r in rows])
        energy["ldst"] = instr_j / PJ
        origin_energy.append("ldst")
        fit.set("shared_energy_pj_per_byte", byte_j / PJ,
                "measured: 4 B and 16 B conflict-free shared loads, instruction and byte energy solved jointly")
    ldst_j = energy["ldst"] * PJ

    def byte_energy_j(names: tuple[str, ...]) -> float | None:
        values = []
        for name in names:
            if fit.has(name) and fit.points[name].get("power_w") is not None:
                excess_w, instr, nbytes = per_s(fit.points[name])
                values.append((excess_w - instr * ldst_j) / nbytes)
        return _mean(values) if values else None

    l1_j = byte_energy_j(("l1_read",))
    if l1_j is not None:
        # no profile field holds it yet: the model charges L1 hits through the ldst instruction energy
        fit.extras["l1_energy_pj_per_byte"] = l1_j / PJ
        p = fit.points["l1_read"]
        fit.extras["l1_bytes_per_clock_per_sm"] = p["bytes_per_s"] / (fit.sm_count * fit.clock_hz(p))
    l2_j = byte_energy_j(("l2_read",))
    if l2_j is not None:
        fit.set("l2_energy_pj_per_byte", l2_j / PJ, "measured: L2-resident 16 B reads (.cg), less the load instructions")
    dram_total_j = byte_energy_j(("dram_read", "dram_copy"))
    if dram_total_j is not None:
        l2_part = fit.fields.get("l2_energy_pj_per_byte", base.l2_energy_pj_per_byte) * PJ
        fit.set("dram_energy_pj_per_byte", (dram_total_j - l2_part) / PJ,
                "measured: DRAM read and copy streams, less the load/store instructions and the L2 energy per byte")
    fit.set("energy_pj_per_op", energy,
            f"measured ((P − residency baseline) / op rate, at max clock): {', '.join(origin_energy)}"
            f"{REST_MARKER}{_rest_origin(base, 'energy_pj_per_op')})")

    dram = [fit.points[n]["bytes_per_s"] for n in ("dram_read", "dram_copy") if fit.has(n)]
    if dram:
        fit.set("dram_bandwidth_bytes_per_s", max(dram), "measured: best of DRAM read and copy streams")
    if fit.has("dram_read") and fit.has("dram_copy"):
        # A copy moves as many bytes in as out: 2/copy = 1/read + 1/write, per byte of each.
        read, copy = fit.points["dram_read"]["bytes_per_s"], fit.points["dram_copy"]["bytes_per_s"]
        if 2 / copy > 1 / read:
            fit.set("dram_write_bandwidth_bytes_per_s", 1 / (2 / copy - 1 / read),
                    "measured: DRAM copy stream against the read stream (2/copy = 1/read + 1/write)")
    if fit.has("l2_read"):
        fit.set("l2_bandwidth_bytes_per_s", fit.points["l2_read"]["bytes_per_s"], "measured: L2-resident 16 B reads")
    if fit.has("shared_load_conflict1"):
        p = fit.points["shared_load_conflict1"]
        fit.set("shared_bytes_per_clock_per_sm", p["bytes_per_s"] / (fit.sm_count * fit.clock_hz(p)),
                "measured: conflict-free 4 B shared loads")


def _fit_latencies(fit: _Fit) -> None:
    latency_ns = {name: fit.points[name]["time_ms"] * 1e6 / fit.points[name]["param"]
                  for name in ("latency_dram", "latency_l2", "latency_shared") if fit.has(name)}
    fit.extras["pointer_chase_ns"] = latency_ns
    for field_name, point_name in (("l2_latency_ns", "latency_l2"), ("shared_latency_ns", "latency_shared")):
        if point_name in latency_ns:
            fit.set(field_name, latency_ns[point_name], "measured: single-thread pointer chase")
    dram_ns, l2_ns = latency_ns.get("latency_dram"), latency_ns.get("latency_l2")
    if dram_ns is not None and (l2_ns is None or dram_ns > DRAM_OVER_L2_LATENCY * l2_ns):
        fit.set("dram_latency_ns", dram_ns, "measured: single-thread pointer chase, L2 flushed before each timing")
    # A DRAM chase no slower than the L2 one was served by L2 (an early runner's warm-up left its
    # lines there): the base profile's figure stands, and the reading stays in the extras.
    host = fit.points.get("launch_latency_host")
    launch = fit.points.get("launch_overhead")
    if launch is not None and launch.get("param", 1) > 1 and launch.get("time_ms"):
        fit.set("launch_overhead_us", launch["time_ms"] * 1e3,
                f"measured: {launch['param']} empty launches queued behind a blocker kernel (GPU side)")
    elif launch is not None and launch.get("time_ms"):
        host = launch  # an early runner timed one launch between events: the host's latency
    if host is not None and host.get("time_ms"):
        fit.extras["host_launch_latency_us"] = host["time_ms"] * 1e3
    if fit.has("fp32_latency"):
        p = fit.points["fp32_latency"]
        fit.set("alu_latency_cycles", p["time_ms"] * 1e-3 * fit.clock_hz(p) / p["iters"],
                "measured: one dependent FP32 FMA chain per thread")
    if fit.has("barrier"):
        p = fit.points["barrier"]
        fit.set("barrier_cycles", p["time_ms"] * 1e-3 * fit.clock_hz(p) / p["iters"],
                "measured: back-to-back __syncthreads, 1024-thread blocks at full occupancy")


def _fit_extras(fit: _Fit, k: float) -> None:
    """Measured facts the profile has no field for, kept in provenance for the model's authors."""
    base_rate = {}
    for op in ("load", "store"):
        name = f"shared_{op}_conflict1"
        if fit.has(name):
            base_rate[op] = fit.points[name]["ops_per_s"]
            fit.extras[f"shared_{op}_slowdown_by_conflict_degree"] = {
                str(p["param"]): base_rate[op] / p["ops_per_s"]
                for p in fit.raw["points"] if p["kernel"] == f"shared_{op}" and p.get("time_ms")}
    scattered = [p for p in fit.raw["points"] if p["kernel"] == "scattered_read" and p.get("time_ms")]
    if scattered:
        fit.extras["scattered_sector_bytes_per_s_by_sectors_per_request"] = {
            str(p["param"]): p["ops_per_s"] / 32 * p["param"] * 32 for p in scattered}
        fit.extras["scattered_energy_pj_per_sector_by_sectors_per_request"] = {
            str(p["param"]): _excess_power_w(fit, p, k) / (p["ops_per_s"] / 32 * p["param"]) / PJ
            for p in scattered if p.get("power_w") is not None}
    if fit.has("barrier") and fit.points["barrier"].get("power_w") is not None:
        p = fit.points["barrier"]
        fit.extras["barrier_energy_pj_per_thread"] = _excess_power_w(fit, p, k) / p["ops_per_s"] / PJ
    fma = [p for p in fit.raw["points"] if p.get("group") == "fma_scaling" and p.get("power_w") is not None]
    if fma:
        e = fit.fields["energy_pj_per_op"]["fp32"] * PJ
        fit.extras["fma_scaling_check"] = [
            {"active_sms": p["active_sms"], "measured_w": p["power_w"],
             "predicted_w": p["power_w"] - _excess_power_w(fit, p, k) + p["ops_per_s"] * e} for p in fma]
    if fit.raw.get("anchors"):
        fit.extras["gemm_anchors"] = [
            {key: a.get(key) for key in ("name", "power_w", "sm_clock_mhz", "clock_event_reasons", "flop_per_s")}
            for a in fit.raw["anchors"]]


def _fit_voltage_exponent(fit: _Fit, base: GpuProfile) -> float:
    """K from a power-limit sweep's throttled points, or the base profile's K (modelled)."""
    sweep = [p for p in fit.raw.get("power_limit_sweep", []) if p.get("power_w") is not None]
    static_w = fit.fields.get("static_power_w", base.static_power_w)
    if sweep:
        top = max(sweep, key=lambda p: p["sm_clock_mhz"])
        full_dynamic_w = top["power_w"] - static_w
        estimates = []
        for p in sweep:
            ratio = p["sm_clock_mhz"] / fit.max_clock_mhz
            if ratio < THROTTLED_FRACTION and p["power_w"] > static_w:
                estimates.append(math.log((p["power_w"] - static_w) / full_dynamic_w) / math.log(ratio))
        if estimates:
            k = statistics.median(estimates)
            fit.set("voltage_exponent", k, f"measured: power-limit sweep, median of {len(estimates)} throttled points "
                                           f"of P − P_static ∝ f^K")
            return k
    k = base.voltage_exponent
    loads = [p for p in fit.raw["points"] + fit.raw.get("anchors", []) if p.get("power_w") is not None]
    anchors = "".join(
        f"; {p['name']} drew {p['power_w']:.0f} W at {p.get('sm_clock_mhz') or fit.max_clock_mhz:.0f} MHz"
        + (f" ({', '.join(p['clock_event_reasons'])})" if p.get("clock_event_reasons") else "")
        for p in sorted(loads, key=lambda p: -p["power_w"])[:3])
    anchor = f"; anchors, the heaviest loads measured{anchors}" if loads else ""
    fit.set("voltage_exponent", k, f"modelled: f ∝ ((P_cap − P_static)/(P − P_static))^(1/K), K = {k:g} "
                                   f"(paper's DVFS exponent); read-only calibration set no power limit{anchor}")
    return k


REST_MARKER = "; the rest from the base profile ("


def _rest_origin(base: GpuProfile, name: str) -> str:
    """Origin of the entries of a per-unit table that calibration left to the base: the
    base's own origin, or, when the base is itself calibrated, the one it recorded."""
    own = base.origin.get(name, base.status)
    return own[own.index(REST_MARKER) + len(REST_MARKER):-1] if REST_MARKER in own else own


def _inherited_origin(base: GpuProfile, name: str) -> str:
    """Origin of a field calibration left to the base profile (kept as is when refitting
    over an earlier calibration, so origins never nest)."""
    own = base.origin.get(name, base.status)
    if base.status == "measured" or own.startswith("from base profile"):
        return own
    return f"from base profile {base.name} ({own})"


def default_base(raw: dict[str, Any]) -> GpuProfile:
    """The bundled profile of the calibrated GPU (matched by name), for unmeasured fields."""
    name = str(raw["meta"].get("name", "")).lower()
    for candidate in available_profiles():
        profile = load_profile(candidate)
        display = profile.display_name.lower()
        if name and (display.startswith(name) or name in display):
            return profile
    raise ProfileNotFoundError(f"no bundled profile matches GPU '{raw['meta'].get('name')}'; pass a base profile")


SCHEDULING_FIELDS = ("block_launch_ns", "atomic_same_address_ns", "atomic_same_address_int_ns",
                     "atomic_scattered_ns_by_span", "atomic_coalesced_ns_by_span", "l2_partial_write_factor")


def fit_profile(raw: dict[str, Any], base: GpuProfile | None = None, notes: tuple[str, ...] = ()) -> GpuProfile:
    """Fit a measured GpuProfile from raw calibration numbers (as run_calibration writes them).

    `base` supplies what calibration does not measure (register allocation granularity,
    grid limits, convert/branch throughputs, ...); by default the bundled profile of the
    same GPU. Every fitted field's origin says measured or modelled; the raw numbers are kept
    in ``profile.raw`` so the fit can be redone. `notes` (what a reader of this run should
    know) go to ``provenance["notes"]``.
    """
    if raw.get("schema") != "flipflop-calibration-raw/1":
        raise CalibrationFitError(f"not a flipflop calibration raw file (schema {raw.get('schema')!r})")
    base = base or default_base(raw)
    fit = _Fit(raw)
    meta = fit.meta

    for name in ATTRIBUTE_FIELDS:
        if meta.get(name) is not None:
            fit.set(name, int(meta[name]), "measured: CUDA device attribute")
    fit.set("max_sm_clock_mhz", fit.max_clock_mhz, "measured: NVML maximum SM clock")
    if meta.get("supported_sm_clocks_mhz"):
        fit.set("min_sm_clock_mhz", float(min(meta["supported_sm_clocks_mhz"])), "measured: NVML supported SM clocks")
    fit.set("power_limit_default_w", float(meta["power_limit_w"]), "measured: NVML enforced power limit")
    low_w, high_w = meta["power_limit_range_w"]
    fit.set("power_limit_min_w", float(low_w), "measured: NVML power-limit constraints")
    fit.set("power_limit_max_w", float(high_w), "measured: NVML power-limit constraints")
    idle = raw.get("idle") or {}
    if idle.get("power_w") is not None:
        fit.extras["idle_reading"] = {key: idle.get(key) for key in ("power_w", "sm_clock_mhz", "settle_s")}
        if (idle.get("sm_clock_mhz") or 0) < IDLE_CLOCK_FRACTION * fit.max_clock_mhz:
            fit.set("idle_power_w", idle["power_w"], "measured: energy counter, no work queued, clocks down")
        # else the GPU had not yet dropped its clocks: that reading is busy static power, not idle

    residency = _residency(fit)
    if residency is None:
        raise CalibrationFitError("raw numbers lack the residency sweeps (sm_scaling/warp_scaling points)")
    static_w, sm_w, warp_w = residency
    fit.set("static_power_w", static_w, "measured: intercept of power vs active SMs and resident warps (sleeping warps)")
    fit.set("sm_active_power_w", sm_w, "measured: slope of power vs active SMs, one sleeping warp each"
            + (" (no measurable slope; fitted as 0)" if fit.extras.get("sm_active_power_clamped") else ""))
    fit.set("warp_resident_power_w", warp_w, "measured: slope of power vs resident warps per SM, all SMs")

    for name in SCHEDULING_FIELDS:
        if (raw.get("scheduling") or {}).get(name) is not None:
            value = raw["scheduling"][name]
            fit.set(name, {k: float(v) for k, v in value.items()} if isinstance(value, dict) else float(value),
                    "measured: flipflop.hardware.calibrate.scheduling (CUDA events)")

    k = _fit_voltage_exponent(fit, base)
    _fit_units(fit, base, k)
    _fit_memory(fit, base, k)
    _fit_latencies(fit)
    _fit_extras(fit, k)

    origin = {name: _inherited_origin(base, name) for name in asdict(base)
              if name not in ("origin", "provenance", "raw", "name", "display_name", "arch", "status")}
    origin.update(fit.origin)
    provenance = {
        # what the chip is (the registry's inheritance reads these), kept from the base
        **{key: base.provenance[key] for key in ("process_node", "memory") if key in base.provenance},
        "kind": "calibration",
        "gpu": meta.get("name"), "driver": meta.get("driver"), "date": meta.get("date"),
        "command": meta.get("command"), "duration_s": meta.get("duration_s"),
        "toolchain": {key: meta.get(key) for key in ("cupy", "cuda_runtime", "nvrtc")},
        "flipflop_commit": meta.get("flipflop_commit"),
        "power_window_s": meta.get("window_s"),
        "complete": raw.get("complete", False),
        "benchmark_errors": raw.get("errors", []),  # benchmarks whose fields fell back to the base
        "base_profile": base.name,
        "power_limits_set": bool(raw.get("power_limit_sweep")),
        "extras": fit.extras,
        "notes": list(notes),
    }
    return replace(base, status="measured", origin=origin, provenance=provenance, raw=raw, **fit.fields)


# ---------------------------------------------------------------- SM-count sweep ----------
# A point whose bandwidth is below this share of the plateau is on the linear, per-SM-limited
# part of bandwidth(n) ≈ min(BW, n·b).
SM_LINEAR_FRACTION = 0.8
# The plateau: the mean over points within this share of the largest bandwidth.
SM_PLATEAU_FRACTION = 0.97


@dataclass(frozen=True)
class SmSweepFit:
    """What bandwidth and power against active SMs say (flipflop.measure.calibrate.sm_sweep).

    Bandwidth follows min(plateau, n · per-SM slope); power P(n) ≈ intercept + n · slope by
    least squares, per load. The slopes are reported for the lead to compare with the
    profile's active-SM power; the profile field this fits is
    ``dram_bandwidth_per_sm_bytes_per_s`` (the read stream's slope)."""

    dram_bandwidth_per_sm_bytes_per_s: float       # read stream, small n
    copy_bandwidth_per_sm_bytes_per_s: float       # copy stream (read + write bytes), small n
    dram_plateau_bytes_per_s: float                # read stream, where more SMs stop helping
    copy_plateau_bytes_per_s: float
    dram_knee_sms: float                           # plateau / slope: SMs that saturate the reads
    linear_points: int                             # read-stream points the slope rests on
    power_per_sm_w: dict[str, float]               # per load: slope of P(n)
    power_intercept_w: dict[str, float]            # per load: P(0) of that line
    power_at_knee_fraction: float                  # read stream: P(first n ≥ knee) / P(all SMs)
    sm_partitioning: dict[str, int]                # sm_count, min_partition_sms, alignment_sms


def _sweep_series(raw: dict[str, Any], bench: str) -> list[tuple[int, float, float]]:
    """(active SMs, bytes or flops per second, power W) of one load's good points, by n."""
    series = []
    for point in raw.get("points", []):
        if point.get("bench") != bench or point.get("status") != "ok":
            continue
        work = point["bytes"] or point["flops"]
        series.append((int(point["active_sms"]), work / (point["measured_time"] / 1000), float(point["measured_power"])))
    return sorted(series)


def bandwidth_per_sm(series: list[tuple[int, float, float]]) -> tuple[float, float, int]:
    """(per-SM slope b, plateau BW, points used for b) of bandwidth(n) ≈ min(BW, n·b).

    BW is the mean of the points within SM_PLATEAU_FRACTION of the largest; b is the
    least-squares slope through the origin of the points below SM_LINEAR_FRACTION·BW (the
    smallest n alone when every point is already near the plateau: then b is a lower bound)."""
    if not series:
        raise CalibrationFitError("the SM sweep has no good point of this load")
    peak = max(bw for _n, bw, _p in series)
    plateau = _mean([bw for _n, bw, _p in series if bw >= SM_PLATEAU_FRACTION * peak])
    linear = [(n, bw) for n, bw, _p in series if bw < SM_LINEAR_FRACTION * plateau] or [series[0][:2]]
    slope = sum(n * bw for n, bw in linear) / sum(n * n for n, _bw in linear)
    return slope, plateau, len(linear)


def power_line(series: list[tuple[int, float, float]]) -> tuple[float, float]:
    """(slope W per SM, intercept W) of P(n) by least squares; slope 0 from a single point."""
    ns = np.array([n for n, _bw, _p in series], dtype=float)
    watts = np.array([p for _n, _bw, p in series], dtype=float)
    if len(series) < 2 or np.ptp(ns) == 0:
        return 0.0, float(watts.mean())
    slope, intercept = np.polyfit(ns, watts, 1)
    return float(slope), float(intercept)


def fit_sm_sweep(raw: dict[str, Any]) -> SmSweepFit:
    """The SM-count sweep's raw JSON → per-SM DRAM bandwidth and power per active SM (pure)."""
    read, copy = _sweep_series(raw, "dram_read"), _sweep_series(raw, "dram_copy")
    read_slope, read_plateau, used = bandwidth_per_sm(read)
    copy_slope, copy_plateau, _ = bandwidth_per_sm(copy) if copy else (0.0, 0.0, 0)
    lines = {bench: power_line(series) for bench in ("dram_read", "dram_copy", "fma")
             if (series := _sweep_series(raw, bench))}
    knee = read_plateau / read_slope
    at_knee = next((p for n, _bw, p in read if n >= knee), read[-1][2])
    return SmSweepFit(
        dram_bandwidth_per_sm_bytes_per_s=read_slope, copy_bandwidth_per_sm_bytes_per_s=copy_slope,
        dram_plateau_bytes_per_s=read_plateau, copy_plateau_bytes_per_s=copy_plateau,
        dram_knee_sms=knee, linear_points=used,
        power_per_sm_w={bench: line[0] for bench, line in lines.items()},
        power_intercept_w={bench: line[1] for bench, line in lines.items()},
        power_at_knee_fraction=at_knee / read[-1][2],
        sm_partitioning=dict(raw.get("meta", {}).get("sm_partitioning", {})))


def apply_sm_sweep(profile: GpuProfile, fit: SmSweepFit, source: str) -> GpuProfile:
    """``profile`` with the sweep's per-SM DRAM bandwidth and the driver's SM partition sizes
    (``source`` names the sweep's raw file in the origin)."""
    parts = fit.sm_partitioning
    origin = dict(profile.origin)
    origin["dram_bandwidth_per_sm_bytes_per_s"] = (
        f"measured: SM sweep {source}, read-stream bandwidth per SM over {fit.linear_points} point(s) below "
        f"{SM_LINEAR_FRACTION:.0%} of the {fit.dram_plateau_bytes_per_s / 1e12:.2f} TB/s plateau "
        f"(knee {fit.dram_knee_sms:.0f} SMs)")
    changes: dict[str, Any] = {"dram_bandwidth_per_sm_bytes_per_s": fit.dram_bandwidth_per_sm_bytes_per_s}
    if parts.get("min_partition_sms") and parts.get("alignment_sms"):
        changes.update(sm_partition_min=int(parts["min_partition_sms"]),
                       sm_partition_alignment=int(parts["alignment_sms"]))
        origin["sm_partition_min"] = origin["sm_partition_alignment"] = (
            f"measured: cuDeviceGetDevResource (SM sweep {source})")
    return replace(profile, origin=origin, **changes)


def create_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m flipflop.hardware.calibrate.fit",
                                     description="Fit a GPU profile from raw calibration numbers.")
    parser.add_argument("raw", help="raw JSON written by flipflop calibrate")
    parser.add_argument("--out", required=True, help="profile JSON to write")
    parser.add_argument("--base", help="profile supplying unmeasured fields (default: the bundled one of this GPU)")
    parser.add_argument("--note", action="append", default=[], help="a note for provenance (repeatable)")
    parser.add_argument("--scheduling", help="scheduling costs measured separately "
                        "(python -m flipflop.measure.calibrate.scheduling), merged into the raw numbers")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = create_parser().parse_args(argv)
    try:
        raw = json.loads(Path(args.raw).read_text())
        if args.scheduling:
            raw["scheduling"] = json.loads(Path(args.scheduling).read_text())
        profile = fit_profile(raw, load_profile(args.base) if args.base else None, tuple(args.note))
    except (OSError, json.JSONDecodeError) as error:
        print(f"error: cannot read {args.raw}: {error}", file=sys.stderr)
        return 1
    except FlipflopError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    command = "python -m flipflop.hardware.calibrate.fit " + " ".join(
        f'"{a}"' if " " in a else a for a in (sys.argv[1:] if argv is None else argv))
    profile = replace(profile, provenance={**profile.provenance, "fit_command": command})
    Path(args.out).write_text(profile.to_json() + "\n")
    print(f"wrote {args.out} ({profile.name}, status {profile.status})", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
