"""Every bad input gets a one-line error naming what is wrong (CLI: exit 2, no traceback),
every valid one the right answer; Kernel Tuner's tune_kernel keywords are all accepted."""
import json
import os
import subprocess
import sys

import numpy as np
import pytest

import flipflop
from flipflop.cli import main
from flipflop.errors import ArgumentSizeError, CompileError, ConfigurationError, FlipflopError, ProfileNotFoundError
from flipflop.hardware.profile import load_profile
from flipflop.search.space import as_int, enumerate_space
from flipflop.search.spec import load_spec, parse_argument_list

VECTOR_ADD = """
extern "C" __global__ void vector_add(float *c, const float *a, const float *b, int n)
{
    int i = blockIdx.x * block_size_x + threadIdx.x;
    if (i < n) c[i] = a[i] + b[i];
}
"""
CONSTANT = """
__constant__ float weights[16];
extern "C" __global__ void scale(float *out, const float *in, int n)
{
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i < n) out[i] = in[i] * weights[i % 16];
}
"""
N = 4096
TUNE = {"block_size_x": [64, 128]}
SPEC = """
kernel_name = "vector_add"
kernel_source = "vector_add.cu"
problem_size = 4096
[tune_params]
block_size_x = [64, 128]
[[arguments]]
type = "array"
dtype = "float32"
size = 4096
[[arguments]]
type = "array"
dtype = "float32"
size = 4096
[[arguments]]
type = "array"
dtype = "float32"
size = 4096
[[arguments]]
type = "scalar"
dtype = "int32"
value = 4096
"""
ARGS = "float32[4096],float32[4096],float32[4096],int32=4096"


def vector_args(n=N, dtype=np.float32):
    return [np.zeros(n, dtype) for _ in range(3)] + [np.int32(N)]


@pytest.fixture
def spec(tmp_path):
    (tmp_path / "vector_add.cu").write_text(VECTOR_ADD)
    path = tmp_path / "spec.toml"
    path.write_text(SPEC)
    return path


