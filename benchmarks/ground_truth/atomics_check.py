"""Same-address atomics under a data-dependent guard, measured against flipflop's prediction.

cuda-samples' warpAggregatedAtomicsCG `filter_arr` (A: cg::coalesced_threads aggregation, as in the
sample), the same filter with a plain per-thread atomicAdd (B) and with hand aggregation through
__activemask/__popc (C), the filter without its counter (D: dst[i] = src[i]), and a guarded count
(E: if (x[i] > 0) atomicAdd(count, 1)), over 64 M ints of which about half are positive. Each kernel
and block size: time = median of 7 launches after a warm-up (CUDA events, the counter reset before
each); the prediction is flipflop.predict with the profile of the GPU it ran on. Read-only on the GPU.

    python benchmarks/ground_truth/atomics_check.py --out DIR [--no-predict]   → DIR/atomics_<gpu>.json, a table
    python benchmarks/ground_truth/atomics_check.py --predict DIR/atomics_<gpu>.json   (predictions added on the CPU)
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import flipflop  # noqa: E402
from benchmarks.ground_truth.collect import run_metadata  # noqa: E402
from flipflop.measure.calibrate.scheduling import event_median_ms  # noqa: E402

SOURCE = r'''
#include <cooperative_groups.h>
namespace cg = cooperative_groups;
__device__ int atomicAggInc(int *counter) {
  cg::coalesced_group active = cg::coalesced_threads();
  int res = 0;
  if (active.thread_rank() == 0) res = atomicAdd(counter, active.size());
  res = active.shfl(res, 0);
  return res + active.thread_rank();
}
extern "C" __global__ void A(int *dst, int *nres, const int *src, int n) {
  int id = threadIdx.x + blockIdx.x * blockDim.x;
  for (int i = id; i < n; i += gridDim.x * blockDim.x) if (src[i] > 0) dst[atomicAggInc(nres)] = src[i];
}
extern "C" __global__ void B(int *dst, int *nres, const int *src, int n) {
  int id = threadIdx.x + blockIdx.x * blockDim.x;
  for (int i = id; i < n; i += gridDim.x * blockDim.x) if (src[i] > 0) dst[atomicAdd(nres, 1)] = src[i];
}
extern "C" __global__ void C(int *dst, int *nres, const int *src, int n) {
  int id = threadIdx.x + blockIdx.x * blockDim.x;
  for (int i = id; i < n; i += gridDim.x * blockDim.x) if (src[i] > 0) {
    unsigned m = __activemask(); int lane = threadIdx.x & 31; int leader = __ffs(m) - 1; int res = 0;
    if (lane == leader) res = atomicAdd(nres, __popc(m));
    res = __shfl_sync(m, res, leader);
    dst[res + __popc(m & ((1u << lane) - 1))] = src[i];
  }
}
extern "C" __global__ void D(int *dst, int *nres, const int *src, int n) {
  int id = threadIdx.x + blockIdx.x * blockDim.x;
  for (int i = id; i < n; i += gridDim.x * blockDim.x) if (src[i] > 0) dst[i] = src[i];
}
extern "C" __global__ void E(int *dst, int *count, const int *src, int n) {
  int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i < n && src[i] > 0) atomicAdd(count, 1);
}
'''
N = 1 << 26
BLOCKS = (128, 256, 1024)
PROFILES = {"H100": "h100-sxm", "H200": "h200-sxm"}


def _input() -> np.ndarray:
    """The filters' input: N ints in [-100, 100), about half positive."""
    return np.random.default_rng(1).integers(-100, 100, N, dtype=np.int32)


def predict(name: str, gpu: str, src: np.ndarray) -> dict[int, dict]:
    """flipflop's predictions of one kernel at BLOCKS, by block size."""
    arguments = [np.zeros(N, np.int32), np.zeros(1, np.int32), src, np.int32(N)]
    return {r["block_size_x"]: r for r in flipflop.predict(
        name, SOURCE, N, arguments, {"block_size_x": list(BLOCKS)}, gpu=gpu, compiler_options=["-std=c++17"])}


def add_predictions(path: Path) -> None:
    """Predictions for a measured file (on any machine: predicting needs no GPU); prints the table."""
    data = json.loads(path.read_text())
    src = _input()
    gpu = next(p for name, p in PROFILES.items() if name in data["meta"]["gpu"])
    for name in "ABCDE":
        predicted = predict(name, gpu, src)
        for row in data["rows"]:
            if row["kernel"] == name:
                p = predicted[row["block"]]
                row.update(predicted_time_ms=p["time"], predicted_bound=p["bound"], profile=gpu)
                print(f"{name} {row['block']:5d}  measured {row['measured_time_ms']:8.3f} ms  predicted "
                      f"{p['time']:8.3f} ms  ({p['bound']})")
    path.write_text(json.dumps(data, indent=1))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    what = parser.add_mutually_exclusive_group(required=True)
    what.add_argument("--out", type=Path, help="measure on this machine's GPU into this folder")
    what.add_argument("--predict", type=Path, help="add predictions to a measured file (no GPU needed)")
    parser.add_argument("--no-predict", action="store_true", help="measure only (predict later with --predict)")
    args = parser.parse_args(argv)
    if args.predict:
        add_predictions(args.predict)
        return 0
    import cupy

    meta = run_metadata(sys.argv)
    src = _input()
    module = cupy.RawModule(code=SOURCE, options=("-std=c++17",))
    d_src, d_dst, d_count = cupy.asarray(src), cupy.zeros(N, np.int32), cupy.zeros(1, np.int32)
    rows = []
    for name in "ABCDE":
        kernel = module.get_function(name)
        for block in BLOCKS:
            grid = (N + block - 1) // block
            ms = event_median_ms(cupy, lambda: kernel((grid,), (block,), (d_dst, d_count, d_src, np.int32(N))), 7,
                                 before=lambda: d_count.fill(0))
            rows.append({"kernel": name, "block": block, "grid": grid, "measured_time_ms": ms,
                         "count": int(d_count.get()[0])})
            print(f"{name} {block:5d}  measured {rows[-1]['measured_time_ms']:8.3f} ms", flush=True)
    args.out.mkdir(parents=True, exist_ok=True)
    path = args.out / f"atomics_{meta['gpu'].replace('NVIDIA ', '').split()[0].lower()}.json"
    path.write_text(json.dumps({"meta": meta, "n": N, "rows": rows}, indent=1))
    if not args.no_predict and any(name in meta["gpu"] for name in PROFILES):
        add_predictions(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
