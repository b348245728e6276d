"""The coupled model on hand-built launch facts: exact identities and directional facts."""
import math
from pathlib import Path

import numpy as np
import pytest

from flipflop.analysis.features import AccessFacts, LaunchFeatures
from flipflop.errors import ConfigurationError
from flipflop.hardware.profile import load_profile
from flipflop.model import occupancy, predict_launches

H100 = load_profile("h100-sxm")
N = 1 << 24


def stream(block_x: int, sectors: float, fma_per_thread: float = 0.0, registers: int = 16) -> LaunchFeatures:
    """c[i] = a[i] + b[i] over N floats; ``sectors`` per warp request (4 = coalesced; more
    means each thread's float sits in a sector of its own, as with a stride)."""
    grid = (math.ceil(N / block_x), 1, 1)

    def access(op, line):
        return AccessFacts(line=line, space="global", op=op, bytes=4, affine=True,
                           stride_bytes={"x": 4, "y": 0, "z": 0}, loop_depth=0, executions_per_thread=1.0,
                           sectors_per_request=sectors, lines_per_request=sectors / 4,
                           bank_conflict_degree=None, footprint_bytes=4.0 * N * sectors / 4,
                           block_footprint_bytes=4.0 * block_x * sectors / 4)

    instructions = {"global_load": 2, "global_store": 1, "fp32": 1 + fma_per_thread, "int": 6, "branch": 1}
    return LaunchFeatures(
        kernel="stream", block=(block_x, 1, 1), grid=grid,
        instructions=instructions, warp_instructions=instructions,
        accesses=(access("load", 1), access("load", 2), access("store", 3)), loops=(),
        active_fraction=1.0, divergent_branches=1, barriers_per_thread=0.0,
        registers=registers, shared_bytes=0, local_bytes=0)


def test_occupancy_limits_match_the_cuda_calculator():
    assert occupancy(H100, 32, 16, 0).blocks_per_sm == 32          # the 32-blocks cap
    assert occupancy(H100, 32, 16, 0).occupancy == pytest.approx(0.5)
    assert occupancy(H100, 1024, 32, 0).blocks_per_sm == 2
    assert occupancy(H100, 1024, 64, 0).blocks_per_sm == 1         # 64 regs × 1024 = whole file
    assert occupancy(H100, 1024, 64, 0).limiter in ("registers", "threads")
    assert occupancy(H100, 256, 16, 100 * 1024).blocks_per_sm == 2  # 2 × (100 KB + 1 KB) ≤ 228 KB
    assert occupancy(H100, 256, 16, 100 * 1024).limiter == "shared"
    assert occupancy(H100, 2048, 16, 0).blocks_per_sm == 0          # too many threads


def test_registers_are_allocated_per_sub_partition():
    """cuda_occupancy.h: a quarter of the register file per scheduler, so 40 registers (1,280 a
    warp) leave 12 warps a quarter, 48 an SM — not the 51 the whole file would hold. rmsnorm on
    the H200 (run 14) slows at 544 and 800 threads, where this takes a block away."""
    assert occupancy(H100, 512, 40, 0).blocks_per_sm == 3           # 48 warps // 16
    assert occupancy(H100, 544, 40, 0).blocks_per_sm == 2           # 48 // 17, though 51 // 17 = 3
    assert occupancy(H100, 544, 40, 0).limiter == "registers"
    assert occupancy(H100, 768, 40, 0).blocks_per_sm == 2
    assert occupancy(H100, 800, 40, 0).blocks_per_sm == 1           # 48 // 25, though 51 // 25 = 2
    assert occupancy(H100, 1024, 65, 0).blocks_per_sm == 0          # 72 registers a thread: over 64 K


def test_energy_is_power_times_time():
    p = predict_launches([stream(256, 4)], H100)
    assert p.energy_j[0, 0] == pytest.approx(p.power_w[0, 0] * p.time_ms[0, 0] / 1e3)


def test_streaming_kernel_runs_below_but_near_dram_bandwidth():
    """A coalesced stream moves its bytes at most at the DRAM's rate; the exposed latency of the
    loads in flight (Little's law) keeps it below (measured vector_add on the H100: ~85 %)."""
    p = predict_launches([stream(256, 4)], H100)
    assert p.reasons[0].bound in ("memory", "latency")
    achieved = 12.0 * N / (p.time_ms[0, 0] / 1e3)
    assert 0.6 * H100.dram_bandwidth_bytes_per_s < achieved < H100.dram_bandwidth_bytes_per_s


def test_uncoalesced_access_costs_time_and_energy():
    p = predict_launches([stream(256, 4), stream(256, 32)], H100)
    assert p.time_ms[1, 0] > 2 * p.time_ms[0, 0]
    assert p.energy_j[1, 0] > p.energy_j[0, 0]
    assert p.reasons[0].coalescing_efficiency == pytest.approx(1.0)
    assert p.reasons[1].coalescing_efficiency == pytest.approx(4 / 32)


def test_a_lower_power_limit_lowers_the_clock_of_a_power_hungry_kernel():
    hot = stream(256, 4, fma_per_thread=20000)
    p = predict_launches([hot], H100, [700, 300, 200])
    assert p.reasons[0].bound == "compute"
    clocks = p.sm_clock_mhz[0]
    assert clocks[0] >= clocks[1] >= clocks[2]
    assert clocks[2] < H100.max_sm_clock_mhz
    assert np.all(p.power_w[0, 1:] <= np.array([300, 200]) + 1e-9)
    assert p.time_ms[0, 2] > p.time_ms[0, 0]


def test_an_unlaunchable_block_is_a_clear_error():
    with pytest.raises(ConfigurationError, match="cannot launch"):
        predict_launches([stream(256, 4, registers=300)], H100)


def test_a_second_pass_over_the_data_comes_from_dram_only_when_the_working_set_outgrows_l2():
    """row_passes reads every row twice (max, then sum). Short rows: the rows of all resident
    threads (17 MB) fit in L2, so the second pass hits there. Long rows: 256 MB in flight,
    so most of the second pass comes from DRAM again."""
    import flipflop
    source = Path(__file__).parent / "kernels" / "row_passes.cu"
    ratios = {}
    for rows, cols in ((1 << 20, 16), (1 << 16, 1024)):
        args = [np.zeros(rows, np.float32), np.zeros(rows * cols, np.float32), np.int32(rows), np.int32(cols)]
        row = flipflop.predict("row_passes", str(source), rows, args, {"block_size_x": [256]}, gpu="h100-sxm",
                               power_limits=[700])[0]
        ratios[cols] = row["dram_bytes"] / (rows * cols * 4)
    # One pass and the 4 MB output: 68 MB, more than twice the half of L2 a previous launch can leave.
    assert ratios[16] == pytest.approx(1 + 1 / 16)
    assert 1.5 < ratios[1024] < 2.0


def test_a_small_vector_every_row_re_reads_stays_in_l2_while_the_matrix_streams_past():
    """row_dot streams a 256 MB matrix once and re-reads a 32 KB vector for every row: DRAM
    sees the matrix once, whatever the block shape, not the vector's re-reads (nothing is left in
    L2 from the previous launch: it streamed 256 MB through it)."""
    import flipflop
    rows, cols = 8192, 8192
    args = [np.zeros(rows, np.float32), np.zeros(rows * cols, np.float32), np.zeros(cols, np.float32),
            np.int32(rows), np.int32(cols)]
    predictions = flipflop.predict("row_dot", str(Path(__file__).parent / "kernels" / "row_dot.cu"), (1, rows),
                                   args, {"block_size_x": [32, 128], "block_size_y": [1, 4]}, gpu="h100-sxm",
                                   power_limits=[700])
    for row in predictions:
        assert row["dram_bytes"] / (rows * cols * 4) == pytest.approx(1.0, abs=0.01)


