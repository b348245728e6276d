"""The public ``features()`` dict and ``KernelAnalysis.evaluate`` as the model calls it."""
import json
from pathlib import Path

import numpy as np
import pytest

from flipflop.analysis.features import INSTRUCTION_CLASSES, LaunchFeatures
from flipflop.analysis.kernel import analyze_kernel
from flipflop.features import features
from flipflop.frontend import compile_kernel

KERNELS = Path(__file__).parent / "kernels"
F32 = np.zeros(1 << 16, dtype=np.float32)


def test_features_dict_has_the_documented_keys_and_is_json():
    r = features("vector_add", KERNELS / "vector_add.cu", [F32, F32, F32, np.int32(4096)],
                 block=(128,), problem_size=4096)
    for key in ("kernel", "arch", "registers", "shared_bytes", "local_bytes", "instructions", "loops",
                "accesses", "grid", "active_fraction", "toolchain"):
        assert key in r
    assert r["kernel"] == "vector_add" and r["arch"] == "sm_90"
    assert r["block"] == [128, 1, 1] and r["grid"] == [32, 1, 1]
    assert set(r["instructions"]) == set(INSTRUCTION_CLASSES) == set(r["warp_instructions"])
    # every thread of every warp runs the same path: per warp as per thread
    assert r["warp_instructions"] == pytest.approx(r["instructions"])
    assert isinstance(r["warp_sass_instructions"], float) and r["warp_sass_instructions"] > 0
    assert isinstance(r["registers"], int) and r["registers"] > 0
    access = r["accesses"][0]
    for key in ("space", "op", "bytes", "affine", "stride_bytes", "loop_depth", "sectors_per_request",
                "bank_conflict_degree"):
        assert key in access
    assert r["toolchain"]["nvrtc"].startswith("13.0")
    json.dumps(r)


def test_features_without_problem_size_launches_one_block():
    r = features("vector_add", KERNELS / "vector_add.cu", [F32, F32, F32, np.int32(4096)], block=(64, 1, 1))
    assert r["grid"] == [1, 1, 1]


def test_features_with_defines_compiles_that_configuration():
    source = ("extern \"C\" __global__ void scale(float* a) {\n"
              "  for (int k = 0; k < REPEAT; k++) a[threadIdx.x + k * block_size_x] *= 2.0f;\n}\n")
    r = features("scale", source, [F32], block=(32, 1, 1), defines={"REPEAT": 3, "block_size_x": 32})
    assert r["instructions"]["global_store"] == 3.0
    assert [a["stride_bytes"]["x"] for a in r["accesses"]] == [4] * 6


def test_evaluate_returns_launch_features_cached_per_function():
    # Wall time is not asserted here (issue 13): benchmarks/predict_speed.py times the model.
    compiled = compile_kernel(KERNELS / "matmul_tiled.cu", "matmul_tiled")
    analysis = analyze_kernel(compiled.module, "matmul_tiled")
    assert analyze_kernel(compiled.module, "matmul_tiled") is analysis  # cached per function
    args = [F32, F32, F32, np.int32(256)]
    out = analysis.evaluate((16, 16, 1), (16, 16, 1), args, compiled.resources, dynamic_shared_bytes=256)
    assert isinstance(out, LaunchFeatures)
    assert out.shared_bytes == compiled.resources.shared_bytes + 256


CALLS = r"""
__device__ __noinline__ float horner(float x) {
    float s = 0.0f;
    #pragma unroll 1
    for (int k = 0; k < 16; ++k) s = s * x + 1.0f;
    return s;
}
extern "C" __global__ void calls(float* y, const float* x, int n) {
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i < n) y[i] = horner(x[i]) + horner(x[i] + 1.0f);
}
"""


def test_a_call_to_a_device_function_runs_what_the_function_runs():
    """Two calls of a `__noinline__` function whose loop runs 16 FMAs: 32 FMAs and the kernel's own
    two adds, where a call counted as one branch left 2 (libdevice's fp64 pow is such a call:
    HeCBench vanGenuchten's six pow calls were missing, its predicted time 0.39x the measured)."""
    compiled = compile_kernel(CALLS, "calls")
    assert sum("call.uni" in line for line in compiled.ptx.splitlines()) == 2
    n = 1 << 16
    f = analyze_kernel(compiled.module, "calls").evaluate(
        (256, 1, 1), (n // 256, 1, 1), [np.zeros(n, np.float32), np.zeros(n, np.float32), np.int32(n)],
        compiled.resources)
    assert f.instructions["fp32"] == 34.0


CALL_INDEX = r"""
__device__ __noinline__ int scramble(int i) { return (i * 7919) % 1000003; }
extern "C" __global__ void call_index(float* y, const float* x, int n) {
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i < n) y[i] = x[scramble(i) % n];
}
"""


def test_a_value_a_call_returns_differs_between_threads():
    """An index a device function returns is each thread's own: a load at it is one sector a lane
    (not followed), where a returned value taken as the warp's common unknown made it one aligned
    warp-wide request."""
    compiled = compile_kernel(CALL_INDEX, "call_index")
    n = 1 << 16
    f = analyze_kernel(compiled.module, "call_index").evaluate(
        (256, 1, 1), (n // 256, 1, 1), [np.zeros(n, np.float32), np.zeros(n, np.float32), np.int32(n)],
        compiled.resources)
    (gather,) = [a for a in f.accesses if a.op == "load"]
    assert not gather.affine and gather.sectors_per_request == 32.0
    assert any(f"line {gather.line}: address not known" in note for note in f.notes)


SPECIAL_VALUES = r"""
extern "C" __global__ void special_values(double* y, const double2* x, int n) {
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i >= n) return;
    double2 v = x[i];                                         // a vector load: its values are not followed
    double r = v.x + v.y;
    if ((__double2hiint(v.x) & 0x7ff00000) == 0x7ff00000) {  // infinity or NaN
        #pragma unroll 1
        for (int k = 0; k < 8; ++k) r = r * v.y + 1.0;
    }
    y[i] = r;
}
"""


def test_a_test_for_infinity_or_nan_on_unfollowed_data_is_taken_never_to_hold():
    """libdevice's pow and log guard their special cases by a float's exponent field against all
    ones: data is taken to be finite, so the guarded loop's eight FMAs count nothing and no note
    guesses the branch (half the time before: 5 fp64 instructions a thread, not 1)."""
    compiled = compile_kernel(SPECIAL_VALUES, "special_values")
    n = 1 << 12
    f = analyze_kernel(compiled.module, "special_values").evaluate(
        (256, 1, 1), (n // 256, 1, 1), [np.zeros(n), np.zeros(2 * n), np.int32(n)], compiled.resources)
    assert f.instructions["fp64"] == 1.0
    assert not any("each side taken half the time" in note for note in f.notes)
