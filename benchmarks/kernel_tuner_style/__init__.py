"""A Kernel Tuner-style define space: five kernels written the way Kernel Tuner's examples
are (every tune parameter a ``#define``, so every configuration its own compile), with
spaces like theirs. ``benchmarks/predict_speed.py --define-space`` times predicting them.

Kernels: a 5-point stencil, a tiled matmul (``tile_size_x/y``, ``block_size_x ==
block_size_y * tile_size_y``), a 17 × 17 convolution with tile defines (fully unrolled filter
loops), a CSR SpMV (one warp per row, ``read_only``) and a zero-mean filter's vertical pass.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import numpy as np

KERNEL_DIR = Path(__file__).resolve().parent
MULTIPLES_32 = [32 * i for i in range(1, 9)]   # 32 … 256
POWERS_OF_TWO_32 = [2 ** i for i in range(6)]  # 1 … 32


@dataclass(frozen=True)
class DefineCase:
    """One kernel and its tune_kernel arguments."""

    name: str
    kernel_name: str
    file: str
    problem_size: tuple[int, ...]
    arguments: Callable[[], list] = field(repr=False)
    tune_params: dict[str, list]
    grid_div_x: list[str] | None = None
    grid_div_y: list[str] | None = None
    restrictions: list[str] = field(default_factory=list)

    @property
    def source_path(self) -> Path:
        return KERNEL_DIR / self.file


def _floats(rng: np.random.Generator, count: int) -> np.ndarray:
    return rng.standard_normal(count).astype(np.float32)


def _stencil() -> list:
    rng = np.random.default_rng(21)
    width, height = 4096, 2048
    return [_floats(rng, width * height), _floats(rng, width * height), np.int32(width), np.int32(height)]


def _matmul() -> list:
    rng = np.random.default_rng(22)
    n = 1024
    return [np.zeros(n * n, np.float32), _floats(rng, n * n), _floats(rng, n * n), np.int32(n)]


def _convolution() -> list:
    rng = np.random.default_rng(23)
    return [np.zeros(4096 * 4096, np.float32), _floats(rng, (4096 + 16) ** 2), _floats(rng, 17 * 17)]


def _spmv() -> list:
    rng = np.random.default_rng(24)
    nrows = ncols = 128 * 1024
    nnz = int(nrows * ncols * 0.001)
    rows = np.concatenate([[0], np.sort(rng.random(nrows - 1) * nnz), [nnz]]).astype(np.int32)
    cols = (rng.random(nnz) * ncols).astype(np.int32)
    return [np.zeros(nrows, np.float32), rows, cols, _floats(rng, nnz), _floats(rng, ncols), np.int32(nrows)]


def _zeromean() -> list:
    rng = np.random.default_rng(25)
    height, width = 4391, 3539
    return [np.int32(height), np.int32(width), _floats(rng, height * width)]


CASES: list[DefineCase] = [
    DefineCase("stencil", "stencil_kernel", "stencil.cu", (4096, 2048), _stencil,
               {"block_size_x": MULTIPLES_32, "block_size_y": POWERS_OF_TWO_32}),
    DefineCase("matmul", "matmul_kernel", "matmul.cu", (1024, 1024), _matmul,
               {"block_size_x": [16, 32, 64], "block_size_y": POWERS_OF_TWO_32,
                "tile_size_x": [1, 2, 4, 8], "tile_size_y": [1, 2, 4, 8]},
               grid_div_x=["block_size_x", "tile_size_x"], grid_div_y=["block_size_y", "tile_size_y"],
               restrictions=["block_size_x == block_size_y * tile_size_y"]),
    DefineCase("convolution", "convolution_kernel", "convolution.cu", (4096, 4096), _convolution,
               {"block_size_x": [16, 32, 64], "block_size_y": [2, 4, 8, 16],
                "tile_size_x": [1, 2], "tile_size_y": [1, 2, 4]},
               grid_div_x=["block_size_x", "tile_size_x"], grid_div_y=["block_size_y", "tile_size_y"]),
    DefineCase("spmv", "spmv_kernel", "spmv.cu", (128 * 1024, 1), _spmv,
               {"block_size_x": [32 * i for i in range(1, 17)], "read_only": [0, 1]},
               grid_div_x=["block_size_x/32"]),
    DefineCase("zeromean", "computeMeanVertically", "zeromean.cu", (3539, 1), _zeromean,
               {"block_size_x": MULTIPLES_32, "block_size_y": POWERS_OF_TWO_32},
               grid_div_x=["block_size_x"], grid_div_y=[]),
]
