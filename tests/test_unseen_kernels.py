"""The unseen set's checks (benchmarks/kernels/unseen.py): third-party kernels in their own files with
their provenance, block sizes the original programs allow, arrays sized to what the kernels index,
references that agree with CPU emulations of the kernels' own thread-level algorithms, grids, the
collector's selection and shared memory, and flipflop predicting every case of both unseen sets (small
sizes, CPU only)."""

import math
import re
import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import flipflop  # noqa: E402
from benchmarks.ground_truth.collect import launch_configs, select_cases  # noqa: E402
from benchmarks.kernels.heldout import HELDOUT_CASES  # noqa: E402
from benchmarks.kernels.heldout2 import HELDOUT2_CASES  # noqa: E402
from benchmarks.kernels.heldout3 import HELDOUT3_CASES  # noqa: E402
from benchmarks.kernels.suite import CASES, configurations  # noqa: E402
from benchmarks.kernels.unseen import (BITONIC_ARRAY_LENGTH, COMBINE, DOT_BLOCKS, HIST64_BYTES_PER_THREAD,  # noqa: E402
                                       LAVAMD_BOX, LAVAMD_DIM, LAVAMD_NEI, LAVAMD_PARTICLES, REFERENCES, SIZES,
                                       THREADFENCE_BLOCKS, UNSEEN_CASES, UNSEEN_DIR, bincount_bins, compare,
                                       lavamd_boxes, short_name, unseen_cases)
from benchmarks.kernels.unseen2 import unseen2_cases  # noqa: E402

SMALL = unseen_cases(small=True)
BY_NAME = {short_name(c): c for c in UNSEEN_CASES}
SMALL_BY_NAME = {short_name(c): c for c in SMALL}


def test_thirteen_third_party_kernels_with_their_provenance():
    assert len(UNSEEN_CASES) == 13 and len({c.name for c in UNSEEN_CASES}) == 13
    earlier = CASES + HELDOUT_CASES + HELDOUT2_CASES + HELDOUT3_CASES
    assert not {c.source_path.name for c in UNSEEN_CASES} & {c.source_path.name for c in earlier}
    for case in UNSEEN_CASES:
        assert case.family == "unseen" and case.size_index == 0 and case.name.startswith("unseen_")
        assert case.source_path.parent == UNSEEN_DIR
        header = case.source.split("\n\n")[0]
        for field in ("// Upstream:", "// Path:", "// Commit:", "// Licence:", "// Edits"):
            assert field in header, (case.name, field)
        assert re.search(r"BSD-3-Clause|Rodinia's BSD-style licence", header), case.name
        # The kernel is in the file: extern "C" under its own name, or a template instantiated by name.
        base = case.kernel_name.split("<")[0]
        assert re.search(rf"__global__\s+void\s+(?:__launch_bounds__\([^)]*\)\s+)?\n?\s*{base}\s*\(", case.source), case.name
        if "<" not in case.kernel_name:
            assert f'extern "C" __global__' in case.source, case.name
    assert sorted(p.name for p in UNSEEN_DIR.glob("*.cu")) == sorted({c.source_path.name for c in UNSEEN_CASES})


def test_block_sizes_are_the_ones_the_originals_allow():
    for case in UNSEEN_CASES:
        configs = configurations(case)
        assert 4 <= len(configs) <= 12, case.name
        for params in configs:
            threads = params["block_size_x"] * params.get("block_size_y", 1)
            assert threads % 32 == 0 and threads <= 1024, (case.name, params)
    assert [p["block_size_x"] for p in configurations(BY_NAME["histogram64"])] == [64, 128, 256, 512]
    for name in ("geglu_float", "geglu_half"):  # static_assert(DIM_LAST % (BLOCK_DIM_X * VEC_ELEMS) == 0)
        assert all(5120 % (p["block_size_x"] * 8) == 0 for p in configurations(BY_NAME[name]))
    for name in ("shfl_scan", "threadfence_reduction", "babelstream_dot", "bitonic_sort_shared"):
        assert all(math.log2(p["block_size_x"]).is_integer() for p in configurations(BY_NAME[name]))
    hist = configurations(BY_NAME["histogram_smem_atomics"])
    assert {p["block_size_y"] for p in hist} == {1, 2, 4, 8} and len(hist) == 10  # 2-D, as the original


