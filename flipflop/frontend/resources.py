"""Per-kernel hardware resources, as ptxas reports them (or as estimated without ptxas)."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Resources:
    """What one compiled kernel needs per thread and per block.

    ``estimated`` is True when ptxas could not run and the figures were derived from the
    PTX register declarations and variables (see ``flipflop.frontend.ptxas``).
    """

    registers: int          # per thread
    shared_bytes: int       # static shared memory per block
    local_bytes: int        # stack frame per thread
    spill_bytes: int        # spill stores + loads per thread
    const_bytes: int
    estimated: bool
    ptxas_version: str | None = None
