"""A weighted sample of a launch's threads, and the symbol environment to evaluate over it.

Per grid dimension the sample takes the first block, the last block (weights 1) and up to
``MIDDLE_SAMPLES`` interior blocks standing for the n − 2 others (1-D grids add geometric
samples near the start, see ``_dimension_sample``): interior blocks behave alike
for boundary guards such as ``if (i < n)`` and only the last block is partial, so guard
fractions over the grid come out exact for the usual 1-D/2-D/3-D indexing, while the spread of
interior blocks follows position-dependent trip counts (grid-stride loops). Every sampled block is taken
whole, padded to a multiple of 32 threads (padding lanes have weight 0) so that the thread
array reshapes into warps.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np

from flipflop.analysis.memory import WARP_SIZE


@dataclass(frozen=True)
class LaunchSample:
    block: tuple[int, int, int]
    grid: tuple[int, int, int]
    tid: tuple[np.ndarray, np.ndarray, np.ndarray]
    ctaid: tuple[np.ndarray, np.ndarray, np.ndarray]
    lane: np.ndarray
    warp: np.ndarray
    weight: np.ndarray  # threads of the grid each sampled thread stands for (0 = padding)
    padded_threads: int  # threads per sampled block, rounded up to whole warps
    counts: tuple[int, int, int]  # sampled blocks per grid dimension (x fastest in the arrays)

    @property
    def size(self) -> int:
        return self.weight.shape[0]

    def symbols(self) -> dict[str, object]:
        return {
            "tid.x": self.tid[0], "tid.y": self.tid[1], "tid.z": self.tid[2],
            "ctaid.x": self.ctaid[0], "ctaid.y": self.ctaid[1], "ctaid.z": self.ctaid[2],
            "ntid.x": self.block[0], "ntid.y": self.block[1], "ntid.z": self.block[2],
            "nctaid.x": self.grid[0], "nctaid.y": self.grid[1], "nctaid.z": self.grid[2],
            "laneid": self.lane, "warpid": self.warp,
        }


# Interior blocks sampled per grid dimension, by the number of dimensions the grid spans.
MIDDLE_SAMPLES = {1: 8, 2: 2, 3: 1}
# A 1-D grid also samples blocks 4, 16, 64, ... in the share of block 1 (see _dimension_sample).
GEOMETRIC_RATIO = 4


def _dimension_sample(n: int, middles: int, geometric: bool = False) -> tuple[list[int], list[float]]:
    """Sampled block indices along one grid dimension of n blocks, and the blocks each stands for.

    The first and last blocks stand for themselves. With one interior sample, the middle block
    stands for the n − 2 others (a guard that skips a boundary layer, `k >= 4 && k < n − 4`, is
    judged where it holds); with two, the middles of two halves (a fixed 16 x 16 grid striding
    over an image half as wide as its threads, HeCBench histogram's, has its first 8 columns of
    blocks at work); with more, evenly spaced blocks from 1 to n − 2 share them equally (a linear
    trend, a grid-stride loop's trip count, averages out exactly, and the spacing rarely aliases
    with a periodic structure such as lavaMD's 12 boxes a row). ``geometric`` (1-D grids) splits
    the share of block 1 at blocks 4, 16, 64, ... below the next sample, each standing for the
    blocks nearer to it than to its neighbours: a fixed grid far larger than the work (`if (i <
    n)` true for its first few blocks only) then counts its active blocks to within about 2x.
    """
    if n <= middles + 2:
        return list(range(n)), [1.0] * n
    if middles <= 2:
        size = (n - 2) / middles
        points = [1 + int(size * (j + 0.5)) for j in range(middles)]
        return [0, *points, n - 1], [1.0, *([size] * middles), 1.0]
    points = np.unique(np.linspace(1, n - 2, middles).round().astype(int)).tolist()
    share = (n - 2) / len(points)
    weights = [share] * len(points)
    near = [1]
    while geometric and near[-1] * GEOMETRIC_RATIO < min(1 + share, points[1]):
        near.append(near[-1] * GEOMETRIC_RATIO)
    if len(near) > 1:
        edges = [1.0, *((a + b) / 2 for a, b in zip(near, near[1:])), 1.0 + share]
        points = near + points[1:]
        weights = [b - a for a, b in zip(edges, edges[1:])] + weights[1:]
    return [0, *points, n - 1], [1.0, *weights, 1.0]


@functools.lru_cache(maxsize=1024)
def sample_launch(block: tuple[int, int, int], grid: tuple[int, int, int]) -> LaunchSample:
    """The weighted thread sample of a launch (see the module docstring); cached, so its
    arrays are shared and must not be written."""
    bx, by, bz = block
    threads = bx * by * bz
    padded = -(-threads // WARP_SIZE) * WARP_SIZE
    linear = np.arange(padded, dtype=np.int64)
    real = linear < threads
    tx, ty, tz = linear % bx, (linear // bx) % by, linear // (bx * by)
    dims = max(1, sum(1 for n in grid if n > 1))
    samples = [_dimension_sample(n, MIDDLE_SAMPLES[dims], geometric=dims == 1) for n in grid]
    cx, cy, cz, w = [], [], [], []
    for z, wz in zip(*samples[2]):
        for y, wy in zip(*samples[1]):
            for x, wx in zip(*samples[0]):
                cx.append(x)
                cy.append(y)
                cz.append(z)
                w.append(wx * wy * wz)
    count = len(w)
    rep = lambda values: np.repeat(np.asarray(values, dtype=np.int64), padded)  # noqa: E731
    weight = np.repeat(np.asarray(w), padded) * np.tile(real, count)
    return LaunchSample(
        block, grid,
        (np.tile(tx, count), np.tile(ty, count), np.tile(tz, count)),
        (rep(cx), rep(cy), rep(cz)),
        np.tile(linear % WARP_SIZE, count), np.tile(linear // WARP_SIZE, count),
        weight, padded, tuple(len(s[0]) for s in samples))  # type: ignore[arg-type]


def restrict(sample: LaunchSample, blocks: list[tuple[int, float]]) -> tuple[LaunchSample, np.ndarray]:
    """The sub-sample of the given sampled blocks, re-weighted, and the thread indices kept."""
    per_block = sample.padded_threads
    index = np.concatenate([np.arange(b * per_block, (b + 1) * per_block) for b, _ in blocks])
    weight = np.repeat([w for _, w in blocks], per_block) * (sample.weight[index] > 0)
    sub = LaunchSample(sample.block, sample.grid, tuple(t[index] for t in sample.tid),  # type: ignore[arg-type]
                       tuple(c[index] for c in sample.ctaid),  # type: ignore[arg-type]
                       sample.lane[index], sample.warp[index], weight, per_block, sample.counts)
    return sub, index


def memory_blocks(sample: LaunchSample) -> list[tuple[int, float]]:
    """Sampled blocks (position, weight) that stand for the launch in address analyses: per
    dimension one interior block standing for all but the last, and the last (boundary)."""
    per_dim = []
    for n, count in zip(sample.grid, sample.counts):
        if count == 1:
            per_dim.append([(0, 1.0)])
        else:
            per_dim.append([(1 if count >= 3 else 0, float(n - 1)), (count - 1, 1.0)])
    chosen = []
    for iz, wz in per_dim[2]:
        for iy, wy in per_dim[1]:
            for ix, wx in per_dim[0]:
                position = (iz * sample.counts[1] + iy) * sample.counts[0] + ix
                chosen.append((position, wx * wy * wz))
    return chosen


def block_window(block: tuple[int, int, int], grid: tuple[int, int, int], first: int, count: int) -> LaunchSample:
    """Every thread of ``count`` blocks in a row in launch order (x fastest), from linear block index
    ``first``: what the blocks resident around one block touch (weights 1, no padding lanes)."""
    bx, by, bz = block
    threads = bx * by * bz
    linear = np.arange(threads, dtype=np.int64)
    ids = np.repeat(np.arange(first, first + count, dtype=np.int64), threads)
    gx, gy = grid[0], grid[1]
    return LaunchSample(
        block, grid,
        (np.tile(linear % bx, count), np.tile((linear // bx) % by, count), np.tile(linear // (bx * by), count)),
        (ids % gx, (ids // gx) % gy, ids // (gx * gy)),
        np.tile(linear % WARP_SIZE, count), np.tile(linear // WARP_SIZE, count),
        np.ones(ids.size), threads, (count, 1, 1))