def test_grids_follow_the_original_launches():
    def grid(name, bx, by=1):
        return next(c["grid"] for c in launch_configs(BY_NAME[name]) if c["block"][:2] == (bx, by))

    (nbytes,) = SIZES["histogram64"]["full"]
    assert grid("histogram64", 64) == (-(-nbytes // (64 * HIST64_BYTES_PER_THREAD)), 1, 1)
    assert grid("threadfence_reduction", 32) == grid("threadfence_reduction", 1024) == (THREADFENCE_BLOCKS, 1, 1)
    assert grid("babelstream_dot", 128) == (DOT_BLOCKS, 1, 1)
    assert grid("histogram_smem_atomics", 64, 4) == grid("histogram_smem_atomics", 256, 1) == (16, 16, 1)
    (n,) = SIZES["bitonic_sort_shared"]["full"]
    assert grid("bitonic_sort_shared", 256) == (n // 512, 1, 1)  # 2 * block keys a block
    (rows,) = SIZES["geglu_half"]["full"]
    assert grid("geglu_half", 160) == (rows * 5120 // (160 * 8 * 2), 1, 1)
    assert grid("rowwise_moments", 512) == (SIZES["rowwise_moments"]["full"][0], 1, 1)
    assert grid("lavamd", 96) == (SIZES["lavamd"]["full"][0] ** 3, 1, 1)
    for case in UNSEEN_CASES:
        assert all(c["grid"][1] <= 65535 and c["grid"][2] <= 65535 for c in launch_configs(case)), case.name


def test_dynamic_shared_memory_comes_from_smem_args():
    shared = {short_name(c): {c2["block"][0]: c2["shared_bytes"] for c2 in launch_configs(c)} for c in UNSEEN_CASES}
    assert shared["threadfence_reduction"][256] == 1024
    assert shared["shfl_scan"][1024] == 128 and shared["shfl_scan"][32] == 4
    assert set(shared["bincount_shared"].values()) == {768 * 4} and set(shared["bincount_global"].values()) == {0}
    assert set(shared["silu_forward2"].values()) == {0}


def test_histogram64_byte_counters_never_overflow():
    """The sample's limit: at most 255 increments of one thread's byte-wide counter."""
    for which in ("full", "small"):
        (nbytes,) = SIZES["histogram64"][which]
        case = BY_NAME["histogram64"] if which == "full" else SMALL_BY_NAME["histogram64"]
        words = nbytes // 16
        for config in launch_configs(case):
            threads = config["grid"][0] * config["block"][0]
            assert math.ceil(words / threads) * 16 <= 256  # 16 bytes a uint4; 256 only if all hit one bin
            assert config["grid"][0] * 64 <= -(-nbytes // (64 * HIST64_BYTES_PER_THREAD)) * 64  # partials fit


def test_arguments_size_the_arrays_the_kernels_index():
    a = {name: case.arguments() for name, case in SMALL_BY_NAME.items()}
    partial, data, count = a["histogram64"]
    assert data.dtype == np.uint32 and count == data.size // 4
    g_in, g_out, n = a["threadfence_reduction"]
    assert g_in.size == n and n & (n - 1) == 0 and g_out.size == THREADFENCE_BLOCKS
    scan, width, partial_sums = a["shfl_scan"]
    assert width == 32 and scan.size % 1024 == 0 and partial_sums.size == scan.size // 32
    dst_k, dst_v, src_k, src_v, length, direction = a["bitonic_sort_shared"]
    assert length == BITONIC_ARRAY_LENGTH <= 2 * 32 and src_k.size % 2048 == 0 and np.unique(src_k).size == src_k.size
    pixels, width, height, out = a["histogram_smem_atomics"]
    assert pixels.size == 4 * width * height and out.size == 256 * 1024
    x, y, partial, n = a["babelstream_dot"]
    assert x.size == y.size == n and partial.size == DOT_BLOCKS
    for name in ("bincount_shared", "bincount_global"):
        output, values, nbins, lo, hi, size, out_size = a[name]
        assert output.size == nbins == out_size and values.size == size and lo == values.min() and hi == values.max()
    length, eps, x, mean, rstd = a["rowwise_moments"]
    assert x.size == mean.size * int(length) and mean.size == rstd.size and x.dtype == np.float32
    for name, dtype in (("geglu_float", np.float32), ("geglu_half", np.float16)):
        out, x_and_gate = a[name]
        assert out.dtype == x_and_gate.dtype == dtype and x_and_gate.size == 2 * out.size and out.size % 5120 == 0
    x, out, n = a["silu_forward2"]
    assert x.size == out.size == n and n % 4 == 0
    alpha, dim, boxes, rv, qv, fv = a["lavamd"]
    assert dim["number_boxes"] == boxes.size and rv.shape == fv.shape == (qv.size, 4) and rv.dtype == np.float64
    assert qv.size == boxes.size * LAVAMD_PARTICLES


def test_lavamd_structures_match_the_c_layout_and_neighbours_are_in_range():
    assert LAVAMD_DIM.itemsize == 4 * 4 + 5 * 8
    assert LAVAMD_NEI.itemsize == 24 and LAVAMD_BOX.fields["nei"][1] == 32 and LAVAMD_BOX.itemsize == 32 + 26 * 24
    boxes = lavamd_boxes(3)
    assert boxes["nn"].max() == 26 and boxes["nn"].min() == 7  # the centre box and the corners
    for box in boxes:
        nei = box["nei"][:box["nn"]]
        assert (nei["number"] >= 0).all() and (nei["number"] < boxes.size).all() and box["number"] not in nei["number"]
        assert (nei["offset"] == nei["number"] * LAVAMD_PARTICLES).all()


def _bitonic_block(keys, values, block, length, direction):
    """bitonicSortShared for one block, thread by thread (the kernel's loops and Comparator)."""
    keys, values = keys.copy(), values.copy()

    def step(stride, ddd_of):
        for tid in range(block):
            pos = 2 * tid - (tid & (stride - 1))
            ddd = ddd_of(tid)
            if (keys[pos] > keys[pos + stride]) == bool(ddd):
                keys[[pos, pos + stride]] = keys[[pos + stride, pos]]
                values[[pos, pos + stride]] = values[[pos + stride, pos]]

    size = 2
    while size < length:
        stride = size // 2
        while stride > 0:
            step(stride, lambda tid, size=size: direction ^ ((tid & (size // 2)) != 0))
            stride //= 2
        size <<= 1
    stride = length // 2
    while stride > 0:
        step(stride, lambda tid: direction)
        stride //= 2
    return keys, values


def test_bitonic_reference_matches_the_sorting_network():
    case = SMALL_BY_NAME["bitonic_sort_shared"]
    args = case.arguments()
    block = 64
    keys, values = _bitonic_block(args[2][:2 * block], args[3][:2 * block], block, int(args[4]), int(args[5]))
    expected = REFERENCES["bitonic_sort_shared"](args, {"block_size_x": block}, (1, 1, 1))
    assert np.array_equal(keys, expected[0][:2 * block]) and np.array_equal(values, expected[1][:2 * block])


def test_shfl_scan_reference_matches_warp_shuffles():
    """shfl_scan_test for one block: __shfl_up_sync scans in warps, then over the warp sums."""
    args = SMALL_BY_NAME["shfl_scan"].arguments()
    block = 128
    value = args[0][:block].astype(np.int64).copy()
    lanes = np.arange(block) % 32
    i = 1
    while i <= 32:
        shifted = np.array([value[t - i] if lanes[t] >= i else value[t] for t in range(block)])
        value = np.where(lanes >= i, value + shifted, value)
        i *= 2
    warp_sums = np.cumsum(value[31::32])
    value += np.concatenate([[0], warp_sums[:-1]]).repeat(32)
    expected = REFERENCES["shfl_scan"](args, {"block_size_x": block}, (1, 1, 1))
    assert np.array_equal(value, expected[0][:block]) and expected[2][0] == value[-1]


def test_per_block_outputs_combine_to_the_reference():
    """Emulate the kernels' grid-stride partitions: the per-block outputs, combined as compare() does,
    equal the reference; and compare() itself passes them and fails a perturbed one."""
    # babelstream dot: block b sums i = b*block + t, stepping block*256.
    case = SMALL_BY_NAME["babelstream_dot"]
    args = case.arguments()
    block, grid = 128, (DOT_BLOCKS, 1, 1)
    x, y = args[0].astype(np.float64), args[1].astype(np.float64)
    index = np.arange(x.size)
    after = list(args)
    after[2] = np.bincount((index // block) % DOT_BLOCKS, weights=x * y, minlength=DOT_BLOCKS).astype(np.float32)
    assert compare(case, args, after, {"block_size_x": block}, grid)[0]
    after[2] = after[2] + np.float32(0.5)
    assert not compare(case, args, after, {"block_size_x": block}, grid)[0]
    # histogram64: block b's threads read uint4 words b*block + t, stepping block * grid.
    case = SMALL_BY_NAME["histogram64"]
    args = case.arguments()
    config = launch_configs(case)[1]
    block, blocks = config["block"][0], config["grid"][0]
    words = args[1].view(np.uint8).reshape(-1, 16)
    owner = (np.arange(words.shape[0]) // block) % blocks
    partial = np.zeros((blocks, 64), np.uint32)
    for b in range(blocks):
        partial[b] = np.bincount(words[owner == b].ravel() >> 2, minlength=64)
    after = list(args)
    after[0] = args[0].copy()
    after[0][:blocks * 64] = partial.ravel()
    assert compare(case, args, after, {"block_size_x": block}, config["grid"])[0]
    assert COMBINE[("histogram64", 0)](after[0], config["grid"]).sum() == args[1].size * 4


def test_bincount_bins_are_in_range_and_count_every_value():
    output, values, nbins, lo, hi, size, _ = SMALL_BY_NAME["bincount_global"].arguments()
    bins = bincount_bins(values, lo, hi, int(nbins))
    assert bins.min() == 0 and bins.max() == nbins - 1
    expected = REFERENCES["bincount_global"]([output, values, nbins, lo, hi, size, nbins], {}, (1, 1, 1))[0]
    assert (expected - output).sum() == size


def test_elementwise_and_lavamd_references_are_consistent():
    for name in ("silu_forward2", "geglu_float", "rowwise_moments", "lavamd"):
        case = SMALL_BY_NAME[name]
        args = case.arguments()
        expected = REFERENCES[name](args, {}, (1, 1, 1))
        after = list(args)
        for index, value in expected.items():
            after[index] = np.asarray(value).astype(np.asarray(args[index]).dtype).reshape(np.shape(args[index]))
        assert compare(case, args, after, {}, (1, 1, 1))[0], name
    # lavaMD: forces only grow from the initial fv (positive charges, exp > 0 for the v component).
    args = SMALL_BY_NAME["lavamd"].arguments()
    assert (REFERENCES["lavamd"](args, {}, (1, 1, 1))[5][:, 0] > args[5][:, 0]).all()


def test_collector_selects_the_unseen_set_only_when_asked():
    names = [c.name for c in UNSEEN_CASES]
    assert [c.name for c in select_cases("unseen", "0")] == names
    assert [c.name for c in select_cases("unseen_lavamd", "0")] == [n for n in names if "lavamd" in n]
    assert [c.name for c in select_cases("heldout3", "0")] == [c.name for c in HELDOUT3_CASES]
    assert not {c.name for c in select_cases("all", "0,1")} & set(names)
    assert [c.name for c in select_cases("unseen_silu_forward2,vector_add", "0")] == [
        next(n for n in names if "silu" in n), "vector_add@33554432"]


@pytest.mark.parametrize("case", SMALL + unseen2_cases(small=True), ids=lambda case: case.name.split("@")[0])
def test_flipflop_predicts_every_case_physically(case):
    """Both unseen sets, small sizes, each case's smallest and largest block shape."""
    configs = configurations(case)
    tune = {k: sorted({c[k] for c in (configs[0], configs[-1])}) for k in case.tune_params}
    results = flipflop.predict(case.kernel_name, str(case.source_path), case.problem_size, case.arguments(), tune,
                               gpu="h100-sxm", restrictions=case.restrictions or None, grid_div_x=case.grid_div_x,
                               grid_div_y=case.grid_div_y, smem_args=case.smem_args)
    dropped = [str(d) for d in results.dropped if "excluded by restrictions" not in str(d)]
    assert len(results) >= 1 and not dropped, dropped
    for row in results:
        assert 0 < row["time"] < 100 and math.isfinite(row["time"])
        assert 50 < row["power"] <= 800
        assert math.isclose(row["energy"], row["power"] * row["time"] / 1000, rel_tol=1e-6)
