"""The development suite: kernels × problem sizes, described the way Kernel Tuner takes them.

Each `Case` is one kernel at one problem size. `size_index` 0 is the first size measured
(run 1), 1 the second (run 2). Arguments are seeded random data (never zeros) in kernel
order; tune_params span the whole block-shape space: the 51 power-of-two 2-D shapes with
32 ≤ bx·by ≤ 1024, or the 32 1-D sizes 32, 64, …, 1024.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import numpy as np

KERNEL_DIR = Path(__file__).resolve().parent
ATTENTION_SOURCE = KERNEL_DIR.parent.parent / "flipflop" / "examples" / "attention.cu"

POWERS_OF_TWO = [2**k for k in range(11)]  # 1 … 1024
TUNE_1D = {"block_size_x": list(range(32, 1025, 32))}
TUNE_2D = {"block_size_x": POWERS_OF_TWO, "block_size_y": POWERS_OF_TWO}
RESTRICT_2D = ["32 <= block_size_x * block_size_y <= 1024"]

# Attention in the paper's setting: batch 4, 16 heads, head dim 256, fp32.
ATTENTION_BATCH = 4
ATTENTION_HEADS = 16
ATTENTION_HEAD_DIM = 256
ATTENTION_SEQ_FIRST = (512, 2048)
ATTENTION_SEQ_SECOND = (128, 256, 1024, 4096, 8192)

GridDiv = int | str | list | None


@dataclass(frozen=True)
class Case:
    """One kernel at one problem size, in Kernel Tuner's terms."""

    name: str
    kernel_name: str
    source_path: Path
    problem_size: tuple[int, ...]
    arguments: Callable[[], list] = field(repr=False)
    tune_params: dict[str, list]
    grid_div_x: GridDiv = None  # None: block_size_x (Kernel Tuner's default)
    grid_div_y: GridDiv = None  # None: block_size_y
    restrictions: list[str] = field(default_factory=list)
    family: str = ""
    size_index: int = 0
    # Kernel Tuner's smem_args: {"size": bytes as an int or an expression of the tune params}.
    smem_args: dict | None = None

    @property
    def source(self) -> str:
        return self.source_path.read_text()


def _rng(seed: int) -> np.random.Generator:
    return np.random.default_rng(seed)


def _floats(rng: np.random.Generator, count: int, low: float = -1.0, high: float = 1.0) -> np.ndarray:
    return rng.uniform(low, high, count).astype(np.float32)


def _vector_add(n: int) -> Callable[[], list]:
    def build() -> list:
        rng = _rng(1)
        return [_floats(rng, n), _floats(rng, n), _floats(rng, n), np.int32(n)]
    return build


def _saxpy(n: int) -> Callable[[], list]:
    def build() -> list:
        rng = _rng(2)
        return [_floats(rng, n), _floats(rng, n), np.float32(1.5), np.int32(n)]
    return build


def _saxpy_strided(rows: int, cols: int) -> Callable[[], list]:
    def build() -> list:
        rng = _rng(3)
        n = rows * cols
        return [_floats(rng, n), _floats(rng, n), np.float32(1.5), np.int32(rows), np.int32(cols)]
    return build


def _image_pair(width: int, height: int, seed: int) -> Callable[[], list]:
    """out (width*height), in (width*height), width, height."""
    def build() -> list:
        rng = _rng(seed)
        return [_floats(rng, width * height), _floats(rng, width * height), np.int32(width), np.int32(height)]
    return build


def _convolution(width: int, height: int) -> Callable[[], list]:
    def build() -> list:
        rng = _rng(6)
        padded = (width + 6) * (height + 6)
        return [_floats(rng, width * height), _floats(rng, padded), _floats(rng, 49, 0.0, 0.05),
                np.int32(width), np.int32(height)]
    return build


def _matmul(n: int) -> Callable[[], list]:
    def build() -> list:
        rng = _rng(7)
        return [_floats(rng, n * n), _floats(rng, n * n), _floats(rng, n * n), np.int32(n)]
    return build


def _reduction(n: int) -> Callable[[], list]:
    def build() -> list:
        rng = _rng(8)
        return [_floats(rng, 1), _floats(rng, n, 0.0, 1.0), np.int32(n)]
    return build


def _histogram(n: int) -> Callable[[], list]:
    def build() -> list:
        rng = _rng(9)
        # Skewed (roughly normal around bin 128) so some bins see heavy atomic contention.
        values = np.clip(rng.normal(128.0, 40.0, n), 0, 255).astype(np.uint32)
        return [rng.integers(1, 100, 256).astype(np.uint32), values, np.int32(n)]
    return build


def _elementwise_loop(n: int, iterations: int, seed: int) -> Callable[[], list]:
    def build() -> list:
        rng = _rng(seed)
        return [_floats(rng, n), _floats(rng, n, 0.1, 1.0), np.int32(n), np.int32(iterations)]
    return build


def _attention(seq_len: int) -> Callable[[], list]:
    def build() -> list:
        rng = _rng(12)
        count = ATTENTION_BATCH * ATTENTION_HEADS * seq_len * ATTENTION_HEAD_DIM
        return [_floats(rng, count), _floats(rng, count), _floats(rng, count), _floats(rng, count),
                np.int32(seq_len), np.float32(1.0 / np.sqrt(ATTENTION_HEAD_DIM))]
    return build


