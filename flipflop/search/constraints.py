"""What the GPU cannot launch: each check returns the reason a configuration is dropped.

Checks run in two stages: the launch shape before compiling (threads, block dimensions,
grid), and the compiled kernel's resources after (registers, shared memory, residency).
Limits come from the profile; the register file is allocated per warp in
``register_alloc_unit`` chunks, shared memory in ``shared_alloc_unit_bytes`` chunks plus the
per-block reservation, as the occupancy calculator does.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from flipflop.frontend.resources import Resources
from flipflop.hardware.profile import GpuProfile
from flipflop.model.occupancy import occupancy


@dataclass(frozen=True)
class Dropped:
    """A configuration left out, and why (one line)."""

    params: dict[str, Any]
    reason: str


def shape_problem(profile: GpuProfile, block: tuple[int, int, int], grid: tuple[int, int, int]) -> str | None:
    """Why this block/grid shape cannot launch, or None."""
    threads = block[0] * block[1] * block[2]
    if min(block) < 1:
        return f"block {block} has a dimension < 1"
    if threads > profile.max_threads_per_block:
        return f"{threads} threads per block > {profile.max_threads_per_block}"
    for axis, size, limit in zip("xyz", block, profile.max_block):
        if size > limit:
            return f"block {axis} = {size} > {limit}"
    for axis, size, limit in zip("xyz", grid, profile.max_grid):
        if size > limit:
            return f"grid {axis} = {size} > {limit}"
    return None


def resource_problem(profile: GpuProfile, block: tuple[int, int, int], resources: Resources,
                     dynamic_shared_bytes: int = 0) -> str | None:
    """Why a compiled kernel with ``resources`` cannot launch with this block, or None."""
    threads = block[0] * block[1] * block[2]
    if resources.shared_bytes > profile.max_static_shared_per_block_bytes:
        return (f"static shared memory {resources.shared_bytes} B > "
                f"{profile.max_static_shared_per_block_bytes} B (ptxas: uses too much shared data)")
    shared = resources.shared_bytes + dynamic_shared_bytes
    if shared > profile.max_shared_per_block_bytes:
        return f"shared memory {shared} B per block > {profile.max_shared_per_block_bytes} B"
    if resources.registers > profile.max_registers_per_thread:
        return f"{resources.registers} registers per thread > {profile.max_registers_per_thread}"
    warps = math.ceil(threads / profile.warp_size)
    per_warp = math.ceil(resources.registers * profile.warp_size / profile.register_alloc_unit) \
        * profile.register_alloc_unit
    if per_warp * warps > profile.registers_per_sm:
        return (f"{resources.registers} registers × {threads} threads needs {per_warp * warps} registers "
                f"> {profile.registers_per_sm} per SM")
    residency = occupancy(profile, threads, resources.registers, shared)
    if residency.blocks_per_sm < 1:
        return f"no block fits on an SM (limited by {residency.limiter})"
    return None
