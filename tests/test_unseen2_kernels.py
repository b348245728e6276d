"""The second unseen set's checks (benchmarks/kernels/unseen2.py): twelve third-party kernels in their own
files with their provenance, block sizes the original programs allow, no kernel shared with an earlier
set, arrays sized to what the kernels index, references that agree with CPU emulations of the
kernels' own thread-level loops, grids, the collector's selection and shared memory (flipflop
predicting every case: test_unseen_kernels.py, for both sets)."""

import math
import re
import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.ground_truth import unseen_collect  # noqa: E402
from benchmarks.ground_truth.collect import launch_configs, select_cases  # noqa: E402
from benchmarks.kernels.heldout import HELDOUT_CASES  # noqa: E402
from benchmarks.kernels.heldout2 import HELDOUT2_CASES  # noqa: E402
from benchmarks.kernels.heldout3 import HELDOUT3_CASES  # noqa: E402
from benchmarks.kernels.suite import CASES, KERNEL_DIR, configurations  # noqa: E402
from benchmarks.kernels.unseen import UNSEEN_CASES  # noqa: E402
from benchmarks.kernels.unseen2 import (CND_BLOCKS, CONV_RADIUS, COMBINE, JENKINS_WORDS, POINT_STRUCT,  # noqa: E402
                                        REDUCE_BLOCKS, REFERENCES, SIZES, UNSEEN2_CASES, UNSEEN2_DIR, compare,
                                        jenkins_hash, mandel_counts, short_name, unseen2_cases)

SMALL = unseen2_cases(small=True)
BY_NAME = {short_name(c): c for c in UNSEEN2_CASES}
SMALL_BY_NAME = {short_name(c): c for c in SMALL}
UPSTREAM = ("zjin-lcf/HeCBench", "NVIDIA/cuda-samples", "yuhc/gpu-rodinia")


def _kernel_names(source: str) -> set[str]:
    return set(re.findall(r"__global__\s+(?:void\s+)?(?:__launch_bounds__\([^)]*\)\s+)?\n?\s*(?:void\s+)?(\w+)\s*\(",
                          source))


def test_twelve_third_party_kernels_with_their_provenance():
    assert len(UNSEEN2_CASES) == 12 and len({c.name for c in UNSEEN2_CASES}) == 12
    for case in UNSEEN2_CASES:
        assert case.family == "unseen2" and case.size_index == 0 and case.name.startswith("unseen2_")
        assert case.source_path.parent == UNSEEN2_DIR
        header = case.source.split("\n\n")[0]
        for field in ("// Upstream:", "// Path:", "// Commit:", "// Licence:", "// Edits"):
            assert field in header, (case.name, field)
        assert re.search(r"// Commit:.*\b[0-9a-f]{40}\b", header), case.name
        assert any(repo.split("/")[1] in header for repo in UPSTREAM), case.name
        assert re.search(r"BSD-3-Clause|Rodinia's BSD-style licence", header), case.name
        base = case.kernel_name.split("<")[0]
        assert re.search(rf"__global__\s+(?:void\s+)?\n?\s*(?:void\s+)?{base}\s*\(", case.source), case.name
        if "<" not in case.kernel_name:
            assert 'extern "C" __global__' in case.source, case.name
    assert sorted(p.name for p in UNSEEN2_DIR.glob("*.cu")) == sorted({c.source_path.name for c in UNSEEN2_CASES})
    sources = {"hecbench": 0, "cuda-samples": 0, "rodinia": 0}
    for case in UNSEEN2_CASES:
        upstream = case.source.split("// Upstream:")[1].splitlines()[0]
        sources["rodinia" if "Rodinia" in upstream else "cuda-samples" if "cuda-samples" in upstream else "hecbench"] += 1
    assert all(sources.values()), sources


def _upstream_path(source: str) -> str:
    """The `// Path:` line of a third-party kernel's header ("" for the team's own kernels)."""
    line = next((line for line in source.splitlines() if line.startswith("// Path:")), "")
    return line.removeprefix("// Path:").split("(")[0].strip()


