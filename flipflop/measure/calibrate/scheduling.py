"""Micro-benchmarks for three costs the model charges that no throughput table holds:
the block scheduler's dispatch cost per block, the serialisation of global atomics on one
address (float and integer), their cost spread over a histogram's bins and over merged per-block
counts, and the L2 cost of sectors written only in part. Times only (CUDA events); no
power. Read-only: nothing on the GPU is set. `flipflop calibrate` runs them (raw["scheduling"]);
alone:

    python -m flipflop.measure.calibrate.scheduling --out scheduling_raw.json
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path
from typing import Any, Callable

CUDA_SOURCE = r"""
extern "C" __global__ void empty_block(int *out) {
    if (out == nullptr) out[threadIdx.x] = 1;  // never true: keeps the kernel from being elided
}
// One atomic per warp, all on one address: the L2 atomic unit serialises them. Floating-point
// and integer adds are timed apart: ptxas folds a warp's integer atomics on one address into one
// (VOTEU + REDUX), never float ones, and L2 serves the two at different rates.
extern "C" __global__ void same_address_atomic(float *out, int n) {
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if ((threadIdx.x & 31) == 0 && i < n) atomicAdd(out, 1.0f);
}
extern "C" __global__ void same_address_atomic_int(unsigned *out, int n) {
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if ((threadIdx.x & 31) == 0 && i < n) atomicAdd(out, 1u);
}
// A histogram of random keys: atomics at data-dependent addresses, spread over `bins` words.
extern "C" __global__ void histogram(unsigned *bins, const unsigned *keys, int n) {
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i < n) atomicAdd(&bins[keys[i]], 1u);
}
// Per-block counts merged into one array: `rounds` merges, each adding 1 to every one of `nbins`
// counters, the lanes of a warp to consecutive ones (one line a warp); blocks take turns.
extern "C" __global__ void merge(unsigned *bins, int nbins, int rounds) {
    for (int r = blockIdx.x; r < rounds; r += gridDim.x)
        for (int j = threadIdx.x; j < nbins; j += blockDim.x) atomicAdd(&bins[j], 1u);
}
// Each lane touches its own 32-byte sector (a stride of 8 floats): 4 of the 32 bytes.
extern "C" __global__ void strided_store(float *out, int n) {
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i < n) out[(size_t)i * 8] = (float)i;
}
extern "C" __global__ void strided_load(const float *in, float *out, int n) {
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i < n) {
        float v = in[(size_t)i * 8];
        if (v == -12345.0f) out[i] = v;
    }
}
"""
SM_BLOCKS_PER_SM = 4096     # empty blocks per SM: dispatch dominates
ATOMIC_WARPS = 1 << 18
HISTOGRAM_KEYS = 1 << 24
# spans of 8 B to 4 MB within L2, then 64 MB and 256 MB beyond it: each atomic then fetches its sector
# from DRAM (HeCBench linearprobing's inserts into a 512 MB table ran 5.5x the L2 rate's time, run 39)
HISTOGRAM_BINS = (2, 8, 32, 128, 1024, 4096, 16384, 65536, 1 << 20, 1 << 24, 1 << 26)
MERGE_OPS = 1 << 25
MERGE_BINS = (32, 256, 768, 2048, 8192, 65536)  # spans of 128 B to 256 KB
STRIDED_THREADS = 1 << 22   # 4 Mi sectors = 128 MiB, beyond L2
REPEATS = 20


def event_median_ms(cp: Any, launch: Callable[[], None], launches: int = REPEATS,
                    before: Callable[[], None] | None = None) -> float:
    """Median CUDA-event time (ms) of ``launches`` launches after one warm-up, each awaited
    before the next; ``before`` enqueues work ahead of every timed launch (an L2 flush, a
    blocker kernel) outside its events."""
    launch()
    cp.cuda.runtime.deviceSynchronize()
    times = []
    for _ in range(launches):
        if before is not None:
            before()
        start, stop = cp.cuda.Event(), cp.cuda.Event()
        start.record()
        launch()
        stop.record()
        stop.synchronize()
        times.append(cp.cuda.get_elapsed_time(start, stop))
    return statistics.median(times)


def measure_scheduling() -> dict[str, Any]:
    """Measure the three costs on the current GPU; the raw numbers and the derived figures."""
    import cupy as cp  # the device side of calibration needs CuPy
    import numpy as np

    module = cp.RawModule(code=CUDA_SOURCE, options=("-std=c++17",))
    sms = cp.cuda.Device().attributes["MultiProcessorCount"]
    raw: dict[str, Any] = {"sm_count": sms, "date": time.strftime("%Y-%m-%d %H:%M:%S"),
                           "command": " ".join(sys.argv)}

    empty = module.get_function("empty_block")
    blocks = sms * SM_BLOCKS_PER_SM
    dummy = cp.zeros(1024, cp.int32)
    dispatch = {}
    for threads in (32, 256, 1024):
        dispatch[threads] = event_median_ms(cp, lambda t=threads: empty((blocks,), (t,), (dummy,)))
    raw["empty_blocks"] = {"blocks": blocks, "time_ms_by_threads": dispatch}
    raw["block_launch_ns"] = dispatch[32] * 1e6 / SM_BLOCKS_PER_SM

    atomic = module.get_function("same_address_atomic")
    target = cp.zeros(1, cp.float32)
    n = ATOMIC_WARPS * 32
    ms = event_median_ms(cp, lambda: atomic((n // 256,), (256,), (target, np.int32(n))))
    raw["same_address_atomics"] = {"atomics": ATOMIC_WARPS, "time_ms": ms}
    raw["atomic_same_address_ns"] = ms * 1e6 / ATOMIC_WARPS
    atomic_int = module.get_function("same_address_atomic_int")
    target_int = cp.zeros(1, cp.uint32)
    ms = event_median_ms(cp, lambda: atomic_int((n // 256,), (256,), (target_int, np.int32(n))))
    raw["same_address_atomics_int"] = {"atomics": ATOMIC_WARPS, "time_ms": ms}
    raw["atomic_same_address_int_ns"] = ms * 1e6 / ATOMIC_WARPS

    histogram = module.get_function("histogram")
    spread = {}
    for count in HISTOGRAM_BINS:
        bins = cp.zeros(count, cp.uint32)
        keys = cp.asarray(np.random.default_rng(count).integers(0, count, HISTOGRAM_KEYS, dtype=np.uint32))
        ms = event_median_ms(cp, lambda: histogram((HISTOGRAM_KEYS // 256,), (256,), (bins, keys, np.int32(HISTOGRAM_KEYS))))
        spread[str(count * 4)] = ms * 1e6 / HISTOGRAM_KEYS
    raw["atomic_scattered_ns_by_span"] = spread
    merge = module.get_function("merge")
    coalesced = {}
    for count in MERGE_BINS:
        bins, rounds = cp.zeros(count, cp.uint32), MERGE_OPS // count
        ms = event_median_ms(cp, lambda: merge((min(rounds, sms * 8),), (256,), (bins, np.int32(count), np.int32(rounds))))
        coalesced[str(count * 4)] = ms * 1e6 / MERGE_OPS
    raw["atomic_coalesced_ns_by_span"] = coalesced

    buffer = cp.ones(STRIDED_THREADS * 8, cp.float32)
    sink = cp.zeros(STRIDED_THREADS, cp.float32)
    grid = (STRIDED_THREADS // 256,)
    store, load = module.get_function("strided_store"), module.get_function("strided_load")
    count = np.int32(STRIDED_THREADS)
    store_ms = event_median_ms(cp, lambda: store(grid, (256,), (buffer, count)))
    load_ms = event_median_ms(cp, lambda: load(grid, (256,), (buffer, sink, count)))
    raw["partial_sectors"] = {"sectors": STRIDED_THREADS, "store_ms": store_ms, "load_ms": load_ms}
    raw["l2_partial_write_factor"] = store_ms / load_ms
    return raw


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="block dispatch, same-address atomic and partial-write costs")
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    raw = measure_scheduling()
    args.out.write_text(json.dumps(raw, indent=1))
    print(json.dumps({k: raw[k] for k in ("block_launch_ns", "atomic_same_address_ns", "atomic_same_address_int_ns", "l2_partial_write_factor")}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
