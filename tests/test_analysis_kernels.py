"""The analysis on the test-suite kernels (tests/kernels/*.cu), compiled with NVRTC here.

Each test names the fact it checks: coalescing per block shape, bank conflicts, trip
counts, guard fractions and dynamic instruction counts by class.
"""
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import flipflop
from flipflop.errors import ConfigurationError, UnknownKernelError
from flipflop.features import features

KERNELS = Path(__file__).parent / "kernels"
F32 = np.zeros(1 << 20, dtype=np.float32)


def run(name, file, args, block, problem_size=None):
    return features(name, KERNELS / file, args, block=block, problem_size=problem_size)


def global_accesses(result, op=None):
    return [a for a in result["accesses"] if a["space"] == "global" and (op is None or a["op"] == op)]


def test_suite_has_at_least_fifteen_kernels():
    sources = "".join(p.read_text() for p in KERNELS.glob("*.cu"))
    assert sources.count("__global__") >= 15


# ----- coalescing ------------------------------------------------------------------------

def test_vector_add_is_coalesced_four_sectors_per_warp():
    r = run("vector_add", "vector_add.cu", [F32, F32, F32, np.int32(4096)], (32, 1, 1), 4096)
    assert r["grid"] == [128, 1, 1]
    accesses = global_accesses(r)
    assert [a["op"] for a in accesses] == ["load", "load", "store"]
    for a in accesses:
        assert a["affine"] and a["bytes"] == 4
        assert a["stride_bytes"] == {"x": 4, "y": 0, "z": 0}
        assert a["sectors_per_request"] == 4.0 and a["lines_per_request"] == 1.0


def test_vector_add_partial_last_warp_counts_its_own_sectors():
    # n = 1000 with 32 blocks of 32: the last warp has 8 active threads → 1 sector.
    r = run("vector_add", "vector_add.cu", [F32, F32, F32, np.int32(1000)], (32, 1, 1), 1000)
    assert global_accesses(r)[0]["sectors_per_request"] == pytest.approx((31 * 4 + 1) / 32)
    guard = [b for b in r["branches"] if b["thread_dependent"]][0]
    assert guard["taken_fraction"] == pytest.approx(24 / 1024)  # threads that skip the body
    assert r["instructions"]["global_store"] == pytest.approx(1000 / 1024)


def test_copy_2d_narrow_block_touches_two_lines_per_warp():
    args = [F32, F32, np.int32(1024), np.int32(1024)]
    wide = run("copy_2d", "copy_2d.cu", args, (32, 8, 1), (1024, 1024))
    narrow = run("copy_2d", "copy_2d.cu", args, (16, 16, 1), (1024, 1024))
    assert global_accesses(wide)[0]["stride_bytes"] == {"x": 4, "y": 4096, "z": 0}
    assert global_accesses(wide)[0]["sectors_per_request"] == 4.0
    assert global_accesses(wide)[0]["lines_per_request"] == 1.0
    assert global_accesses(narrow)[0]["sectors_per_request"] == 4.0
    assert global_accesses(narrow)[0]["lines_per_request"] == 2.0


def test_transposed_write_touches_32_sectors_for_block_32x8():
    r = run("transpose_naive", "transpose_naive.cu", [F32, F32, np.int32(1024), np.int32(1024)],
            (32, 8, 1), (1024, 1024))
    load, store = global_accesses(r)
    assert load["sectors_per_request"] == 4.0
    assert store["stride_bytes"] == {"x": 4096, "y": 4, "z": 0}
    assert store["sectors_per_request"] == 32.0 and store["lines_per_request"] == 32.0


def test_transposed_write_with_block_8x32_uses_8_sectors():
    # 8 x-threads × 4 y-rows per warp: 8 columns far apart, each 4 consecutive floats.
    r = run("transpose_naive", "transpose_naive.cu", [F32, F32, np.int32(1024), np.int32(1024)],
            (8, 32, 1), (1024, 1024))
    load, store = global_accesses(r)
    assert store["sectors_per_request"] == 8.0
    assert load["sectors_per_request"] == 4.0 and load["lines_per_request"] == 4.0


def test_parameter_stride_of_four_floats_uses_16_sectors():
    r = run("strided_param", "strided.cu", [F32, F32, np.int32(4), np.int32(1024)], (256, 1, 1), 1024)
    load, store = global_accesses(r)
    assert load["stride_bytes"]["x"] == 16 and load["sectors_per_request"] == 16.0
    assert load["lines_per_request"] == 4.0
    assert store["sectors_per_request"] == 4.0


def test_double_stride_two_and_vector_width_sectors():
    d = np.zeros(1 << 14)
    r = run("strided_double", "strided.cu", [d, d, np.int32(1024)], (128, 1, 1), 1024)
    load, store = global_accesses(r)
    assert load["bytes"] == 8 and load["sectors_per_request"] == 16.0
    assert store["sectors_per_request"] == 8.0
    v = run("copy_float4", "vector_width.cu", [F32, F32, np.int32(4096)], (128, 1, 1), 4096)
    load4 = global_accesses(v, "load")[0]
    assert load4["bytes"] == 16 and load4["sectors_per_request"] == 16.0 and load4["lines_per_request"] == 4.0


# ----- shared memory -----------------------------------------------------------------

def test_tile_32x32_column_read_conflicts_32_way_and_padding_fixes_it():
    args = [F32, F32, np.int32(1024)]
    plain = run("transpose_tile", "shared_transpose.cu", args, (32, 32, 1), (1024, 1024))
    padded = run("transpose_padded", "shared_transpose.cu", args, (32, 32, 1), (1024, 1024))
    shared = lambda r: [a for a in r["accesses"] if a["space"] == "shared"]  # noqa: E731
    (store, load), (pstore, pload) = shared(plain), shared(padded)
    assert store["bank_conflict_degree"] == 1.0 and load["bank_conflict_degree"] == 32.0
    assert load["stride_bytes"] == {"x": 128, "y": 4, "z": 0}
    assert pstore["bank_conflict_degree"] == 1.0 and pload["bank_conflict_degree"] == 1.0
    assert pload["stride_bytes"] == {"x": 132, "y": 4, "z": 0}
    assert plain["shared_bytes"] == 4096 and padded["shared_bytes"] == 4224
    assert plain["instructions"]["barrier"] == 1.0


def test_shared_double_accesses_run_in_half_warp_phases_without_conflict():
    d = np.zeros(64)
    r = run("shared_double", "vector_width.cu", [d, d], (64, 1, 1))
    store, load = [a for a in r["accesses"] if a["space"] == "shared"]
    assert store["bytes"] == 8 and store["bank_conflict_degree"] == 1.0
    assert load["affine"] is False and load["bank_conflict_degree"] == 1.0


def test_matmul_tile_reads_broadcast_and_loop_runs_n_over_tile():
    r = run("matmul_tiled", "matmul_tiled.cu", [F32, F32, F32, np.int32(512)], (16, 16, 1), (512, 512))
    assert [(lp["depth"], lp["trip_count"]) for lp in r["loops"]] == [(1, 32.0)]
    shared_loads = [a for a in r["accesses"] if a["space"] == "shared" and a["op"] == "load"]
    assert len(shared_loads) == 32  # the k loop is fully unrolled
    assert {a["bank_conflict_degree"] for a in shared_loads} == {1.0}
    assert r["instructions"]["shared_load"] == 32 * 32
    assert r["instructions"]["barrier"] == 64
    assert r["instructions"]["fp32"] == 32 * 16
    a_load = global_accesses(r, "load")[0]
    assert a_load["sectors_per_request"] == 4.0 and a_load["lines_per_request"] == 2.0


# ----- loops and trip counts ---------------------------------------------------------

def test_parameter_loop_unrolled_by_four_with_remainder():
    args = [F32, F32, np.int32(1000), np.int32(1024)]
    r = run("column_sum", "column_sum.cu", args, (256, 1, 1), 1024)
    assert [(lp["depth"], lp["trip_count"], lp["data_dependent"]) for lp in r["loops"]] == \
        [(1, 250.0, False), (1, 0.0, False)]
    assert r["instructions"]["global_load"] == 1000.0
    assert r["instructions"]["fp32"] == 1000.0
    odd = run("column_sum", "column_sum.cu", [F32, F32, np.int32(1003), np.int32(1024)], (256, 1, 1), 1024)
    assert [lp["trip_count"] for lp in odd["loops"]] == [250.0, 3.0]
    assert odd["instructions"]["global_load"] == 1003.0


def test_loop_bounded_by_block_dim_depends_on_block_size():
    r = run("row_sum", "block_stride.cu", [F32, F32, np.int32(1000)], (128, 1, 1), 128 * 64)
    # 1000 = 7 × 128 + 104: 104 threads run 8 iterations, 24 run 7.
    assert r["loops"][0]["trip_count"] == pytest.approx((104 * 8 + 24 * 7) / 128)
    assert r["instructions"]["global_load"] == pytest.approx(1000 / 128)
    atomic = [a for a in r["accesses"] if a["op"] == "atomic"][0]
    assert atomic["space"] == "global" and atomic["uniform"] and atomic["sectors_per_request"] == 1.0


def test_grid_stride_loop_trip_count_follows_grid():
    r = run("saxpy_grid_stride", "grid_stride.cu", [np.float32(2), F32, F32, np.int32(1 << 20)],
            (256, 1, 1), 256 * 128)
    assert r["loops"][0]["trip_count"] == 32.0
    assert r["instructions"]["global_store"] == 32.0
    assert r["instructions"]["global_load"] == 64.0
    assert "nctaid.x" in r["loops"][0]["symbolic"]


def test_csr_row_loop_is_data_dependent_and_estimated_from_row_ptr():
    rows = 64
    nnz = np.arange(rows) % 5  # rows hold 0..4 entries
    row_ptr = np.concatenate([[0], np.cumsum(nnz)]).astype(np.int32)
    total = int(row_ptr[-1])
    col = np.random.default_rng(0).integers(0, 4096, total).astype(np.int32)
    r = run("spmv_csr", "spmv_csr.cu", [row_ptr, col, np.ones(total, np.float32), F32, F32,
                                        np.int32(rows)], (32, 1, 1), rows)
    assert all(lp["data_dependent"] for lp in r["loops"])
    # nvcc unrolls by 4: rows with 4 entries run the main loop once, 1..3 the remainder.
    assert sorted(lp["trip_count"] for lp in r["loops"]) == [1.0, 2.0]
    # one fp32 fma per nonzero, averaged over the rows
    assert r["instructions"]["fp32"] == pytest.approx(total / rows)
    gather = [a for a in global_accesses(r, "load") if not a["affine"]]
    assert gather and all(a["stride_bytes"]["x"] is None for a in gather)