def _one_d(name, kernel_name, file, sizes, arguments, family, grid_div_x=None) -> list[Case]:
    return [
        Case(name=f"{name}@{label}", kernel_name=kernel_name, source_path=KERNEL_DIR / file,
             problem_size=(n,), arguments=arguments(*args), tune_params=TUNE_1D,
             grid_div_x=grid_div_x, family=family, size_index=index)
        for index, (label, n, args) in enumerate(sizes)
    ]


def _two_d(name, kernel_name, file, sizes, arguments, family) -> list[Case]:
    return [
        Case(name=f"{name}@{width}x{height}", kernel_name=kernel_name, source_path=KERNEL_DIR / file,
             problem_size=(width, height), arguments=arguments(width, height), tune_params=TUNE_2D,
             restrictions=RESTRICT_2D, family=family, size_index=index)
        for index, (width, height) in enumerate(sizes)
    ]


def _attention_cases() -> list[Case]:
    heads = ATTENTION_BATCH * ATTENTION_HEADS
    return [
        Case(name=f"attention@seq{seq}", kernel_name="attention", source_path=ATTENTION_SOURCE,
             problem_size=(seq, heads), arguments=_attention(seq), tune_params=TUNE_2D,
             grid_div_x=["block_size_y"], grid_div_y=[], restrictions=RESTRICT_2D,
             family="attention", size_index=0 if seq in ATTENTION_SEQ_FIRST else 1)
        for seq in ATTENTION_SEQ_FIRST + ATTENTION_SEQ_SECOND
    ]


def _build_cases() -> list[Case]:
    big, small = 1 << 25, 10_000_000
    cases = _attention_cases()
    cases += _two_d("matmul_naive", "matmul_naive", "matmul_naive.cu", [(2048, 2048), (1000, 1000)],
                    lambda w, h: _matmul(w), "matmul")
    cases += _two_d("matmul_tiled", "matmul_tiled", "matmul_tiled.cu", [(2048, 2048), (1000, 1000)],
                    lambda w, h: _matmul(w), "matmul")
    cases += _two_d("convolution", "convolution7x7", "convolution.cu", [(4096, 4096), (1000, 1000)],
                    _convolution, "convolution")
    cases += _two_d("stencil", "stencil5", "stencil.cu", [(8192, 8192), (3000, 5000)],
                    lambda w, h: _image_pair(w, h, 5), "stencil")
    cases += _two_d("transpose_naive", "transpose_naive", "transpose.cu", [(8192, 8192), (3000, 5000)],
                    lambda w, h: _image_pair(w, h, 4), "transpose")
    cases += _two_d("transpose_tiled", "transpose_tiled", "transpose.cu", [(8192, 8192), (3000, 5000)],
                    lambda w, h: _image_pair(w, h, 4), "transpose")
    cases += _one_d("vector_add", "vector_add", "vector_add.cu",
                    [(str(big), big, (big,)), (str(small), small, (small,))], _vector_add, "memory")
    cases += _one_d("saxpy", "saxpy", "saxpy.cu",
                    [(str(big), big, (big,)), (str(small), small, (small,))], _saxpy, "memory")
    cases += _one_d("saxpy_strided", "saxpy_strided", "saxpy.cu",
                    [("4096x8192", 4096 * 8192, (4096, 8192)), ("2500x4000", 2500 * 4000, (2500, 4000))],
                    _saxpy_strided, "memory")
    cases += _one_d("reduction", "reduce_sum", "reduction.cu",
                    [(str(1 << 26), 1 << 26, (1 << 26,)), (str(small), small, (small,))], _reduction,
                    "reduction", grid_div_x="block_size_x*4")
    cases += _one_d("histogram", "histogram256", "histogram.cu",
                    [(str(1 << 26), 1 << 26, (1 << 26,)), (str(small), small, (small,))], _histogram,
                    "atomics", grid_div_x="block_size_x*64")
    # Second sizes: one wave-sized problem (132 SMs × 1024 threads × 2) to show tail effects.
    wave = 132 * 1024 * 2
    cases += _one_d("transcendental", "transcendental", "transcendental.cu",
                    [(str(1 << 22), 1 << 22, (1 << 22, 32, 10)), (str(wave), wave, (wave, 256, 10))],
                    _elementwise_loop, "sfu")
    cases += _one_d("fma_chain", "fma_chain", "fma_chain.cu",
                    [(str(1 << 22), 1 << 22, (1 << 22, 256, 11)), (str(wave), wave, (wave, 2048, 11))],
                    _elementwise_loop, "compute")
    return cases


CASES: list[Case] = _build_cases()


def case_by_name(name: str) -> Case:
    """The case called `name` (e.g. "vector_add@33554432")."""
    for case in CASES:
        if case.name == name:
            return case
    raise KeyError(f"no case {name!r}; known: {', '.join(c.name for c in CASES)}")


def configurations(case: Case) -> list[dict]:
    """Every tune-parameter combination of `case` that its restrictions allow."""
    names = list(case.tune_params)
    combos: list[dict] = [{}]
    for name in names:
        combos = [dict(combo, **{name: value}) for combo in combos for value in case.tune_params[name]]
    return [params for params in combos
            if all(eval(rule, {"__builtins__": {}}, dict(params)) for rule in case.restrictions)]  # noqa: S307
