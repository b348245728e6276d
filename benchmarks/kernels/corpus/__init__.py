"""The third-party corpus (issue 10): kernels nobody on the team wrote, bodies verbatim from
HeCBench (zjin-lcf/HeCBench, BSD-3-Clause unless the benchmark's folder says otherwise),
NVIDIA's cuda-samples (BSD-3-Clause) and Rodinia (its own BSD-style licence), each launched with
its own program's launch geometry and tuned over the block sizes the program allows.

One `CorpusKernel` per kernel: the measured `case` (full size), a `small` twin of the same
kernel for the reference check, and `reference`, which computes on the CPU (numpy) what the
kernel must write, from the small case's arguments. The device script checks every kernel
against its reference before measuring it, and measures only those that pass.

The split into a development two-thirds and a held-out third (`corpus_split`) is fixed by a
hash of each kernel's name, decided before any data was measured, never by results.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from benchmarks.kernels.suite import Case

SOURCES = ("hecbench", "cuda-samples", "rodinia")


@dataclass(frozen=True)
class CorpusKernel:
    """One third-party kernel: what is measured, what is checked, and where it came from."""

    case: Case                       # full size; family "corpus"; name "<source>/<kernel>@<size>"
    small: Case                      # the same kernel and tune space on tiny data
    # small.arguments() (numpy, kernel order) → {argument index: expected contents after one
    # launch}; the check launches the small case at every `check_configs` config on fresh
    # copies of those arguments and compares each output with np.allclose(rtol, atol).
    reference: Callable[[list], dict[int, np.ndarray]] = field(repr=False)
    source: str                      # one of SOURCES
    origin: str                      # upstream repository, path and licence
    idioms: tuple[str, ...] = ()     # e.g. ("warpSize", "float4", "__ldg", "grid-stride", ...)
    rtol: float = 1e-4
    atol: float = 1e-5
    # Outputs accumulated with atomics across blocks in unspecified order, or written only
    # partly (e.g. one value per block), may need their own comparison; None: allclose.
    compare: Callable[[dict[int, np.ndarray], dict[int, np.ndarray]], str | None] | None = field(
        default=None, repr=False)


def corpus_split(name: str) -> str:
    """'dev' or 'heldout' for a kernel name: a fixed hash, a third held out."""
    digest = int(hashlib.sha256(name.encode()).hexdigest(), 16)
    return "heldout" if digest % 3 == 0 else "dev"