def test_tree_reduction_halves_log2_block_times():
    r = run("reduce_shared", "reduce_shared.cu", [F32, F32, np.int32(4096)], (256, 1, 1), 4096)
    assert [lp["trip_count"] for lp in r["loops"]] == [8.0]
    assert r["instructions"]["barrier"] == 9.0
    inner = [b for b in r["branches"] if b["thread_dependent"] and 0 < (b["taken_fraction"] or 0) < 0.99]
    # if (t < stride): the share of threads that skip, averaged over the 8 halving steps
    assert inner[0]["taken_fraction"] == pytest.approx(1 - (255 / 256) / 8)
    small = run("reduce_shared", "reduce_shared.cu", [F32, F32, np.int32(4096)], (64, 1, 1), 4096)
    assert [lp["trip_count"] for lp in small["loops"]] == [6.0]


def test_warp_shuffle_reduction_one_atomic_per_warp():
    r = run("reduce_warp", "reduce_warp.cu", [F32, F32, np.int32(4096)], (256, 1, 1), 4096)
    assert r["instructions"]["atomic"] == pytest.approx(1 / 32)
    assert r["instructions"]["fp32"] == 5.0  # five shuffle-add steps, unrolled


def test_histogram_shared_atomics_on_data_serialise():
    data = np.zeros(4096, np.uint8)  # every thread hits the same bin
    r = run("histogram", "histogram.cu", [data, np.zeros(256, np.uint32), np.int32(4096)], (128, 1, 1), 4096)
    shared_atomic = [a for a in r["accesses"] if a["space"] == "shared" and a["op"] == "atomic"][0]
    assert shared_atomic["bank_conflict_degree"] == 32.0
    spread = np.arange(4096, dtype=np.uint8)  # consecutive bins: distinct banks
    r2 = run("histogram", "histogram.cu", [spread, np.zeros(256, np.uint32), np.int32(4096)], (128, 1, 1), 4096)
    assert [a for a in r2["accesses"] if a["space"] == "shared" and a["op"] == "atomic"][0][
        "bank_conflict_degree"] == 1.0
    assert [lp["trip_count"] for lp in r["loops"]] == [2.0, 2.0]  # 256 bins over 128 threads


# ----- instruction mix -----------------------------------------------------------------

def test_fast_math_uses_sfu_and_accurate_math_expands():
    args = [F32, F32, np.int32(4096)]
    fast = run("fast_math", "transcendental.cu", args, (256, 1, 1), 4096)
    accurate = run("accurate_math", "transcendental.cu", args, (256, 1, 1), 4096)
    assert fast["instructions"]["sfu"] == 2.0  # ex2.approx + rcp.approx (div.full)
    assert accurate["instructions"]["sfu"] >= 1.0
    assert accurate["instructions"]["fp32"] > 4 * fast["instructions"]["fp32"]


def test_half_and_bfloat16_arithmetic_is_fp16():
    h = np.zeros(4096, np.float16)
    r = run("axpy_half2", "half_precision.cu", [h, h, np.float16(1), np.int32(2048)], (256, 1, 1), 2048)
    assert r["instructions"]["fp16"] == 1.0 and r["instructions"]["fp32"] == 0.0
    b = np.zeros(4096, np.uint16)
    r2 = run("scale_bf16", "half_precision.cu", [b, b, np.int32(4096)], (256, 1, 1), 4096)
    assert r2["instructions"]["fp16"] == 1.0
    assert global_accesses(r2)[0]["bytes"] == 2 and global_accesses(r2)[0]["sectors_per_request"] == 2.0


def test_wmma_gemm_counts_tensor_instructions_per_k_step():
    h = np.zeros(1 << 16, np.float16)
    r = run("wmma_gemm", "wmma_gemm.cu", [h, h, F32, np.int32(256), np.int32(256), np.int32(256)],
            (128, 1, 1), (512, 16))
    # k = 256 → 16 k-steps, unrolled by 4: 4 trips of the main loop, none of the remainder
    assert [lp["trip_count"] for lp in r["loops"]] == [4.0, 0.0]
    # 16 wmma.mma.m16n16k16, each twice the work of the calibrated mma.sync.m16n8k16
    assert r["instructions"]["tensor"] == 32.0
    loads = global_accesses(r, "load")
    # a 16×16 f16 fragment: 16 rows of 32 bytes, k·2 bytes apart → 16 sectors per warp request
    assert {a["sectors_per_request"] for a in loads if a["executions_per_thread"] > 0} == {16.0}
    store = global_accesses(r, "store")[0]
    assert store["bytes"] == 32 and store["sectors_per_request"] == 32.0  # 16 rows of 16 floats


# ----- errors -------------------------------------------------------------------------

def test_wrong_argument_count_is_a_configuration_error():
    with pytest.raises(ConfigurationError, match="takes 4 arguments, got 3"):
        run("vector_add", "vector_add.cu", [F32, F32, F32], (32, 1, 1), 64)


def test_scalar_for_pointer_is_a_configuration_error():
    with pytest.raises(ConfigurationError, match="is a pointer"):
        run("vector_add", "vector_add.cu", [np.float32(1), F32, F32, np.int32(4)], (32, 1, 1), 64)


OPTIONAL_MAP = r"""
extern "C" __global__ void remap(float* out, const float* in, const int* map, int n) {
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i >= n) return;
    int j = map == nullptr ? i : map[i];
    out[i] = in[j];
}
"""


def test_a_null_pointer_is_a_64_bit_zero_and_the_kernel_tests_it():
    """vLLM's moe_align takes `expert_map` as nullptr when there is none: Kernel Tuner passes a
    64-bit zero, and the kernel's own test skips the loads through it. Any other scalar is an error."""
    n = 4096
    r = features("remap", OPTIONAL_MAP, [F32, F32, np.uint64(0), np.int32(n)], block=(256, 1, 1), problem_size=n)
    loads = global_accesses(r, "load")
    assert sorted(a["executions_per_thread"] for a in loads) == [0.0, 1.0]
    with pytest.raises(ConfigurationError, match=r"is a pointer: pass a numpy array \(or a 64-bit zero"):
        features("remap", OPTIONAL_MAP, [F32, F32, np.uint64(8), np.int32(n)], block=(256, 1, 1), problem_size=n)


ATOMIC_READBACK = r"""
extern "C" __global__ void converge(float* x, float* residual, float tol, int n) {
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i < n) atomicAdd(residual, x[i] * x[i]);
    while (*residual > tol) {
        if (i < n) x[i] *= 0.5f;
        if (i == 0) *residual *= 0.25f;
    }
}
"""


def test_a_word_atomics_accumulate_is_not_read_from_the_argument():
    """cuda-samples' multi-block conjugate gradient loops on the dot product its blocks accumulate with
    atomicAdd: read from the argument (zero), the loop ended before its first iteration, silently."""
    n = 4096
    r = features("converge", ATOMIC_READBACK, [F32, np.zeros(1, np.float32), np.float32(1e-6), np.int32(n)],
                 block=(256, 1, 1), problem_size=n)
    assert [lp["trip_count"] for lp in r["loops"]] == [None]
    assert any("trip count unknown, counted once" in note for note in r["notes"])
    # entered half the time (a condition on data), then counted once: the body runs, where it ran 0 times
    body = [a for a in global_accesses(r, "load") if a["loop_depth"] == 1 and a["array"].endswith("param_0")]
    assert [a["executions_per_thread"] for a in body] == [pytest.approx(0.5)]


def test_unknown_kernel_name_lists_the_kernels():
    with pytest.raises(UnknownKernelError, match="vector_add"):
        run("nope", "vector_add.cu", [F32], (32, 1, 1))


@pytest.mark.parametrize("bx, by, tile", [(16, 4, 1024), (32, 1, 1024), (64, 2, 1000), (256, 1, 64)])
def test_cooperative_load_counts_tile_over_threads(bx, by, tile):
    # the loop start reaches the unrolled loop through nvcc's peeled prologue (a 4-way join)
    r = features("cooperative_load", KERNELS / "cooperative_load.cu", [F32, F32, np.int32(0)],
                 block=(bx, by, 1), problem_size=(bx * 8, by),
                 defines={"block_size_x": bx, "block_size_y": by, "TILE": tile})
    assert all(lp["trip_count"] is not None for lp in r["loops"])
    assert r["instructions"]["global_load"] == pytest.approx(tile / (bx * by))
    assert r["instructions"]["shared_store"] == pytest.approx(tile / (bx * by))
    assert not r["notes"]


# ----- copies of one load, footprints of sub-sector strides, re-reads across loops -----------

def row_passes(rows, cols, block=32):
    args = [np.zeros(rows, np.float32), np.zeros(rows * cols, np.float32), np.int32(rows), np.int32(cols)]
    return run("row_passes", "row_passes.cu", args, (block, 1, 1), rows)


def test_unrolled_copies_in_one_sector_add_no_new_sectors():
    loads = [a for a in global_accesses(row_passes(4096, 256), "load") if a["executions_per_thread"] > 0]
    first_pass, second_pass = loads[:4], loads[4:]
    for copies in (first_pass, second_pass):
        # Thread t reads row t: the four copies sit 4 bytes apart in the sector copy 0 reads.
        assert [a["offset_bytes"] for a in copies] == [0, 4, 8, 12]
        assert [a["new_sector_share"] for a in copies] == [1.0, 0.0, 0.0, 0.0]
        assert all(a["sectors_per_request"] == 32.0 for a in copies)
    assert len({a["loop"] for a in first_pass}) == 1 and first_pass[0]["loop"] != second_pass[0]["loop"]


def test_a_stride_shorter_than_a_sector_still_sweeps_the_whole_row():
    # 16 bytes an unrolled iteration: a single step stays inside the first sector, yet the
    # 64 iterations cover a thread's whole 1 KB row, and the grid the whole 4 MB input.
    load = global_accesses(row_passes(4096, 256), "load")[0]
    assert load["footprint_bytes"] == 4096 * 256 * 4
    assert load["block_footprint_bytes"] == pytest.approx(32 * 256 * 4, rel=0.02)


def test_neighbour_loads_of_other_shapes_share_the_block_s_sectors():
    # 32×4 block, interior: the five loads ask for 5 + 4 + 5 + 4 + 4 = 22 sectors per warp,
    # 88 per block; the block touches 6 rows, the 4 own ones with a one-sector halo on each
    # side (6 sectors) and the rows above and below without (4): 32 distinct sectors.
    args = [np.zeros(1 << 20, np.float32), np.zeros(1 << 20, np.float32), np.int32(1024), np.int32(1024)]
    r = run("stencil_2d", "stencil_2d.cu", args, (32, 4, 1), (1024, 1024))
    loads = global_accesses(r, "load")
    assert len(loads) == 5
    assert [a["window_share"] for a in loads] == [pytest.approx(32 / 88)] * 5
    assert global_accesses(r, "store")[0]["window_share"] is None


