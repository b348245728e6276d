"""Warp-level memory facts from per-thread addresses: coalescing, bank conflicts, footprints.

Inputs are byte addresses laid out as ``(warps, 32)`` arrays with an ``active`` mask of the
same shape (threads that execute the access). Warps are formed from a block's threads
x-fastest, then y, then z, 32 at a time (the hardware's order).

Global/local coalescing: a warp request touches the distinct 32-byte sectors (and
128-byte lines) covered by its active threads' bytes ``[a, a + width)``.
Shared memory: 32 banks of 4 bytes. A request is split into phases: 4-byte (and smaller)
accesses are one phase of 32 threads, 8-byte accesses two phases of 16 threads (half
warps), 16-byte accesses four phases of 8 threads. A phase takes as many wavefronts as the
largest number of *distinct* 4-byte words any bank must deliver (threads reading the same
word are served by one broadcast). The conflict degree is wavefronts ÷ phases: 1 means
conflict-free at any width, 32 fully serialised.
"""
from __future__ import annotations

import numpy as np

SECTOR_BYTES = 32
LINE_BYTES = 128
BANKS = 32
BANK_WORD_BYTES = 4
WARP_SIZE = 32
# Expected largest bank load when 32 threads hit random words (balls into 32 bins): used
# for shared addresses that depend on loaded data.
RANDOM_BANK_DEGREE = 3.5


def _fill_inactive(values: np.ndarray, active: np.ndarray) -> np.ndarray:
    """Inactive lanes copy the first active lane's value, so they add nothing distinct."""
    first = np.argmax(active, axis=1)
    fill = values[np.arange(values.shape[0]), first]
    return np.where(active, values, fill[:, None])


def _distinct_per_row(values: np.ndarray) -> np.ndarray:
    ordered = np.sort(values, axis=1)
    return 1 + np.count_nonzero(np.diff(ordered, axis=1), axis=1)


def units_per_request(addresses: np.ndarray, active: np.ndarray, width_bytes: int,
                      unit_bytes: int) -> np.ndarray:
    """Distinct ``unit_bytes``-sized segments each warp touches (0 for idle warps)."""
    live = active.any(axis=1)
    first = addresses // unit_bytes
    last = (addresses + max(width_bytes, 1) - 1) // unit_bytes
    spans = int(np.max(last - first)) + 1 if addresses.size else 1
    pieces = [_fill_inactive(first + k, active & (first + k <= last)) for k in range(min(spans, 4))]
    counts = _distinct_per_row(np.concatenate(pieces, axis=1))
    return np.where(live, counts, 0)


def new_units_per_request(addresses: np.ndarray, active: np.ndarray, width_bytes: int,
                          unit_bytes: int) -> np.ndarray:
    """Units each access touches that no earlier access of the list touched, per warp.

    ``addresses`` and ``active`` are (accesses, warps, 32): accesses issued one after the
    other by the same warps (an unrolled loop's copies of a load). Returns (accesses, warps):
    for access k, the distinct units of its request not already in accesses 0..k-1's."""
    count, warps, lanes = addresses.shape
    first = addresses // unit_bytes
    last = (addresses + max(width_bytes, 1) - 1) // unit_bytes
    spans = min(int(np.max(last - first)) + 1 if addresses.size else 1, 4)
    units = np.concatenate([first + k for k in range(spans)], axis=2)
    valid = np.concatenate([active & (first + k <= last) for k in range(spans)], axis=2)
    per_access = units.shape[2]
    rows = units.transpose(1, 0, 2).reshape(warps, count * per_access)
    ok = valid.transpose(1, 0, 2).reshape(warps, count * per_access)
    # Idle lanes get distinct negative values, so they neither count nor claim a unit.
    rows = np.where(ok, rows, -1 - np.arange(count * per_access, dtype=np.int64)[None, :])
    # A stable sort keeps earlier accesses first among equal units: the first of a run owns it.
    order = np.argsort(rows, axis=1, kind="stable")
    ordered = np.take_along_axis(rows, order, axis=1)
    owner = np.ones(ordered.shape, dtype=bool)
    owner[:, 1:] = ordered[:, 1:] != ordered[:, :-1]
    owner &= np.take_along_axis(ok, order, axis=1)
    access_of = order // per_access
    bins = access_of * warps + np.arange(warps)[:, None]
    return np.bincount(bins[owner], minlength=count * warps).reshape(count, warps).astype(float)


def bank_conflict_degree(addresses: np.ndarray, active: np.ndarray, width_bytes: int,
                         broadcast: bool = True) -> np.ndarray:
    """Wavefronts per phase for each warp (1 = conflict-free); 0 for idle warps.

    ``broadcast=False`` (atomics): threads on the same word serialise too."""
    live = active.any(axis=1)
    words_per_thread = max(1, width_bytes // BANK_WORD_BYTES)
    phases = words_per_thread  # 1, 2 or 4 phases for 4-, 8- and 16-byte accesses
    threads_per_phase = WARP_SIZE // phases
    warps = addresses.shape[0]
    base_words = addresses // BANK_WORD_BYTES
    words = np.concatenate([base_words[:, :, None] + k for k in range(words_per_thread)], axis=2)
    lanes = np.repeat(active[:, :, None], words_per_thread, axis=2)
    # (warps, phases, threads_per_phase × words_per_thread)
    words = words.reshape(warps, phases, threads_per_phase * words_per_thread)
    lanes = lanes.reshape(warps, phases, threads_per_phase * words_per_thread)
    flat_words = words.reshape(warps * phases, -1)
    flat_lanes = lanes.reshape(warps * phases, -1)
    phase_live = flat_lanes.any(axis=1)
    filled = _fill_inactive(flat_words, flat_lanes)
    ordered = np.sort(filled, axis=1)
    distinct = np.ones_like(ordered, dtype=bool)
    if broadcast:
        distinct[:, 1:] = np.diff(ordered, axis=1) != 0
    else:
        distinct = np.take_along_axis(flat_lanes, np.argsort(filled, axis=1), axis=1)
    banks = ordered % BANKS
    rows = np.repeat(np.arange(ordered.shape[0]), ordered.shape[1]).reshape(ordered.shape)
    keys = (rows * BANKS + banks)[distinct]
    load = np.bincount(keys, minlength=ordered.shape[0] * BANKS).reshape(-1, BANKS)
    wavefronts = np.where(phase_live, load.max(axis=1), 0).reshape(warps, phases)
    live_phases = phase_live.reshape(warps, phases).sum(axis=1)
    degree = wavefronts.sum(axis=1) / np.maximum(live_phases, 1)
    return np.where(live, degree, 0.0)


def distinct_units(addresses: np.ndarray, active: np.ndarray, unit_bytes: int) -> int:
    """Distinct ``unit_bytes`` segments over all active threads (a block's footprint)."""
    values = addresses[active] // unit_bytes
    return int(np.unique(values).size)
