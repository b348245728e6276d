"""Public API end to end (NVRTC + ptxas + analysis + model) on small kernels of our own."""
import numpy as np
import pytest

import flipflop
from flipflop.errors import ConfigurationError, UnknownKernelError
from flipflop.search.pareto import pareto_mask

VECTOR_ADD = """
extern "C" __global__ void vector_add(float *c, const float *a, const float *b, int n)
{
    int i = blockIdx.x * block_size_x + threadIdx.x;
    if (i < n) c[i] = a[i] + b[i];
}
"""

# Static shared tile of block_size_x * tile floats: tile 16 at 1024 threads is 64 KB > 48 KB.
TILED = """
extern "C" __global__ void tiled(float *out, const float *in, int n)
{
    __shared__ float buf[block_size_x * tile];
    int i = blockIdx.x * block_size_x + threadIdx.x;
    for (int k = 0; k < tile; k++) buf[threadIdx.x * tile + k] = i < n ? in[i] : 0.0f;
    __syncthreads();
    if (i < n) out[i] = buf[((threadIdx.x + 1) % block_size_x) * tile];
}
"""

# No tuning macros at all: every configuration compiles to the same PTX.
PLAIN_2D = """
extern "C" __global__ void copy2d(float *out, const float *in, int width, int height)
{
    int x = blockIdx.x * blockDim.x + threadIdx.x;
    int y = blockIdx.y * blockDim.y + threadIdx.y;
    if (x < width && y < height) out[y * width + x] = in[y * width + x];
}
"""

N = 1 << 20


def vector_args():
    a = np.zeros(N, np.float32)
    return [a, a.copy(), a.copy(), np.int32(N)]


def test_predict_rows_keys_and_dropped():
    tune = {"block_size_x": [64, 128, 256, 512, 1024, 2048]}
    rows = flipflop.predict("vector_add", VECTOR_ADD, N, vector_args(), tune)
    assert [r["block_size_x"] for r in rows] == [64, 128, 256, 512, 1024]
    assert rows.dropped == [({"block_size_x": 2048}, "2048 threads per block > 1024")]
    for key in ("power_limit", "time", "power", "energy", "pareto", "occupancy", "coalescing_efficiency",
                "bank_conflict_degree", "waves", "bound"):
        assert key in rows[0]
    assert all(r["power_limit"] == 700.0 for r in rows)
    assert all(abs(r["energy"] - r["power"] * r["time"] / 1e3) < 1e-9 * r["energy"] for r in rows)
    expected = pareto_mask([r["time"] for r in rows], [r["energy"] for r in rows])
    assert [r["pareto"] for r in rows] == expected.tolist()
    assert rows.metadata["gpu"] == "h100-sxm" and rows.metadata["launchable"] == 5
    assert rows.metadata["nvrtc_version"] and rows.metadata["distinct_compiles"] == 5


def test_power_limits_all_and_list():
    tune = {"block_size_x": [128, 256]}
    rows = flipflop.predict("vector_add", VECTOR_ADD, N, vector_args(), tune, power_limits="all")
    limits = sorted({r["power_limit"] for r in rows})
    assert limits == [200.0, 250.0, 300.0, 350.0, 400.0, 450.0, 500.0, 550.0, 600.0, 650.0, 700.0]
    assert len(rows) == 22
    rows = flipflop.predict("vector_add", VECTOR_ADD, N, vector_args(), tune, power_limits=[300, 700])
    assert [r["power_limit"] for r in rows] == [300.0, 700.0, 300.0, 700.0]
    with pytest.raises(ConfigurationError, match="outside h100-sxm's settable range 200–700 W"):
        flipflop.predict("vector_add", VECTOR_ADD, N, vector_args(), tune, power_limits=[100])


def test_static_shared_over_48k_is_dropped_never_recommended():
    tune = {"block_size_x": [256, 1024], "tile": [4, 16]}
    rows = flipflop.predict("tiled", TILED, N, [np.zeros(N, np.float32), np.zeros(N, np.float32), np.int32(N)],
                            tune)
    assert [(r["block_size_x"], r["tile"]) for r in rows] == [(256, 4), (256, 16), (1024, 4)]
    (params, reason), = rows.dropped
    assert params == {"block_size_x": 1024, "tile": 16} and "uses too much shared data" in reason