def test_a_store_shares_its_footprint_with_a_guarded_copy_of_itself():
    # The edge store runs in two threads; the interior store, of the same shape, in all the
    # others: the footprint is the interior's whole array, not the edge store's nothing.
    n = 1 << 20
    r = run("edge_copy", "edge_copy.cu", [F32, F32, np.int32(n)], (256, 1, 1), n)
    stores = global_accesses(r, "store")
    assert len(stores) == 2
    assert [s["footprint_bytes"] for s in stores] == [4.0 * n, 4.0 * n]


def test_chained_conditional_updates_do_not_blow_up_the_analysis():
    # The held-out row argmax keeps a running (value, column) pair, each conditional update
    # nesting the previous selects: with 512 threads a row, the expression text doubled with
    # every step until the analysis ran out of memory; past a size it is now unknown. Run in a
    # subprocess with 4 GB of address space and a time limit, so a regression fails instead
    # of swapping.
    source = Path(__file__).resolve().parents[1] / "benchmarks" / "kernels" / "heldout3" / "argmax_rows.cu"
    script = (
        "import resource; resource.setrlimit(resource.RLIMIT_AS, (4 << 30, 4 << 30))\n"
        "import numpy as np\n"
        "from flipflop.features import features\n"
        f"f = features('argmax_rows', {str(source)!r}, "
        "[np.zeros(64, np.int32), np.zeros(64, np.float32), np.zeros(64 * 8192, np.float32), np.int32(64), "
        "np.int32(8192)], block=(512, 1, 1), problem_size=(512, 64), "
        "defines={'block_size_x': 512, 'block_size_y': 1, 'block_size_z': 1})\n"
        "print([lp['trip_count'] for lp in f['loops']])\n")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert 4.0 in eval(done.stdout)  # the column loop, unrolled by 4: 8192 / 512 / 4 trips


WARP_STRIDE_ROWSUM = r"""
extern "C" __global__ void rowsum(const float* __restrict__ in, float* out, int rows, int cols) {
  int row = blockIdx.x * (blockDim.x / warpSize) + threadIdx.x / warpSize;
  int lane = threadIdx.x % warpSize;
  if (row >= rows) return;
  float s = 0.f;
  for (int c = lane; c < cols; c += warpSize) s += in[(size_t)row * cols + c];
  for (int o = warpSize / 2; o > 0; o /= 2) s += __shfl_down_sync(0xffffffff, s, o);
  if (lane == 0) out[row] = s;
}
"""


def test_warp_size_is_the_constant_32_so_a_warp_strided_loop_is_counted():
    """``warpSize`` compiles to PTX's predefined WARP_SZ: a row loop striding by it has a known trip
    count and coalesced loads that read the whole matrix (issue 10: it was unknown, ~0 MB of DRAM)."""
    rows, cols = 1024, 4096
    args = [np.zeros(rows * cols, np.float32), np.zeros(rows, np.float32), np.int32(rows), np.int32(cols)]
    f = features("rowsum", WARP_STRIDE_ROWSUM, args, block=(256, 1, 1), problem_size=(rows * 32,))
    loads = [a for a in f["accesses"] if a["op"] == "load" and a["executions_per_thread"] > 1]
    # NVRTC unrolls the row loop by 4: 4096 / 32 lanes / 4 = 32 trips, four loads a trip.
    assert [lp["trip_count"] for lp in f["loops"] if lp["trip_count"] == 32.0] == [32.0]
    assert len(loads) == 4 and {a["sectors_per_request"] for a in loads} == {4.0}
    assert sum(a["footprint_bytes"] for a in loads) == rows * cols * 4


OFFSETS = r"""
extern __shared__ unsigned char block_bytes[];
extern "C" __global__ void shared_pitch(unsigned char* out, short pitch) {
    block_bytes[threadIdx.x] = threadIdx.x;
    __syncthreads();
    out[blockIdx.x * blockDim.x + threadIdx.x] = block_bytes[threadIdx.x + pitch];
}
extern "C" __global__ void byte_offset(const unsigned char* in, unsigned char* out, int offset) {
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    out[i] = in[i + offset];
}
"""


@pytest.mark.parametrize("name", ["shared_pitch", "byte_offset"])
def test_an_integer_offset_in_an_address_is_not_taken_for_a_pointer(name):
    """cuda-samples' SobelShared indexes a byte array in shared memory by a `short` parameter: the
    parameter enters the address once, as a pointer would, and the kernel was refused ("argument 1
    is a pointer"). Only a 64-bit parameter in a global address is a base pointer."""
    n = 1 << 16
    args = ([np.zeros(n, np.uint8), np.int16(64)] if name == "shared_pitch"
            else [np.zeros(2 * n, np.uint8), np.zeros(n, np.uint8), np.int32(16)])
    f = features(name, OFFSETS, args, block=(256, 1, 1), problem_size=(n,))
    arrays = {a["array"] for a in f["accesses"] if a["space"] == "global"}
    assert arrays == ({f"{name}_param_0"} if name == "shared_pitch" else {f"{name}_param_0", f"{name}_param_1"})


STRUCT_BY_VALUE = r"""
struct params { int n; float a; long long stride; };
extern "C" __global__ void scale(params p, const float* x, float* y) {
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i < p.n) y[i * p.stride] = p.a * x[i];
}
"""