def one_line_exit_2(capsys, argv, *words):
    """Run the CLI in process: exit 2, one 'error:' line holding every word, no traceback."""
    assert main([str(a) for a in argv]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and err.count("\n") == 1, err
    assert "Traceback" not in err
    for word in words:
        assert word.lower() in err.lower(), (word, err)
    return err


# ----- the configuration space --------------------------------------------------------------

@pytest.mark.parametrize("tune, words", [
    ({"block_size_x": [0]}, ("block_size_x", ">= 1", "0")),
    ({"block_size_x": [-32]}, ("block_size_x", ">= 1", "-32")),
    ({"block_size_x": [32.5]}, ("block_size_x", "integer", "32.5")),
])
def test_block_dimensions_must_be_positive_integers(tune, words):
    with pytest.raises(ConfigurationError) as error:
        enumerate_space(tune, 1024)
    assert all(w in str(error.value) for w in words)


def test_integral_floats_are_whole_numbers():
    assert as_int(32.0, "x") == 32 and as_int(np.int64(7), "x") == 7
    assert enumerate_space({"block_size_x": [32.0]}, 64).configs[0].block == (32, 1, 1)


def test_a_numpy_array_as_the_problem_size_is_a_sequence_of_sizes():
    """numpy arrays have __index__; one of floats raised a TypeError (found by the fuzz test)."""
    with pytest.raises(ConfigurationError, match=r"problem_size\[0\] must be an integer >= 1, got np.float64\(0.0\)"):
        enumerate_space({"block_size_x": [32]}, np.array([0.0, 0.0, 0.0]))
    assert enumerate_space({"block_size_x": [32]}, np.array([4096, 64])).configs[0].grid == (128, 64, 1)
    with pytest.raises(ConfigurationError, match="x must be an integer"):
        as_int(np.array([64.5, 1.0]), "x")


def test_a_grid_divisor_of_zero_is_an_error_not_a_zero_division():
    with pytest.raises(ConfigurationError, match="grid divisor.*>= 1"):
        enumerate_space({"block_size_x": [32], "t": [0]}, 1024, grid_div_x=["block_size_x * t"])
    with pytest.raises(ConfigurationError, match="grid divisor.*>= 1"):
        enumerate_space({"block_size_x": [32]}, 1024, grid_div_x=lambda p: 0)


@pytest.mark.parametrize("size", [0, -4096, (4096, 0), "-n"])
def test_zero_or_negative_problem_size(size):
    with pytest.raises(ConfigurationError, match="problem_size.*>= 1"):
        enumerate_space({"block_size_x": [32], "n": [8]}, size)


def test_restrictions_of_the_wrong_type():
    with pytest.raises(ConfigurationError, match="restriction 42 must be an expression string"):
        enumerate_space({"block_size_x": [32]}, 64, restrictions=[42])
    with pytest.raises(ConfigurationError, match="restrictions must be a list"):
        enumerate_space({"block_size_x": [32]}, 64, restrictions=42)
    with pytest.raises(ConfigurationError, match="restriction .* raised KeyError"):
        enumerate_space({"block_size_x": [32]}, 64, restrictions=[lambda p: p["nope"]])


def test_smem_args_in_kernel_tuners_string_form():
    space = enumerate_space({"block_size_x": [32, 64]}, 64, smem_args={"size": "block_size_x * 4"})
    assert [c.dynamic_shared_bytes for c in space.configs] == [128, 256]
    with pytest.raises(ConfigurationError, match="smem_args"):
        enumerate_space({"block_size_x": [32]}, 64, smem_args={"size": "-block_size_x"})


def test_expressions_that_would_hang_or_fail_are_one_line_errors():
    for expression in ("2 ** 10 ** 10", "1 << 100000", "block_size_x + 'a'", "'x' * 10 ** 9"):
        with pytest.raises(ConfigurationError, match="bad expression"):
            enumerate_space({"block_size_x": [32]}, 64, restrictions=[expression])


# ----- arguments ------------------------------------------------------------------------------

def test_cli_argument_parser_ranges():
    assert parse_argument_list("int32=2147483647")[0] == np.int32(2**31 - 1)
    assert parse_argument_list("float32[4096*4096]")[0].shape == (4096 * 4096,)
    for text, words in (("int32=99999999999", ("out of range", "int32")), ("int32=1.5", ("integer",)),
                        ("float16=70000", ("out of range", "float16")), ("float32[-5]", ("size", ">= 1")),
                        ("float32[0]", (">= 1",)), ("object[4]", ("dtype",)), ("float32", ("dtype[size]",)),
                        ("nope[4]", ("dtype",)), ("float32[5E307]", ("shape [5.00e+307] of float32 is 2.00e+308 bytes", "any GPU's memory")),
                        ("float32[2**59]", ("shape [5.76e+17] of float32 is 2.30e+18 bytes",))):
        with pytest.raises(ConfigurationError) as error:
            parse_argument_list(text)
        assert all(w in str(error.value) for w in words), (text, error.value)


def test_a_shape_is_read_without_allocating_it():
    (huge,) = parse_argument_list(f"float32[{2**40}]")
    assert huge.shape == (2**40,) and huge.nbytes == 2**42 and not any(huge.strides)
    with pytest.raises(ConfigurationError, match=r"4,398.0 GB .* h100-sxm has 80 GB"):
        flipflop.predict("vector_add", VECTOR_ADD, N, [huge] + vector_args()[1:], TUNE)


def test_broadcast_zero_arrays_predict_like_real_ones():
    lazy = list(parse_argument_list(ARGS))
    assert flipflop.predict("vector_add", VECTOR_ADD, N, lazy, TUNE)[0]["time"] == \
        flipflop.predict("vector_add", VECTOR_ADD, N, vector_args(), TUNE)[0]["time"]


def test_a_float64_array_for_a_float_pointer_is_an_error():
    with pytest.raises(ConfigurationError, match="array of float64 .* 32-bit floats .* float32"):
        flipflop.predict("vector_add", VECTOR_ADD, N, vector_args(dtype=np.float64), TUNE)
    with pytest.raises(ConfigurationError, match="array of int32"):
        flipflop.predict("vector_add", VECTOR_ADD, N, vector_args(dtype=np.int32), TUNE)


HALF_SQUARE = """
#include <cuda_fp16.h>
extern "C" __global__ void square_half(__half *out, const __half *in, int n)
{
    int i = 4 * (blockIdx.x * blockDim.x + threadIdx.x);
    if (i >= n) return;
    __half e[4];
    *reinterpret_cast<float2 *>(e) = *reinterpret_cast<const float2 *>(in + i);
    for (int k = 0; k < 4; k++) e[k] = __hmul(e[k], e[k]);
    *reinterpret_cast<float2 *>(out + i) = *reinterpret_cast<float2 *>(e);
}
"""


def test_half_data_moved_as_wider_float_words_is_taken_with_a_note():
    """Real code moves __half arrays four at a time through float2 (HeCBench softmax-fused's
    copy_vector): the kernel reads `in` only as f32 (ld.global.v2.f32), yet float16 (or bf16 bits
    as uint16) is right; `out` it writes as 16-bit words."""
    n = 1 << 24  # 64 MB read and written: past what back-to-back launches find in L2
    for dtype in (np.float16, np.uint16):
        rows = flipflop.predict("square_half", HALF_SQUARE, n // 4, [np.zeros(n, dtype), np.ones(n, dtype), np.int32(n)],
                                {"block_size_x": [128, 256]})
        assert len(rows) == 2 and all(r["dram_bytes"] >= 2 * n * 2 for r in rows)
        notes = rows.metadata["analysis_notes"]
        assert notes == [f"argument 1: a {np.dtype(dtype)} array that the kernel reads as 32-bit floats; its bytes "
                         "are taken as the kernel's"]
    # Half data given to a kernel that reads one float a thread still fails: its reads run past the end.
    with pytest.raises(ArgumentSizeError, match="float16"):
        flipflop.predict("vector_add", VECTOR_ADD, N, vector_args(dtype=np.float16), TUNE)


PIXELS = """
extern "C" __global__ void components(float *r, float *g, float *b, unsigned char *src, int pixels)
{   // Rodinia dwt2d's c_CopySrcToComponents: RGB bytes copied four at a time through a float*
    __shared__ unsigned char data[256 * 3];
    int x = threadIdx.x, first = blockDim.x * blockIdx.x;
    if (x * 4 < 256 * 3) ((float *)data)[x] = ((float *)src)[((first * 3) >> 2) + x];
    __syncthreads();
    int pos = first + x;
    if (pos < pixels) { r[pos] = data[3 * x]; g[pos] = data[3 * x + 1]; b[pos] = data[3 * x + 2]; }
}
"""


def test_bytes_copied_as_float_words_are_taken_with_a_note():
    """The kernel declares `unsigned char *src` and reads it only as f32 words: uint8 is the right
    array, not an error telling the user to pass float32 (robustness sweep 9)."""
    n = 1 << 22
    args = [np.zeros(n, np.float32), np.zeros(n, np.float32), np.zeros(n, np.float32),
            np.zeros(3 * n, np.uint8), np.int32(n)]
    rows = flipflop.predict("components", PIXELS, n, args, {"block_size_x": [256]})
    assert len(rows) == 1 and rows[0]["dram_bytes"] >= 3 * 4 * n  # the three planes written
    assert rows.metadata["analysis_notes"] == [
        "argument 3: a uint8 array that the kernel reads as 32-bit floats; its bytes are taken as the kernel's"]
    # a float64 array for it is still an error: 8-byte elements are no narrower than the words read
    with pytest.raises(ConfigurationError, match="float64"):
        flipflop.predict("components", PIXELS, n, args[:3] + [np.zeros(3 * n, np.float64), np.int32(n)],
                         {"block_size_x": [256]})


def test_an_array_too_small_names_the_argument_the_extent_and_the_size():
    with pytest.raises(ArgumentSizeError) as error:
        flipflop.predict("vector_add", VECTOR_ADD, N, vector_args(16), TUNE)
    message = str(error.value)
    assert "argument" in message and "holds 16 float32 (64 bytes)" in message and "16,384 bytes" in message
    assert "4,096 elements" in message


def test_an_overrun_in_some_launches_drops_those_only():
    unguarded = VECTOR_ADD.replace("if (i < n) ", "")
    rows = flipflop.predict("vector_add", unguarded, 4000, vector_args(4000), {"block_size_x": [32, 64, 128]})
    assert [r["block_size_x"] for r in rows] == [32]  # 4000 = 125 × 32; 64 and 128 run past the end
    assert all("accesses 16,128 bytes" in reason or "accesses 16,384 bytes" in reason for _, reason in rows.dropped)


def test_a_scalar_for_a_pointer_says_pointer():
    args = vector_args()
    args[0] = np.float32(1)
    with pytest.raises(ConfigurationError, match="pointer .*numpy array"):
        flipflop.predict("vector_add", VECTOR_ADD, N, args, TUNE)
    args[0] = [1.0, 2.0]
    with pytest.raises(ConfigurationError, match="numpy array or a numpy scalar, got list"):
        flipflop.predict("vector_add", VECTOR_ADD, N, args, TUNE)


@pytest.mark.parametrize("call, words", [
    (dict(kernel_source=None), ("kernel_source", "NoneType")),
    (dict(kernel_name=None), ("kernel_name",)),
    (dict(arguments=np.zeros(4)), ("arguments must be a list",)),
    (dict(restrictions=[42]), ("restriction 42",)),
    (dict(problem_size=-5), ("problem_size", ">= 1")),
    (dict(problem_size=0), ("problem_size", ">= 1")),
    (dict(compiler_options="-use_fast_math"), ("compiler_options", "list of strings")),
    (dict(lang="OpenCL"), ("lang", "CUDA")),
    (dict(not_a_keyword=1), ("unknown keyword", "not_a_keyword")),
])
def test_api_argument_checks(call, words):
    kwargs = dict(kernel_name="vector_add", kernel_source=VECTOR_ADD, problem_size=N, arguments=vector_args(),
                  tune_params=TUNE)
    kwargs.update(call)
    with pytest.raises(FlipflopError) as error:
        flipflop.predict(**kwargs)
    assert all(w in str(error.value) for w in words), error.value


# ----- files ----------------------------------------------------------------------------------

def test_binary_and_misnamed_kernel_sources(tmp_path):
    binary = tmp_path / "k.cu"
    binary.write_bytes(b"\xff\xfe\x00\x81" * 64)
    ptx = tmp_path / "k.ptx"
    ptx.write_bytes(b"\x89PNG\r\n\x1a\n\xff")
    text = tmp_path / "k.txt"
    text.write_text(VECTOR_ADD)
    for source, words in ((binary, "not text"), (ptx, "not text"), (tmp_path, "is a directory"),
                          (str(text), "suffix '.txt'"), ("kernel.txt", "does not exist")):
        with pytest.raises(FlipflopError, match=words):
            flipflop.predict("vector_add", str(source), N, vector_args(), TUNE)


def test_compile_errors_name_the_users_file(tmp_path):
    source = tmp_path / "broken.cu"
    source.write_text(VECTOR_ADD.replace("block_size_x", "block_size_q"))
    with pytest.raises(CompileError, match=r"broken\.cu:4: identifier \"block_size_q\" is undefined"):
        flipflop.predict("vector_add", str(source), N, vector_args(), TUNE)


def test_binary_and_malformed_specs(tmp_path, spec):
    for content in (b"\xff\xfe\x00\x81garbage", "".encode()):
        path = tmp_path / "bad.toml"
        path.write_bytes(content)
        with pytest.raises(ConfigurationError, match="spec"):
            load_spec(path)
    path = tmp_path / "neg.toml"
    path.write_text(SPEC.replace('dtype = "float32"\nsize = 4096', 'dtype = "float32"\nsize = -4096', 1))
    with pytest.raises(ConfigurationError, match=r"arguments\[0\].size must be an integer >= 1, got -4096"):
        load_spec(path)
    path.write_text(SPEC.replace('value = 4096', 'value = 99999999999'))
    with pytest.raises(ConfigurationError, match="out of range for int32"):
        load_spec(path)
    path.write_text(SPEC.replace('kernel_source = "vector_add.cu"', 'kernel_source = "."'))
    with pytest.raises(ConfigurationError, match="is a directory"):
        load_spec(path)


def test_empty_and_broken_profiles_name_the_file(tmp_path):
    for content, words in (("", "is empty"), ("{}", "missing fields"), ("[]", "JSON object"),
                           ("\xff", "not valid JSON")):
        path = tmp_path / "gpu.json"
        path.write_text(content)
        with pytest.raises(ProfileNotFoundError, match=words) as error:
            load_profile(path)
        assert str(path) in str(error.value) and "profile ?" not in str(error.value)
    good = json.loads(load_profile("h100-sxm").to_json())
    good["sm_count"] = "lots"
    path.write_text(json.dumps(good))
    with pytest.raises(ProfileNotFoundError, match="sm_count must be a non-negative number"):
        load_profile(path)
    for table in ({"4 KB": 0.1}, {"4096": -0.1}, {}):
        good = json.loads(load_profile("h100-sxm").to_json())
        good["atomic_scattered_ns_by_span"] = table
        path.write_text(json.dumps(good))
        with pytest.raises(ProfileNotFoundError, match="atomic_scattered_ns_by_span must map spans"):
            load_profile(path)


# ----- the command line -----------------------------------------------------------------------

def test_cli_block_zero_and_unlaunchable(tmp_path, capsys):
    source = tmp_path / "vector_add.cu"
    source.write_text(VECTOR_ADD)
    base = ["features", "vector_add", source, "--args", ARGS, "--problem-size", "4096"]
    one_line_exit_2(capsys, base + ["--block", "0,8,1"], "--block", "positive")
    one_line_exit_2(capsys, base + ["--block=-4,8,1"], "--block", "positive")
    one_line_exit_2(capsys, base + ["--block", "2048,1,1"], "cannot launch", "1024")
    one_line_exit_2(capsys, base + ["--block", "1,2,3,4"], "1 to 3")


@pytest.mark.parametrize("flags, words", [
    (["--tune", "block_size_x=0"], ("block_size_x", ">= 1")),
    (["--tune", "block_size_x=32.5"], ("block_size_x", "integer", "32.5")),
    (["--problem-size", "0"], ("--problem-size", "positive")),
    (["--grid-div-x", "block_size_x*0"], ("grid divisor", ">= 1")),
    (["--args", "float32[-1],float32[4096],float32[4096],int32=4096"], (">= 1",)),
    (["--args", "float32[4096],float32[4096],float32[4096],int32=99999999999"], ("out of range", "int32")),
    (["--args", "float64[4096],float64[4096],float64[4096],int32=4096"], ("float64", "float32")),
    (["--args", "float32[16],float32[16],float32[16],int32=4096"], ("holds 16 float32", "bytes")),
    (["--args", "float32=1,float32[4096],float32[4096],int32=4096"], ("pointer",)),
    (["--grid-intensity", "-400"], ("--grid-intensity", ">= 0")),
    (["--restriction", "block_size_x +"], ("not a Python expression",)),
])
def test_cli_bad_values_exit_2(spec, capsys, flags, words):
    one_line_exit_2(capsys, ["predict", spec] + flags, *words)


def test_cli_outputs_are_checked_before_predicting(spec, tmp_path, capsys):
    for flag in ("--json", "--csv", "--plot"):
        one_line_exit_2(capsys, ["predict", spec, flag, tmp_path], "is a directory")
        one_line_exit_2(capsys, ["predict", spec, flag, tmp_path / "missing" / "out.png"], "does not exist")
    one_line_exit_2(capsys, ["predict", spec, "--plot", tmp_path / "out.pdf"], ".png or .html")
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        if not os.access(locked, os.W_OK):  # root writes anywhere
            one_line_exit_2(capsys, ["predict", spec, "--json", locked / "r.json"], "not writable")
    finally:
        locked.chmod(0o700)


def test_cli_text_kernel_and_missing_kernel(spec, tmp_path, capsys):
    (tmp_path / "k.txt").write_text(VECTOR_ADD)
    one_line_exit_2(capsys, ["predict", spec, "--source", tmp_path / "k.txt"], "suffix '.txt'", "allowed")
    one_line_exit_2(capsys, ["predict", spec, "--source", tmp_path], "directory")


def test_cli_subprocess_has_no_traceback(spec):
    done = subprocess.run([sys.executable, "-m", "flipflop", "predict", str(spec), "--tune", "block_size_x=0"],
                          capture_output=True, text=True)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert done.stderr.startswith("error: ") and "block_size_x" in done.stderr


def test_json_and_csv_state_units(spec, tmp_path):
    json_path, csv_path = tmp_path / "r.json", tmp_path / "r.csv"
    assert main(["predict", str(spec), "--json", str(json_path), "--csv", str(csv_path)]) == 0
    data = json.loads(json_path.read_text())
    assert data["units"]["time"] == "ms per launch" and data["units"]["energy"] == "J per launch"
    header = csv_path.read_text().splitlines()[0].split(",")
    assert "time (ms per launch)" in header and "energy (J per launch)" in header and "power (W)" in header


def test_recommend_explores_power_limits_by_default(spec, tmp_path):
    rec = flipflop.recommend("vector_add", str(spec.parent / "vector_add.cu"), N, vector_args(), TUNE)
    assert len(rec.metadata["power_limits_w"]) == 11
    path = tmp_path / "rec.json"
    assert main(["recommend", str(spec), "--json", str(path)]) == 0
    assert len(json.loads(path.read_text())["metadata"]["power_limits_w"]) == 11


# ----- Kernel Tuner's keywords ----------------------------------------------------------------

KERNEL_TUNER_ONLY = dict(answer=[None] * 4, atol=1e-6, verify=None, verbose=False, lang="CUDA", device=0,
                         platform=0, texmem_args=None, compiler="nvcc", log=None, iterations=7, quiet=True,
                         strategy="brute_force", strategy_options={}, simulation_mode=False, observers=[])


def test_every_tune_kernel_keyword_is_accepted_and_the_ignored_are_noted():
    rows = flipflop.predict("vector_add", VECTOR_ADD, N, vector_args(), TUNE, **KERNEL_TUNER_ONLY)
    assert len(rows) == 2
    ignored = rows.metadata["ignored"]
    assert set(ignored) == set(KERNEL_TUNER_ONLY) - {"lang"} and "not checked" in ignored["answer"]
    rec = flipflop.recommend("vector_add", VECTOR_ADD, N, vector_args(), TUNE, **KERNEL_TUNER_ONLY)
    assert "iterations" in rec.metadata["ignored"]


def test_metrics_objective_and_block_size_names():
    rows = flipflop.predict("vector_add", VECTOR_ADD.replace("block_size_x", "bx"), N, vector_args(), {"bx": [64, 128]},
                            block_size_names=["bx"], metrics={"GB/s": lambda p: 3 * 4 * N / 1e6 / p["time"],
                                                              "us": "time * 1000"},
                            objective="GB/s", objective_higher_is_better=True)
    assert all(r["us"] == pytest.approx(r["time"] * 1000) for r in rows)
    best = max(rows, key=lambda r: r["GB/s"])
    assert rows.metadata["objective"]["best"]["bx"] == best["bx"]
    with pytest.raises(ConfigurationError, match="objective 'flops'"):
        flipflop.predict("vector_add", VECTOR_ADD, N, vector_args(), TUNE, objective="flops")


def test_cmem_args_and_defines_and_compiler_options():
    args = [np.zeros(N, np.float32), np.zeros(N, np.float32), np.int32(N)]
    rows = flipflop.predict("scale", CONSTANT, N, args, TUNE, cmem_args={"weights": np.ones(16, np.float32)},
                            compiler_options=["-use_fast_math"])
    assert len(rows) == 2
    with pytest.raises(ConfigurationError, match="no __constant__ variable .* weights"):
        flipflop.predict("scale", CONSTANT, N, args, TUNE, cmem_args={"wrong": np.ones(16, np.float32)})
    with pytest.raises(ConfigurationError, match="holds 128 bytes .* has 64"):
        flipflop.predict("scale", CONSTANT, N, args, TUNE, cmem_args={"weights": np.ones(32, np.float32)})
    defined = flipflop.predict("vector_add", VECTOR_ADD.replace("block_size_x", "BS"), N, vector_args(),
                               {"block_size_x": [64]}, defines={"BS": lambda p: p["block_size_x"]})
    assert len(defined) == 1


CONSTANT_TEMPLATE = """template <typename T> __constant__ T mask[10];
namespace taps { __constant__ float width[4]; }
template <typename T> __global__ void conv(const T* in, T* out, int n) {
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    T s = 0;
    for (int j = 0; j < 9; j++) s += in[i + j] * mask<T>[j] * taps::width[j & 3];
    if (i < n) out[i] = s;
}
"""


@pytest.mark.parametrize("name", ["mask<float>", "mask", "_Z4maskIfE"])
def test_cmem_args_name_a_variable_template_or_a_namespaced_constant_as_written(name):
    """HeCBench convolution1D's `template <typename T> __constant__ T mask[10]` is `_Z4maskIfE` in the
    PTX, the only spelling cmem_args took; `mask<float>` and `mask` (one instantiation) name it too."""
    args = [np.zeros(N + 16, np.float32), np.zeros(N, np.float32), np.int32(N)]
    rows = flipflop.predict("conv<float>", CONSTANT_TEMPLATE, N, args, TUNE,
                            cmem_args={name: np.ones(10, np.float32), "taps::width": np.ones(4, np.float32)})
    assert len(rows) == 2
    with pytest.raises(ConfigurationError, match="holds 44 bytes .* has 40"):
        flipflop.predict("conv<float>", CONSTANT_TEMPLATE, N, args, TUNE, cmem_args={name: np.ones(11, np.float32)})


def test_cache_writes_predictions_as_a_kernel_tuner_cache(tmp_path):
    path = tmp_path / "kt_cache"
    rows = flipflop.predict("vector_add", VECTOR_ADD, N, vector_args(), {"block_size_x": [64, 128, 2048]},
                            cache=str(path), objective="energy")
    data = json.loads((tmp_path / "kt_cache.json").read_text())
    assert rows.metadata["kernel_tuner_cache"] == str(tmp_path / "kt_cache.json")
    assert data["objective"] == "nvml_energy" and list(data["cache"]) == ["64", "128", "2048"]
    assert data["cache"]["64"]["time"] == pytest.approx(rows[0]["time"])
    assert data["cache"]["64"]["measured_by"] == "flipflop prediction (not measured)"
    assert data["cache"]["2048"]["__error__"] == "InvalidConfig"
    kernel_tuner = pytest.importorskip("kernel_tuner")
    results, env = kernel_tuner.tune_kernel("vector_add", VECTOR_ADD, N, vector_args(),
                                            {"block_size_x": [64, 128, 2048]}, cache=str(path) + ".json",
                                            simulation_mode=True, quiet=True)
    assert {r["block_size_x"] for r in results if "time" in r and not isinstance(r["time"], str)} >= {64, 128}


def test_an_array_the_kernel_reads_as_other_words_is_a_stated_assumption():
    """Issue 13: where a parameter is untyped bytes (the kernel reads it as integer/bit words), a
    dtype of another width is taken as given and the results say so."""
    import flipflop

    source = ('extern "C" __global__ void copy_words(const unsigned int* in, unsigned int* out, int n) '
              '{ int i = blockIdx.x * blockDim.x + threadIdx.x; if (i < n) out[i] = in[i]; }')
    n = 1 << 20
    rows = flipflop.predict("copy_words", source, (n,), [np.zeros(n, np.float64), np.zeros(n, np.uint32), np.int32(n)],
                           {"block_size_x": [256]})
    notes = rows.metadata["analysis_notes"]
    assert any("argument 0" in note and "float64" in note and "32-bit words" in note for note in notes)
    assert not any("argument 1" in note for note in notes)
