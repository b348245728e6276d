"""The held-out set: eight kernels the model was never developed or tuned on, one size each.

Same conventions as the development suite (`suite.py`): Kernel Tuner's block_size_x/y
#defines, seeded random arguments (never zeros) in kernel order, the 51 power-of-two 2-D
shapes with 32 ≤ bx·by ≤ 1024 or the 32 1-D sizes 32, 64, …, 1024. Every case has
family "heldout" and size_index 0; `--cases heldout` in collect.py selects them all,
`--cases all` never does.

Sizes are chosen so that a launch at a good block shape takes roughly 0.2–5 ms on an H100
(about 3 TB/s and 60 TFLOP/s fp32) and a case needs well under 4 GB of GPU memory; the
estimate is in each entry of `ESTIMATES`. `heldout_cases(small=True)` gives the same
kernels at tiny sizes, for tests that must not allocate gigabytes.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from benchmarks.kernels.suite import KERNEL_DIR, RESTRICT_2D, TUNE_1D, TUNE_2D, Case

HELDOUT_DIR = KERNEL_DIR / "heldout"
FAMILY = "heldout"

# Full sizes (measured) and small ones (tests). Each: the kernel's size parameters.
SIZES = {
    "softmax": {"full": (16384, 8192), "small": (37, 300)},           # rows, cols
    "gemv": {"full": (16384, 16384), "small": (45, 200)},             # rows, cols
    "spmv_csr": {"full": (4 << 20,), "small": (1000,)},               # rows (8–40 nnz per row)
    "stencil3d": {"full": (640, 640, 384), "small": (40, 24, 10)},    # nx, ny, nz
    "nbody": {"full": (65536,), "small": (1000,)},                    # bodies
    "maxpool": {"full": (2048, 2048, 64), "small": (66, 40, 3)},      # width, height, channels
    "gelu_half2": {"full": (1 << 28,), "small": (10_000,)},           # fp16 values
    "scan": {"full": (1 << 27,), "small": (5000,)},                   # floats
}

# Rough time per launch at a good block shape on an H100, from bytes moved / instructions.
ESTIMATES = {
    "softmax": "~0.4-0.8 ms: 512 MiB read (re-reads of a row mostly from L2) + 512 MiB written",
    "gemv": "~0.4 ms: 1 GiB of A streamed once; x (64 KiB) stays in L1/L2",
    "spmv_csr": "~0.5-2 ms: ~100 M nonzeros, 800 MB of values + column indices, uncoalesced per-thread rows, "
                "x (16 MiB) gathered from L2",
    "stencil3d": "~0.5 ms: 629 MiB read + 629 MiB written, neighbours from L1/L2",
    "nbody": "~1.5-2 ms: 4.3 G interactions x ~10 fp32 instructions + 1 rsqrt (FP32/MUFU bound)",
    "maxpool": "~0.45 ms: 1 GiB read + 256 MiB written",
    "gelu_half2": "~0.4 ms: 512 MiB read + 512 MiB written, tanhf in fp32 (~0.2-0.3 ms of issue)",
    "scan": "~0.4-0.6 ms: 512 MiB read + 512 MiB written, log2(block) shared-memory steps per element",
}


def _rng(seed: int) -> np.random.Generator:
    return np.random.default_rng(seed)


def _floats(rng: np.random.Generator, count: int, low: float = -1.0, high: float = 1.0) -> np.ndarray:
    """float32 uniform in [low, high), drawn as float32 (no float64 temporary for big arrays)."""
    values = rng.random(count, dtype=np.float32)
    values *= np.float32(high - low)
    values += np.float32(low)
    return values


def _softmax(rows: int, cols: int) -> Callable[[], list]:
    def build() -> list:  # out, in, rows, cols
        rng = _rng(101)
        return [_floats(rng, rows * cols), _floats(rng, rows * cols, -4.0, 4.0), np.int32(rows), np.int32(cols)]
    return build


def _gemv(rows: int, cols: int) -> Callable[[], list]:
    def build() -> list:  # y, A, x, alpha, beta, rows, cols
        rng = _rng(102)
        return [_floats(rng, rows), _floats(rng, rows * cols), _floats(rng, cols), np.float32(1.0),
                np.float32(0.5), np.int32(rows), np.int32(cols)]
    return build


def _spmv_csr(rows: int) -> Callable[[], list]:
    def build() -> list:  # y, row_ptr, col_idx, values, x, rows
        rng = _rng(103)
        per_row = rng.integers(8, 41, rows)  # 8–40 nonzeros per row, uniform
        row_ptr = np.zeros(rows + 1, dtype=np.int32)
        np.cumsum(per_row, out=row_ptr[1:])
        nnz = int(row_ptr[-1])
        # Uniformly random columns (unsorted within a row; CSR kernels don't rely on the order).
        col_idx = rng.integers(0, rows, nnz, dtype=np.int32)
        return [_floats(rng, rows), row_ptr, col_idx, _floats(rng, nnz), _floats(rng, rows), np.int32(rows)]
    return build


def _stencil3d(nx: int, ny: int, nz: int) -> Callable[[], list]:
    def build() -> list:  # out, in, nx, ny, nz, c0, c1
        rng = _rng(104)
        n = nx * ny * nz
        return [_floats(rng, n), _floats(rng, n), np.int32(nx), np.int32(ny), np.int32(nz),
                np.float32(0.4), np.float32(0.1)]
    return build


def _nbody(n: int) -> Callable[[], list]:
    def build() -> list:  # accel (float4), pos (float4: x, y, z, mass), n, softening²
        rng = _rng(105)
        pos = _floats(rng, 4 * n, -10.0, 10.0).reshape(n, 4)
        pos[:, 3] = _floats(rng, n, 0.5, 2.0)  # masses
        return [_floats(rng, 4 * n), pos.reshape(-1), np.int32(n), np.float32(0.01)]
    return build


def _maxpool(width: int, height: int, channels: int) -> Callable[[], list]:
    def build() -> list:  # out, in, width, height, channels
        rng = _rng(106)
        out_count = channels * (height // 2) * (width // 2)
        return [_floats(rng, out_count), _floats(rng, channels * height * width), np.int32(width),
                np.int32(height), np.int32(channels)]
    return build


def _gelu_half2(n: int) -> Callable[[], list]:
    def build() -> list:  # out (__half2), in (__half2), n2 (pairs)
        rng = _rng(107)
        return [_floats(rng, n).astype(np.float16), _floats(rng, n, -4.0, 4.0).astype(np.float16),
                np.int32(n // 2)]
    return build


def _scan(n: int) -> Callable[[], list]:
    def build() -> list:  # out, block_sums (one per block of the smallest block size, 32), in, n
        rng = _rng(108)
        return [_floats(rng, n), _floats(rng, -(-n // 32)), _floats(rng, n, 0.0, 1.0), np.int32(n)]
    return build


def _label(sizes: tuple[int, ...]) -> str:
    return "x".join(str(s) for s in sizes)


def heldout_cases(small: bool = False) -> list[Case]:
    """The held-out cases at their measured sizes, or (small=True) the same kernels tiny."""
    which = "small" if small else "full"
    s = {name: entry[which] for name, entry in SIZES.items()}
    cases: list[Case] = []

    def add(name, kernel_name, file, problem_size, arguments, two_d, grid_div_x=None, grid_div_y=None):
        cases.append(Case(
            name=f"heldout_{name}@{_label(s[name])}", kernel_name=kernel_name, source_path=HELDOUT_DIR / file,
            problem_size=problem_size, arguments=arguments, tune_params=TUNE_2D if two_d else TUNE_1D,
            grid_div_x=grid_div_x, grid_div_y=grid_div_y, restrictions=RESTRICT_2D if two_d else [],
            family=FAMILY, size_index=0))

    rows, cols = s["softmax"]
    # One block column: problem size 1 in x gives grid x = ceil(1 / block_size_x) = 1.
    add("softmax", "softmax_rows", "softmax_rows.cu", (1, rows), _softmax(rows, cols), True)
    rows, cols = s["gemv"]
    add("gemv", "gemv", "gemv.cu", (1, rows), _gemv(rows, cols), True)
    (rows,) = s["spmv_csr"]
    add("spmv_csr", "spmv_csr_scalar", "spmv_csr.cu", (rows,), _spmv_csr(rows), False)
    nx, ny, nz = s["stencil3d"]
    add("stencil3d", "stencil3d_7pt", "stencil3d.cu", (nx, ny), _stencil3d(nx, ny, nz), True)
    (n,) = s["nbody"]
    add("nbody", "nbody_forces", "nbody.cu", (n,), _nbody(n), False)
    width, height, channels = s["maxpool"]
    # Grid over the output plane; z (block_size_z = 1) is the channel.
    add("maxpool", "maxpool2x2", "maxpool.cu", (width // 2, height // 2, channels),
        _maxpool(width, height, channels), True)
    (n,) = s["gelu_half2"]
    # Grid-stride loop: a grid of n2 / (8 · block) blocks, so each thread handles 8 pairs.
    add("gelu_half2", "gelu_half2", "gelu_half2.cu", (n // 2,), _gelu_half2(n), False,
        grid_div_x="block_size_x*8")
    (n,) = s["scan"]
    add("scan", "scan_blocks", "scan.cu", (n,), _scan(n), False)
    return cases


HELDOUT_CASES: list[Case] = heldout_cases()
