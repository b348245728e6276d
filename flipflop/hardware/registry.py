"""The bundled GPU profiles: listing, and datasheet profiles completed from measured ones.

A datasheet profile has vendor limits, clocks and bandwidths but only estimated power
coefficients. When a measured profile of a related GPU ships, ``resolve_profile`` replaces
those estimates with the measured coefficients, scaled for the process node:

* same architecture (H200 from H100: same GH100 die, same 4N process) → copied as is;
* otherwise → the nearest measured GPU (same architecture family first, then any), with
  per-operation energies and per-SM/per-warp powers multiplied by the ratio of the
  process-node factors below. Dynamic energy per operation goes as C·V²; TSMC quotes about
  30 % less power at iso-speed from N7 to N5 (4N is an N5 derivative), so N7 ≈ 1.35× 4N;
  Samsung 8N sits between TSMC N10 and N7, ≈ 1.6× 4N.
* DRAM energy per byte belongs to the memory technology, not the die: it is inherited only
  between GPUs with the same memory (HBM3 ↔ HBM3 etc.).

Inherited fields are marked ``inherited from <name> ×<factor>`` in ``origin``.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from flipflop.hardware.profile import PROFILE_DIR, GpuProfile, load_profile

# Relative dynamic energy per operation, by process node (TSMC 4N = 1).
NODE_ENERGY_FACTOR = {"TSMC 4N": 1.0, "TSMC N7": 1.35, "Samsung 8N": 1.6}
# Process node by architecture, for profiles whose provenance does not name one
# (GA100 is TSMC N7, GA10x Samsung 8N, AD10x and GH100 TSMC 4N).
ARCH_NODE = {"sm_90": "TSMC 4N", "sm_89": "TSMC 4N", "sm_86": "Samsung 8N", "sm_80": "TSMC N7"}
# Architecture → family, for choosing the nearest measured GPU.
ARCH_FAMILY = {"sm_90": "hopper", "sm_89": "ada", "sm_86": "ampere", "sm_80": "ampere"}
# Coefficients that scale with the process node.
NODE_SCALED_FIELDS = ("energy_pj_per_op", "l2_energy_pj_per_byte", "shared_energy_pj_per_byte",
                      "sm_active_power_w", "warp_resident_power_w")
# Copied unscaled.
COPIED_FIELDS = ("voltage_exponent",)


@dataclass(frozen=True)
class ProfileSummary:
    """One bundled profile, as ``flipflop gpus`` lists it."""

    name: str
    display_name: str
    arch: str
    status: str
    sm_count: int
    max_sm_clock_mhz: float
    dram_bandwidth_tb_per_s: float
    power_limit_default_w: float
    power_limit_range_w: tuple[float, float]
    inherits_from: str | None


def _node(profile: GpuProfile) -> str | None:
    return profile.provenance.get("process_node") or ARCH_NODE.get(profile.arch)


def _memory(profile: GpuProfile) -> str | None:
    return profile.provenance.get("memory")


def _bundled() -> list[GpuProfile]:
    return [load_profile(p) for p in sorted(PROFILE_DIR.glob("*.json"))]


def nearest_measured(profile: GpuProfile, candidates: list[GpuProfile]) -> GpuProfile | None:
    """The measured profile a datasheet ``profile`` inherits from (None if none qualifies).

    Preference: same architecture, then same family, then any measured GPU whose process
    node factor is known; ties broken by name for determinism.
    """
    measured = [c for c in candidates if c.status == "measured" and c.name != profile.name
                and _node(c) in NODE_ENERGY_FACTOR]
    if profile.status == "measured" or not measured or _node(profile) not in NODE_ENERGY_FACTOR:
        return None

    def rank(c: GpuProfile) -> tuple[int, str]:
        if c.arch == profile.arch:
            return 0, c.name
        if ARCH_FAMILY.get(c.arch) == ARCH_FAMILY.get(profile.arch):
            return 1, c.name
        return 2, c.name

    return min(measured, key=rank)


def inherit(profile: GpuProfile, source: GpuProfile) -> GpuProfile:
    """``profile`` with its power coefficients taken from the measured ``source``."""
    factor = NODE_ENERGY_FACTOR[_node(profile)] / NODE_ENERGY_FACTOR[_node(source)]
    changes: dict[str, object] = {}
    origin = dict(profile.origin)
    for name in NODE_SCALED_FIELDS:
        value = getattr(source, name)
        if isinstance(value, dict):
            changes[name] = {**getattr(profile, name), **{k: v * factor for k, v in value.items()}}
        else:
            changes[name] = value * factor
        origin[name] = f"inherited from {source.name} ×{factor:.3g}"
    for name in COPIED_FIELDS:
        changes[name] = getattr(source, name)
        origin[name] = f"inherited from {source.name}"
    if _memory(profile) is not None and _memory(profile) == _memory(source):
        changes["dram_energy_pj_per_byte"] = source.dram_energy_pj_per_byte
        origin["dram_energy_pj_per_byte"] = f"inherited from {source.name}"
    provenance = {**profile.provenance, "inherited_from": source.name, "node_energy_factor": factor}
    return dataclasses.replace(profile, origin=origin, provenance=provenance, **changes)


@lru_cache(maxsize=32)
def _resolve_cached(name_or_path: str, mtime_key: tuple[float, ...]) -> GpuProfile:
    profile = load_profile(name_or_path)
    source = nearest_measured(profile, _bundled())
    return inherit(profile, source) if source is not None else profile


def resolve_profile(name_or_path: str | Path) -> GpuProfile:
    """Load a profile by bundled name or path, completing a datasheet profile by inheritance.

    Raises ProfileNotFoundError for an unknown name or unreadable file.
    """
    paths = [*sorted(PROFILE_DIR.glob("*.json")), Path(name_or_path)]
    mtime_key = tuple(p.stat().st_mtime if p.is_file() else 0.0 for p in paths)
    return _resolve_cached(str(name_or_path), mtime_key)


def list_profiles() -> list[ProfileSummary]:
    """Every bundled profile, resolved, sorted by name."""
    summaries = []
    for path in sorted(PROFILE_DIR.glob("*.json")):
        p = resolve_profile(path.stem)
        summaries.append(ProfileSummary(
            name=p.name, display_name=p.display_name, arch=p.arch, status=p.status, sm_count=p.sm_count,
            max_sm_clock_mhz=p.max_sm_clock_mhz, dram_bandwidth_tb_per_s=p.dram_bandwidth_bytes_per_s / 1e12,
            power_limit_default_w=p.power_limit_default_w,
            power_limit_range_w=(p.power_limit_min_w, p.power_limit_max_w),
            inherits_from=p.provenance.get("inherited_from"),
        ))
    return summaries

