"""GPU profiles: limits, throughputs and power coefficients of one GPU, as data.

A profile is a JSON file (``flipflop/hardware/profiles/<name>.json``). Every coefficient
the model uses comes from here, never from a kernel. ``origin`` says, per field, whether
it was ``measured`` by ``flipflop calibrate``, ``modelled`` from measured points, or taken
from a ``datasheet``; ``status`` is ``measured`` when calibration produced the profile.
"""
from __future__ import annotations

import json
from dataclasses import MISSING, asdict, dataclass, field, fields
from pathlib import Path
from typing import Any, Literal

from flipflop.errors import ProfileNotFoundError

PROFILE_DIR = Path(__file__).parent / "profiles"

# Units: per-SM throughputs are operations (thread-instructions) per clock per SM;
# energies are picojoules per thread-instruction (or per byte); bandwidths bytes/s.
UNIT_CLASSES = ("fp32", "fp16", "fp64", "int", "sfu", "tensor", "convert", "ldst", "branch", "other")


@dataclass(frozen=True)
class GpuProfile:
    name: str                      # "h100-sxm"
    display_name: str              # "NVIDIA H100 80GB HBM3 (SXM5)"
    arch: str                      # "sm_90"
    status: Literal["measured", "datasheet"]
    # launch limits
    sm_count: int
    warp_size: int
    max_threads_per_block: int
    max_threads_per_sm: int
    max_blocks_per_sm: int
    registers_per_sm: int
    max_registers_per_thread: int
    register_alloc_unit: int       # registers, per warp allocation granularity
    shared_per_sm_bytes: int
    max_shared_per_block_bytes: int      # with the opt-in attribute
    max_static_shared_per_block_bytes: int  # 48 KB: ptxas rejects more static shared
    shared_alloc_unit_bytes: int
    shared_reserved_per_block_bytes: int  # 1 KB system use per block on sm_80+
    max_grid: tuple[int, int, int]
    max_block: tuple[int, int, int]
    # clocks
    max_sm_clock_mhz: float
    base_sm_clock_mhz: float
    min_sm_clock_mhz: float
    # throughputs, thread-instructions per clock per SM, by unit class
    ops_per_clock_per_sm: dict[str, float]
    # memory system
    dram_bandwidth_bytes_per_s: float
    l2_bandwidth_bytes_per_s: float
    l2_bytes: int
    l1_bytes_per_sm: int
    shared_bytes_per_clock_per_sm: float   # 128 B/clk: 32 banks × 4 B
    dram_latency_ns: float
    l2_latency_ns: float
    shared_latency_ns: float
    launch_overhead_us: float
    # power
    idle_power_w: float
    static_power_w: float          # chip static + uncore when a kernel runs, at max clock
    power_limit_default_w: float
    power_limit_min_w: float
    power_limit_max_w: float
    energy_pj_per_op: dict[str, float]     # per thread-instruction, at max clock and nominal voltage
    dram_energy_pj_per_byte: float
    l2_energy_pj_per_byte: float
    shared_energy_pj_per_byte: float
    sm_active_power_w: float       # per SM with at least one resident block (clock tree, schedulers)
    warp_resident_power_w: float   # per resident warp per SM
    voltage_exponent: float = 3.0  # dynamic power ∝ f^K in the DVFS range (paper: K = 3)
    schedulers_per_sm: int = 4     # warp instructions issued per clock per SM
    alu_latency_cycles: float = 4.0  # dependent-issue latency of the FP32/INT pipes
    barrier_cycles: float = 24.0   # a __syncthreads with all warps already arrived
    block_launch_ns: float = 80.0  # per block per SM: the block scheduler's dispatch and retire
    # Atomics on one address serialise at L2: floating-point ones (the calibration's float add,
    # one per warp) and integer ones (about 2.4x faster on GH100); None: integers as floats.
    atomic_same_address_ns: float = 2.0
    atomic_same_address_int_ns: float | None = None
    # Atomics at addresses spread by data (a histogram's bins), per operation, by the bytes the
    # addresses span ({"32": ns, "4096": ns, ...}; log-log interpolated, flat past either end):
    # L2 spreads them over more slices as the span grows. None: not calibrated (no such term).
    atomic_scattered_ns_by_span: dict[str, float] | None = None
    # The same for atomics whose lanes name consecutive addresses (per-block counts merged into a
    # global array, a warp a line): far cheaper per operation than scattered ones.
    atomic_coalesced_ns_by_span: dict[str, float] | None = None
    l2_bytes_per_clock_per_sm: float = 64.0  # one SM's port to L2
    l2_partial_write_factor: float = 2.5  # L2 cost of a sector written only in part (byte-masked)
    # DRAM write rate; None: writes stream as fast as reads (datasheet profiles know one figure)
    dram_write_bandwidth_bytes_per_s: float | None = None
    dram_bytes: int | None = None  # device memory; arguments larger than this cannot be launched
    # Green-context SM partitions (cuDeviceGetDevResource's sm.minSmPartitionSize and
    # sm.smCoscheduledAlignment): a launch confined to n SMs needs n ≥ the minimum and n a
    # multiple of the alignment, or n the whole GPU. 1 and 1 (any count) for profiles written before.
    sm_partition_min: int = 1
    sm_partition_alignment: int = 1
    # DRAM bandwidth one SM draws alone (bandwidth vs SM count at few SMs); None: not
    # calibrated, so the bandwidth of n SMs is not capped below the whole DRAM's.
    dram_bandwidth_per_sm_bytes_per_s: float | None = None
    origin: dict[str, str] = field(default_factory=dict)
    provenance: dict[str, Any] = field(default_factory=dict)
    raw: dict[str, Any] = field(default_factory=dict)  # calibration raw numbers, for refits

    @property
    def max_warps_per_sm(self) -> int:
        return self.max_threads_per_sm // self.warp_size

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=1)

    @classmethod
    def from_dict(cls, data: dict[str, Any], source: str | None = None) -> "GpuProfile":
        """A profile from its JSON fields; ``source`` (the file) names it in errors."""
        where = source or (data.get("name") if isinstance(data, dict) else None) or "(unnamed)"
        if not isinstance(data, dict):
            raise ProfileNotFoundError(f"profile {where} must be a JSON object of profile fields, "
                                       f"got {type(data).__name__}")
        known = {f.name for f in fields(cls)}
        unknown = set(data) - known
        if unknown:
            raise ProfileNotFoundError(f"profile {where}: unknown fields {sorted(unknown)}")
        missing = {f.name for f in fields(cls) if f.default is MISSING and f.default_factory is MISSING} - set(data)
        if missing:
            raise ProfileNotFoundError(f"profile {where}: missing fields {sorted(missing)}"[:400])
        for f in fields(cls):
            problem = _field_problem(str(f.type), data.get(f.name)) if f.name in data else None
            if problem:
                raise ProfileNotFoundError(f"profile {where}: field {f.name} must be {problem}, "
                                           f"got {data[f.name]!r}"[:300])
        for name in ("atomic_scattered_ns_by_span", "atomic_coalesced_ns_by_span"):
            table = data.get(name)
            if table is not None and not (table and all(_is_number(v) and v > 0 for v in table.values())
                                          and all(_positive_number_text(k) for k in table)):
                raise ProfileNotFoundError(f"profile {where}: field {name} must map spans in "
                                           f"bytes (\"4096\") to positive numbers, got {table!r}"[:300])
        for name in ("sm_partition_min", "sm_partition_alignment"):
            if name in data and (not isinstance(data[name], int) or data[name] < 1):
                raise ProfileNotFoundError(f"profile {where}: field {name} must be a positive integer, "
                                           f"got {data[name]!r}"[:300])
        data = dict(data)
        data["max_grid"] = tuple(data["max_grid"])
        data["max_block"] = tuple(data["max_block"])
        return cls(**data)


