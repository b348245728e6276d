"""Batched NVRTC compiles: each variant's PTX is byte-identical to its own compile, and
anything the batch cannot handle is left to the ordinary per-variant compile."""
import pytest

from flipflop.frontend import batch, nvrtc
from flipflop.frontend.cache import read_cache

STENCIL = """
extern "C" __global__ void __launch_bounds__(block_size_x * block_size_y)
stencil(float *out, const float *in, int width, int height)
{
    int x = blockIdx.x * block_size_x + threadIdx.x;
    int y = blockIdx.y * block_size_y + threadIdx.y;
    if (x > 0 && y > 0 && x < width - 1 && y < height - 1) {
        int i = y * width + x;
        out[i] = 0.25f * (in[i - 1] + in[i + 1] + in[i - width] + in[i + width]);
    }
}
"""
VARIANTS = [{"block_size_x": bx, "block_size_y": by, "kernel_tuner": 1} for bx, by in ((32, 4), (16, 16), (1, 64), (128, 1))]


@pytest.fixture(autouse=True)
def fresh_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("FLIPFLOP_CACHE_DIR", str(tmp_path))


def cached(source, defines):
    return read_cache("ptx", nvrtc.ptx_cache_key(source, "sm_90", defines, ()))


SHARED_TILE = STENCIL.replace(
    "int i = y * width + x;",
    "__shared__ float t[block_size_x]; t[threadIdx.x] = in[x]; __syncthreads(); "
    "int i = y * width + x + (int)t[(threadIdx.x + 1) % block_size_x];")


@pytest.mark.parametrize("source", [STENCIL, SHARED_TILE], ids=["plain", "shared-memory tile"])
def test_each_batched_variant_is_byte_identical_to_its_own_compile(source):
    assert batch.precompile(source, "stencil", VARIANTS) == len(VARIANTS)
    for defines in VARIANTS:
        alone = nvrtc.run_nvrtc(nvrtc.with_defines(source, defines, "kernel.cu"), "kernel.cu", "sm_90", ())
        assert cached(source, defines) == alone
    # and compile_to_ptx now serves them from the cache
    assert nvrtc.compile_to_ptx(source, defines=VARIANTS[2]).ptx == cached(source, VARIANTS[2])


@pytest.mark.parametrize("source, why", [
    ("#include <cuda_fp16.h>\n" + STENCIL, "an #include"),
    (STENCIL + 'extern "C" __global__ void other(float *o) { o[0] = 1; }\n', "a second extern C kernel"),
    (STENCIL.replace("0.25f", "(block_size_x == 1 ? undefined_name : 0.25f)"), "an error in one variant"),
    ("__device__ float scale[4] = {1, 2, 3, 4};\n" + STENCIL.replace("0.25f", "scale[x & 3]"), "a module-level variable"),
])
def test_what_the_batch_cannot_do_is_left_uncached(source, why):
    assert batch.precompile(source, "stencil", VARIANTS) == 0, why
    assert all(cached(source, d) is None for d in VARIANTS)