def test_rows_that_neighbouring_blocks_read_again_come_from_dram_once():
    """stencil_2d reads rows y-1 and y+1 through loads of their own address shapes, each of
    whose footprints is the whole input: DRAM still sees the input once and the output once
    (128 MB: nothing is left in L2 from the previous launch), whatever the block's height."""
    import flipflop
    n = 4096
    args = [np.zeros(n * n, np.float32), np.zeros(n * n, np.float32), np.int32(n), np.int32(n)]
    rows = flipflop.predict("stencil_2d", str(Path(__file__).parent / "kernels" / "stencil_2d.cu"), (n, n), args,
                            {"block_size_x": [32, 128], "block_size_y": [1, 8]}, gpu="h100-sxm", power_limits=[700])
    data = 2 * 4.0 * n * n
    for row in rows:
        assert row["dram_bytes"] / data == pytest.approx(1.0, rel=0.01)


BROADCAST_SCALE = r"""
extern "C" __global__ void scale_by_first(const float* in, float* out, int n) {
  int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i < n) out[i] = in[i] * in[0];   // in[0]: every thread of a warp reads one address
}
"""


def test_predictions_stay_in_their_physical_range():
    """Issue 10, item 3: a broadcast load (a warp reading one address) once gave a coalescing
    efficiency above 1; no figure may leave its physical range."""
    import numpy as np

    import flipflop

    n = 1 << 25
    rows = flipflop.predict("scale_by_first", BROADCAST_SCALE, (n,),
                            [np.zeros(n, np.float32), np.zeros(n, np.float32), np.int32(n)],
                            {"block_size_x": [32, 128, 1024]}, gpu="h200-sxm")
    assert len(rows) == 3
    for r in rows:
        assert 0 < r["coalescing_efficiency"] <= 1
        assert r["time"] > 0 and r["power"] > 0 and r["energy"] > 0
        assert 0 < r["tail_efficiency"] <= 1 and 0 < r["occupancy"] <= 1
        # The store alone writes n floats once each; the 256 MB of data is 4x the L2.
        assert r["dram_bytes"] >= 0.5 * n * 4


def test_dram_writes_stream_at_the_profiles_write_rate():
    """A store-only kernel's DRAM time is its write-backs over the profile's write bandwidth (H200:
    4.06 TB/s, the envelope benchmarks/fit_dram_write.py found in the corpus development counters)."""
    import numpy as np

    import flipflop
    from flipflop.hardware.profile import load_profile

    fill = ('extern "C" __global__ void fill(float* out, int n) '
            '{ int i = blockIdx.x * blockDim.x + threadIdx.x; if (i < n) out[i] = 1.0f; }')
    n = 1 << 26
    profile = load_profile("h200-sxm")
    assert profile.dram_write_bandwidth_bytes_per_s == pytest.approx(4.06e12, rel=1e-3)
    row = flipflop.predict("fill", fill, (n,), [np.zeros(n, np.float32), np.int32(n)],
                           {"block_size_x": [256]}, gpu="h200-sxm")[0]
    # 256 MB written: every byte goes back to DRAM (past twice its half of L2, no launch finds its
    # predecessor's lines, helper sweep of 2026-12-06: 237 MB before, less than the stores alone).
    assert row["dram_bytes"] == n * 4
    assert row["memory_time_ms"] == pytest.approx(row["dram_bytes"] / profile.dram_write_bandwidth_bytes_per_s * 1e3)


@pytest.mark.parametrize("megabytes", [8, 40, 80])
def test_back_to_back_launches_find_their_data_in_l2_only_up_to_twice_its_resident_half(megabytes):
    """A store-only kernel launched back to back: up to C (half of L2, the share both partitions
    may hold) its output stays in L2 and nothing goes to DRAM; from C to 2C the next launch finds
    2C/W − 1 of it (LRU: the sweep evicts its predecessor's lines before reaching them); past 2C,
    nothing, so DRAM sees every stored byte, never less than the stores must write."""
    import flipflop
    from flipflop.hardware.profile import load_profile

    fill = ('extern "C" __global__ void fill(float* out, int n) '
            '{ int i = blockIdx.x * blockDim.x + threadIdx.x; if (i < n) out[i] = 1.0f; }')
    n = megabytes * (1 << 20) // 4
    resident = load_profile("h200-sxm").l2_bytes * 0.5
    row = flipflop.predict("fill", fill, (n,), [np.zeros(n, np.float32), np.int32(n)],
                           {"block_size_x": [256]}, gpu="h200-sxm")[0]
    found = min(1.0, max(0.0, 2 * resident / (4 * n) - 1))
    assert row["dram_bytes"] == pytest.approx(4 * n * (1 - found))
    assert (row["dram_bytes"] == 0) == (4 * n <= resident)
    if 4 * n >= 2 * resident:
        assert row["dram_bytes"] == 4 * n


def test_memory_bound_time_adds_exposed_latency_to_the_bandwidth_time():
    """Loaded latency: the exposed latency and the bandwidth time combine in a q-norm with
    1 ≤ q < 2 (q = 1 is an M/M/1 queue's T = bytes·L0/in-flight + bytes/BW; fit_corpus_dev.py
    chose q on the development data) instead of the slower one hiding the other."""
    from flipflop.model import predict as model

    p = predict_launches([stream(256, 4)], H100)
    r = p.reasons[0]
    q = model.LOADED_NORM
    assert 1.0 <= q < 2.0
    busy_ms = p.time_ms[0, 0] - H100.launch_overhead_us * 1e-3
    assert busy_ms == pytest.approx((r.sm_time_ms ** q + r.memory_time_ms ** q) ** (1 / q), rel=0.02)
    assert busy_ms > 1.2 * max(r.sm_time_ms, r.memory_time_ms)