def green_partition_sizes(sm_count: int, minimum: int, alignment: int) -> list[int]:
    """Every SM count a green context can have on a GPU of ``sm_count`` SMs whose partitions
    hold at least ``minimum`` SMs in multiples of ``alignment``: the aligned counts from the
    minimum up, then the whole GPU (the one count a split need not give)."""
    first = -(-minimum // alignment) * alignment
    return sorted({*range(first, sm_count, alignment), sm_count})


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _positive_number_text(text: str) -> bool:
    try:
        return float(text) > 0
    except ValueError:
        return False


def _field_problem(annotation: str, value: Any) -> str | None:
    """What a profile field's JSON value should be, when it is not that (from its annotation)."""
    if value is None and "None" in annotation:
        return None
    if annotation.startswith(("int", "float")):
        if not _is_number(value) or value != value or value < 0:
            return "a non-negative number"
    elif annotation.startswith("tuple"):
        if not (isinstance(value, list) and len(value) == 3 and all(_is_number(v) and v >= 1 for v in value)):
            return "a list of 3 positive integers"
    elif annotation == "dict[str, float]":
        if not (isinstance(value, dict) and all(_is_number(v) for v in value.values())):
            return "an object of numbers"
    elif annotation.startswith("dict"):
        if not isinstance(value, dict):
            return "an object"
    elif not isinstance(value, str):
        return "a string"
    return None


def available_profiles() -> list[str]:
    """Names of the profiles that ship with the package."""
    return sorted(p.stem for p in PROFILE_DIR.glob("*.json"))


def load_profile(name_or_path: str | Path) -> GpuProfile:
    """Load a bundled profile by name ("h100-sxm") or a profile JSON by path."""
    path = Path(name_or_path)
    if not path.suffix:
        path = PROFILE_DIR / f"{name_or_path}.json"
    if not path.is_file():
        raise ProfileNotFoundError(
            f"no GPU profile '{name_or_path}'; bundled: {', '.join(available_profiles()) or 'none'}"
        )
    try:
        data = json.loads(path.read_bytes().decode("utf-8"))
    except OSError as exc:
        raise ProfileNotFoundError(f"cannot read profile {path}: {exc.strerror}") from None
    except UnicodeDecodeError:
        raise ProfileNotFoundError(f"profile {path} is not text (UTF-8): a profile is a JSON file") from None
    except json.JSONDecodeError as exc:
        what = "is empty" if not path.stat().st_size else f"is not valid JSON: {exc}"
        raise ProfileNotFoundError(f"profile {path} {what}; a profile is a JSON object "
                                   "(flipflop calibrate writes one)") from None
    return GpuProfile.from_dict(data, str(path))
