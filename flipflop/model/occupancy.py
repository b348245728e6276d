"""Resident blocks and warps per SM, as the CUDA occupancy calculator computes them."""
from __future__ import annotations

import math
from dataclasses import dataclass

from flipflop.hardware.profile import GpuProfile


@dataclass(frozen=True)
class Occupancy:
    """Residency of one kernel configuration on one SM.

    ``limiter`` names the resource that bounds ``blocks_per_sm``: "threads", "blocks",
    "registers" or "shared"; ``blocks_per_sm`` is 0 when the block cannot launch at all.
    """

    blocks_per_sm: int
    warps_per_block: int
    warps_per_sm: int
    occupancy: float
    limiter: str


def _round_up(value: int, unit: int) -> int:
    return -(-value // unit) * unit if unit > 0 else value


def occupancy(
    profile: GpuProfile, threads_per_block: int, registers_per_thread: int, shared_bytes_per_block: int
) -> Occupancy:
    """Blocks per SM for a block of ``threads_per_block`` threads (cudaOccupancy* semantics).

    Registers are allocated per warp in ``register_alloc_unit`` chunks, inside each of the
    SM's sub-partitions (one per warp scheduler): an SM holds as many warps as fit in one
    sub-partition's quarter of the register file, times the sub-partitions, and the launch
    check rounds a block's warps up to a multiple of the sub-partitions (cuda_occupancy.h,
    ``cudaOccMaxBlocksPerSMRegsLimit``). Shared memory is allocated per block in
    ``shared_alloc_unit_bytes`` chunks plus the per-block reservation the driver keeps on sm_80
    and later.
    """
    warps_per_block = math.ceil(threads_per_block / profile.warp_size)
    limits = {
        "threads": profile.max_warps_per_sm // warps_per_block if warps_per_block else 0,
        "blocks": profile.max_blocks_per_sm,
    }
    register_too_big = False
    if registers_per_thread > 0:
        regs_per_warp = _round_up(registers_per_thread * profile.warp_size, profile.register_alloc_unit)
        partitions = profile.schedulers_per_sm
        # 40 registers, 17-warp blocks on an H200: 51 warps fit the whole file but 12 per quarter,
        # so 2 blocks, not 3 (measured: rmsnorm's time steps up at 544 threads, not at 576).
        warps_fitting = (profile.registers_per_sm // partitions // regs_per_warp) * partitions
        limits["registers"] = warps_fitting // warps_per_block
        # The per-block limit (64 K registers on every GPU with a profile) is the register file.
        register_too_big = regs_per_warp * _round_up(warps_per_block, partitions) > profile.registers_per_sm
    if shared_bytes_per_block > 0:
        per_block = _round_up(
            shared_bytes_per_block + profile.shared_reserved_per_block_bytes, profile.shared_alloc_unit_bytes
        )
        limits["shared"] = profile.shared_per_sm_bytes // per_block
    too_big = (
        threads_per_block > profile.max_threads_per_block
        or registers_per_thread > profile.max_registers_per_thread
        or register_too_big
        or shared_bytes_per_block > profile.max_shared_per_block_bytes
    )
    limiter = min(limits, key=lambda k: limits[k])
    blocks = 0 if too_big else max(0, limits[limiter])
    warps = blocks * warps_per_block
    return Occupancy(blocks, warps_per_block, warps, warps / profile.max_warps_per_sm, limiter)