def test_no_kernel_is_in_an_earlier_set_or_the_corpus():
    earlier = CASES + HELDOUT_CASES + HELDOUT2_CASES + HELDOUT3_CASES + UNSEEN_CASES
    assert not {c.source_path.name for c in UNSEEN2_CASES} & {c.source_path.name for c in earlier}
    # Kernel names defined anywhere else under benchmarks/kernels (corpus, held-out, unseen, suite, robust)
    # from the same upstream file (Rodinia's particlefilter and myocyte both name theirs `kernel`).
    elsewhere: set[tuple[str, str]] = set()
    for path in KERNEL_DIR.rglob("*.cu"):
        if path.parent != UNSEEN2_DIR:
            text = path.read_text(errors="replace")
            elsewhere |= {(name, _upstream_path(text)) for name in _kernel_names(text)}
    mine = {(c.kernel_name.split("<")[0], _upstream_path(c.source)) for c in UNSEEN2_CASES}
    assert not mine & elsewhere, mine & elsewhere
    # No upstream path+kernel already used by the corpus or the first unseen set.
    used = " ".join(p.read_text(errors="replace").split("\n\n")[0] for p in KERNEL_DIR.rglob("*.cu")
                    if p.parent != UNSEEN2_DIR)
    for case in UNSEEN2_CASES:
        path = case.source.split("// Path:")[1].split()[0]
        kernel = case.source.split("// Kernel:")[1].split()[0]
        assert not (path in used and kernel in used), case.name


def test_block_sizes_are_the_ones_the_originals_allow():
    total = 0
    for case in UNSEEN2_CASES:
        configs = configurations(case)
        total += len(configs)
        assert 4 <= len(configs) <= 10, case.name
        for params in configs:
            threads = params["block_size_x"] * params.get("block_size_y", 1)
            assert threads % 32 == 0 and threads <= 1024, (case.name, params)
    assert 70 <= total <= 100
    width, height = SIZES["conv_cols"]["full"]
    for p in configurations(BY_NAME["conv_cols"]):  # convolutionColumns' asserts
        assert p["block_size_y"] * 1 >= CONV_RADIUS and width % p["block_size_x"] == 0
        assert height % (8 * p["block_size_y"]) == 0
        assert p["block_size_x"] * (10 * p["block_size_y"] + 1) * 4 <= 48 * 1024  # static shared l_Data
    assert all(math.log2(p["block_size_x"]).is_integer() for p in configurations(BY_NAME["reduce7"]))
    assert [p["block_size_x"] for p in configurations(BY_NAME["dense_embedding"])] == [128, 256, 512, 1024]
    for name in ("bilateral", "mandel", "conv_cols"):  # 2-D, as the originals
        assert len({p["block_size_y"] for p in configurations(BY_NAME[name])}) > 1


