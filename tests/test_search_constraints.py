"""Launch-limit checks against the H100 profile."""
from flipflop.frontend.resources import Resources
from flipflop.hardware.profile import load_profile
from flipflop.search.constraints import resource_problem, shape_problem

H100 = load_profile("h100-sxm")


def res(registers=32, shared=0):
    return Resources(registers=registers, shared_bytes=shared, local_bytes=0, spill_bytes=0, const_bytes=0,
                     estimated=False)


def test_shape_limits():
    assert shape_problem(H100, (32, 32, 1), (10, 10, 1)) is None
    assert shape_problem(H100, (64, 32, 1), (1, 1, 1)) == "2048 threads per block > 1024"
    assert shape_problem(H100, (1, 1, 128), (1, 1, 1)) == "block z = 128 > 64"
    assert shape_problem(H100, (32, 1, 1), (1, 70000, 1)) == "grid y = 70000 > 65535"


def test_static_shared_over_48k_is_not_launchable():
    assert "uses too much shared data" in resource_problem(H100, (256, 1, 1), res(shared=49 * 1024))
    assert resource_problem(H100, (256, 1, 1), res(shared=48 * 1024)) is None


def test_dynamic_shared_up_to_227k():
    assert resource_problem(H100, (256, 1, 1), res(shared=1024), dynamic_shared_bytes=226 * 1024) is None
    assert resource_problem(H100, (256, 1, 1), res(shared=1024), dynamic_shared_bytes=227 * 1024) \
        == "shared memory 233472 B per block > 232448 B"


def test_register_file_per_block():
    # 64 registers × 1024 threads = 65536: fits exactly; 72 registers do not
    assert resource_problem(H100, (1024, 1, 1), res(registers=64)) is None
    assert resource_problem(H100, (1024, 1, 1), res(registers=72)).startswith("72 registers × 1024 threads")
    assert resource_problem(H100, (32, 1, 1), res(registers=256)) == "256 registers per thread > 255"
