"""Memory traffic of one launch through L1, L2 and DRAM, from the access analysis.

Every global access contributes ``requests × sectors_per_request × 32`` bytes at L1 and
``max(lines, sectors / 4)`` L1 wavefronts per request. Near reuse always hits L1: sectors
re-read in the next iterations of a loop, addresses the block's other warps read in the same
iteration, and copies of one load (an unrolled loop) as far as their sectors coincide. Other
re-reads a block makes of its own data hit L1 as far as the resident blocks' footprints fit
beside their shared memory; re-reads across blocks hit L2 as far as the distinct data the
resident blocks re-read fits (data read only once holds no lines others need). A later loop
that reads again what an earlier loop read (a softmax's passes over a row) finds it in L1 or
L2 only as far as the resident blocks' footprints fit there. The grid footprint comes from
DRAM, unless the kernel's data fits in (half of) L2 and stays there between back-to-back
launches; data up to twice that is found in part, more not at all (LRU thrashes).
docs/model.md gives the equations.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

from flipflop.analysis.features import AccessFacts, LaunchFeatures
from flipflop.hardware.profile import GpuProfile

SECTOR_BYTES = 32
# Sectors' worth of L2 time one line of a warp request takes at least: a whole 128-byte line
# for a store, half a line for a load (the H200's and H100's transposes, docs/model.md).
L2_MIN_SECTORS = {"store": 4, "load": 2}
LINE_SECTORS = 4  # 32-byte sectors in a 128-byte L2 line
L2_RESIDENT_SHARE = 0.5  # H100-class L2s are split in two partitions that may both hold a line
GLOBAL_SPACES = ("global", "generic", "local")
# A warp's atomics count as coalesced (the merge calibration: 4 sectors, one line a warp) up to two
# lines' worth of sectors; past that, as scattered (the histogram calibration).
COALESCED_ATOMIC_SECTORS = 8
SECTORS_PER_WARP_SCATTERED = 32
# Data reaching L2 at most this many times its footprint counts as streamed (read once).
STREAMED = 1.05
MAX_LOADS_IN_FLIGHT = 8  # loads one group may hold in flight (a cap, not a measured limit)
LOCAL_FRAMES = ("local frames",)  # the array every local access lands in: the resident threads' stack frames


@dataclass(frozen=True)
class Traffic:
    """Bytes moved per launch at each level, and the request shape that produced them."""

    requested_bytes: float      # what the threads asked for (bytes × executions)
    l1_bytes: float             # sectors through L1 (×32 B)
    l2_bytes: float             # L1 misses served by L2
    l2_line_bytes: float        # the L2 bandwidth those take: each line a request touches costs L2's minimum transfer
    dram_bytes: float           # L2 misses and write-backs
    dram_write_bytes: float     # the write-backs among them
    shared_wavefronts: float    # shared-memory wavefronts (conflicts included), whole launch
    global_wavefronts: float    # L1 tag-stage passes of global/local requests, whole launch
    shared_bytes: float
    global_requests: float      # warp-level global requests, whole launch
    atomic_serial_ns: float      # atomics serialised at L2: the busiest address's queue, or all of them at the slices' rate
    load_round_trips_per_thread: float  # groups of global loads a thread waits for in turn
    coalescing_efficiency: float     # requested / transferred at L1 (1 = perfectly coalesced)
    bank_conflict_degree: float      # mean wavefronts per shared request (1 = conflict-free)


@dataclass
class _Group:
    """Global loads of one array with one access pattern in one loop body (the copies of an
    unrolled load, a stencil's neighbours), or a single other access."""

    at_l1: float = 0.0  # bytes requested at L1
    past_near: float = 0.0  # bytes left after near reuse
    block_fp: float | None = 0.0  # distinct bytes one block touches (None: unknown)
    grid_fp: float | None = 0.0  # distinct bytes the grid touches (None: unknown)
    reread: bool = False  # an earlier loop read the same data: its first touch is counted there
    reread_later: bool = False  # a later loop reads this group's data again
    array: str | None = None  # the pointer parameter the accesses go through (None: unknown)
    array_bytes: float | None = None  # that argument's size
    writes: bool = False  # stores or atomics (they reach DRAM as writes, loads as reads)
    merged: float = 0.0  # L2 bytes only byte-masked merges add: L2 writes back whole sectors once
    at_l1_lines: float = 0.0  # at_l1 with each line a request touches counted at L2's minimum transfer
    at_l1_held: float = 0.0  # at_l1 with each line a request touches counted whole (what L2 allocates)
    window: float | None = None  # bytes a block holds live at once where it walks its data by < a sector
    starts: set = field(default_factory=set)  # where the members' first sampled threads start (None: unknown)
    far_l1: float = 0.0  # at_l1 of the sectors whose other bytes only blocks far on in the launch use
    far_fetch: float = 1.0  # bytes L2 fetches for each of those sectors' 32


def _line_occupancy(g: _Group, footprint: float) -> float:
    """The L2 capacity ``footprint`` bytes of group ``g`` take: the lines its requests reach, as
    many times its sectors as its requests touch line bytes per sector byte, at most its array."""
    lines = footprint * g.at_l1_held / g.at_l1 if g.at_l1 > 0 else footprint
    return max(footprint, min(lines, g.array_bytes)) if g.array_bytes else lines


def _rereads(a: AccessFacts, earlier: _Group) -> bool:
    """Whether load ``a`` in a later loop reads again what the ``earlier`` group (same array and
    address pattern) read: it starts where one of that group's loads started (a softmax's second
    pass over its row), and covers no more than twice its data. A loop over other rows (the copies
    of an unrolled outer loop, each walking its own row) or a main loop after a short edge loop
    (boxFilter's first r rows) reads new data. Unknown starts keep the pattern's word."""
    if a.start_address is not None and None not in earlier.starts and a.start_address not in earlier.starts:
        return False
    return a.footprint_bytes is None or earlier.grid_fp is None or a.footprint_bytes <= 2.0 * earlier.grid_fp


def request_sectors(access: AccessFacts, requests: float, threads: float, warp_size: int) -> tuple[float, float]:
    """Sectors one warp request of a global access moves, and the share of its lanes left to make
    them. The analysis's figure (one sector a thread where it has none), at least one sector and at
    most one a thread — and at most what the lanes that run the access touch: where lanes leave a
    loop at different trips (each thread hashing its own key, of its own length), the busiest
    lane's requests carry the others' sectors only while those last (HeCBench murmurhash3: 32
    sectors a request at the first trip, L2 sectors 2.6x the counters' over the loop, run 37)."""
    sectors = access.sectors_per_request
    if sectors is None:
        sectors = float(min(32, warp_size))
    sectors = min(max(sectors, 1.0), float(warp_size))
    lane_sectors = access.executions_per_thread * threads * -(-access.bytes // SECTOR_BYTES)
    if requests <= 0 or requests * sectors <= lane_sectors:
        return sectors, 1.0
    capped = max(1.0, lane_sectors / requests)
    return capped, capped / sectors


def _warp_requests(access: AccessFacts, warps: float) -> float:
    per_warp = access.executions_per_thread if access.warp_requests is None else access.warp_requests
    return per_warp * warps


def _sum_or_none(total: float | None, part: float | None, share: float) -> float | None:
    return None if total is None or part is None else total + part * share


def _new_sector_fraction(a: AccessFacts) -> float:
    """Share of a loop access's executions that reach a sector not read the iteration before."""
    stride = a.loop_stride_bytes
    if a.loop_depth == 0 or stride is None or abs(stride) >= SECTOR_BYTES:
        return 1.0
    return max(abs(stride) / SECTOR_BYTES, 1.0 / max(a.executions_per_thread, 1.0))


def _warps_sharing(a: AccessFacts, block: tuple[int, int, int], warps_per_block: int) -> float:
    """Warps of a block that read the same addresses in the same iteration.

    Threads that differ only along a dimension whose stride is zero read the same address;
    a warp holds at most 32 distinct ones, so a block of D distinct addresses is read
    warps × min(32, D) / D times over.
    """
    distinct = 1
    for extent, dim in zip(block, "xyz"):
        if a.stride_bytes.get(dim) != 0:
            distinct *= extent
    return max(1.0, warps_per_block * min(32, distinct) / distinct)


def _per_sm(blocks_bytes: float, group: _Group, sms: int = 1) -> float:
    """Distinct bytes of a load group the blocks of ``sms`` SMs touch: at most its grid footprint
    on each SM."""
    if group.writes or group.grid_fp is None:
        return blocks_bytes
    return min(blocks_bytes, group.grid_fp * sms)


def _block_fills(features: LaunchFeatures) -> dict[int, float]:
    """Per access (by ``id``): the share of the bytes of the sectors one block writes through it
    that the block itself writes, with the copies issued next to it, no other memory access
    between (a vector store split in scalars), that fill them at the same time (1: every sector
    it touches is filled; 0: unknown). Copies further apart (an unrolled loop's, a load latency
    apart) do not count: their sectors have left for L2 in part (transposeNaive, one row per
    block)."""
    ordered = sorted(features.accesses, key=lambda b: b.line)
    fills: dict[int, float] = {}
    run: list[AccessFacts] = []
    for a in ordered + [None]:
        if a is not None and run and _copy_of(a, run[0]):
            run.append(a)
            continue
        if run:
            written = sum(b.bytes * b.executions_per_thread for b in run) * features.threads_per_block
            fill = min(1.0, written / max(b.block_footprint_bytes for b in run))
            fills.update((id(b), fill) for b in run)
        run = [a] if a is not None and a.op != "load" and a.block_footprint_bytes else []
    return fills


def _span_ns(by_span: dict[str, float], span_bytes: float) -> float:
    """A calibrated time per atomic for addresses spanning ``span_bytes`` (log-log interpolated,
    flat past both ends)."""
    table = sorted((math.log(float(span)), math.log(ns)) for span, ns in by_span.items())
    x = math.log(max(span_bytes, 1.0))
    if x <= table[0][0]:
        return math.exp(table[0][1])
    for (x0, y0), (x1, y1) in zip(table, table[1:]):
        if x <= x1:
            return math.exp(y0 + (y1 - y0) * (x - x0) / (x1 - x0))
    return math.exp(table[-1][1])


def load_round_trips(features: LaunchFeatures) -> float:
    """Memory round trips on a thread's path: its global loads in program order, grouped as
    one warp can have them in flight together, each group executed as often as its most
    executed load.

    A group is the loads of one loop body (or of the code outside loops) up to
    ``MAX_LOADS_IN_FLIGHT``; a global store or atomic ends it for the coherent loads after it,
    which ptxas does not move above a store that may alias them (an unrolled `y[i] = f(x[i])`
    assembles to LDG STG LDG STG: one load in flight). Read-only loads (``ld.global.nc``,
    ``__ldg``, `const __restrict__`) may pass the store (LDG.CONSTANT ×4 then STG ×4).
    """
    trips = executions = 0.0
    loop: object = ()  # no group open
    size, fenced = 0, False
    for a in sorted(features.accesses, key=lambda b: b.line):
        if a.space not in GLOBAL_SPACES:
            continue
        if a.op != "load":
            fenced = fenced or a.loop == loop
            continue
        if a.loop != loop or size == MAX_LOADS_IN_FLIGHT or (fenced and not a.cached_read_only):
            trips += executions
            loop, size, fenced, executions = a.loop, 0, False, 0.0
        size += 1
        executions = max(executions, a.executions_per_thread)
    return trips + executions


def _copy_of(b: AccessFacts, a: AccessFacts) -> bool:
    return (b.op == a.op and b.array == a.array and b.stride_bytes == a.stride_bytes
            and bool(b.block_footprint_bytes))


def spill_accesses_per_thread(features: LaunchFeatures) -> float:
    """Dynamic local-memory accesses a thread makes for register spills.

    ptxas reports spill bytes of the static code only; spill code is assumed to run as often
    as the average instruction, so the static spill count is scaled by dynamic/static counts.
    """
    if features.spill_bytes <= 0 or features.static_instructions <= 0:
        return 0.0
    dynamic = sum(features.instructions.values())
    return features.spill_bytes / 4 * dynamic / features.static_instructions


def memory_traffic(
    features: LaunchFeatures, profile: GpuProfile, blocks_per_sm: int, sm_count: int | None = None
) -> Traffic:
    """Traffic for one launch; ``blocks_per_sm`` sets how many blocks share L1 and, with the
    ``sm_count`` SMs the launch may use (default: all of the GPU's), L2."""
    warps_per_block = -(-features.threads_per_block // profile.warp_size)
    warps = warps_per_block * features.blocks
    threads = features.threads_per_block * features.blocks
    sms = profile.sm_count if sm_count is None else sm_count
    resident_blocks = max(1, min(features.blocks, blocks_per_sm * sms))
    l1_capacity = max(0.0, profile.l1_bytes_per_sm - blocks_per_sm * features.shared_bytes)

    requested = transferred = 0.0
    global_requests = global_wavefronts = 0.0
    shared_wavefronts = shared_bytes = shared_requests = 0.0
    atomic_serial_ns = 0.0
    atomic_spread_ns = 0.0
    # Loads of one array with equal strides that differ only by constant offsets (an unrolled
    # stencil or filter) form one group. The same pattern in a later loop re-reads the data
    # (a `reread` group).
    groups: dict[object, _Group] = {}
    fills = _block_fills(features)
    for index, a in enumerate(features.accesses):
        reqs = _warp_requests(a, warps)
        thread_bytes = a.bytes * a.executions_per_thread * threads
        if a.space == "shared":
            # A warp makes a shared request whenever one of its lanes runs the access: lanes
            # branching on data each way half the time (a compare-and-swap) still make every
            # warp store (cuda-samples bitonic sort: 164 store wavefronts a warp measured, run 36).
            if a.warp_executions is not None:
                reqs = a.warp_executions * warps
            shared_requests += reqs
            shared_wavefronts += reqs * (a.bank_conflict_degree or 1.0)
            shared_bytes += thread_bytes
            continue
        if a.space not in GLOBAL_SPACES:
            continue  # const and param reads hit their own caches
        sectors, lanes_left = request_sectors(a, reqs, threads, profile.warp_size)
        a_l1 = moved = reqs * sectors * SECTOR_BYTES
        transferred += a_l1
        # L1 looks up one 128-byte line per cycle and moves four sectors per cycle.
        lines = a.lines_per_request * lanes_left if a.lines_per_request is not None else sectors
        global_wavefronts += reqs * max(lines, sectors / 4)
        # L2 takes each line a warp request touches at no less than a minimum transfer: a
        # transpose's column writes (one sector a line) run at a quarter of the L2 bandwidth,
        # its column reads at half; docs/model.md "L2 requests". Only where the addresses are
        # known: the fallback of one sector per thread is no layout.
        minimum = L2_MIN_SECTORS.get(a.op, 1)
        line_factor = max(1.0, minimum * lines / sectors) if a.affine and a.lines_per_request else 1.0
        merged = 0.0
        if a.op != "load" and a.bytes * profile.warp_size < sectors * SECTOR_BYTES:
            # A warp that fills none of its sectors makes L2 merge byte-masked writes, unless
            # the block's other warps fill them too (a tile's rows): then L2 holds whole sectors.
            merged = a_l1 * (profile.l2_partial_write_factor - 1.0) * (1.0 - fills.get(id(a), 0.0))
            merged *= a.new_sector_share  # copies writing the same sectors reach L2 as one
            a_l1 += merged
        # Bytes a request uses are at most the bytes it moves: threads of a warp that read one
        # address (a broadcast) share its sector, so efficiency never exceeds 1.
        requested += min(thread_bytes, moved)
        global_requests += reqs
        # An atomic at an address the analysis cannot follow (a bin computed in float arithmetic,
        # HeCBench bincount) lands somewhere in its argument array.
        span = a.footprint_bytes or (a.array_bytes if a.op == "atomic" and not a.affine else None)
        if a.op == "atomic" and span:
            # Operations piled on a few hot addresses (bins of a peaked distribution) queue as if
            # over fewer addresses and a narrower span.
            if a.atomic_addresses is not None:
                span = min(span, a.atomic_addresses * a.bytes)
            addresses = max(1.0, span / a.bytes)
            # Where ptxas folds a warp's lanes into one operation (an integer add on an address
            # free of the thread index), a guarded atomic counts the warps with a lane that takes
            # it (thread 0 of a block: one a block; a data-dependent `if (x > 0)
            # atomicAdd(count, 1)`: nearly every warp — cuda-samples' filter on 64 M ints,
            # 1.8 ms on an H100, run 29). Otherwise every lane's atomic reaches L2 on its own:
            # 32 float adds on one address cost 32 times one (56 ns a warp, run 30).
            if a.atomic_warp_combined:
                per_warp = a.executions_per_thread if a.warp_executions is None else a.warp_executions
                operations = warps * per_warp
            else:
                operations = a.executions_per_thread * threads
            integer_ns = profile.atomic_same_address_int_ns
            ns = profile.atomic_same_address_ns if a.atomic_float or integer_ns is None else integer_ns
            atomic_serial_ns = max(atomic_serial_ns, operations / addresses * ns)
            # Beyond one address's queue, L2 slices take atomics at a rate that grows with the span
            # of memory they cover: lanes at data-dependent addresses (a histogram) one by one,
            # lanes at consecutive ones (per-block counts merged, a warp a line) far faster, also
            # where the thread index reaches them through a modulo (cuML's column sums at
            # `tid % 32`, HeCBench f16atomic's `tid % 256`).
            coalesced = not a.from_data and (a.sectors_per_request or SECTORS_PER_WARP_SCATTERED) <= COALESCED_ATOMIC_SECTORS
            table = profile.atomic_coalesced_ns_by_span if coalesced else profile.atomic_scattered_ns_by_span
            # The slices' rate is shared: a kernel's atomics at different places add up (linearprobing's
            # compare-and-swap, then its exchange on the same slot).
            if table and not a.atomic_warp_combined:
                atomic_spread_ns += operations * _span_ns(table, span)
        if a.op == "load" or (a.space == "local" and a.op == "store"):
            # (L1 holds local memory write-back: a thread's stores to its stack frame stay there
            # while the resident frames fit, like its loads.)
            # Near reuse hits L1 whatever the capacity: a sector re-read in the next
            # iterations of the innermost loop, or read by the block's other warps in the
            # same iteration (a zero stride along tid.y or tid.z).
            a_l1_near = a_l1 * _new_sector_fraction(a) / _warps_sharing(a, features.block, warps_per_block)
            block_fp = None if a.block_footprint_bytes is None else min(a.block_footprint_bytes, a_l1_near / features.blocks)
            if block_fp is None and a.array_bytes and a.array_bytes * blocks_per_sm <= l1_capacity:
                # A small table read at addresses the analysis cannot follow (fp64 sin's
                # coefficients by quadrant, a lookup table): it is all a block can touch, and it
                # stays in L1 beside the other resident blocks' copies.
                block_fp = min(a.array_bytes, a_l1_near / features.blocks)
        else:
            a_l1_near = a_l1
            block_fp = None  # stores and atomics write through to L2
        key: object = LOCAL_FRAMES if a.space == "local" else index
        fresh = a.new_sector_share if a.op == "store" else 1.0
        earlier: list[_Group] = []
        if a.op == "load" and a.array is not None:
            pattern = (a.array, tuple(sorted(a.stride_bytes.items())), a.loop_depth, a.loop_stride_bytes, a.bytes)
            key = (pattern, a.loop)
            fresh = a.new_sector_share
            earlier = [g for k, g in groups.items() if isinstance(k, tuple) and k[0] == pattern and _rereads(a, g)]
        array, array_bytes = a.array, a.array_bytes
        if a.space == "local":
            # A thread's stack frame lives in its slot of the SM: the blocks that follow reuse the
            # frames of the ones before, so all local accesses together span the resident threads'
            # frames, not the grid's (HeCBench lombscargle: 537 MB of frames counted, 8.7 MB of slots).
            array, array_bytes = LOCAL_FRAMES, max(features.local_bytes, 4) * features.threads_per_block * resident_blocks
        if key not in groups:
            if earlier:
                earlier[0].reread_later = True
            groups[key] = _Group(reread=bool(earlier), array=array, array_bytes=array_bytes,
                                 writes=a.op != "load")
        group = groups[key]
        group.starts.add(a.start_address)
        stride = a.loop_stride_bytes
        if a.loop_depth > 0 and stride is not None and 0 < abs(stride) < SECTOR_BYTES:
            # A thread walking its own row (`x[i * m + j]` over j) keeps touching the sectors its
            # warp's last request reached: what a block holds live in L2 at once is those sectors,
            # not its rows (Rodinia particlefilter's row-per-thread stores: 4x the DRAM before).
            group.window = (group.window or 0.0) + warps_per_block * sectors * SECTOR_BYTES
        group.at_l1 += a_l1
        group.at_l1_lines += a_l1 * line_factor
        if a.far_sector_share > 0:
            group.far_l1 += a_l1 * a.far_sector_share
            group.far_fetch = max(group.far_fetch, a.far_fetch_ratio)
        # A request whose sectors each lie in a line of their own (a gather, a column) leaves
        # those lines three-quarters empty; one that packs its sectors (narrow elements read
        # contiguously, 2 sectors of a line) leaves the rest to the next warp's request.
        scattered = a.sectors_per_request is not None and a.sectors_per_request > 1 \
            and a.lines_per_request == a.sectors_per_request
        group.at_l1_held += a_l1 * (LINE_SECTORS if scattered else 1.0)
        group.merged += merged
        # Copies of one load share sectors: past L1 each adds only the sectors it reaches
        # first. Where loads of this array with other address shapes share the loop (neighbour
        # rows, planes), the analysis counted the sectors the block had not just read.
        if a.window_share is not None:
            fresh, a_l1_near = a.window_share, a_l1
        group.past_near += a_l1_near * fresh
        if array == LOCAL_FRAMES:
            # Every local access of a thread lands in its one frame: a block holds the frames, not
            # a sum over the accesses. A thread writes its frame before it reads it, so none of the
            # frames is a first touch from DRAM (the grid footprint stays 0): they reach L2 only
            # where L1 cannot hold them (to_l2 below).
            group.block_fp = None if group.block_fp is None or block_fp is None else max(group.block_fp, block_fp)
            if a.footprint_bytes is None:
                group.grid_fp = None
            continue
        group.block_fp = _sum_or_none(group.block_fp, block_fp, fresh)
        footprint = a.footprint_bytes
        if footprint is None and a.array_bytes:
            # Accesses at addresses the analysis cannot follow (a histogram's bins, a filter's
            # mirrored window) still land inside their array: it bounds what they bring from
            # DRAM and leave in L2 to write back.
            footprint = a.array_bytes
        group.grid_fp = _sum_or_none(group.grid_fp, footprint, fresh)
    globals_ = list(groups.values())

    spill = spill_accesses_per_thread(features)
    if spill > 0:
        # Spills live in local memory, interleaved so a warp's request is coalesced; each
        # thread re-reads its own stack frame, so the block footprint is frame × threads, and the
        # resident blocks' frames are all there is (blocks that follow reuse them).
        frame = max(features.local_bytes, 4) * features.threads_per_block
        spill_l1 = spill * warps * 4 * SECTOR_BYTES
        globals_.append(_Group(spill_l1, spill_l1, min(frame, spill_l1 / features.blocks), frame * resident_blocks,
                               at_l1_lines=spill_l1, at_l1_held=spill_l1))
        global_requests += spill * warps
        global_wavefronts += spill * warps
        requested += spill * 4 * threads
        transferred += spill_l1

    l1 = sum(g.at_l1 for g in globals_)
    first_touch = [g for g in globals_ if not g.reread]
    # L1: a block's re-reads of its own data hit when the resident blocks' footprints fit.
    # Data every block reads (a bias, a norm's weights, a lookup table) is held once per SM.
    resident_fp = sum(_per_sm(g.block_fp * blocks_per_sm, g) for g in first_touch if g.block_fp is not None)
    l1_fit = min(1.0, l1_capacity / resident_fp) if resident_fp > 0 else 1.0
    to_l2 = []
    for g in globals_:
        if g.array == LOCAL_FRAMES and g.block_fp is not None:
            # A thread's own stack frame: written (initialised) before it is read, and held in
            # L1 write-back, it reaches L2 only where the resident frames do not fit.
            to_l2.append(g.past_near * (1.0 - l1_fit))
        elif g.block_fp is None:
            to_l2.append(g.past_near)
        elif g.reread:
            to_l2.append(g.past_near * (1.0 - l1_fit))
        else:
            # Each SM fetches what its blocks read at most once: data all blocks share stays
            # in L1 for the blocks that follow (H200 counters: a layernorm's weight and bias
            # rows, 16 KB read by every one of 32768 blocks, add nothing to L2's reads).
            unique = _per_sm(g.block_fp * features.blocks, g, min(sms, features.blocks))
            to_l2.append(unique + (g.past_near - unique) * (1.0 - l1_fit))
    l2 = sum(to_l2)
    l2_lines = sum(a_l2 * g.at_l1_lines / g.at_l1 if g.at_l1 > 0 else a_l2 for a_l2, g in zip(to_l2, globals_))
    # L2: re-reads across blocks hit when the distinct data the resident blocks re-read fits;
    # blocks that share data (the grid footprint is smaller than the sum) share L2 lines.
    share = resident_blocks / features.blocks
    held: dict[tuple, float] = {}  # per array: the bytes its groups keep live, at most the array
    for a_l2, g in zip(to_l2, globals_):
        streamed = g.grid_fp is not None and a_l2 <= g.grid_fp * STREAMED and not g.reread_later
        if g.reread or streamed:
            continue  # data read once passes through L2 without holding lines others re-read
        touched = [a_l2 * share]
        if g.block_fp is not None:
            touched.append(g.block_fp * resident_blocks)
        if g.window is not None and not g.reread_later:  # a later loop needs the whole rows again
            touched.append(g.window * resident_blocks)
        if g.grid_fp is not None:
            touched.append(g.grid_fp * share)
        key = (g.array, g.array_bytes) if g.array is not None else (id(g), None)
        held[key] = held.get(key, 0.0) + min(touched)
    # Groups of one array (a gather and the stores at the same elements, a pointer chase's reads)
    # hold its lines once: together they keep at most the array live.
    concurrent = sum(min(live, size) if size else live for (_, size), live in held.items())
    l2_fit = min(1.0, profile.l2_bytes / concurrent) if concurrent > 0 else 1.0
    # An array is read from DRAM (and written to it) at most once per launch: accesses whose
    # footprints overlap (a stencil's halo rows, which the neighbouring blocks read as their
    # own rows) count the overlap as re-reads, which hit L2 as far as the working set fits.
    to_dram = [max(0.0, a_l2 - g.merged) for a_l2, g in zip(to_l2, globals_)]
    firsts = [min(g.grid_fp, a_l2) if g.grid_fp is not None and not g.reread else 0.0
              for a_l2, g in zip(to_dram, globals_)]
    per_array: dict[tuple, float] = {}
    for first, g in zip(firsts, globals_):
        if g.array_bytes:
            key = (g.array, g.writes, g.array_bytes)
            per_array[key] = per_array.get(key, 0.0) + first
    scale = {(array, writes): min(1.0, size / total) if total > 0 else 1.0
             for (array, writes, size), total in per_array.items()}
    dram = dram_written = 0.0
    capacity = profile.l2_bytes * L2_RESIDENT_SHARE
    for first, a_l2, g in zip(firsts, to_dram, globals_):
        if g.grid_fp is None:
            group_dram = a_l2
        elif g.reread:
            group_dram = a_l2 * (1.0 - l2_fit)
        else:
            unique = first * scale.get((g.array, g.writes), 1.0)
            # A row walk comes back to the sectors it just touched: those stay in L2 whatever
            # else streams through it.
            refit = 1.0 if g.window is not None and not g.reread_later else l2_fit
            group_dram = unique + (a_l2 - unique) * (1.0 - refit)
        fill = 0.0
        if g.far_l1 > 0:
            # Sectors a block uses little of, whose other bytes only blocks far on in the launch use
            # (a bit-reversal permutation): L2 has moved on by then, so each comes from DRAM again, a
            # 64-byte pair at a time, unless the array fits in L2; a store's sector is read before the
            # bytes it writes are merged in (H200 counters: 5.6 GB for bitpermute's 1 GB of data).
            hit = min(1.0, capacity / g.array_bytes) if g.array_bytes else 0.0
            missed = a_l2 * g.far_l1 / g.at_l1 * (1.0 - hit)
            group_dram = max(group_dram, missed if g.writes else missed * g.far_fetch)
            fill = missed * g.far_fetch if g.writes else 0.0
        dram += group_dram + fill
        dram_written += group_dram if g.writes else 0.0
    # A kernel launched back to back (as tuners and most applications do) whose whole data
    # fits in L2 finds it there. Past that, a launch sweeping its data in the same order as the
    # one before evicts the previous launch's lines before it reaches them (LRU thrashes): the
    # share found falls as 2·C/W − 1 and is gone at twice the capacity, so a kernel streaming
    # more than L2 reads and writes all of its data (the re-read fit of docs/model.md's known gaps,
    # which the H200's counters of layernorm's resident rows follow).
    # L2 holds lines: a gather using one sector of each line it reaches (a row's element picked
    # by a label, HeCBench nlll) fills up to four times its bytes, never more than its array.
    footprints = [_line_occupancy(g, g.grid_fp * scale.get((g.array, g.writes), 1.0)) if g.grid_fp is not None
                  else None for g in first_touch]
    if footprints and all(fp is not None for fp in footprints):
        total = sum(footprints)
        found = min(1.0, max(0.0, 2.0 * profile.l2_bytes * L2_RESIDENT_SHARE / total - 1.0)) if total > 0 else 1.0
        dram, dram_written = dram * (1.0 - found), dram_written * (1.0 - found)

    return Traffic(
        requested_bytes=requested,
        l1_bytes=l1,
        l2_bytes=l2,
        l2_line_bytes=l2_lines,
        dram_bytes=dram,
        dram_write_bytes=dram_written,
        shared_wavefronts=shared_wavefronts,
        global_wavefronts=global_wavefronts,
        shared_bytes=shared_bytes,
        global_requests=global_requests,
        atomic_serial_ns=max(atomic_serial_ns, atomic_spread_ns),
        load_round_trips_per_thread=load_round_trips(features),
        coalescing_efficiency=(requested / transferred) if transferred else 1.0,
        bank_conflict_degree=(shared_wavefronts / shared_requests) if shared_requests else 1.0,
    )