def test_grids_follow_the_original_launches():
    def grid(name, bx, by=1):
        return next(c["grid"] for c in launch_configs(BY_NAME[name]) if c["block"][:2] == (bx, by))

    assert grid("reduce7", 32) == grid("reduce7", 1024) == (REDUCE_BLOCKS, 1, 1)
    assert grid("inverse_cnd", 64) == (CND_BLOCKS, 1, 1)
    (batch,) = SIZES["dense_embedding"]["full"]
    assert grid("dense_embedding", 256) == (batch, 1, 1)
    width, height = SIZES["conv_cols"]["full"]
    assert grid("conv_cols", 16, 8) == (width // 16, height // 8 // 8, 1)
    rows, cols = SIZES["mandel"]["full"]
    assert grid("mandel", 16, 16) == (rows // 16, cols // 16, 1)
    (n,) = SIZES["heat_solve"]["full"]
    assert grid("heat_solve", 256) == (n * n // 256, 1, 1)
    for case in UNSEEN2_CASES:
        assert all(c["grid"][1] <= 65535 and c["grid"][2] <= 65535 for c in launch_configs(case)), case.name


def test_dynamic_shared_memory_comes_from_smem_args():
    shared = {short_name(c): {c2["block"][0]: c2["shared_bytes"] for c2 in launch_configs(c)} for c in UNSEEN2_CASES}
    assert shared["reduce7"][256] == 1024 and shared["reduce7"][32] == 128
    dim = SIZES["streamcluster_cost"]["full"][1]
    assert set(shared["streamcluster_cost"].values()) == {dim * 4}
    assert set(shared["conv_cols"].values()) == {0}


def test_arguments_size_the_arrays_the_kernels_index():
    a = {name: case.arguments() for name, case in SMALL_BY_NAME.items()}
    lengths, initvals, keys, out, n = a["jenkins_hash"]
    assert lengths.max() <= 60 and keys.size == n * JENKINS_WORDS and out.size == n
    p, m, v, g, *_, size, mode, decay = a["adam"]
    assert p.size == m.size == v.size == g.size == size and (v >= 0).all() and mode == 0
    image, out, w, h, *_ = a["bilateral"]
    assert image.size == out.size == w * h
    dst, src, taps, w, h, pitch = a["conv_cols"]
    assert dst.size == src.size == w * h and pitch == w and taps.size == 2 * CONV_RADIUS + 1
    n, *_, u, u_tmp = a["heat_solve"]
    assert u.size == u_tmp.size == n * n and u.dtype == np.float64
    data, r, n = a["popcount"]
    assert data.dtype == np.uint64 and data.size == r.size == n
    inputs, dense, output, dim, offset = a["dense_embedding"]
    assert inputs.size == output.size == offset[-1] and dense.size == (offset.size - 1) * dim
    assert (np.diff(offset) % dim == 0).all() and (np.diff(offset) > 0).all()
    b, params, rows, cols = a["mandel"]
    assert b.size == rows * cols and list(params) == [rows, cols, 100]
    points, coord, work, table, switch, num, dim, x, k = a["streamcluster_cost"]
    assert POINT_STRUCT.itemsize == 24 and points.size == num and coord.size == num * dim
    assert work.size == num * (k + 1) and table.max() < k and (points["assign"] < num).all() and 0 <= x < num
    ax, ay, cdf, u, xj, yj, n = a["particlefilter_find_index"]
    assert ax.size == cdf.size == u.size == xj.size == n and (np.diff(cdf) > 0).all() and (np.diff(u) > 0).all()
    out, inputs, n = a["inverse_cnd"]
    assert out.size == inputs.size == n and inputs.dtype == np.uint32


def test_full_sizes_fit_in_a_gigabyte():
    for case in UNSEEN2_CASES:
        nbytes = sum(x.nbytes for x in case.arguments() if isinstance(x, np.ndarray))
        assert nbytes < 1 << 30, case.name


def _lookup3(key_words: np.ndarray, length: int, initval: int) -> int:
    """Bob Jenkins' hashlittle over a key's bytes (the program's host reference, scalar Python)."""
    mask = 0xFFFFFFFF

    def rot(x, k):
        return ((x << k) | (x >> (32 - k))) & mask

    a = b = c = (0xDEADBEEF + length + initval) & mask
    k = [int(w) for w in key_words]
    i = 0
    while length > 12:
        a, b, c = (a + k[i]) & mask, (b + k[i + 1]) & mask, (c + k[i + 2]) & mask
        a = (a - c) & mask; a ^= rot(c, 4); c = (c + b) & mask  # noqa: E702
        b = (b - a) & mask; b ^= rot(a, 6); a = (a + c) & mask  # noqa: E702
        c = (c - b) & mask; c ^= rot(b, 8); b = (b + a) & mask  # noqa: E702
        a = (a - c) & mask; a ^= rot(c, 16); c = (c + b) & mask  # noqa: E702
        b = (b - a) & mask; b ^= rot(a, 19); a = (a + c) & mask  # noqa: E702
        c = (c - b) & mask; c ^= rot(b, 4); b = (b + a) & mask  # noqa: E702
        length -= 12
        i += 3
    if length == 0:
        return c
    tail = b"".join(int(w).to_bytes(4, "little") for w in k[i:i + 3])[:length] + b"\0" * 12
    a = (a + int.from_bytes(tail[0:4], "little")) & mask
    b = (b + int.from_bytes(tail[4:8], "little")) & mask
    c = (c + int.from_bytes(tail[8:12], "little")) & mask
    c ^= b; c = (c - rot(b, 14)) & mask  # noqa: E702
    a ^= c; a = (a - rot(c, 11)) & mask  # noqa: E702
    b ^= a; b = (b - rot(a, 25)) & mask  # noqa: E702
    c ^= b; c = (c - rot(b, 16)) & mask  # noqa: E702
    a ^= c; a = (a - rot(c, 4)) & mask  # noqa: E702
    b ^= a; b = (b - rot(a, 14)) & mask  # noqa: E702
    c ^= b; c = (c - rot(b, 24)) & mask  # noqa: E702
    return c


def test_jenkins_reference_matches_lookup3():
    lengths, initvals, keys, _, _ = SMALL_BY_NAME["jenkins_hash"].arguments()
    expected = jenkins_hash(lengths, initvals, keys)
    words = keys.reshape(-1, JENKINS_WORDS)
    for i in range(200):
        assert expected[i] == _lookup3(words[i], int(lengths[i]), int(initvals[i])), i
    # The program's known answer: "Four score and seven years ago", 30 bytes, initval 1 -> cd628161 (main.cu).
    text = b"Four score and seven years ago".ljust(64, b"\0")
    key = np.frombuffer(text, np.uint32)
    assert jenkins_hash(np.array([30], np.uint32), np.array([1], np.uint32), key)[0] == 0xCD628161


def test_reduce7_partials_combine_to_the_reference():
    """reduce7 (nIsPow2 false): block b sums i = b*block + t, stepping block*64; compare() combines."""
    case = SMALL_BY_NAME["reduce7"]
    args = case.arguments()
    block, grid = 128, (REDUCE_BLOCKS, 1, 1)
    owner = (np.arange(args[0].size) // block) % REDUCE_BLOCKS
    after = list(args)
    after[1] = np.bincount(owner, weights=args[0].astype(np.float64), minlength=REDUCE_BLOCKS).astype(np.float32)
    assert compare(case, args, after, {"block_size_x": block}, grid)[0]
    assert COMBINE[("reduce7", 1)](after[1], grid)[0] == pytest.approx(args[0].astype(np.float64).sum(), rel=1e-5)
    after[1] = after[1] + np.float32(0.5)
    assert not compare(case, args, after, {"block_size_x": block}, grid)[0]


def test_conv_cols_reference_matches_the_shared_tile_loop():
    """conv_cols for every block of one configuration, thread by thread through l_Data (zero halo)."""
    case = SMALL_BY_NAME["conv_cols"]
    args = case.arguments()
    dst, src, taps, w, h = args[0].copy(), args[1], args[2], int(args[3]), int(args[4])
    bx, by, steps = 16, 8, 8
    image = src.reshape(h, w).astype(np.float64)
    out = np.zeros((h, w))
    for gy in range(h // steps // by):
        base_y = (gy * steps - 1) * by
        tile = np.zeros(((steps + 2) * by, w))
        for row in range((steps + 2) * by):
            y = base_y + row
            tile[row] = image[y] if 0 <= y < h else 0.0
        for i in range(1, steps + 1):
            for ly in range(by):
                r = ly + i * by
                out[base_y + r] = sum(taps[CONV_RADIUS - j] * tile[r + j] for j in range(-CONV_RADIUS, CONV_RADIUS + 1))
    expected = REFERENCES["conv_cols"](args, {"block_size_x": bx, "block_size_y": by}, (1, 1, 1))[0]
    assert np.allclose(out.ravel(), expected, rtol=1e-12, atol=1e-12)


def test_mandel_reference_matches_the_scalar_loop():
    rows, cols = 12, 9
    counts = mandel_counts(rows, cols, 100)
    for i in range(rows):
        for j in range(cols):
            cr = np.float32(-1.5) + np.float32(i) * (np.float32(2.0) / np.float32(rows))
            ci = np.float32(-1.0) + np.float32(j) * (np.float32(2.0) / np.float32(cols))
            zr = zi = np.float32(0)
            count = 0
            for _ in range(100):
                if zr * zr + zi * zi >= np.float32(4.0):
                    break
                zr, zi = zr * zr - zi * zi + cr, np.float32(2) * zr * zi + ci
                count += 1
            assert counts[i, j] == count, (i, j)
    assert counts.max() == 100 and counts.min() < 10  # inside and far outside the set both occur


def test_particlefilter_and_streamcluster_references_follow_the_kernels():
    args = SMALL_BY_NAME["particlefilter_find_index"].arguments()
    ax, ay, cdf, u = args[:4]
    expected = REFERENCES["particlefilter_find_index"](args, {}, (1, 1, 1))
    for i in range(0, cdf.size, 37):  # the kernel's linear search
        index = next((x for x in range(cdf.size) if cdf[x] >= u[i]), cdf.size - 1)
        assert expected[4][i] == ax[index] and expected[5][i] == ay[index]
    args = SMALL_BY_NAME["streamcluster_cost"].arguments()
    points, coord, work, table, switch, num, dim, x, k = args
    expected = REFERENCES["streamcluster_cost"](args, {}, (1, 1, 1))
    reassigned = expected[4] == ord("1")
    assert 0.05 < reassigned.mean() < 0.95  # both branches taken
    changed = (expected[2].reshape(num, k + 1) != work.reshape(num, k + 1)).sum(axis=1)
    assert (changed <= 1).all()


def test_elementwise_references_are_consistent_and_compare_rejects_wrong_outputs():
    for name in sorted(SIZES):
        case = SMALL_BY_NAME[name]
        args = case.arguments()
        params = configurations(case)[0]
        grid = launch_configs(case)[0]["grid"]
        expected = REFERENCES[name](args, params, grid)
        after = [a.copy() if isinstance(a, np.ndarray) else a for a in args]
        for index, value in expected.items():
            if (name, index) in COMBINE:
                continue
            after[index] = np.asarray(value).astype(np.asarray(args[index]).dtype).reshape(np.shape(args[index]))
        if any((name, index) in COMBINE for index in expected):
            continue
        assert compare(case, args, after, params, grid)[0], name
        assert not compare(case, args, args, params, grid)[0], name  # the untouched outputs differ


def test_inverse_cnd_reference_is_an_inverse_normal_cdf():
    from math import erf, sqrt
    args = SMALL_BY_NAME["inverse_cnd"].arguments()
    z = REFERENCES["inverse_cnd"](args, {}, (1, 1, 1))[0]
    p = args[1].astype(np.float64) / 2**32
    assert np.allclose([0.5 * (1 + erf(v / sqrt(2))) for v in z[:500]], p[:500], atol=1e-6)


def test_collector_selects_the_unseen2_set_only_when_asked():
    names = [c.name for c in UNSEEN2_CASES]
    assert [c.name for c in select_cases("unseen2", "0")] == names
    assert [c.name for c in select_cases("unseen2_mandel", "0")] == [n for n in names if "mandel" in n]
    assert [c.name for c in select_cases("unseen", "0")] == [c.name for c in UNSEEN_CASES]
    assert not {c.name for c in select_cases("all", "0,1")} & set(names)
    assert not {c.name for c in select_cases("unseen", "0")} & set(names)
    assert [c.name for c in select_cases("unseen2,unseen", "0")] == names + [c.name for c in UNSEEN_CASES]
    assert set(unseen_collect.SETS) == {"unseen", "unseen2"}
    assert unseen_collect.SETS["unseen"][2] == "unseen_check.jsonl"


def test_accuracy_script_knows_the_set():
    from benchmarks import unseen_accuracy
    cases, title = unseen_accuracy.SETS["unseen2"]
    assert cases == UNSEEN2_CASES and "12 third-party kernels" in title and "second unseen set" in title
    assert "13 third-party kernels" in unseen_accuracy.SETS["unseen"][1]