def test_larger_blocks_at_full_occupancy_take_longer_on_a_memory_bound_kernel():
    """Issue 10: measured memory-bound time rises with the block size at full occupancy (an SM
    frees a block's slot only when its slowest warp ends); the model follows, by the stretch
    1 + c·ln(warps per block) on the exposed memory latency."""
    from flipflop.model import predict as model

    blocks = [256, 512, 1024]  # smaller blocks are dispatch-bound (81 ns a block on each SM)
    p = predict_launches([stream(b, 4) for b in blocks], H100)
    assert [r.occupancy for r in p.reasons] == [1.0] * 3
    times = p.time_ms[:, 0]
    assert times[0] < times[1] < times[2]
    # The bandwidth term is the same for all three; only the latency share grows, by the log stretch.
    memory = [r.memory_time_ms for r in p.reasons]
    assert max(memory) == pytest.approx(min(memory), rel=1e-6)
    latency = [r.sm_time_ms for r in p.reasons]
    stretch = [1 + model.BLOCK_RELEASE * math.log(b // 32) for b in blocks]
    assert latency[2] / latency[0] == pytest.approx(stretch[2] / stretch[0], rel=0.05)


HISTOGRAM = r'''
extern "C" __global__ void histogram(const unsigned int* data, unsigned int* bins, int n) {
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i < n) atomicAdd(&bins[data[i] & 255u], 1u);
}
'''


def test_atomics_at_data_dependent_addresses_write_back_at_most_their_array():
    """Counters on the H200 (runs 14-15) read a few MB of DRAM writes for atomic kernels the model
    charged one write-back per atomic (GBs): an address the analysis cannot follow still lies in
    its array, which bounds what L2 writes back."""
    import flipflop

    n = 1 << 26
    row = flipflop.predict("histogram", HISTOGRAM, (n,), [np.zeros(n, np.uint32), np.zeros(256, np.uint32), np.int32(n)],
                           {"block_size_x": [256]}, gpu="h200-sxm")[0]
    assert n * 4 * 0.5 <= row["dram_bytes"] <= n * 4 + 256 * 4


SUM_ALL = r"""
extern "C" __global__ void sum_all(const float* in, float* out, int n) {
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    float v = i < n ? in[i] : 0.0f;
    atomicAdd(out, v);
}
extern "C" __global__ void sum_all_int(const int* in, int* out, int n) {
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    int v = i < n ? in[i] : 0;
    atomicAdd(out, v);
}
"""


@pytest.mark.parametrize("name, dtype", [("sum_all", np.float32), ("sum_all_int", np.int32)])
def test_atomics_on_one_address_serialise_per_warp_for_integers_and_per_lane_for_floats(name, dtype):
    """ptxas folds a warp's integer adds on one address into one (VOTEU + REDUX), never float ones:
    run 30 (H100) timed 0.75 ns a warp for the integer add, 1.78 ns for a float add by one lane and
    56 ns when all 32 lanes add floats (HeCBench atomicReduction, integers, ran 0.33-0.5 ms where
    a count per lane predicted 32x that)."""
    import flipflop
    from flipflop.hardware.profile import load_profile

    n = 1 << 22
    profile = load_profile("h200-sxm")
    row = flipflop.predict(name, SUM_ALL, (n,), [np.zeros(n, dtype), np.zeros(1, dtype), np.int32(n)],
                           {"block_size_x": [256]}, gpu="h200-sxm")[0]
    if dtype == np.int32:
        serialised_ms = n / 32 * profile.atomic_same_address_int_ns * 1e-6
    else:
        serialised_ms = n * profile.atomic_same_address_ns * 1e-6
    assert row["memory_time_ms"] == pytest.approx(serialised_ms, rel=0.01)
    assert row["time"] < 2 * serialised_ms


ATOMIC_KINDS = r"""
extern "C" __global__ void kinds(unsigned* u, float* f, unsigned long long* w, int n) {
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i >= n) return;
    atomicAdd(u, 1u);                        // integer add, address free of the thread: folded
    atomicMax(u + 1, (unsigned)i);           // folded too (REDUX.MAX)
    atomicAdd(f, 1.0f);                      // float: one per lane
    atomicExch(u + 2, (unsigned)i);          // exch: one per lane
    atomicAdd(u + 3 + threadIdx.y, 1u);      // depends on the thread index: ptxas cannot fold it
    atomicAdd(w, (unsigned long long)i);     // 64-bit add of a variable: one per lane
    atomicAdd(w + 1, 1ull);                  // 64-bit add of a constant: folded (POPC)
}
"""


def test_atomic_facts_say_float_and_which_ones_ptxas_folds_per_warp():
    """Checked against ptxas 13.0 sm_90 with nvdisasm (VOTEU/REDUX before a single REDG)."""
    n = 1 << 16
    arguments = [np.zeros(8, np.uint32), np.zeros(1, np.float32), np.zeros(2, np.uint64), np.int32(n)]
    f, _ = _compiled_traffic(ATOMIC_KINDS, "kinds", (32, 4, 1), (n // 128, 1, 1), arguments)
    atomics = [(a.atomic_float, a.atomic_warp_combined) for a in f.accesses if a.op == "atomic"]
    assert atomics == [(False, True), (False, True), (True, False), (False, False), (False, False),
                       (False, False), (False, True)]
    assert all(not a.atomic_float and not a.atomic_warp_combined for a in f.accesses if a.op != "atomic")


def test_a_diverged_warp_issues_for_its_busiest_lane_but_spends_energy_per_lane():
    """Time follows the instructions a warp issues (warp_instructions: a block runs once per
    warp if any lane takes it); the energy of the operations follows the lanes that run them."""
    from dataclasses import replace

    converged = stream(256, 4, fma_per_thread=4096)
    per_thread = converged.instructions
    diverged = replace(converged, warp_instructions={**per_thread, "fp32": 2 * per_thread["fp32"]})
    p = predict_launches([converged, diverged], H100)
    assert p.reasons[0].bound == "compute"
    assert p.time_ms[1, 0] == pytest.approx(2 * p.time_ms[0, 0], rel=0.05)
    assert 1.0 < p.energy_j[1, 0] / p.energy_j[0, 0] < 2.0  # same operations, more static energy


TRANSPOSE_NAIVE = r'''
extern "C" __global__ void transpose_naive(float* out, const float* in, int n) {
    int x = blockIdx.x * blockDim.x + threadIdx.x, y = blockIdx.y * blockDim.y + threadIdx.y;
    if (x < n && y < n) out[x * n + y] = in[y * n + x];
}
'''


def _transpose_traffic(block: tuple[int, int, int], n: int = 4096):
    from flipflop.analysis.kernel import analyze_kernel
    from flipflop.frontend.kernel import compile_kernel
    from flipflop.model.occupancy import occupancy
    from flipflop.model.traffic import memory_traffic

    compiled = compile_kernel(TRANSPOSE_NAIVE, "transpose_naive")
    arguments = [np.zeros(n * n, np.float32), np.zeros(n * n, np.float32), np.int32(n)]
    grid = (n // block[0], n // block[1], 1)
    f = analyze_kernel(compiled.module, "transpose_naive").evaluate(block, grid, arguments, compiled.resources)
    occ = occupancy(H100, f.threads_per_block, f.registers, f.shared_bytes)
    return f, memory_traffic(f, H100, occ.blocks_per_sm)


def test_l2_takes_a_column_write_a_line_per_sector_and_a_column_read_half_a_line():
    """A warp writing one float into each of 32 lines (a transpose's column) costs L2 a whole
    line's time per sector, a warp reading one sector from each of several lines half a line's;
    coalesced accesses cost their bytes. Measured on the H200 (cuda-samples transposeNaive,
    8192^2): 0.97 ms at 32x32 blocks, 0.50 ms at 16x16, where the warp's 16 lines take half the
    requests; on the H100 the suite's column reads (1x128 blocks) 0.53 ms."""
    n2 = 4096 * 4096
    f, t = _transpose_traffic((32, 32, 1))
    store = next(a for a in f.accesses if a.op == "store")
    load = next(a for a in f.accesses if a.op == "load")
    assert (store.sectors_per_request, store.lines_per_request) == (32.0, 32.0)
    assert (load.sectors_per_request, load.lines_per_request) == (4.0, 1.0)
    stored = n2 / 32 * 32 * 32                                 # warp requests × sectors × 32 B
    assert t.l2_bytes == pytest.approx(n2 * 4 + stored)        # every block fills its sectors: no merges
    assert t.l2_line_bytes == pytest.approx(n2 * 4 + 4 * stored)
    # 16x16: a warp writes 2 floats into each of 16 lines, and reads 2 rows of 64 bytes (2 of
    # each line's 4 sectors: a load's minimum, so they cost their bytes).
    _, half = _transpose_traffic((16, 16, 1))
    assert half.l2_line_bytes == pytest.approx(n2 * 4 + 4 * stored / 2)
    # 4x8 threads a warp: 8 rows of 16 bytes read (8 half-used sectors in 8 lines: 2x) and 4
    # columns of 32 bytes written (one full sector in each of 4 lines: 4x).
    f, quarter = _transpose_traffic((4, 64, 1))
    load = next(a for a in f.accesses if a.op == "load")
    assert (load.sectors_per_request, load.lines_per_request) == (8.0, 8.0)
    requests = n2 / 32
    assert quarter.l2_line_bytes == pytest.approx(requests * (8 * 32 * 2 + 4 * 32 * 4))


def test_partial_sector_writes_cost_l2_merges_only_where_the_block_leaves_sectors_unfilled():
    """transposeNaive on the H200: 1.58-1.81 ms with one row per block (each 32-byte sector of
    the output gets 4 bytes from each of 8 blocks), 0.97 ms from 8 rows up (the block fills its
    sectors); the model charges the calibrated partial-write factor by the unfilled share."""
    factor = H100.l2_partial_write_factor - 1.0
    rows = {}
    for by in (1, 2, 4, 8, 32):
        f, t = _transpose_traffic((32, by, 1))
        stored = 4096 * 4096 * 32.0                            # one sector moved per float written
        rows[by] = t.l2_bytes - 4096 * 4096 * 4.0 - stored
        fill = min(1.0, by / 8)
        assert rows[by] == pytest.approx(stored * factor * (1 - fill), rel=1e-6, abs=1.0)
    assert rows[1] > rows[2] > rows[4] > rows[8] == pytest.approx(0.0, abs=1.0)


SCALE4 = r'''
extern "C" __global__ void scale4(float* __restrict__ out, const float* __restrict__ in,
                                  const float* __restrict__ bias, int n) {
    int i = (blockIdx.x * blockDim.x + threadIdx.x) * 4;
    if (i + 3 < n) {
        float a = in[i], b = in[i + 1], c = in[i + 2], d = in[i + 3];
        int k = threadIdx.x & 63;
        out[i] = a * bias[k]; out[i + 1] = b * bias[k]; out[i + 2] = c * bias[k]; out[i + 3] = d * bias[k];
    }
}
'''
TILE_COLUMNS = r'''
extern "C" __global__ void tile_columns(float* out, const float* in, int n) {
    int x = blockIdx.x * 32 + threadIdx.x, y = blockIdx.y * 32 + threadIdx.y;
#pragma unroll
    for (int j = 0; j < 32; j += 8) out[x * n + y + j] = in[(y + j) * n + x];
}
'''


def _compiled_traffic(source: str, name: str, block, grid, arguments):
    from flipflop.analysis.kernel import analyze_kernel
    from flipflop.frontend.kernel import compile_kernel
    from flipflop.model.occupancy import occupancy
    from flipflop.model.traffic import memory_traffic

    compiled = compile_kernel(source, name)
    f = analyze_kernel(compiled.module, name).evaluate(block, grid, arguments, compiled.resources)
    occ = occupancy(H100, f.threads_per_block, f.registers, f.shared_bytes)
    return f, memory_traffic(f, H100, occ.blocks_per_sm)


def test_back_to_back_stores_of_one_sector_reach_l2_once_and_a_shared_vector_once_per_sm():
    """A float4 written as four scalar stores reaches L2 as one write of whole sectors (the H200
    counters of layernorm_forward_kernel0: L2 write sectors = the output's size where the L1
    saw four times as many); a 256-byte vector every block reads is fetched once per SM."""
    n = 1 << 22
    arguments = [np.zeros(n, np.float32), np.zeros(n, np.float32), np.zeros(64, np.float32), np.int32(n)]
    f, t = _compiled_traffic(SCALE4, "scale4", (256, 1, 1), (n // 4 // 256, 1, 1), arguments)
    stores = [a for a in f.accesses if a.op == "store"]
    assert [a.new_sector_share for a in stores] == [1.0, 0.0, 0.0, 0.0]
    assert all(a.sectors_per_request == 16.0 for a in stores)     # 4 bytes a lane, 16-byte stride
    # L2: the input once (its four loads share sectors), the output once, no byte-masked
    # merges (the four stores fill every sector), the bias once per SM.
    assert t.l2_bytes == pytest.approx(2 * n * 4 + H100.sm_count * 256)
    assert t.l1_bytes > 2.9 * t.l2_bytes                          # the L1 saw every store's sectors


def test_store_copies_an_unrolled_loop_interleaves_with_loads_reach_l2_one_by_one():
    """transposeNaive's copies (a load between each two stores) are not merged: the H200 counters
    read one sector per 4-byte store at L2, and two rows a block fill a quarter of each sector."""
    n = 2048
    arguments = [np.zeros(n * n, np.float32), np.zeros(n * n, np.float32), np.int32(n)]
    f, t = _compiled_traffic(TILE_COLUMNS, "tile_columns", (32, 2, 1), (n // 32, n // 32, 1), arguments)
    stores = [a for a in f.accesses if a.op == "store"]
    assert len(stores) == 4 and [a.new_sector_share for a in stores] == [1.0] * 4
    assert all(a.sectors_per_request == 32.0 for a in stores)
    threads = n * n // 16
    read = threads * 4 * 4.0                                       # 4 coalesced loads of 4 bytes
    written = threads / 32 * 4 * 32 * 32                           # 4 copies × warp requests × 32 sectors
    merges = written * (H100.l2_partial_write_factor - 1.0) * (1 - 2 / 8)
    assert t.l2_bytes == pytest.approx(read + written + merges)


ROUND_TRIPS = r'''
extern "C" __global__ void map_exp(float* y, const float* x, int n) {
  #pragma unroll 4
  for (int i = threadIdx.x; i < n; i += 32) y[i] = expf(x[i]);
}
extern "C" __global__ void map_exp_restrict(float* __restrict__ y, const float* __restrict__ x, int n) {
  #pragma unroll 4
  for (int i = threadIdx.x; i < n; i += 32) y[i] = expf(x[i]);
}
extern "C" __global__ void row_sum(float* y, const float* x, int n) {
  float s = 0.0f;
  #pragma unroll 4
  for (int i = threadIdx.x; i < n; i += 32) s += x[i];
  y[threadIdx.x] = s;
}
'''


@pytest.mark.parametrize("name, trips_per_iteration", [
    ("map_exp", 1.0),            # LDG STG LDG STG …: each load waits behind the store before it
    ("map_exp_restrict", 0.25),  # ld.global.nc: the four loads of an unrolled body pass the stores
    ("row_sum", 0.25),           # no store in the loop: the body's four loads fly together
])
def test_a_store_that_may_alias_keeps_the_next_load_from_flying_with_the_ones_before(name, trips_per_iteration):
    """Round trips on a thread's path (ptxas -O3 on sm_90: `y[i] = expf(x[i])` unrolled by four
    assembles to LDG STG LDG STG unless x is `const __restrict__`, then LDG.CONSTANT ×4, STG ×4)."""
    n = 1 << 16
    arguments = [np.zeros(n, np.float32), np.zeros(n, np.float32), np.int32(n)]
    f, t = _compiled_traffic(ROUND_TRIPS, name, (32, 1, 1), (1, 1, 1), arguments)
    loop_loads = [a for a in f.accesses if a.op == "load" and a.loop is not None]
    iterations = n / 32
    assert sum(a.executions_per_thread for a in loop_loads) == pytest.approx(iterations)
    assert t.load_round_trips_per_thread == pytest.approx(iterations * trips_per_iteration, rel=0.01)


WIDENED_COUNTER = r'''
extern "C" __global__ void rows_sum(float* out, const float* rows, const size_t n) {
  const float* row = rows + blockIdx.x * n;
  float s = 0.0f;
  for (int i = threadIdx.x; i < n; i += 128) s += row[i];  // int counter, size_t bound
  out[blockIdx.x * blockDim.x + threadIdx.x] = s;
}
extern "C" __global__ void guarded_step(float* out, const float* in, const int* flags, int n, int steps) {
  int idx = blockIdx.x * blockDim.x + threadIdx.x;
  float s = 0.0f;
  for (int k = 0; k < steps; ++k) {
    s += in[idx];
    if (flags[k]) idx += n;  // advanced under a condition: no induction variable
  }
  out[blockIdx.x * blockDim.x + threadIdx.x] = s;
}
'''


def test_an_int_counter_widened_for_a_size_t_bound_stays_an_induction_variable():
    """HeCBench's `for (int i = threadIdx.x; i < num_priors /*size_t*/; i += B)`: nvcc recomputes
    ``cvt.s64.s32`` of the counter at the latch; the analysis lost the address (DRAM 16 MB for a
    262 MB stream, coalescing 0.13) until copies of a counter were solved as the counter."""
    rows, n = 512, 4096
    arguments = [np.zeros(rows * 128, np.float32), np.zeros(rows * n, np.float32), np.uint64(n)]
    f, t = _compiled_traffic(WIDENED_COUNTER, "rows_sum", (128, 1, 1), (rows, 1, 1), arguments)
    load = next(a for a in f.accesses if a.op == "load")
    assert load.affine and load.stride_bytes["x"] == 4 and load.loop_stride_bytes == 512
    assert load.executions_per_thread == pytest.approx(n / 128)
    assert t.coalescing_efficiency == pytest.approx(1.0)
    assert t.l2_bytes >= rows * n * 4
    assert not f.notes


def test_an_address_the_analysis_cannot_follow_is_named_in_the_notes():
    """An index advanced under a condition (laplace3d's `if (active) indg += NX*NY`) is no
    induction variable. Where the condition is the same for every thread (`flags[k]`) the index is
    the thread's start plus a shift the analysis does not follow: the warp's pattern is the start's
    and the notes say the shift is taken as aligned. Where it is each thread's own
    (`flags[idx]`), the accesses fall back to one sector per thread, and the notes say so."""
    n = 1 << 20
    arguments = [np.zeros(n, np.float32), np.zeros(8 * n, np.float32), np.ones(8 * n, np.int32), np.int32(n), np.int32(8)]
    f, t = _compiled_traffic(WIDENED_COUNTER, "guarded_step", (256, 1, 1), (n // 256, 1, 1), arguments)
    shifted = [a for a in f.accesses if a.op == "load" and not a.affine and a.executions_per_thread > 0
               and a.array == "guarded_step_param_1"]
    assert len(shifted) == 4 and all(a.sectors_per_request == 4.0 for a in shifted)  # nvcc unrolled by 4
    assert [note for note in f.notes if note.startswith("global accesses at PTX lines")] == [
        f"global accesses at PTX lines {', '.join(str(a.line) for a in shifted)}: address known up to a shift "
        "the analysis does not follow (the same for every thread, taken as aligned)"]

    own = WIDENED_COUNTER.replace("guarded_step", "own_step").replace("if (flags[k])", "if (flags[idx])")
    f, t = _compiled_traffic(own, "own_step", (256, 1, 1), (n // 256, 1, 1), arguments)
    unknown = [a for a in f.accesses if a.op == "load" and not a.affine and a.executions_per_thread > 0]
    assert unknown and all(a.sectors_per_request == 32.0 for a in unknown)
    assert [note for note in f.notes if note.startswith("global accesses at PTX line")] == [
        f"global accesses at PTX line{'s' if len(unknown) > 1 else ''} {', '.join(str(a.line) for a in unknown)}: "
        "address not known to the analysis; one 32-byte sector per thread assumed, its array's size bounding "
        "what they read from DRAM"]


SINE_AND_GATHER = r"""
extern "C" __global__ void sine_and_gather(double* out, const double2* in, unsigned* ticket, int n) {
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i >= n) return;
    double2 v = in[i];                          // a vector load: its values are not followed
    unsigned t = atomicAdd(ticket, 1u);         // a ticket: not followed either
    out[i] = sin(v.x * t) + out[min(t, (unsigned)n - 1)];  // clamped to the array: no mask
}
"""


def test_an_address_behind_a_mask_of_data_reaches_only_the_sectors_the_mask_allows():
    """fp64 sin reads its coefficient table at `8 * and(8 * quadrant, 8)` — two addresses, whatever
    the data: one or two sectors a request, not the 32 of an unfollowed address (HeCBench
    haversine's twelve coefficient loads made it L1-bound at 2.9x its measured H100 time, run 41).
    An unfollowed index clamped by `min` is no mask: it keeps one sector a lane."""
    n = 1 << 16
    arguments = [np.zeros(n), np.zeros(2 * n), np.zeros(1, np.uint32), np.int32(n)]
    f, _ = _compiled_traffic(SINE_AND_GATHER, "sine_and_gather", (256, 1, 1), (n // 256, 1, 1), arguments)
    table = [a for a in f.accesses if a.array == "&__cudart_sin_cos_coeffs"]
    assert len(table) == 3 and all(1.0 <= a.sectors_per_request <= 2.0 for a in table)
    assert all(a.lines_per_request <= 2.0 for a in table)
    masked = [note for note in f.notes if "through a mask of a few values" in note]
    assert len(masked) == 1 and all(str(a.line) in masked[0] for a in table)
    gathered = [a for a in f.accesses if a.op == "load" and a.array == "sine_and_gather_param_0"]
    assert len(gathered) == 1 and gathered[0].sectors_per_request == 32.0
    assert any(f"{gathered[0].line}: address not known" in note for note in f.notes)


GUARDED_WINDOW = r"""
extern "C" __global__ void guarded_window(float* out, const float* in, const int* flags, int n, int steps) {
  int idx = blockIdx.x * blockDim.x + threadIdx.x;
  float s = 0.0f;
  for (int k = 0; k < steps; ++k) {
    s += in[idx];
    if (flags[k]) idx = idx + 1 < n ? idx + 1 : 0;  // a neighbour, under a condition: no induction variable
  }
  out[blockIdx.x * blockDim.x + threadIdx.x] = s;
}
"""


def test_what_an_unfollowed_load_reads_from_dram_is_bounded_by_its_array():
    """32 steps over a 64 MiB array at addresses the analysis cannot follow: one sector a thread
    each step reaches L2 (1.7 GB), but only the array can come from DRAM; everything past L2 went
    to DRAM before (1.7 GB: HeCBench bilateral's mirrored window read 28x its 64 MiB image, Nsight
    Compute, run 34)."""
    n = 1 << 24
    arguments = [np.zeros(n, np.float32), np.zeros(n, np.float32), np.ones(32, np.int32), np.int32(n), np.int32(32)]
    _, t = _compiled_traffic(GUARDED_WINDOW, "guarded_window", (256, 1, 1), (n // 256, 1, 1), arguments)
    assert t.l2_bytes > 1.5e9
    assert 0 < t.dram_bytes <= 2 * n * 4 + 32 * 4


LANE_GUARDS = r"""
extern "C" __global__ void lane_guards(unsigned* u, int n) {
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i >= n) return;
    if ((threadIdx.x & 31) == 0) atomicAdd(u, 1u);  // one lane of every warp
    if (threadIdx.x == 0) atomicAdd(u + 1, 1u);     // one lane of the block's first warp
}
"""


def test_a_warp_counts_once_for_an_atomic_one_of_its_lanes_runs():
    """Lane 0 of every warp: one operation a warp (the lane-independent 1 − (1 − 1/32)^32 = 0.64
    would be 1.5x short of run 30's 1.57 ms); thread 0 of a 256-thread block: one in 8 warps."""
    n = 1 << 16
    f, _ = _compiled_traffic(LANE_GUARDS, "lane_guards", (256, 1, 1), (n // 256, 1, 1),
                             [np.zeros(2, np.uint32), np.int32(n)])
    lane0, thread0 = [a for a in f.accesses if a.op == "atomic"]
    assert (lane0.executions_per_thread, lane0.warp_executions) == (pytest.approx(1 / 32), pytest.approx(1.0))
    assert (thread0.executions_per_thread, thread0.warp_executions) == (pytest.approx(1 / 256), pytest.approx(1 / 8))


KEY_HISTOGRAM = r"""
extern "C" __global__ void key_histogram(unsigned* bins, const unsigned* keys, int n) {
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i < n) atomicAdd(&bins[keys[i]], 1u);
}
"""


@pytest.mark.parametrize("bins, span_ns", [(1024, "4096"), (3000, None), (1 << 22, "4194304")])
def test_atomics_at_data_dependent_addresses_cost_the_calibrated_time_for_their_span(bins, span_ns):
    """A histogram's atomics reach L2 one per lane, at the calibrated cost for the bytes its bins
    span: log-log between calibrated spans, flat past the widest (run 30: 1,024 bins 1.43 ms for
    16 M keys on an H100, 32 contiguous bins 3.77 ms, 65,536 bins 0.25 ms)."""
    n = 1 << 20
    keys = (np.arange(n) % bins).astype(np.uint32)  # every bin equally often, in the sample too
    f, t = _compiled_traffic(KEY_HISTOGRAM, "key_histogram", (256, 1, 1), (n // 256, 1, 1),
                             [np.zeros(bins, np.uint32), keys, np.int32(n)])
    atomic = next(a for a in f.accesses if a.op == "atomic")
    assert not atomic.affine and not atomic.atomic_warp_combined and atomic.footprint_bytes == min(bins, n) * 4
    assert atomic.atomic_addresses is None or atomic.atomic_addresses >= bins
    table = {int(k): v for k, v in H100.atomic_scattered_ns_by_span.items()}
    if span_ns is not None:
        per_key = H100.atomic_scattered_ns_by_span[span_ns]
    else:  # between the calibrated 4096 and 16384 bytes, on the line joining their logarithms
        lo, hi = table[4096], table[16384]
        per_key = math.exp(math.log(lo) + (math.log(hi) - math.log(lo)) * math.log(bins * 4 / 4096) / math.log(4))
    assert t.atomic_serial_ns == pytest.approx(n * per_key)


HASHED_INSERT = r"""
extern "C" __global__ void hashed_insert(unsigned* table, const unsigned* keys, int n, unsigned mask) {
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i < n) {
        unsigned slot = (keys[i] * 2654435761u) & mask;  // a multiplicative hash
        atomicCAS(&table[slot], 0xffffffffu, keys[i]);
        atomicAdd(&table[slot ^ 1u], 1u);
    }
}
"""


def test_atomics_over_a_table_larger_than_l2_add_up_at_the_rate_calibrated_beyond_it():
    """4 M hashed inserts into a 256 MB table, each a compare-and-swap then an add on the slot
    beside it: the sectors they touch (128 MB) lie beyond L2, so each atomic costs the calibrated
    histogram between its 64 and 256 MB points (0.045 and 0.068 ns a key on the H100, 3.7x and 5.6x
    the 4 MB rate), and the
    two atomics share the L2 slices' rate, adding up (HeCBench linearprobing ran 5.5x its
    predicted time on the H100 when the table stopped at 4 MB and the atomics took the slower of
    the two, run 39)."""
    n, slots = 1 << 22, 1 << 26
    f, t = _compiled_traffic(HASHED_INSERT, "hashed_insert", (256, 1, 1), (n // 256, 1, 1),
                             [np.zeros(slots, np.uint32), np.arange(n, dtype=np.uint32), np.int32(n), np.uint32(slots - 1)])
    atomics = [a for a in f.accesses if a.op == "atomic"]
    assert len(atomics) == 2 and all(not a.affine and 64 << 20 < a.footprint_bytes < 256 << 20 for a in atomics)
    lo, hi = (H100.atomic_scattered_ns_by_span[str(mb << 20)] for mb in (64, 256))
    per_key = [math.exp(math.log(lo) + (math.log(hi) - math.log(lo)) * math.log(a.footprint_bytes / (64 << 20))
                        / math.log(4)) for a in atomics]
    assert t.atomic_serial_ns == pytest.approx(n * sum(per_key))


COLUMN_SUMS = r"""
extern "C" __global__ void column_sums(float* sums, const float* x, int rows, int cols) {
    int col = threadIdx.x % 32 + 32 * blockIdx.y;  // cuML's sopKernel: a warp a row, a lane a column
    int row = threadIdx.x / 32 + (blockDim.x / 32) * blockIdx.x;
    if (row < rows && col < cols) atomicAdd(&sums[col], x[(long)row * cols + col]);
}
"""


def test_atomics_a_lane_index_spreads_over_a_line_cost_the_coalesced_rate():
    """`tid % 32` is no affine address, yet no data moves it: each warp adds to 32 consecutive
    floats, one line, at the coalesced rate for the span the grid covers (HeCBench stddev's
    column sums and f16atomic's `tid % 256` slots: 4x their measured time on the H100, run 41, while
    taken as scattered and their span read off the few sampled threads)."""
    rows, cols = 4096, 1024
    f, t = _compiled_traffic(COLUMN_SUMS, "column_sums", (256, 1, 1), (rows // 8, cols // 32, 1),
                             [np.zeros(cols, np.float32), np.zeros(rows * cols, np.float32), np.int32(rows),
                              np.int32(cols)])
    atomic = next(a for a in f.accesses if a.op == "atomic")
    assert not atomic.affine and not atomic.from_data and atomic.atomic_float
    assert (atomic.sectors_per_request, atomic.footprint_bytes, atomic.atomic_addresses) == (4.0, cols * 4, None)
    table = {int(k): v for k, v in H100.atomic_coalesced_ns_by_span.items()}
    lo, hi = table[3072], table[8192]
    per_op = math.exp(math.log(lo) + (math.log(hi) - math.log(lo)) * math.log(4096 / 3072) / math.log(8192 / 3072))
    assert t.atomic_serial_ns == pytest.approx(rows * cols * per_op)


PICK = r"""
extern "C" __global__ void pick(float* out, const float* x, const int* label, int n, int k) {
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i < n) out[i] = x[(long)i * k + label[i]];  // a loss's logit of the true class
}
"""


def test_a_gather_of_one_sector_a_line_fills_l2_with_whole_lines():
    """1 M rows of 64 floats, one picked from each by a label: 32 MB of sectors, but each in its
    own line, so the gather holds 128 MB of L2 lines and nothing survives to the next launch
    (HeCBench nlll: 13-21 MB of DRAM predicted for the 38 MB its sectors and labels must move)."""
    n, k = 1 << 20, 64
    rng = np.random.default_rng(1)
    f, t = _compiled_traffic(PICK, "pick", (256, 1, 1), (n // 256, 1, 1),
                             [np.zeros(n, np.float32), np.zeros(n * k, np.float32),
                              rng.integers(0, k, n).astype(np.int32), np.int32(n), np.int32(k)])
    gather = next(a for a in f.accesses if a.op == "load" and a.sectors_per_request == 32)
    assert gather.lines_per_request == 32 and gather.footprint_bytes == n * 32 and gather.from_data
    assert t.dram_bytes == pytest.approx(n * 32 + n * 4 + n * 4, rel=0.01)  # sectors, labels, output


def test_atomics_piled_on_hot_bins_queue_as_over_fewer_addresses():
    """Nine keys in ten in bin 0, the rest spread over 1,023 bins: the operations spread as if over
    1 / Σ p² ≈ 1.2 addresses, and bin 0's queue sets the time (HeCBench bincount's normal(5, 2)
    input piles on its middle bins: 4.1 ms measured on an H100, 0.02x predicted as if all 768 bins
    shared the load evenly and the address were unknown)."""
    n = 1 << 20
    rng = np.random.default_rng(4)
    keys = np.where(rng.random(n) < 0.9, 0, rng.integers(1, 1024, n)).astype(np.uint32)
    f, t = _compiled_traffic(KEY_HISTOGRAM, "key_histogram", (256, 1, 1), (n // 256, 1, 1),
                             [np.zeros(1024, np.uint32), keys, np.int32(n)])
    atomic = next(a for a in f.accesses if a.op == "atomic")
    expected = 1.0 / (0.9 ** 2 + 0.1 ** 2 / 1023)
    assert atomic.atomic_addresses == pytest.approx(expected, rel=0.05)
    assert t.atomic_serial_ns == pytest.approx(n / atomic.atomic_addresses * H100.atomic_same_address_int_ns)


GUARDED_COUNT = r'''
extern "C" __global__ void count_positive(int* count, const int* x, int n) {
  int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i < n && x[i] > 0) atomicAdd(count, 1);
}
'''


def test_a_guarded_atomic_on_one_address_costs_one_operation_per_warp_with_a_lane_taking_it():
    """cuda-samples' warp-aggregated filter (64 M ints, half positive): 1.8 ms measured on an H100
    (run 29), 60 ms predicted while a guarded atomic counted one operation per lane."""
    n = 1 << 22
    x = np.random.default_rng(7).choice(np.array([1, -1], np.int32), n)  # about half the lanes of a warp
    f, t = _compiled_traffic(GUARDED_COUNT, "count_positive", (256, 1, 1), (n // 256, 1, 1),
                             [np.zeros(1, np.int32), x, np.int32(n)])
    atomic = next(a for a in f.accesses if a.op == "atomic")
    assert 0.0 < atomic.executions_per_thread < 1.0
    p = atomic.executions_per_thread
    assert atomic.atomic_warp_combined and not atomic.atomic_float
    assert atomic.warp_executions == pytest.approx(1 - (1 - p) ** 32)
    assert t.atomic_serial_ns == pytest.approx(n / 32 * (1 - (1 - p) ** 32) * H100.atomic_same_address_int_ns)
    assert t.atomic_serial_ns < 1.01 * n / 32 * H100.atomic_same_address_int_ns


KEY_TAIL = r"""
extern "C" __global__ void key_tail(const unsigned* keys, const unsigned* lengths, unsigned* out) {
    int id = blockIdx.x * blockDim.x + threadIdx.x;
    const uint3* k = (const uint3*)(keys + id * 16);
    unsigned length = lengths[id], a = 0;
    while (length > 12) { a += k->x + k->y + k->z; k++; length -= 12; }  // jenkins-hash's whole blocks
    uint3 v = *k;  // the tail, through the pointer the loop left
    out[id] = a + v.x + v.y + v.z;
}
"""


def test_a_pointer_selected_between_two_offsets_of_one_array_is_that_array():
    """HeCBench jenkins-hash reads its key's tail through the pointer its loop left, which the
    analysis writes `select(length < 13, k, k + 12 n)`: both sides are the key array, but no array
    was named, so the tail's loads were separate streams nothing capped by the array (DRAM 112 MB
    here, more than the 75 MB of all the arguments; 568 MB for jenkins-hash against 324 MB
    measured by Nsight Compute in run 34, now 271 MB)."""
    n = 1 << 20
    arguments = [np.zeros(16 * n, np.uint32), (np.arange(n, dtype=np.uint32) * 7) % 61, np.zeros(n, np.uint32)]
    f, t = _compiled_traffic(KEY_TAIL, "key_tail", (128, 1, 1), (n // 128, 1, 1), arguments)
    assert {a.array for a in f.accesses if a.op == "load"} == {"key_tail_param_0", "key_tail_param_1"}
    assert t.dram_bytes <= sum(a.nbytes for a in arguments) * (1 + 1e-12)


LOCAL_ARRAY = r"""
extern "C" __global__ void local_table(const float* x, float* y, int n) {
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    float t[64];   // indexed by data: ptxas keeps it in the stack frame
    for (int k = 0; k < 64; k++) t[k] = x[i] * k;
    float s = 0.0f;
    for (int k = 0; k < 64; k++) s += t[(k * 7 + (int)x[i]) & 63];
    if (i < n) y[i] = s;
}
"""


def test_local_memory_spans_the_resident_threads_frames_not_the_grids():
    """A thread's stack frame lives in its slot of the SM and the blocks that follow reuse it: the
    local array of 16 M threads (256 B each: 4.3 GB of frames) adds at most the resident threads'
    frames to DRAM, read and written back at most once, not the grid's (HeCBench lombscargle: 252 MB of
    DRAM for 134 MB of data)."""
    n = 1 << 24
    f, t = _compiled_traffic(LOCAL_ARRAY, "local_table", (256, 1, 1), (n // 256, 1, 1),
                             [np.ones(n, np.float32), np.zeros(n, np.float32), np.int32(n)])
    assert f.local_bytes >= 32 and any(a.space == "local" for a in f.accesses)
    resident_frames = f.local_bytes * H100.sm_count * 2048
    assert 8 * n <= t.dram_bytes <= 8 * n + 2 * resident_frames < f.local_bytes * n


def test_shared_requests_count_the_warps_that_make_them():
    """A compare-and-swap on data the analysis does not follow: a lane stores half the time, its
    warp on every step, so each warp's shared wavefronts are 1 (fill) + 8 loads x 2-way + 8 stores
    x 2-way + 1 (read back) = 34, as Nsight Compute counts bitonic sort's (run 36)."""
    from test_analysis_kernels import COMPARE_AND_SWAP

    n = 1 << 16
    f, t = _compiled_traffic(COMPARE_AND_SWAP, "sort_pairs", (128, 1, 1), (n // 2 // 128, 1, 1),
                             [np.arange(n, dtype=np.uint32), np.int32(n)])
    assert t.shared_wavefronts == pytest.approx(34 * (n // 2 // 32))


ROW_WALK = r"""
extern "C" __global__ void row_walk(const float* a, int* idx, float* out, int n, int m) {
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i < n) {
        float s = 0.0f;
        for (int j = 0; j < m; j++) { idx[i * m + j] = j; s += a[i * m + j]; }
        out[i] = s;
    }
}
"""


def test_a_thread_walking_its_own_row_reaches_dram_once_per_byte():
    """Row-per-thread loops (Rodinia particlefilter's likelihood, k-means' features): a warp's
    request spans 32 rows, and the next iterations come back to the same sectors, which stay in
    L2 (a block holds one request's sectors live, not its rows): the stores' partial sectors merge
    there and DRAM sees each array once (4x before: the rows of all resident blocks outgrew L2)."""
    n, m = 1 << 20, 69
    args = [np.ones(n * m, np.float32), np.ones(n * m, np.int32), np.ones(n, np.float32), np.int32(n), np.int32(m)]
    _, t = _compiled_traffic(ROW_WALK, "row_walk", (256, 1, 1), (n // 256, 1, 1), args)
    assert t.l2_bytes > 4 * (8 * n * m)           # partial sectors: every request moves 32 of them
    assert t.dram_bytes == pytest.approx(8 * n * m + 4 * n, rel=0.02)


FP64_SINE = r"""
extern "C" __global__ void sine64(const double* x, double* y, int n) {
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i < n) y[i] = sin(x[i] * 1.7) * cos(y[i]);
}
"""


def test_a_small_module_table_read_at_unfollowed_addresses_stays_in_l1():
    """fp64 sin and cos read libdevice's __cudart_sin_cos_coeffs by quadrant, an index the
    analysis cannot follow: one sector a thread reached L2 (Rodinia particlefilter's likelihood);
    the table is 128 bytes, module-scope, and stays in L1, so L2 sees the kernel's own data."""
    n = 1 << 22
    args = [np.random.default_rng(0).random(n), np.random.default_rng(1).random(n), np.int32(n)]
    f, t = _compiled_traffic(FP64_SINE, "sine64", (256, 1, 1), (n // 256, 1, 1), args)
    tables = [a for a in f.accesses if a.array == "&__cudart_sin_cos_coeffs"]
    assert tables and all(a.array_bytes and a.array_bytes <= 1024 for a in tables)
    assert t.l2_bytes == pytest.approx(3 * 8 * n, rel=0.02)


ROW_ZERO_STORE = r"""
extern "C" __global__ void row_zero_store(float* result, int n) {
    int px = blockIdx.x * blockDim.x + threadIdx.x;
    if (px >= n) return;
    if (threadIdx.y == 0) result[px] = 1.0f;
}
"""


@pytest.mark.parametrize("block", [(1, 32, 1), (4, 64, 1), (16, 32, 1), (32, 32, 1)])
def test_a_store_by_one_row_of_each_block_writes_every_element(block):
    """HeCBench matern's `if (threadIdx.y == 0)` store: the lanes of row 0 sit in the block's first
    warp(s), which make a request each; the store was counted as a share of every warp's request
    (executions a thread × warps), so DRAM fell to a quarter of the bytes the store must write."""
    n = 1 << 25  # past twice the L2: no launch finds the one before's lines
    _, t = _compiled_traffic(ROW_ZERO_STORE, "row_zero_store", block, (n // block[0], 1, 1),
                             [np.zeros(n, np.float32), np.int32(n)])
    assert t.dram_bytes == pytest.approx(4 * n, rel=0.01)
    assert t.l2_bytes >= 4 * n


EDGE_THEN_MAIN = r"""
extern "C" __global__ void edge_then_main(const unsigned* id, unsigned* od, int w, int h, int r) {
    unsigned x = blockIdx.x * blockDim.x + threadIdx.x;
    id = &id[x];
    od = &od[x];
    float t = 0.f;
    for (int y = 0; y < r + 1; y++) t += (float)id[y * w];
    for (int y = r + 1; y < h - r; y++) {
        t += (float)id[(y + r) * w];
        t -= (float)id[((y - r) * w) - w];
        od[y * w] = (unsigned)t;
    }
}
"""


def test_a_main_loop_after_a_short_edge_loop_reads_its_own_data():
    """cuda-samples boxFilter's column pass: a loop over the first r rows, then the main loop over
    the same array with the same pattern. The main loop was taken to re-read the edge loop's data
    (an L2 hit), so DRAM lost the whole input (67 MB of 134 MB)."""
    n, r = 4096, 14
    args = [np.zeros(n * n, np.uint32), np.zeros(n * n, np.uint32), np.int32(n), np.int32(n), np.int32(r)]
    _, t = _compiled_traffic(EDGE_THEN_MAIN, "edge_then_main", (256, 1, 1), (n // 256, 1, 1), args)
    assert t.dram_bytes == pytest.approx(2 * 4 * n * n, rel=0.03)


UNROLLED_ROWS = r"""
#define WORK 8192
extern "C" __global__ void unrolled_rows(const float* src, float* out, int batch, int dim) {
    int start = blockIdx.x * WORK;
    float acc = 0.f;
    for (int chunk = 0; chunk < WORK; chunk += 32 * block_size_y) {
        #pragma unroll
        for (int r = 0; r < 32 * block_size_y; r += block_size_y) {
            int row = start + chunk + r + threadIdx.y;
            if (row < batch)
                for (int j = threadIdx.x; j < dim; j += warpSize) acc += src[(size_t)row * dim + j];
        }
    }
    out[(blockIdx.x * block_size_y + threadIdx.y) * 32 + threadIdx.x] = acc;
}
"""


def test_the_copies_of_an_unrolled_loop_over_rows_read_new_rows():
    """HeCBench scatterAdd: an unrolled loop whose copies each walk their own row with a
    `warpSize` step (a loop each) matched one pattern, so every copy after the first was taken to
    re-read the first's data: DRAM 270-430 MB of 2,560 MB, and the shapes that unroll looked best."""
    from flipflop.analysis.kernel import analyze_kernel
    from flipflop.frontend.kernel import compile_kernel
    from flipflop.model.occupancy import occupancy
    from flipflop.model.traffic import memory_traffic

    batch, dim = 1_000_000, 64
    blocks = batch // 8192 + 1
    args = [np.zeros(batch * dim, np.float32), np.zeros(blocks * 1024, np.float32), np.int32(batch), np.int32(dim)]
    for y in (4, 16):
        compiled = compile_kernel(UNROLLED_ROWS, "unrolled_rows", defines={"block_size_y": y})
        f = analyze_kernel(compiled.module, "unrolled_rows").evaluate((32, y, 1), (blocks, 1, 1), args, compiled.resources)
        t = memory_traffic(f, H100, occupancy(H100, f.threads_per_block, f.registers, f.shared_bytes).blocks_per_sm)
        assert t.dram_bytes == pytest.approx(4 * batch * dim, rel=0.03), y


LOCAL_HISTOGRAM = r"""
extern "C" __global__ void local_histogram(float* out, const char* val, int n) {
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i >= n) return;
    char count[16];
    for (int k = 0; k < 16; k++) count[k] = 0;
    for (int d = -2; d <= 2; d++)
        if (i + d >= 0 && i + d < n) count[val[i + d]]++;
    float e = 0.0f;
    for (int k = 0; k < 16; k++) e += count[k] * (float)k;
    out[i] = e;
}
"""


def test_a_per_thread_histogram_in_local_memory_stays_in_l1():
    """HeCBench entropy's `count[d_val[...]]++` on a 16-byte local array: the index is data, so the
    sampled addresses were taken for the frames' footprint (32 B a block) and every increment's store
    went through to L2 (25 GB of L2, 16 GB of DRAM predicted for 335 MB of data). L1 keeps local
    memory write-back, and the resident frames (16 B a thread) fit: L2 and DRAM see the kernel's data."""
    n = 1 << 24
    f, t = _compiled_traffic(LOCAL_HISTOGRAM, "local_histogram", (128, 1, 1), (n // 128, 1, 1),
                             [np.zeros(n, np.float32), np.random.default_rng(0).integers(0, 16, n).astype(np.int8),
                              np.int32(n)])
    assert f.local_bytes >= 16 and any(a.space == "local" and not a.affine for a in f.accesses)
    assert t.dram_bytes == pytest.approx(5 * n, rel=0.05)
    assert t.l2_bytes < 1.5 * 5 * n


OWN_KEYS = r"""
extern "C" __global__ void own_keys(unsigned* out, const unsigned char* keys, const unsigned* start,
                                    const unsigned* len, int n) {
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i >= n) return;
    unsigned h = 0;
    for (unsigned k = 0; k < len[i]; ++k) h = h * 31u + keys[start[i] + k];
    out[i] = h;
}
"""


def test_a_loop_of_lane_dependent_length_requests_only_the_sectors_of_the_lanes_still_in_it():
    """Each thread hashes its own key, lane j of a warp 8 (j + 1) bytes long: a warp makes 256
    requests (its longest key), the first with a sector for every lane, the last with one, 132 a
    lane on average — sectors = the lanes' byte loads, not 32 a request (HeCBench murmurhash3: L1
    load sectors 94 % over the counters and L2 2.6x, run 37)."""
    from flipflop.model.traffic import request_sectors
    n = 1 << 14
    lengths = (8 * (np.arange(n) % 32 + 1)).astype(np.uint32)
    starts = np.concatenate([[0], np.cumsum(lengths)[:-1]]).astype(np.uint32)
    arguments = [np.zeros(n, np.uint32), np.zeros(int(lengths.sum()), np.uint8), starts, lengths, np.int32(n)]
    f, _ = _compiled_traffic(OWN_KEYS, "own_keys", (256, 1, 1), (n // 256, 1, 1), arguments)
    keys = [a for a in f.accesses if a.array == "own_keys_param_1" and a.executions_per_thread > 0]
    assert len(keys) == 4  # nvcc unrolls the loop by four: a quarter of the bytes each
    for key in keys:
        assert key.executions_per_thread == pytest.approx(33.0) and key.warp_requests == pytest.approx(64.0)
        assert key.sectors_per_request > 16
        requests = key.warp_requests * n / 32
        sectors, lanes_left = request_sectors(key, requests, n, 32)
        assert requests * sectors == pytest.approx(33.0 * n)
        assert lanes_left == pytest.approx(33.0 / 64.0 * 32 / key.sectors_per_request)


FAR_SECTORS = r'''
extern "C" __global__ void bit_reverse_gather(double* out, const double* in, int lg) {
    unsigned i = blockIdx.x * blockDim.x + threadIdx.x;
    out[i] = in[__brev(i) >> (32 - lg)];
}
extern "C" __global__ void transpose_1d(float* out, const float* in, int w, int h) {
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i < w * h) out[(i % w) * h + i / w] = in[i];
}
'''


def _far_traffic(kernel: str, grid: int, arguments: list):
    from flipflop.analysis.kernel import analyze_kernel
    from flipflop.frontend.kernel import compile_kernel
    from flipflop.model.occupancy import occupancy
    from flipflop.model.traffic import memory_traffic

    compiled = compile_kernel(FAR_SECTORS, kernel)
    f = analyze_kernel(compiled.module, kernel).evaluate((256, 1, 1), (grid, 1, 1), arguments, compiled.resources)
    return f, memory_traffic(f, H100, occupancy(H100, 256, f.registers, f.shared_bytes).blocks_per_sm)


def test_sectors_only_far_blocks_complete_come_from_dram_for_every_block():
    """A bit-reversal gather over 2^24 doubles (HeCBench bitpermute's idiom): a block's 256 reads land
    in 256 sectors, a quarter of each used, whose other elements belong to threads 2^22 and more on,
    far past the blocks that run meanwhile; each read costs a 64-byte pair from DRAM, less the share of
    the array L2 still holds (H200 counters on bitpermute: 5.6 GB of DRAM for its 1 GB of data, 1.07 GB
    predicted before). A 1-D transpose through `i % w` and `i / w` leaves its column sectors to blocks
    16 to 112 on, which find them in L2: no extra traffic."""
    lg = 24
    n = 1 << lg
    f, t = _far_traffic("bit_reverse_gather", n // 256, [np.zeros(n), np.zeros(n), np.int32(lg)])
    gather, store = f.accesses
    assert (gather.affine, gather.sectors_per_request, gather.far_sector_share, gather.far_fetch_ratio) \
        == (False, 32.0, 1.0, 2.0)
    assert (store.far_sector_share, store.far_fetch_ratio) == (0.0, 1.0)
    held = H100.l2_bytes * 0.5 / (8 * n)
    assert t.dram_write_bytes == pytest.approx(8 * n)
    assert t.dram_bytes == pytest.approx(8 * n + n * 32 * 2 * (1 - held))

    w = h = 4096
    f, t = _far_traffic("transpose_1d", w * h // 256, [np.zeros(w * h, np.float32), np.zeros(w * h, np.float32),
                                                       np.int32(w), np.int32(h)])
    column = next(a for a in f.accesses if a.op == "store")
    assert (column.affine, column.sectors_per_request, column.far_sector_share) == (False, 32.0, 0.0)
    assert t.dram_bytes == pytest.approx(2 * 4 * w * h)
