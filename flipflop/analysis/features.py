"""Records the analyses hand to the model: a kernel's facts for one block shape and launch.

``KernelAnalysis`` (in ``flipflop.analysis.kernel``) is built once per PTX function and
evaluated per launch into ``LaunchFeatures``; the model reads only these records.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

INSTRUCTION_CLASSES: tuple[str, ...] = (
    "fp32", "fp16", "fp64", "int", "sfu", "tensor", "convert",
    "global_load", "global_store", "shared_load", "shared_store",
    "local_load", "local_store", "const_load", "atomic", "barrier", "branch", "other",
)


@dataclass(frozen=True)
class LoopFacts:
    """One natural loop. ``trip_count`` is per entry of the loop (None when unknown)."""

    header_line: int
    depth: int  # 1 = outermost
    trip_count: float | None
    data_dependent: bool
    symbolic: str  # the trip count as an expression, e.g. "(n + 3) / 4"


@dataclass(frozen=True)
class AccessFacts:
    """One static memory instruction, evaluated for a block shape.

    ``executions_per_thread``: average dynamic executions per launched thread (trip counts
    × guard probabilities). ``sectors_per_request`` / ``lines_per_request`` (global, local):
    32-byte sectors / 128-byte lines one full warp's request touches (1 warp of 32 threads
    reading 4 contiguous bytes each → 4 sectors, 1 line). ``bank_conflict_degree`` (shared):
    wavefronts per request (1 = conflict-free, 32 = fully serialised).
    ``footprint_bytes``: distinct bytes the whole grid touches through this access (bounded
    by the array size when known); ``block_footprint_bytes``: distinct bytes one block
    touches over all its loop iterations — what a cache could serve on re-reads.
    """

    line: int
    space: Literal["global", "shared", "local", "const", "param", "generic"]
    op: Literal["load", "store", "atomic"]
    bytes: int  # per thread per execution (vector width × element size)
    affine: bool
    stride_bytes: dict[str, int | None]  # {"x": .., "y": .., "z": ..}
    loop_depth: int
    executions_per_thread: float
    sectors_per_request: float | None
    lines_per_request: float | None
    bank_conflict_degree: float | None
    footprint_bytes: float | None
    block_footprint_bytes: float | None
    uniform: bool = False  # same address for every thread of a warp (a broadcast)
    loop_stride_bytes: int | None = None  # address change per iteration of the innermost loop
    array: str | None = None  # the pointer parameter the address is based on (global accesses)
    offset_bytes: int = 0  # the address's constant part: unrolled copies of an access differ in it
    cached_read_only: bool = False  # ld.global.nc / __ldg
    loop: int | None = None  # the innermost enclosing loop's index (None outside loops)
    # Share of this load's (store's) sectors that no earlier copy of it (same address shape,
    # constant offset: an unrolled loop) touched in the same warp request; 1 for the first copy.
    new_sector_share: float = 1.0
    # For loads of one array in one loop body with different address shapes: the share of
    # their requested sectors the block did not read in this or the previous iteration (None
    # for other accesses).
    window_share: float | None = None
    array_bytes: float | None = None  # size of the argument array ``array`` points into, if known
    # Atomics: a floating-point one (L2's slower float path), and whether ptxas folds the lanes
    # of a warp into one operation (an integer add/min/max/and/or/xor on an address that does
    # not depend on the thread index; ``opcodes.atomic_kind``).
    atomic_float: bool = False
    atomic_warp_combined: bool = False
    # Average executions per launched warp, a warp counting once when any of its lanes runs the
    # access (lanes that run it with chance p independently: 1 − (1 − p)^32 of the warps; lane 0
    # of each warp: every warp). None: not evaluated (read as executions_per_thread).
    warp_executions: float | None = None
    # Average requests per launched warp for a global or local access: per warp, its busiest
    # lane's executions (a store under `threadIdx.y == 0` or `lane == 0` is one request for the
    # warp holding those lanes, not a share of every warp's). None: read as executions_per_thread.
    warp_requests: float | None = None
    # The address the first sampled thread that runs the access reaches first (its loops at their
    # first iteration); None where the address is not known.
    start_address: int | None = None
    # Atomics at evaluated data-dependent addresses: over how many addresses the sampled threads'
    # operations spread as if evenly (1 / Σ p²; a normal distribution's hot bins count less than all
    # its bins). None: affine or not evaluated, or no address repeats in the sample.
    atomic_addresses: float | None = None
    # The address depends on loaded data or on values the analysis does not follow (an affine
    # address never does; `lane = tid % 32` or `tid & 31` is not affine yet fixed by the thread).
    from_data: bool = False
    # Share of the sectors a block reaches through this access, using little of each, whose other bytes
    # no block near it in launch order uses (a bit-reversal permutation), and the bytes L2 fetches for
    # each such sector's 32 (64-byte pairs: up to 2). 0 and 1 for other accesses.
    far_sector_share: float = 0.0
    far_fetch_ratio: float = 1.0


@dataclass(frozen=True)
class LaunchFeatures:
    """Everything the model needs about one kernel at one launch configuration.

    ``instructions`` is the dynamic count per launched thread by class (average over the
    grid, guards included); ``warp_instructions`` the count per launched warp as the warp
    issues them (a block once per warp if any lane runs it, as often as its busiest lane),
    the unit of ``smsp__inst_executed``. ``active_fraction``: share of launched threads that pass the
    boundary guards and do the main work. ``divergent_branches``: branches whose condition
    depends on the thread index. ``block_imbalance``: the slowest sampled block's work (its busiest
    thread's instructions) over the sampled blocks' mean, 1 where every block does alike (a
    triangular loop, `for (i = row; i < n; ...)`, makes the first block's path the launch's).
    ``path_instructions``: what a block's busiest warp issues, averaged over the blocks (a block's
    dependent path; where one thread works, the mean warp's count would shrink as the block grows).
    """

    kernel: str
    block: tuple[int, int, int]
    grid: tuple[int, int, int]
    instructions: dict[str, float]
    warp_instructions: dict[str, float]
    accesses: tuple[AccessFacts, ...]
    loops: tuple[LoopFacts, ...]
    active_fraction: float
    divergent_branches: int
    barriers_per_thread: float
    registers: int
    shared_bytes: int  # static + dynamic per block
    local_bytes: int
    spill_bytes: int = 0
    static_instructions: int = 0  # PTX instructions in the kernel body, for spill traffic estimates
    warp_sass_instructions: float | None = None  # SASS a launched warp issues (None: no disassembler)
    notes: tuple[str, ...] = field(default_factory=tuple)
    block_imbalance: float = 1.0
    path_instructions: float | None = None  # the blocks' busiest warp's instructions (None: the mean warp's)

    @property
    def threads_per_block(self) -> int:
        return self.block[0] * self.block[1] * self.block[2]

    @property
    def blocks(self) -> int:
        return self.grid[0] * self.grid[1] * self.grid[2]