def test_integer_fields_of_a_struct_passed_by_value_are_read_from_a_structured_scalar():
    """Rodinia lavaMD passes its sizes in structs by value; their fields were unknown, so a guard
    on one was a guess whatever the user passed (and gave no note)."""
    n = 1 << 16
    dtype = np.dtype([("n", "i4"), ("a", "f4"), ("stride", "i8")])
    for active, stride in ((n // 4, 1), (n, 2)):
        p = np.zeros(1, dtype)[0]
        p["n"], p["a"], p["stride"] = active, 2.0, stride
        f = features("scale", STRUCT_BY_VALUE, [p, np.zeros(n, np.float32), np.zeros(2 * n, np.float32)],
                     block=(256, 1, 1), problem_size=(n,))
        store = next(a for a in f["accesses"] if a["op"] == "store")
        assert store["executions_per_thread"] == pytest.approx(active / n, rel=0.02)  # sampled threads
        assert store["sectors_per_request"] == 4.0 * stride
        assert not [note for note in f["notes"] if "struct" in note]
    for wrong in (np.int32(5), 5):  # fields past the bytes passed stay unknown, and the notes say so
        f = features("scale", STRUCT_BY_VALUE, [wrong, np.zeros(n, np.float32), np.zeros(2 * n, np.float32)],
                     block=(256, 1, 1), problem_size=(n,))
        assert "struct argument scale_param_0: integer fields not known" in " ".join(f["notes"])


FLOAT_GUARDS = r"""
extern "C" __global__ void relu_mask(const float* x, float* y, float threshold, int n) {
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i < n && x[i] > threshold) y[i] = x[i];
}
extern "C" __global__ void big_values(const float* x, float* y, int n) {
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i < n && fabsf(x[i]) > 2.5f) y[i] = 0.0f;
}
extern "C" __global__ void sine(const float* x, float* y, int n) {
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i < n) y[i] = sinf(x[i]);
}
"""


@pytest.mark.parametrize("name", ["relu_mask", "big_values"])
def test_a_comparison_of_loaded_floats_is_evaluated_on_the_data(name):
    """`if (x[i] > threshold)` and `if (fabsf(x[i]) > 2.5f)` on x uniform in [-3, 3): the guarded
    store runs for the share of the data that passes (one half, one sixth); float conditions were
    unknown, guessed the same whatever the data."""
    n = 1 << 16
    x = np.random.default_rng(5).uniform(-3, 3, n).astype(np.float32)
    args = [x, np.zeros(n, np.float32)] + ([np.float32(0.0)] if name == "relu_mask" else []) + [np.int32(n)]
    f = features(name, FLOAT_GUARDS, args, block=(256, 1, 1), problem_size=(n,))
    store = next(a for a in f["accesses"] if a["op"] == "store")
    expected = np.mean(x > 0) if name == "relu_mask" else np.mean(np.abs(x) > 2.5)
    assert store["executions_per_thread"] == pytest.approx(expected, abs=0.02)


def test_sinf_slow_path_is_not_taken_on_small_arguments_and_its_local_array_is_registers():
    """sinf's Payne-Hanek reduction runs only for |x| > 105615 and keeps its 7-word local array in
    PTX; ptxas puts it in registers (0 bytes of stack). On |x| < 3 the slow path's loads never run,
    and no local memory traffic is charged (296 MB of DRAM for a 134 MB kernel before)."""
    n = 1 << 16
    x = np.random.default_rng(5).uniform(-3, 3, n).astype(np.float32)
    f = features("sine", FLOAT_GUARDS, [x, np.zeros(n, np.float32), np.int32(n)], block=(256, 1, 1),
                 problem_size=(n,))
    assert not [a for a in f["accesses"] if a["space"] == "local"]
    table = [a for a in f["accesses"] if a["space"] == "global" and a["array"] == "&__cudart_i2opi_f"]
    assert table and all(a["executions_per_thread"] == 0.0 for a in table)  # __cudart_i2opi_f


UNMODELLED = r"""
extern "C" __global__ void fetch(float* out, cudaTextureObject_t tex, int n) {
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i < n) out[i] = tex1Dfetch<float>(tex, i);
}
extern "C" __global__ void say(int v) {
    printf("%d %d\n", threadIdx.x, v);
}
"""


def test_texture_fetches_and_printf_are_named_in_the_notes():
    """Neither is costed (a texture fetch charges no memory traffic, printf's formatting is not
    modelled): a prediction must say so rather than look like an empty kernel."""
    n = 1 << 12
    f = features("fetch", UNMODELLED, [np.zeros(n, np.float32), np.uint64(1), np.int32(n)], block=(256, 1, 1),
                 problem_size=(n,))
    assert [note.split(" (")[0] for note in f["notes"]] == ["texture/surface fetches: no memory traffic charged for them"]
    f = features("say", UNMODELLED, [np.int32(3)], block=(256, 1, 1), problem_size=(n,))
    assert [note.split(" (")[0] for note in f["notes"]] == ["printf: its formatting and output are not costed"]


MARCH_IF_ACTIVE = r"""
extern "C" __global__ void march(const float* in, float* out, int nx, int nz) {
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    int active = i < nx;
    int at = i, last = 0;
    for (int k = 0; k < nz; k++) {
        if (active) {
            last = at;
            at += nx;
        }
        __syncthreads();
        if (active) out[last] = in[last] * 2.0f;
    }
}
"""


def test_an_index_advanced_under_a_loop_invariant_condition_is_still_an_induction_variable():
    """HeCBench laplace3d marches through z planes with `if (active) { indg0 = indg; indg += stride; }`:
    the update sits under a condition the loop does not change, and the copy is undefined before the
    loop. Both were unknown (four times the DRAM traffic, one sector per thread); now the loads and
    stores are coalesced and read each plane once."""
    nx, nz = 1 << 12, 64
    args = [np.zeros(nx * nz, np.float32), np.zeros(nx * nz, np.float32), np.int32(nx), np.int32(nz)]
    f = features("march", MARCH_IF_ACTIVE, args, block=(256, 1, 1), problem_size=(nx,))
    memory = [a for a in f["accesses"] if a["space"] == "global" and a["executions_per_thread"] > 0]
    assert all(a["sectors_per_request"] == 4.0 for a in memory)
    for op in ("load", "store"):  # nvcc unrolls the plane loop by 4: each copy reads a quarter of the planes
        assert sum(a["footprint_bytes"] for a in memory if a["op"] == op) == nx * nz * 4
    assert not [note for note in f["notes"] if "address not known" in note]


FLOAT_BINS = r"""
extern "C" __global__ void float_bins(int* bins, const float* x, int nbins, float lo, float hi, int n) {
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i < n && x[i] >= lo && x[i] <= hi) {
        int bin = (x[i] - lo) * nbins / (hi - lo);
        if (bin == nbins) bin--;
        atomicAdd(&bins[bin], 1);
    }
}
"""


def test_a_bin_computed_in_float_arithmetic_is_evaluated_on_the_data():
    """HeCBench bincount: `int bin = (v - lo) * nbins / (hi - lo)` (sub, mul, div, cvt.rzi on floats);
    the atomic's address was unknown (one sector per thread assumed). Values in [2, 4) of [0, 8)
    with 64 bins land in bins 16..31: two 32-byte sectors a warp."""
    n, nbins = 1 << 14, 64
    x = np.random.default_rng(9).uniform(2.0, 4.0, n).astype(np.float32)
    args = [np.zeros(nbins, np.int32), x, np.int32(nbins), np.float32(0.0), np.float32(8.0), np.int32(n)]
    f = features("float_bins", FLOAT_BINS, args, block=(256, 1, 1), problem_size=(n,))
    atomic = next(a for a in f["accesses"] if a["op"] == "atomic")
    assert atomic["sectors_per_request"] == 2.0
    assert not f["notes"]


LOCAL_ARRAY = r"""
extern "C" __global__ void pick(const int* which, float* out, int n) {
    float table[64];
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    for (int k = 0; k < 64; k++) table[k] = k * 0.5f + i;
    if (i < n) {
        table[which[i] & 63] += 1.0f;
        out[i] = table[(which[i] >> 6) & 63];
    }
}
"""


def test_local_accesses_are_bounded_by_the_threads_stack_frames():
    """A local array indexed by data stays in a stack frame (ptxas: 256 bytes here): a block's local
    accesses touch at most frame × its threads, the grid's frame × all threads (the sinf slow path's
    frame sent 500 MB to DRAM on the H100 suite's transcendental kernel before)."""
    n = 1 << 16
    which = np.random.default_rng(2).integers(0, 4096, n, dtype=np.int32)
    f = features("pick", LOCAL_ARRAY, [which, np.zeros(n, np.float32), np.int32(n)], block=(256, 1, 1),
                 problem_size=(n,))
    local = [a for a in f["accesses"] if a["space"] == "local"]
    assert f["local_bytes"] > 0 and local
    assert all(a["block_footprint_bytes"] <= f["local_bytes"] * 256 for a in local)
    assert all(a["footprint_bytes"] <= f["local_bytes"] * n for a in local)


TRIANGULAR = r"""
extern "C" __global__ void merge_stages(unsigned* keys, unsigned length) {
    __shared__ unsigned s[512];
    s[threadIdx.x] = keys[blockIdx.x * blockDim.x + threadIdx.x];
    for (unsigned size = 2; size < length; size <<= 1) {
        for (unsigned stride = size / 2; stride > 0; stride >>= 1) {
            __syncthreads();
            unsigned other = s[threadIdx.x ^ stride];
            __syncthreads();
            if (other < s[threadIdx.x]) s[threadIdx.x] = other;
        }
    }
    __syncthreads();
    keys[blockIdx.x * blockDim.x + threadIdx.x] = s[threadIdx.x];
}

extern "C" __global__ void lower_triangle(const float* a, float* out, int n) {
    int row = blockIdx.x * blockDim.x + threadIdx.x;
    if (row >= n) return;
    float sum = 0.0f;
    for (int i = 0; i < n; i++)
        for (int j = 0; j < i; j++) sum += a[(size_t)i * n + j];
    out[row] = sum;
}
"""


@pytest.mark.parametrize("length, stages", [(64, 1 + 2 + 3 + 4 + 5), (1024, 45)])
def test_a_loop_bounded_by_the_enclosing_loops_counter_counts_every_inner_iteration(length, stages):
    """cuda-samples bitonicSortShared: `for (stride = size / 2; stride > 0; stride >>= 1)` inside
    `for (size = 2; size < length; size <<= 1)`. The inner trip count named the outer loop's header
    value and was counted once (11 barriers instead of 31 at length 64); it is now averaged over the
    outer iterations: log2(size) merge steps, two barriers each, plus the last one."""
    args = [np.zeros(4096, np.uint32), np.uint32(length)]
    f = features("merge_stages", TRIANGULAR, args, block=(256, 1, 1), problem_size=(4096,))
    assert f["instructions"]["barrier"] == 2 * stages + 1
    assert not [note for note in f["notes"] if "trip count unknown" in note]


def test_a_triangular_loop_averages_its_trips_over_the_iterations_that_enter_it():
    """`for (j = 0; j < i; j++)` (unrolled by 4): the main loop runs i / 4 times where i >= 4, and its
    guard skips it where i < 4; the mean over the entering iterations i = 4..63 is exactly 8. The
    remainder is estimated branch by branch: all loads within 5 % of n(n - 1) / 2."""
    n = 64
    args = [np.zeros(n * n, np.float32), np.zeros(n, np.float32), np.int32(n)]
    f = features("lower_triangle", TRIANGULAR, args, block=(64, 1, 1), problem_size=(n,))
    assert [loop["trip_count"] for loop in f["loops"]] == [n, 8.0]
    assert f["instructions"]["global_load"] == pytest.approx(n * (n - 1) / 2, rel=0.05)


DATA_INDEXED_SHARED = r"""
extern "C" __global__ void private_rows(const unsigned* data, unsigned* out) {
    __shared__ unsigned staged[256];
    __shared__ unsigned counts[64 * 32];
    staged[threadIdx.x] = data[blockIdx.x * 256 + threadIdx.x];
    __syncthreads();
    unsigned v = staged[255 - threadIdx.x];  // data the analysis does not follow
    atomicAdd(&counts[(v & 63) * 32 + threadIdx.x % 32], 1u);
    __syncthreads();
    out[blockIdx.x * 256 + threadIdx.x] = counts[threadIdx.x];
}

extern "C" __global__ void shared_rows(const unsigned* data, unsigned* out) {
    __shared__ unsigned staged[256];
    __shared__ unsigned counts[64 * 8];
    staged[threadIdx.x] = data[blockIdx.x * 256 + threadIdx.x];
    __syncthreads();
    unsigned v = staged[255 - threadIdx.x];
    counts[(threadIdx.x / 32) * 64 + (v & 63)] += 1;
    __syncthreads();
    out[blockIdx.x * 256 + threadIdx.x] = counts[threadIdx.x];
}
"""


@pytest.mark.parametrize("kernel, op, degree", [("private_rows", "atomic", 1.0), ("shared_rows", "load", 2.0)])
def test_a_shared_index_built_from_unknown_data_keeps_the_lanes_own_part(kernel, op, degree):
    """cuda-samples histogram64 gives every lane its own bank (`threadPos + data * 128`-style rows):
    the data only moves a lane by whole bank rows. Unknown data was taken as 32 random words (3.5
    wavefronts); it is now drawn at random where it appears in the address, packed by nvcc's `bfi`:
    a lane-private row is conflict-free, a warp's random bin among 64 words (two bank rows) costs
    exactly 2."""
    args = [np.arange(1, 4097, dtype=np.uint32), np.zeros(4096, np.uint32)]
    f = features(kernel, DATA_INDEXED_SHARED, args, block=(256, 1, 1), problem_size=(4096,))
    staged_loads = 1 if op == "load" else 0  # shared_rows reads `staged` first
    counter = [a for a in f["accesses"] if a["space"] == "shared" and a["op"] == op][staged_loads]
    assert counter["bank_conflict_degree"] == degree


def test_the_analysis_does_not_depend_on_pythons_string_hashing():
    """RowwiseMoments (the unseen set) reads `tid < warps ? val_shared[lane] : identity` through one
    generic pointer that is a shared slot or a local stand-in. Its space was the first of a set of
    names, so it came out shared or local with PYTHONHASHSEED (0.83 or 0.94 energy rho on the H100);
    it is shared under every seed now."""
    script = (
        "import sys, json; sys.path.insert(0, '.');"
        "from flipflop.features import features;"
        "from benchmarks.kernels.unseen import unseen_cases;"
        "c = next(c for c in unseen_cases(small=True) if 'rowwise' in c.name);"
        "f = features(c.kernel_name, c.source_path, c.arguments(), block=(256, 1, 1), problem_size=c.problem_size,"
        " defines={'block_size_x': 256});"
        "print(json.dumps([a['space'] for a in f['accesses']]))")
    root = Path(__file__).resolve().parents[1]
    spaces = {subprocess.run([sys.executable, "-c", script], cwd=root, capture_output=True, text=True, check=True,
                             env={**__import__("os").environ, "PYTHONHASHSEED": str(seed)}).stdout
              for seed in range(6)}
    assert len(spaces) == 1
    assert spaces.pop().count('"shared"') == 23  # the generic reads among them; 3 local stores of the frame


SIGNED_HALVING = r"""
extern "C" __global__ void warp_sums(const float* x, float* out, int n) {
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    float v = i < n ? x[i] : 0.0f;
    for (int offset = warpSize / 2; offset > 0; offset /= 2)
        v += __shfl_down_sync(0xffffffff, v, offset);
    if (threadIdx.x % 32 == 0) out[i / 32] = v;
}
"""


def test_an_int_halved_with_its_sign_correction_is_a_geometric_counter():
    """cuda-samples reduce7's warpReduceSum: `offset /= 2` on an int compiles to
    `shr(h + shr(h, 31), 1)`, which was not recognised (trip count unknown, counted once): the
    warp sum runs log2(32) = 5 times."""
    args = [np.zeros(1024, np.float32), np.zeros(32, np.float32), np.int32(1024)]
    f = features("warp_sums", SIGNED_HALVING, args, block=(256, 1, 1), problem_size=(1024,))
    assert [loop["trip_count"] for loop in f["loops"]] == [5.0]
    assert not f["notes"]


LINEAR_SEARCH = r"""
extern "C" __global__ void find_first(const int* keys, const int* wanted, int* found, int n) {
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    int index = -1;
    for (int x = 0; x < n; x++) {
        if (keys[x] == wanted[i]) { index = x; break; }
    }
    found[i] = index;
}
"""


@pytest.mark.parametrize("wanted, trips", [(np.arange(4096, dtype=np.int32), 2048.5),
                                           (np.full(4096, -5, dtype=np.int32), 4096.0)])
def test_a_break_on_the_data_ends_the_loop_where_it_first_holds(wanted, trips):
    """Rodinia particlefilter's find-index loop (`if (CDF[x] >= u[i]) break;`) ran its full count
    (Nsight Compute: twice the loads it makes, 2.5x the instructions): thread i finding key i stops
    after i + 1 iterations (a mean of 2048.5 over 4096 threads); a key never found, after all n."""
    n = 4096
    args = [np.arange(n, dtype=np.int32), wanted, np.zeros(n, np.int32), np.int32(n)]
    f = features("find_first", LINEAR_SEARCH, args, block=(256, 1, 1), problem_size=(n,))
    assert [loop["trip_count"] for loop in f["loops"]] == [trips]
    assert f["instructions"]["global_load"] == trips + 1  # keys[x] each iteration, wanted[i] once


FIXED_GRID_GUARD = r"""
extern "C" __global__ void first_n(const float* in, float* out, int n, int m) {
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i < n) {
        float s = 0.f;
        for (int j = 0; j < m; j++) s += in[j] * (float)i;
        out[i] = s;
    }
}
"""


def test_a_guard_true_for_the_first_blocks_of_a_fixed_grid_counts_those_blocks():
    """HeCBench lombscargle launches a fixed grid of (n+255)/256*256 blocks, so only the first
    blocks pass `i < n`: with evenly spaced interior samples alone block 1 stood for an eighth of
    the grid (0.125 stores a thread, 8x the truth, and 15x the time from block 64 to 1024)."""
    n, grid, block = 100_000, 100_096, 64
    args = [np.ones(1000, np.float32), np.zeros(n, np.float32), np.int32(n), np.int32(1000)]
    f = features("first_n", FIXED_GRID_GUARD, args, block=(block, 1, 1), problem_size=(grid * block,))
    truth = n / (grid * block)
    assert truth / 2 < f["instructions"]["global_store"] < 2 * truth


BOUNDARY_LAYER_3D = r"""
extern "C" __global__ void interior(const double* q, double* out, int n) {
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    int j = blockIdx.y * blockDim.y + threadIdx.y;
    int k = blockIdx.z * blockDim.z + threadIdx.z;
    if (i < n && j < n && k >= 4 && k <= n - 5) {
        size_t c = ((size_t)k * n + j) * n + i;
        out[c] = q[c + 4 * (size_t)n * n] - q[c - 4 * (size_t)n * n];
    }
}
"""


@pytest.mark.parametrize("bz", [1, 2, 4])
def test_a_guard_skipping_a_boundary_layer_holds_in_the_middle_of_a_3d_grid(bz):
    """HeCBench hypterm's `k >= 4 && ... && k <= N-5` with one or two z-layers a block: the one
    interior block sampled along z was block 1 (k = 1 or 2-3), where the guard fails, so the
    kernel did no work at all (0 bytes, 0.01 ms); the middle block is where interior blocks are."""
    n = 64
    args = [np.ones(n ** 3, np.float64), np.zeros(n ** 3, np.float64), np.int32(n)]
    f = features("interior", BOUNDARY_LAYER_3D, args, block=(32, 4, bz), problem_size=(n, n, n))
    assert f["instructions"]["global_store"] == pytest.approx((n - 8) / n, rel=0.15)


FFS_BOUND = r"""
extern "C" __global__ void gray_code(const unsigned* v, float* out) {
    int i0 = threadIdx.x + blockIdx.x * blockDim.x;
    int stride = gridDim.x * blockDim.x;
    unsigned g = i0 ^ (i0 >> 1), x = 0;
    #pragma unroll 1
    for (unsigned k = 0; k < __ffs(stride) - 1; k++) { x ^= (-(g & 1)) & v[k]; g >>= 1; }
    out[i0] = x;
}
"""


@pytest.mark.parametrize("threads, trips", [(1 << 20, 20), (3 << 12, 12)])
def test_a_loop_bound_from_bit_scans_of_the_launch_is_known(threads, trips):
    """cuda-samples SobolQRNG's `k < __ffs(stride) - 1` (PTX brev, then bfind.shiftamt) was an
    unknown trip count, counted once: it is the launch's lowest set bit of the thread count."""
    args = [np.arange(32, dtype=np.uint32) + 1, np.ones(threads, np.float32)]
    f = features("gray_code", FFS_BOUND, args, block=(256, 1, 1), problem_size=(threads,))
    assert [loop["trip_count"] for loop in f["loops"]] == [trips]
    assert not f["notes"]


def test_bit_scans_evaluate_as_the_ptx_instructions_define_them():
    from flipflop.analysis.symbolic import bit_scan
    x = np.array([1, 12, 0, 1 << 20, -1])
    assert bit_scan(x, "popc", 32).tolist() == [1, 2, 0, 1, 32]
    assert bit_scan(x, "clz", 32).tolist() == [31, 28, 32, 11, 0]
    assert bit_scan(x, "brev", 32).tolist() == [1 << 31, 3 << 28, 0, 1 << 11, (1 << 32) - 1]
    assert bit_scan(x, "bfind", 32).tolist() == [0, 3, 0xFFFFFFFF, 20, 31]
    assert bit_scan(x, "bfind", 32, shiftamt=True).tolist() == [31, 28, 0xFFFFFFFF, 11, 0]
    assert bit_scan(np.array([-1, -5, 5]), "bfind", 32, signed=True).tolist() == [0xFFFFFFFF, 2, 2]


COMPARE_AND_SWAP = r"""
extern "C" __global__ void sort_pairs(unsigned* keys, int n) {
    __shared__ unsigned s[256];
    s[threadIdx.x] = keys[blockIdx.x * 256 + threadIdx.x];
    __syncthreads();
    for (int step = 0; step < 4; step++) {
        unsigned a = s[(2 * threadIdx.x) & 255], b = s[(2 * threadIdx.x + 1) & 255];
        if (a > b) { s[(2 * threadIdx.x) & 255] = b; s[(2 * threadIdx.x + 1) & 255] = a; }
        __syncthreads();
    }
    keys[blockIdx.x * 256 + threadIdx.x] = s[threadIdx.x];
}
"""


def test_a_warp_runs_both_sides_of_a_branch_its_lanes_take_on_data_at_random():
    """cuda-samples bitonic sort's compare-and-swap: each lane swaps on data the analysis does not
    follow (half the time), but a warp of 32 such lanes stores on nearly every step (Nsight
    Compute, run 36: 164 shared store wavefronts a warp, 2-way conflicts, 88 stores counted as
    46); the per-thread count stays at half."""
    n = 1 << 16
    f = features("sort_pairs", COMPARE_AND_SWAP, [np.arange(n, dtype=np.uint32)[::-1].copy(), np.int32(n)],
                 block=(128, 1, 1), problem_size=(n // 2,))
    swaps = [a for a in f["accesses"] if a["space"] == "shared" and a["op"] == "store" and a["bank_conflict_degree"] == 2]
    assert len(swaps) == 8 and all(a["executions_per_thread"] == pytest.approx(0.5) for a in swaps)
    assert f["instructions"]["shared_store"] == pytest.approx(1 + 8 * 0.5)   # a lane: half the steps
    assert f["warp_instructions"]["shared_store"] == pytest.approx(1 + 8)    # a warp: every step


SINE_OF_A_ROOT = r"""
extern "C" __global__ void sine_root(const float* x, float* y, int n) {
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i < n) y[i] = sinf(sqrtf(x[i]) * 3.0f);   // sqrt: a value the analysis does not follow
}
"""


def test_a_huge_magnitude_test_on_data_not_followed_takes_the_small_side():
    """libdevice's sinf goes its slow way (Payne-Hanek, a local array) past |x| = 105615; on an
    argument the analysis cannot follow that test was taken half the time, so half the threads
    ran the slow path's loop and local stores (HeCBench lombscargle). Real arguments are smaller."""
    n = 1 << 16
    f = features("sine_root", SINE_OF_A_ROOT, [np.ones(n, np.float32), np.zeros(n, np.float32), np.int32(n)],
                 block=(256, 1, 1), problem_size=(n,))
    assert f["local_bytes"] > 0
    assert all(a["executions_per_thread"] == 0 for a in f["accesses"] if a["space"] == "local")
    assert any(b["taken_fraction"] == 1.0 for b in f["branches"])
    assert f["instructions"]["global_load"] == 1.0


def test_magnitude_prior_reads_the_comparison_either_way_round():
    from flipflop.analysis.divergence import magnitude_prior
    from flipflop.analysis.symbolic import fconst, op, unknown
    magnitude = op("fabs", unknown("x", True))
    assert magnitude_prior(op("lt", magnitude, fconst(105615.0))) == 1.0
    assert magnitude_prior(op("ge", magnitude, fconst(105615.0))) == 0.0
    assert magnitude_prior(op("gt", fconst(2.0 ** 31), magnitude)) == 1.0
    assert magnitude_prior(op("eq", magnitude, fconst(float("inf")))) == 0.0
    assert magnitude_prior(op("lt", magnitude, fconst(4.2))) is None   # an ordinary range: not known


BUMPED_POINTER = r"""
extern "C" __global__ void bumped(long long range, int k, int s, float* col) {
    for (long long n = blockDim.x * blockIdx.x + threadIdx.x; n < range; n += blockDim.x * gridDim.x) {
        float* c = col + n;
        for (int i = 0; i < k; ++i)
            for (int j = 0; j < k; ++j) { *c = 1.0f; c += s; }
    }
}
"""


def test_a_pointer_bumped_in_nested_loops_keeps_the_threads_own_start():
    """HeCBench vol2col: a pointer that starts at the thread's element of a grid-stride loop and is
    bumped through two nested loops (unrolled, with a remainder loop) is not solved; it was taken to
    be the same for every thread (one sector a warp), contradicting the note's one sector a thread,
    so the stores came to a quarter of what they write. It is the thread's start plus a bump the
    same for every thread: the warp's pattern is the start's (4 sectors), the array bounds the rest."""
    n, k = 1 << 16, 3
    f = features("bumped", BUMPED_POINTER, [np.int64(n), np.int32(k), np.int32(n), np.zeros(n * k * k, np.float32)],
                 block=(256, 1, 1), problem_size=(n,))
    stores = [a for a in f["accesses"] if a["op"] == "store" and a["executions_per_thread"] > 0]
    assert stores and all(not a["affine"] and a["sectors_per_request"] == 4 for a in stores)
    assert all(a["footprint_bytes"] is None for a in stores)
    assert sum(a["executions_per_thread"] for a in stores) == pytest.approx(k * k)
    assert any("known up to a shift" in note for note in f["notes"])


CODEBOOK_GATHER = r"""
extern "C" __global__ void codebook_gather(const unsigned short* __restrict__ idx, const int4* __restrict__ table,
                                           int4* __restrict__ out, int n, const int4 sizes) {
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    const int* size = &sizes.x;
    while (i >= *size) { table += 65536; ++size; }  // HeCBench AQLM: the codebook of the thread's part
    if (i < n) out[i] = table[idx[i]];
}
"""


def test_a_pointer_bumped_until_a_data_test_fails_keeps_its_array():
    """A loop whose trip count the analysis cannot know leaves a bumped pointer at its start plus
    an unknown shift: the gather keeps its 3 MB table, which bounds its DRAM traffic (it was an
    unknown value with no array, a sector a thread: 837 MB for the 305 MB the kernel moves)."""
    n = 1 << 24
    sizes = np.array([(n // 3, 2 * n // 3, n, 1 << 30)], dtype=[(c, "<i4") for c in "xyzw"])[0]
    idx = np.random.default_rng(0).integers(0, 65536, n).astype(np.uint16)
    args = [idx, np.zeros(3 * 65536 * 4, np.int32), np.zeros(4 * n, np.int32), np.int32(n), sizes]
    f = features("codebook_gather", CODEBOOK_GATHER, args, block=(256, 1, 1), problem_size=(n,))
    gather = next(a for a in f["accesses"] if a["op"] == "load" and a["sectors_per_request"] == 32)
    assert gather["array"].endswith("param_1")
    rows = flipflop.predict("codebook_gather", CODEBOOK_GATHER, (n,), args, {"block_size_x": [256]}, gpu="h200-sxm")
    assert rows[0]["dram_bytes"] == pytest.approx(2 * n + 3 * 65536 * 16 + 16 * n, rel=0.01)  # indices, table, output


RECURSIVE = r"""
__device__ __noinline__ int fib(int n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }
extern "C" __global__ void fib_all(int* out, int n) {
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i < n) out[i] = fib(i % 20);
}
"""


def test_a_recursive_device_function_is_named_in_the_notes():
    """cuda-samples interval's Newton search recurses: a call is costed as one pass through the
    body, and the result says so instead of a time with nothing to doubt it."""
    rows = flipflop.predict("fib_all", RECURSIVE, (4096,), [np.zeros(4096, np.int32), np.int32(4096)],
                            {"block_size_x": [128]})
    assert rows.metadata["analysis_notes"] == [
        "recursive device function _Z3fibi: a call costs one pass through the body; how deep the recursion goes "
        "is not known and not costed"]


STRUCT_ROWS = r"""
struct Rows { float* x; int rows, cols, ld, pad; };
extern "C" __global__ void scale_rows(Rows p) {
    int r = blockIdx.x;
    if (r < p.rows) for (int c = threadIdx.x; c < p.cols; c += blockDim.x) p.x[r * p.ld + c] *= 2.0f;
}
"""


def test_struct_fields_read_two_at_a_time_are_followed():
    """NVRTC reads a by-value struct's ints in pairs (`ld.param.v2.u32`); they were unknown, so a
    TensorRT-LLM-style parameter struct's pointers went unknown, a sector a thread (HeCBench
    addBiasQKV: 16x its DRAM). Each register now holds its field: the row loop's trip count and the
    row stride are known, the pointer's traffic exact."""
    rows, cols = 4096, 1024
    rec = np.dtype([("x", "<u8"), ("rows", "<i4"), ("cols", "<i4"), ("ld", "<i4"), ("pad", "<i4")])
    arg = np.array((1 << 40, rows, cols, cols, 0), dtype=rec)[()]
    f = features("scale_rows", STRUCT_ROWS, [arg], block=(256, 1, 1), problem_size=(rows * 256,))  # a block a row
    accesses = [a for a in f["accesses"] if a["space"] == "global" and a["executions_per_thread"] > 0]
    assert {a["op"] for a in accesses} == {"load", "store"}
    assert all(a["sectors_per_request"] == 4 and a["footprint_bytes"] == rows * cols * 4 for a in accesses)
    assert all(a["executions_per_thread"] == pytest.approx(cols / 256) for a in accesses)
    assert not any("not known" in note for note in f["notes"])


TILES = r"""
extern "C" __global__ void tiles(const float* A, const float* B, float* out, int rows) {
    int warp = threadIdx.x / 32, lane = threadIdx.x % 32;
    const float* row = (warp < 4 ? A : B) + (blockIdx.x % rows) * 8192;  // a GEMM's A and B tiles
    float s = 0.0f;
    for (int k = 0; k < 8192; k += 32) s += row[k + lane];
    out[blockIdx.x * blockDim.x + threadIdx.x] = s;
}
"""


def test_a_load_from_one_of_two_arrays_is_bounded_by_both():
    """cuda-samples' bf16 GEMM loads A's tile in half its warps and B's in the others through one
    pointer (`warpId < 4 ? &A[...] : &B[...]`): the load belongs to neither array alone, and with
    no array each unrolled copy's first touch came from DRAM on its own (17.7 GB for 0.8 GB of
    matrices). Its array is now the pair, whose bytes bound what it reads from DRAM."""
    rows, blocks = 1024, 8192
    args = [np.zeros(rows * 8192, np.float32), np.zeros(rows * 8192, np.float32),
            np.zeros(blocks * 256, np.float32), np.int32(rows)]
    f = features("tiles", TILES, args, block=(256, 1, 1), problem_size=(blocks * 256,))
    loads = [a for a in f["accesses"] if a["op"] == "load" and a["space"] == "global" and a["executions_per_thread"] > 0]
    assert loads and {a["array"] for a in loads} == {"tiles_param_0|tiles_param_1"}
    rows_ = flipflop.predict("tiles", TILES, (blocks * 256,), args, {"block_size_x": [256]}, gpu="h200-sxm")
    both, out = 2 * rows * 8192 * 4, blocks * 256 * 4
    assert out + both <= rows_[0]["dram_bytes"] <= out + 4 * both


FRONTIER = r"""
struct Node { int starting; int no_of_edges; };
extern "C" __global__ void expand(const Node* nodes, const int* edges, bool* mask, bool* next, int* cost, int n) {
    int tid = blockIdx.x * blockDim.x + threadIdx.x;
    if (tid < n && mask[tid]) {
        mask[tid] = false;                                  // Rodinia bfs: the frontier consumes itself
        for (int i = nodes[tid].starting; i < nodes[tid].starting + nodes[tid].no_of_edges; i++) {
            cost[edges[i]] = cost[tid] + 1;
            next[edges[i]] = true;
        }
    }
}
extern "C" __global__ void expand_kept(const Node* nodes, const int* edges, const bool* mask, bool* next,
                                       int* cost, int n) {
    int tid = blockIdx.x * blockDim.x + threadIdx.x;
    if (tid < n && mask[tid]) {
        next[tid] = false;                                  // another array: the frontier stays
        for (int i = nodes[tid].starting; i < nodes[tid].starting + nodes[tid].no_of_edges; i++)
            cost[edges[i]] = cost[tid] + 1;
    }
}
"""


def _frontier_args(n: int = 1 << 16) -> list:
    rng = np.random.default_rng(7)
    degree = rng.integers(1, 12, n).astype(np.int32)
    nodes = np.zeros(2 * n, np.int32)
    nodes[0::2] = np.concatenate([[0], np.cumsum(degree[:-1])])
    nodes[1::2] = degree
    edges = rng.integers(0, n, int(degree.sum())).astype(np.int32)
    return [nodes, edges, rng.random(n) < 0.1, np.zeros(n, np.bool_), np.zeros(n, np.int32), np.int32(n)]


def test_an_element_the_thread_overwrites_with_a_constant_holds_it_on_the_next_launch():
    """Rodinia bfs clears the frontier flag it branches on: from the second launch on, Kernel Tuner's
    repeated launches on the same buffers find every flag false and the kernel reads one byte a thread
    (H200 counters: one request a warp, no store). Predicted for the first launch, it was 3.4x slow and
    its best block 1.79x the best energy; the steady state is what is predicted now, and said so."""
    n = 1 << 16
    args = _frontier_args(n)
    f = features("expand", FRONTIER, args, block=(256, 1, 1), problem_size=(n,))
    assert f["instructions"]["global_store"] == 0.0
    loads = [a["executions_per_thread"] for a in global_accesses(f, "load")]
    assert loads[0] == 1.0 and len(loads) > 1 and not any(loads[1:])  # the flag, and nothing behind it
    assert any("store" in note and "repeated launches on the same buffers" in note for note in f["notes"])
    # the flag is kept where the store goes to another array: 10 % of the threads expand their node
    kept = features("expand_kept", FRONTIER, args, block=(256, 1, 1), problem_size=(n,))
    assert kept["instructions"]["global_store"] > 0.1 * 5
    assert not any("repeated launches" in note for note in kept["notes"])


def test_a_note_the_builds_number_differently_is_given_once():
    """Each block size is its own build (block_size_x is a #define), and the same store is PTX line 51
    in some builds and 52 in others: one note names both, not one note per numbering."""
    n = 1 << 16
    source = FRONTIER.replace("blockIdx.x * blockDim.x", "blockIdx.x * block_size_x")
    rows = flipflop.predict("expand", source, (n,), _frontier_args(n), {"block_size_x": [32, 96, 128, 1024]},
                            gpu="h200-sxm")
    assert rows.metadata["analysis_notes"] == [
        "PTX line 51 (52 in other builds): a constant stored over an element the same thread read; predicted for "
        "repeated launches on the same buffers (as Kernel Tuner measures them), where the element holds it"]


TRIANGLE = r"""
extern "C" __global__ void rotate(float *matrix, const int n) {   // HeCBench matrix-rotate's layers
    int layer = blockIdx.x * blockDim.x + threadIdx.x;
    if (layer < n / 2)
        for (int i = layer; i < n - 1 - layer; ++i) matrix[layer * n + i] += matrix[i * n + layer];
}
"""


def test_the_slowest_block_bounds_a_triangular_launch():
    """Layer l walks n - 1 - 2l elements: block 0 holds the longest layers, so the launch lasts as long
    as its path, about twice the mean block's (HeCBench matrix-rotate: predicted 0.39 ms at 32 threads,
    measured 1.61 ms on the H200; the slowest block's bound gives 0.73 ms and the best block 1.05x
    the best energy instead of 1.19x)."""
    n = 2048
    args = [np.zeros(n * n, np.float32), np.int32(n)]
    f = features("rotate", TRIANGLE, args, block=(32, 1, 1), problem_size=(n // 2,))
    # 32 blocks of 32 layers: block 0's busiest lane (layer 0) runs 2047 iterations, the mean block's
    # busiest (layer 32 b: 2047 - 64 b iterations) 2047 - 64 * 15.5 = 1055
    assert f["block_imbalance"] == pytest.approx(2047 / 1055, rel=0.02)
    # every layer walking n / 2 elements: the triangle's mean work, spread evenly
    even_source = TRIANGLE.replace("int i = layer; i < n - 1 - layer", "int i = 0; i < n / 2")
    even = features("rotate", even_source, args, block=(32, 1, 1), problem_size=(n // 2,))
    assert even["block_imbalance"] == 1.0
    rows = flipflop.predict("rotate", TRIANGLE, (n // 2,), args, {"block_size_x": [32]}, gpu="h200-sxm")
    flat = flipflop.predict("rotate", even_source, (n // 2,), args, {"block_size_x": [32]}, gpu="h200-sxm")
    assert rows[0]["time"] > 1.3 * flat[0]["time"]  # the same mean work: equal times before


GRID_SYNC = r"""
#include <cooperative_groups.h>
namespace cg = cooperative_groups;
extern "C" __global__ void norm_cg(float *a, float *b, double *r, int n) {   // cuda-samples simpleAWBarrier's shape
    cg::grid_group grid = cg::this_grid();
    double s = 0.0;
    for (int i = grid.thread_rank(); i < n; i += grid.size()) s += (double)(a[i] * b[i]);
    if (threadIdx.x == 0) atomicAdd(r, s);
    cg::sync(grid);
    const double v = r[0];
    for (int i = grid.thread_rank(); i < n; i += grid.size()) { a[i] = a[i] / v; b[i] = b[i] / v; }
}
"""


def test_a_grid_barrier_is_one_word_and_a_wait():
    """`cg::sync(grid)` finds its barrier word through %envreg1/2 (the cooperative launch's workspace),
    traps if that pointer is null, counts blocks on the word with one atomic a block and polls it. Those
    were unknown: a branch on data, unknown addresses a sector a thread, a loop of unknown trip count.
    The workspace is now one address, never null; the poll is named as a wait."""
    n = 10_000_000
    args = [np.ones(n, np.float32), np.ones(n, np.float32), np.zeros(1), np.int32(n)]
    f = features("norm_cg", GRID_SYNC, args, block=(256, 1, 1), problem_size=(132 * 2048,))
    assert len(f["notes"]) == 1 and "a wait (a grid or block barrier, a lock)" in f["notes"][0]
    assert all(b["taken_fraction"] is not None for b in f["branches"] if not b["loop_control"])
    barrier = [a for a in global_accesses(f) if a["footprint_bytes"] == 32.0]  # the word a block counts on
    assert [a["op"] for a in barrier] == ["atomic", "load"]
    assert all(a["executions_per_thread"] == 1 / 256 and a["sectors_per_request"] == 1.0 for a in barrier)
    loop = [a for a in global_accesses(f) if a["footprint_bytes"] == 4 * n]
    assert len(loop) == 6 and all(a["executions_per_thread"] == pytest.approx(n / (132 * 2048), rel=0.01)
                                  and a["sectors_per_request"] == 4.0 for a in loop)


GATHER4 = r"""
extern "C" __global__ void gather4(const int* __restrict__ idx, const float* __restrict__ table, float* out,
                                   int n, int m) {
    for (int i = blockIdx.x * blockDim.x + threadIdx.x; i < n; i += gridDim.x * blockDim.x) {
        int k = idx[i];
        out[i] = table[k] + table[(k * 3) % m] + table[(k * 5) % m] + table[(k * 7) % m];
    }
}
"""


def test_gathers_from_one_table_hold_it_in_l2_once():
    """Four gathers from one 16 MB table are four access groups; each counted the table as data it keeps
    live, so at 64 threads a block (every block resident) the working set came to 4 x 16 MB, past the
    H200's L2, and the re-reads went to DRAM: 284 MB for 151 MB of data (robustness sweep 8: ECL-CC's
    nine groups on its 16.8 MB status array, 104 MB of DRAM at 32 threads and 395 MB at 64). An array's
    groups now hold at most the array: DRAM is the data read and written once, at every block size."""
    n, m = 1 << 24, 1 << 22
    rng = np.random.default_rng(3)
    args = [rng.integers(0, m, n).astype(np.int32), np.ones(m, np.float32), np.zeros(n, np.float32),
            np.int32(n), np.int32(m)]
    rows = flipflop.predict("gather4", GATHER4, (132 * 2048,), args, {"block_size_x": [32, 64, 256]},
                            gpu="h200-sxm")
    data = 4 * n + 4 * m + 4 * n
    assert [row["dram_bytes"] for row in rows] == pytest.approx([data] * 3, rel=0.01)


BLOCK_BARRIER = r"""
#include <cuda/barrier>
extern "C" __global__ void scale(float *x, int n) {   // cuda-samples simpleAWBarrier's block barrier
    __shared__ cuda::barrier<cuda::thread_scope_block> bar;
    if (threadIdx.x == 0) init(&bar, blockDim.x);
    __syncthreads();
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i < n) x[i] *= 2.0f;
    bar.arrive_and_wait();
    if (i < n) x[i] += 1.0f;
}
"""


def test_a_barrier_wait_loop_is_named_as_a_wait():
    """`cuda::barrier::arrive_and_wait` polls `mbarrier.try_wait` in a back-off loop: a wait for the
    block's other threads, not work of unknown length."""
    n = 1 << 20
    f = features("scale", BLOCK_BARRIER, [np.zeros(n, np.float32), np.int32(n)], block=(256, 1, 1), problem_size=(n,))
    loops = [note for note in f["notes"] if note.startswith("loop at")]
    assert len(loops) == 1 and "a wait (a grid or block barrier, a lock)" in loops[0]


SCATTER = r"""
extern "C" __global__ void scatter(const float4 *v, const unsigned *perm, float4 *out, int n) {
    int i = blockIdx.x * blockDim.x + threadIdx.x;   // cuda-samples particles: values put back in place
    if (i < n) out[perm[i]] = v[i];
}
"""


def test_a_scatter_through_a_permutation_covers_its_array():
    """Two sampled blocks' random targets meet in a sector now and then; the rule for blocks reading
    one window shifted (fp16ScalarProduct) took that for overlap and shrank the store's grid footprint
    to 64 KB, so 1024-thread blocks lost the whole 33.5 MB store from DRAM (robustness sweep 9:
    cuda-samples collideD, 125.8 MB at 512 threads, 92.3 MB at 1024). Addresses from data are not
    windows: the footprint is the array."""
    n = 1 << 21
    for seed in (2, 3, 4):  # seeds whose sampled blocks share a sector
        perm = np.random.default_rng(seed).permutation(n).astype(np.uint32)
        args = [np.zeros(4 * n, np.float32), perm, np.zeros(4 * n, np.float32), np.int32(n)]
        f = features("scatter", SCATTER, args, block=(1024, 1, 1), problem_size=(n,))
        assert [a["footprint_bytes"] for a in global_accesses(f, "store")] == [16.0 * n]


RESERVED_SCRATCH = r"""
extern "C" __global__ void scratch_sum(const float *x, float *out, int n) {
    float *s;   // cooperative groups' block_tile_memory: the reserved shared region, made generic
    asm("{ .reg .u32 start; .reg .u64 extended; mov.u32 start, %%reserved_smem_offset_1;"
        " cvt.u64.u32 extended, start; cvta.shared.u64 %0, extended; }" : "=l"(s));
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    s[threadIdx.x % 32] = i < n ? x[i] : 0.0f;
    __syncwarp();
    if (threadIdx.x % 32 == 0) { float t = 0; for (int k = 0; k < 32; k++) t += s[k]; out[i / 32] = t; }
}
"""


def test_a_generic_pointer_into_the_reserved_shared_region_stays_on_the_sm():
    """cuda-samples' multi_warp_cg_reduce reaches cg::block_tile_memory through inline PTX
    (`cvta.shared` of `%reserved_smem_offset_1`): its accesses were global ones at an unknown shift,
    charged to L2 and DRAM (robustness sweep 9: up to 1 MB of DRAM for a reduction whose data sits in
    L2). They are shared accesses now, conflict-free as the lanes' consecutive words are."""
    n = 1 << 22
    f = features("scratch_sum", RESERVED_SCRATCH, [np.ones(n, np.float32), np.zeros(n // 32, np.float32), np.int32(n)],
                 block=(256, 1, 1), problem_size=(n,))
    assert f["notes"] == []
    assert [a["space"] for a in f["accesses"] if a["op"] == "store"] == ["shared", "global"]
    shared = [a for a in f["accesses"] if a["space"] == "shared"]
    assert len(shared) == 33 and all(a["bank_conflict_degree"] == 1.0 for a in shared)


SHIFTED_WINDOW = r"""
extern "C" __global__ void dot(const float *a, const float *b, float *out, unsigned long long n) {
    const int stride = gridDim.x * blockDim.x;   // cuda-samples fp16ScalarProduct's start index (sic)
    float v = 0.0f;
    for (int i = threadIdx.x + blockDim.x + blockIdx.x; i < n; i += stride) v += a[i] * b[i];
    out[blockIdx.x * blockDim.x + threadIdx.x] = v;
}
"""


@pytest.mark.parametrize("blocks", [128, 264, 1056])
def test_blocks_reading_one_window_moved_a_word_each_share_it(blocks):
    """Every block reads the window of the block before moved by one word: the grid reads
    (127 + blocks) words of each stride of 128 x blocks. Where the two sampled blocks are more than
    a window apart they do not meet, which read as disjoint tiles (robustness sweep 3: 151 MB of
    DRAM reads predicted at 264-1,056 blocks, against 1.2-1.6 MB)."""
    n = 1 << 24
    args = [np.zeros(n, np.float32), np.zeros(n, np.float32), np.zeros(blocks * 128, np.float32), np.uint64(n)]
    f = features("dot", SHIFTED_WINDOW, args, block=(128, 1, 1), problem_size=(blocks * 128,))
    exact = (127 + blocks) * 4 * (n // (128 * blocks))
    loads = [a["footprint_bytes"] for a in global_accesses(f, "load")]
    assert len(loads) == 2 and all(0.85 * exact < fp < 1.1 * exact for fp in loads)


ONE_THREAD = r"""
extern "C" __global__ void serial(float *out, int n) {   // Rodinia myocyte: thread 0 of each block works alone
    if (threadIdx.x != 0) return;
    float x = out[blockIdx.x];
    for (int i = 0; i < n; i++) x = x * 1.0001f + 0.5f;
    out[blockIdx.x] = x;
}
"""


def test_a_block_whose_thread_zero_works_alone_lasts_its_path_at_every_size():
    """A block's path is its busiest warp's: the mean warp's count (one working warp over 2 to 32)
    made the serial chain 16x shorter at 1024 threads than at 32 (robustness sweep 10, myocyte)."""
    n = 20000
    f = features("serial", ONE_THREAD, [np.zeros(2, np.float32), np.int32(n)], block=(512, 1, 1))
    assert f["path_instructions"] == pytest.approx(16 * sum(f["warp_instructions"].values()), rel=0.01)
    rows = flipflop.predict("serial", ONE_THREAD, (2,), [np.zeros(2, np.float32), np.int32(n)],
                            {"block_size_x": [32, 1024]}, grid_div_x=[], gpu="h200-sxm")
    assert rows[0]["time"] > 2 * n * 4 / 1.98e9 * 1e3  # n dependent FMAs at ~4 cycles or more, in ms
    assert rows[1]["time"] == pytest.approx(rows[0]["time"], rel=0.02)


BISECT = r"""
extern "C" __global__ void search(const float *keys, const float *queries, int *out, int m, int n) {
    int i = blockIdx.x * blockDim.x + threadIdx.x;   // HeCBench bsearch's kernel_BS
    if (i >= m) return;
    float z = queries[i];
    int low = 0, high = n;
    while (high - low > 1) {
        int mid = low + (high - low) / 2;
        if (z < keys[mid]) high = mid; else low = mid;
    }
    out[i] = low;
}
extern "C" __global__ void lower(const float *keys, const float *queries, int *out, int m, int n) {
    int i = blockIdx.x * blockDim.x + threadIdx.x;   // std::lower_bound
    if (i >= m) return;
    float z = queries[i];
    int lo = 0, hi = n;
    while (lo < hi) {
        int mid = (lo + hi) / 2;
        if (keys[mid] < z) lo = mid + 1; else hi = mid;
    }
    out[i] = lo;
}
"""


@pytest.mark.parametrize("kernel, trips", [("search", (16,)), ("lower", (16, 17))])
def test_a_binary_search_runs_log2_of_its_range(kernel, trips):
    """Whichever half a search keeps, its range halves: log2(n) iterations, not an unknown count
    taken once (robustness sweep 10: HeCBench bsearch's 23 levels over 8 M keys)."""
    n, m = 1 << 16, 4096
    keys = np.arange(n, dtype=np.float32)
    queries = np.random.default_rng(5).uniform(0, n, m).astype(np.float32)
    f = features(kernel, BISECT, [keys, queries, np.zeros(m, np.int32), np.int32(m), np.int32(n)],
                 block=(256, 1, 1), problem_size=(m,))
    (loop,) = f["loops"]
    assert loop["trip_count"] in trips and not loop["data_dependent"]
    assert not [note for note in f["notes"] if note.startswith("loop at")]
    (probe,) = [a for a in global_accesses(f, "load") if a["loop_depth"] == 1]
    assert probe["executions_per_thread"] == loop["trip_count"]


PLANES = r"""
extern "C" __global__ void colsum(const float *x, float *out, int bs, int fs, int ss) {   // HeCBench welford's walk
    float m = 0.0f;
    for (int b = threadIdx.y; b < bs; b += blockDim.y)
        for (int o = threadIdx.x; o < ss; o += blockDim.x) m += x[o + blockIdx.x * ss + b * ss * fs];
    if (threadIdx.x == 0 && threadIdx.y == 0) out[blockIdx.x] = m;
}
"""


def test_blocks_moved_by_a_row_over_rows_a_plane_apart_are_tiles():
    """Block f reads row f of each of bs planes: its sampled addresses span bs - 1 planes, and the
    next block's are its own moved by one row, shorter than that span, yet one step already leaves
    every row: disjoint tiles, the whole array from DRAM (the shifted-window rule took it for a
    window sliding a row at a time: 0 bytes of DRAM for 8.6 GB, robustness HeCBench welford)."""
    bs, fs, ss = 64, 256, 4096
    args = [np.zeros(bs * fs * ss, np.float32), np.zeros(fs, np.float32), np.int32(bs), np.int32(fs), np.int32(ss)]
    rows = flipflop.predict("colsum", PLANES, (fs,), args, {"block_size_x": [32], "block_size_y": [4]},
                            grid_div_x=[], gpu="h200-sxm")
    assert rows[0]["dram_bytes"] == pytest.approx(4 * bs * fs * ss, rel=0.02)


SSM_PARAMS = np.dtype([("batch", "<i4"), ("dim", "<i4"), ("seqlen", "<i4"), ("dstate", "<i4"), ("n_chunks", "<i4"),
                       *[(name, "<u8") for name in ("u", "delta", "A", "B", "C", "D", "delta_bias", "z", "states", "out",
                                                    "prefix_a", "prefix_b")],
                       *[(name, "<i4") for name in ("u_batch_stride", "u_d_stride", "B_batch_stride", "B_dstate_stride",
                                                    "states_batch_stride", "states_d_stride")]], align=True)


def test_a_struct_of_pointers_read_through_a_register_gives_arrays_and_their_footprints():
    """HeCBench ssm's vLLM-style selective scan takes one 144-byte struct of twelve pointers and six strides.
    nvcc reads most fields through a register holding the parameter's address (`mov.b64 %rd32, ..._param_0;
    add.s64 %rd2, %rd32, 4; ld.param.u64 %rd53, [%rd2+60]`): those fields were unknown, so ~80 accesses a thread
    were a DRAM sector each (robustness sweep 14: 45 GB for a 1 GB kernel, 50x the time). Now each field resolves,
    a pointer field is the accesses' array (the unrolled copies of a load share its sectors), and where a 2-D grid's
    blocks share data the two-block overlap cannot see (every d of a batch row reads that row's B and C through
    `blockIdx.x / params.dim`), the address span bounds the footprint."""
    batch, dim, seqlen, dstate, block = 2, 64, 1024, 8, 128
    chunks = seqlen // (block * 4)
    p = np.zeros((), SSM_PARAMS)
    for name, value in dict(batch=batch, dim=dim, seqlen=seqlen, dstate=dstate, n_chunks=chunks,
                            u_batch_stride=dim * seqlen, u_d_stride=seqlen, B_batch_stride=dstate * seqlen,
                            B_dstate_stride=seqlen, states_batch_stride=dim * dstate, states_d_stride=dstate).items():
        p[name] = value
    for k, name in enumerate(("u", "delta", "A", "B", "C", "D", "delta_bias", "z", "states", "out", "prefix_a",
                              "prefix_b")):
        p[name] = (1 << 40) + k * (1 << 30)
    f = features("selective_scan_vllm_kernel<SSMFwdKernelTraits<128, 4, 8, true, true, true>>",
                 KERNELS / "ssm_selective_scan.cu", [p[()]], block=(block, 1, 1),
                 problem_size=(batch * dim * block, chunks))
    assert not [note for note in f["notes"] if "not known" in note]

    def field(offset: int) -> list[dict]:
        return [a for a in f["accesses"] if a["space"] == "global" and a["op"] == "load"
                and a["array"] and a["array"].endswith(f"_param_0+{offset}:u64")]
    u, b_rows = field(24), field(48)  # params.u_ptr, params.B_ptr
    assert [a["footprint_bytes"] for a in u] == [batch * dim * seqlen * 4] * 4
    assert sorted(a["new_sector_share"] for a in u) == [0.0, 0.0, 0.0, 1.0]  # u_row[base + i], i < 4
    assert len(b_rows) == 4 and all(a["executions_per_thread"] == dstate for a in b_rows)
    # From the first address to the last the shape reaches (the first of four copies 4 bytes apart), plus a sector.
    assert [a["footprint_bytes"] for a in b_rows] == [batch * dstate * seqlen * 4 - 16 + 32] * 4


SKIP_AHEAD = r"""
extern "C" __global__ void skip_ahead(unsigned long long* out, int n) {
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i >= n) return;
    long long k = i;
    unsigned long long a = 2806196910506780709ULL, r = 1, c = 0, p = 1;
    k &= 0x7fffffffffffffffLL;
    while (k > 0) {
        if (k & 1) { r *= a; c = c * a + p; }
        p = (a + 1) * p; a *= a;
        k >>= 1;
    }
    out[i] = r + c;
}
"""


def test_a_loop_halving_a_value_masked_to_63_bits_runs_its_bit_length():
    """HeCBench complex's LCG skip-ahead masks a 64-bit count to its low 63 bits, then halves it to zero. The mask
    became `mod 2^63`, which int64 cannot evaluate: the loop counted once, the `k > 0` test was "data" (robustness
    sweep 14). Over the thread indices 0 .. 2^20 - 1 the loop runs their mean bit length, 19 times."""
    n = 1 << 20
    f = features("skip_ahead", SKIP_AHEAD, [np.zeros(n, np.uint64), np.int32(n)], block=(256, 1, 1), problem_size=(n,))
    assert f["notes"] == []
    assert f["loops"][0]["trip_count"] == pytest.approx(19.0, rel=0.01)