def test_same_ptx_compiles_once_and_2d_grid_defaults():
    tune = {"block_size_x": [16, 32, 64], "block_size_y": [4, 8]}
    args = [np.zeros(1000 * 500, np.float32), np.zeros(1000 * 500, np.float32), np.int32(1000), np.int32(500)]
    rows = flipflop.predict("copy2d", PLAIN_2D, (1000, 500), args, tune)
    assert len(rows) == 6 and rows.metadata["distinct_compiles"] == 1


def test_smem_args_and_block_size_names():
    tune = {"bx": [128, 256]}
    source = VECTOR_ADD.replace("block_size_x", "bx")
    rows = flipflop.predict("vector_add", source, N, vector_args(), tune, block_size_names=["bx"],
                            smem_args={"size": lambda p: p["bx"] * 1000})
    assert [r["bx"] for r in rows] == [128]
    assert rows.dropped[0][0] == {"bx": 256} and "shared memory 256000 B per block" in rows.dropped[0][1]


def test_errors_are_one_line():
    tune = {"block_size_x": [128]}
    with pytest.raises(UnknownKernelError):
        flipflop.predict("nope", VECTOR_ADD, N, vector_args(), tune)
    with pytest.raises(ConfigurationError, match="takes 4 arguments, got 3"):
        flipflop.predict("vector_add", VECTOR_ADD, N, vector_args()[:3], tune)
    with pytest.raises(ConfigurationError, match=r"argument 3 of vector_add has dtype float32 but the kernel takes a 32-bit integer \(PTX .u32\)"):
        flipflop.predict("vector_add", VECTOR_ADD, N, vector_args()[:3] + [np.float32(1)], tune)
    with pytest.raises(ConfigurationError, match="no launchable configuration on h100-sxm"):
        flipflop.predict("vector_add", VECTOR_ADD, N, vector_args(), {"block_size_x": [2048, 4096]})
    with pytest.raises(ConfigurationError, match="bad expression"):
        flipflop.predict("vector_add", VECTOR_ADD, N, vector_args(), tune, restrictions=["block_size_x >>> 2"])


def test_recommend_picks_come_from_the_pareto_set():
    tune = {"block_size_x": [32, 64, 128, 256, 512, 1024]}
    rec = flipflop.recommend("vector_add", VECTOR_ADD, N, vector_args(), tune, power_limits="all")
    front = {(tuple(p.params.items()), p.power_limit_w) for p in rec.pareto}
    for pick in (rec.energy_optimal, rec.time_optimal, rec.balanced):
        assert (tuple(pick.params.items()), pick.power_limit_w) in front
        assert pick.why
    assert rec.energy_optimal.energy_j == min(p.energy_j for p in rec.pareto)
    assert rec.time_optimal.time_ms == min(p.time_ms for p in rec.pareto)
    assert rec.fixed_256_baseline.params == {"block_size_x": 256}
    assert rec.occupancy_baseline.power_limit_w == 700.0
    d = rec.to_dict()
    assert d["energy_optimal"]["role"] == "energy-optimal" and "energy_optimal_vs_occupancy" in d["savings"]
    assert d["measurement_avoided"]["configurations"] == 6 * 11


def test_ptx_source_is_analysed_once_for_every_configuration():
    from flipflop.frontend import compile_to_ptx
    ptx = compile_to_ptx(PLAIN_2D).ptx
    tune = {"block_size_x": [32, 64], "block_size_y": [2, 4]}
    args = [np.zeros(1000 * 500, np.float32), np.zeros(1000 * 500, np.float32), np.int32(1000), np.int32(500)]
    rows = flipflop.predict("copy2d", ptx, (1000, 500), args, tune)
    assert len(rows) == 4 and rows.metadata["source_kind"] == "ptx" and rows.metadata["distinct_compiles"] == 1
    assert rows.metadata["nvrtc_version"] is None
