"""Same-address atomics by operation and type: what one warp's atomic on a shared address costs.

The calibration times one float atomicAdd per warp on one address (1.80 ns on the H200, 1.82 on
the H100), while a guarded int count measured 0.8 ns a warp (run 29). This probe times the
variants side by side to find out what the cost depends on: the element type (u32, f32, u64,
f64), whether the result is used (ATOM) or not (RED), every lane naming the address versus one
lane per warp, and the operation (add, max, exch). Each kernel: 2^21 warps, 256-thread blocks, one
atomic per warp (or per lane), median of 15 CUDA-event launches after a warm-up. Then histograms:
2^24 uniformly random keys into 1 to 2^26 bins, `stride` elements apart (integer and float adds, an
address the analysis cannot follow): how the cost spreads over addresses, lines and the span of
memory they cover. Then merges: every block adds 1 to each of `bins` counters, a warp to one line
(per-block histograms merged into a global one), 2^25 additions over 32 to 65,536 bins, 1,056 blocks
taking turns. Read-only.

    python benchmarks/ground_truth/atomics_probe.py --out DIR   → DIR/atomics_probe_<gpu>.json, a table
    python benchmarks/ground_truth/atomics_probe.py --predict FILE   (flipflop's predictions added, on the CPU)
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from benchmarks.ground_truth.collect import run_metadata  # noqa: E402
from flipflop.measure.calibrate.scheduling import event_median_ms  # noqa: E402

# name: (element type, statement run by the lanes that take part; `t` is the target, `o` an output
# the result is written to only when it is impossible, so that the compiler keeps ATOM)
VARIANTS: dict[str, tuple[str, str, str]] = {
    "red_add_f32_warp": ("float", "lane0", "atomicAdd(t, 1.0f);"),
    "red_add_u32_warp": ("unsigned", "lane0", "atomicAdd(t, 1u);"),
    "red_add_u64_warp": ("unsigned long long", "lane0", "atomicAdd(t, 1ull);"),
    "red_add_f64_warp": ("double", "lane0", "atomicAdd(t, 1.0);"),
    "atom_add_u32_warp": ("unsigned", "lane0", "unsigned r = atomicAdd(t, 1u); if (r == 0xffffffffu) o[0] = r;"),
    "atom_add_f32_warp": ("float", "lane0", "float r = atomicAdd(t, 1.0f); if (r < 0.0f) o[0] = r;"),
    "red_max_u32_warp": ("unsigned", "lane0", "atomicMax(t, (unsigned)i);"),
    "atom_exch_u32_warp": ("unsigned", "lane0", "unsigned r = atomicExch(t, (unsigned)i); if (r == 0xffffffffu) o[0] = r;"),
    "red_add_u32_lanes": ("unsigned", "all", "atomicAdd(t, 1u);"),
    "red_add_f32_lanes": ("float", "all", "atomicAdd(t, 1.0f);"),
    "red_add_u32_lanes_var": ("unsigned", "all", "atomicAdd(t, (unsigned)(i & 7));"),
    "red_add_f32_lanes_var": ("float", "all", "atomicAdd(t, (float)(i & 7));"),
}
WARPS = 1 << 21
BLOCK = 256
LAUNCHES = 15
HIST_SOURCE = r"""
extern "C" __global__ void hist_unsigned(unsigned *bins, const unsigned *keys, int n) {
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i < n) atomicAdd(&bins[keys[i]], 1u);
}
extern "C" __global__ void hist_float(float *bins, const unsigned *keys, int n) {
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i < n) atomicAdd(&bins[keys[i]], 1.0f);
}
"""
MERGE_SOURCE = r"""
extern "C" __global__ void merge_unsigned(unsigned *bins, int nbins, int rounds) {
    for (int r = blockIdx.x; r < rounds; r += gridDim.x)
        for (int j = threadIdx.x; j < nbins; j += blockDim.x) atomicAdd(&bins[j], 1u);
}
"""
MERGE_OPS = 1 << 25
MERGE_BLOCKS = 132 * 8  # blocks taking turns at the merges: the atomics, not block dispatch, set the time
MERGE_BINS = (32, 256, 768, 2048, 8192, 65536)  # every block adds into all of them, a warp a line
HIST_N = 1 << 24
# (type, bins, stride in elements): keys are multiples of the stride, so the array is bins × stride
HIST_CASES = tuple(("unsigned", b, 1) for b in (1, 2, 4, 8, 32, 128, 1024, 4096, 16384, 65536, 1 << 20, 1 << 24, 1 << 26)) + (
    ("unsigned", 32, 8), ("unsigned", 32, 32), ("unsigned", 32, 1024), ("unsigned", 1024, 32), ("unsigned", 128, 32),
    ("float", 1, 1), ("float", 8, 1), ("float", 32, 1), ("float", 1024, 1), ("float", 65536, 1), ("float", 32, 32))


def hist_keys(bins: int, stride: int = 1) -> np.ndarray:
    """HIST_N keys drawn uniformly from [0, bins), times ``stride`` (the same on every machine)."""
    return np.random.default_rng(bins).integers(0, bins, HIST_N, dtype=np.uint32) * np.uint32(stride)


def source() -> str:
    """One kernel per variant, each `extern "C"` and named after it."""
    kernels = []
    for name, (ctype, who, statement) in VARIANTS.items():
        guard = "(threadIdx.x & 31) == 0 && i < n" if who == "lane0" else "i < n"
        kernels.append(f'extern "C" __global__ void {name}({ctype} *t, {ctype} *o, int n) {{\n'
                       f"    int i = blockIdx.x * blockDim.x + threadIdx.x;\n"
                       f"    if ({guard}) {{ {statement} }}\n}}")
    return "\n".join(kernels)


PROFILES = {"H100": "h100-sxm", "H200": "h200-sxm"}
DTYPES = {"float": np.float32, "unsigned": np.uint32, "unsigned long long": np.uint64, "double": np.float64}


def add_predictions(path: Path) -> None:
    """flipflop's predicted time for every measured variant (no GPU needed); prints the table."""
    import flipflop

    data = json.loads(path.read_text())
    gpu = next(p for name, p in PROFILES.items() if name in data["meta"]["gpu"])
    threads = data["warps"] * 32
    for row in data["rows"]:
        dtype = DTYPES[row["type"]]
        if row.get("kernel") == "merge_unsigned":
            arguments = [np.zeros(row["bins"], dtype), np.int32(row["bins"]), np.int32(row["rounds"])]
            code, size = MERGE_SOURCE, row["blocks"] * data["block"]
        elif "bins" in row:
            stride = row.get("stride", 1)
            arguments = [np.zeros(row["bins"] * stride, dtype), hist_keys(row["bins"], stride), np.int32(HIST_N)]
            code, size = HIST_SOURCE, HIST_N
        else:
            arguments = [np.zeros(1, dtype), np.zeros(1, dtype), np.int32(threads)]
            code, size = source(), threads
        kernel = row.get("kernel", row["variant"])
        predicted = flipflop.predict(kernel, code, size, arguments, {"block_size_x": [data["block"]]}, gpu=gpu)[0]
        row.update(predicted_time_ms=predicted["time"], profile=gpu)
        print(f"{row['variant']:24s} measured {row['time_ms']:8.3f} ms  predicted {predicted['time']:8.3f} ms  "
              f"({predicted['time'] / row['time_ms']:.2f}x)")
    path.write_text(json.dumps(data, indent=1))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    what = parser.add_mutually_exclusive_group(required=True)
    what.add_argument("--out", type=Path, help="measure on this machine's GPU into this folder")
    what.add_argument("--predict", type=Path, help="add predictions to a measured file (no GPU needed)")
    args = parser.parse_args(argv)
    if args.predict:
        add_predictions(args.predict)
        return 0
    import cupy

    meta = run_metadata(sys.argv)
    module = cupy.RawModule(code=source())
    threads = WARPS * 32
    rows = []
    for name, (ctype, who, _) in VARIANTS.items():
        kernel = module.get_function(name)
        target, out = cupy.zeros(1, DTYPES[ctype]), cupy.zeros(1, DTYPES[ctype])
        ms = event_median_ms(cupy, lambda: kernel((threads // BLOCK,), (BLOCK,), (target, out, np.int32(threads))),
                             LAUNCHES)
        operations = WARPS if who == "lane0" else threads
        rows.append({"variant": name, "type": ctype, "lanes": who, "warps": WARPS, "operations": operations,
                     "time_ms": ms, "ns_per_warp": ms * 1e6 / WARPS})
        print(f"{name:24s} {ms:8.3f} ms  {ms * 1e6 / WARPS:6.3f} ns/warp", flush=True)
    hist = cupy.RawModule(code=HIST_SOURCE)
    for ctype, bins, stride in HIST_CASES:
        kernel = hist.get_function(f"hist_{ctype}")
        table, keys = cupy.zeros(bins * stride, DTYPES[ctype]), cupy.asarray(hist_keys(bins, stride))
        ms = event_median_ms(cupy, lambda: kernel((HIST_N // BLOCK,), (BLOCK,), (table, keys, np.int32(HIST_N))),
                             LAUNCHES)
        name = f"hist_{ctype}_{bins}" + (f"_stride{stride}" if stride > 1 else "")
        rows.append({"variant": name, "kernel": f"hist_{ctype}", "type": ctype, "bins": bins, "stride": stride,
                     "keys": HIST_N, "time_ms": ms, "ns_per_key": ms * 1e6 / HIST_N})
        print(f"{name:24s} {ms:8.3f} ms  {ms * 1e6 / HIST_N:6.3f} ns/key", flush=True)
    merge = cupy.RawModule(code=MERGE_SOURCE).get_function("merge_unsigned")
    for bins in MERGE_BINS:
        table, rounds = cupy.zeros(bins, cupy.uint32), MERGE_OPS // bins
        blocks = min(rounds, MERGE_BLOCKS)
        ms = event_median_ms(cupy, lambda: merge((blocks,), (BLOCK,), (table, np.int32(bins), np.int32(rounds))),
                             LAUNCHES)
        rows.append({"variant": f"merge_unsigned_{bins}", "kernel": "merge_unsigned", "type": "unsigned", "bins": bins,
                     "blocks": blocks, "rounds": rounds, "operations": MERGE_OPS, "time_ms": ms,
                     "ns_per_op": ms * 1e6 / MERGE_OPS})
        print(f"merge_unsigned_{bins:<9d} {ms:8.3f} ms  {ms * 1e6 / MERGE_OPS:6.4f} ns/op", flush=True)
    args.out.mkdir(parents=True, exist_ok=True)
    path = args.out / f"atomics_probe_{meta['gpu'].replace('NVIDIA ', '').split()[0].lower()}.json"
    path.write_text(json.dumps({"meta": meta, "warps": WARPS, "block": BLOCK, "rows": rows}, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
