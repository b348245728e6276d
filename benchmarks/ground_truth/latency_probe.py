"""How long one dependent round trip to memory takes for a streaming loop with few warps (cuda-samples
reduce7's and threadFenceReduction's grid-stride `sum += x[i]; i += gridSize`), beside the
calibration's pointer chase.

    python benchmarks/ground_truth/latency_probe.py --out OUT

Each thread of a 1-D grid of `blocks` x 32 threads walks x[] with the grid's stride, adding what it
loads, so a warp has one load in flight: time / iterations is the round trip. Arrays of 1 GiB (DRAM),
and 16 MiB (L2-resident after the warm-up), 1 to 16 warps an SM. One JSON file, the run header
(GPU, driver, clocks, power limit, date, command) first. Read-only on the GPU.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

SOURCE = r"""
extern "C" __global__ void stream_sum(const float* x, float* out, unsigned n) {
    unsigned i = blockIdx.x * blockDim.x + threadIdx.x;
    unsigned grid = gridDim.x * blockDim.x;
    float s = 0.0f;
    while (i < n) { s += x[i]; i += grid; }
    out[blockIdx.x * blockDim.x + threadIdx.x] = s;
}
"""


def main(argv: list[str] | None = None) -> int:
    import cupy

    from benchmarks.ground_truth.collect import run_metadata
    from flipflop.measure.calibrate.scheduling import event_median_ms

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    header = run_metadata(argv if argv is not None else sys.argv[1:])
    sms = cupy.cuda.Device().attributes["MultiProcessorCount"]
    kernel = cupy.RawKernel(SOURCE, "stream_sum")
    rows = []
    path = args.out / "latency_probe.json"
    for label, n in (("dram_1GiB", 1 << 28), ("l2_16MiB", 1 << 22)):
        x = cupy.ones(n, dtype=cupy.float32)
        for warps_per_sm in (1, 2, 4, 8, 16):
            blocks = sms * warps_per_sm
            out = cupy.zeros(blocks * 32, dtype=cupy.float32)
            launch = lambda: kernel((blocks,), (32,), (x, out, cupy.uint32(n)))  # noqa: E731
            ms = event_median_ms(cupy, launch, args.repeats)
            iterations = -(-n // (blocks * 32))
            rows.append({"array": label, "bytes": 4 * n, "warps_per_sm": warps_per_sm, "blocks": blocks,
                         "iterations": iterations, "time_ms": ms, "ns_per_iteration": ms * 1e6 / iterations})
            print(json.dumps(rows[-1]), flush=True)
            path.write_text(json.dumps({"header": header, "rows": rows}, indent=1))
        del x
    path.write_text(json.dumps({"header": header, "rows": rows, "finished": time.strftime("%Y-%m-%dT%H:%M:%SZ",
                                                                                       time.gmtime())}, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
