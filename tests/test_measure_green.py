"""Green contexts on the CPU: SM counts rounded to the driver's granularity, the driver calls
that make a partition (against a fake cuda.bindings.driver), resources destroyed, the
launch-mode self-test, and measure_configs' active_sms switch (None: today's path)."""

import time
from types import SimpleNamespace

import numpy as np
import pytest

from flipflop.errors import ConfigurationError, MeasurementError
from flipflop.measure import green, launcher
from flipflop.measure.green import GreenSession, SmPartitioning, _kernel_params, check
from flipflop.measure.nvml import FakeNvml

H200 = SmPartitioning(sm_count=132, min_partition_sms=8, alignment_sms=8)


class Status(int):
    """A CUresult: an int with a name."""

    @property
    def name(self) -> str:
        return {0: "CUDA_SUCCESS", 600: "CUDA_ERROR_NOT_READY", 915: "CUDA_ERROR_INVALID_RESOURCE_CONFIGURATION"}[self]


OK = Status(0)


def sm_resource(count: int, minimum: int = 8, alignment: int = 8):
    return SimpleNamespace(sm=SimpleNamespace(smCount=count, minSmPartitionSize=minimum,
                                              smCoscheduledAlignment=alignment))


class FakeDriver:
    """The calls GreenSession makes, recorded in order; handles are strings."""

    CUdevResourceType = SimpleNamespace(CU_DEV_RESOURCE_TYPE_SM="SM")
    CUgreenCtxCreate_flags = SimpleNamespace(CU_GREEN_CTX_DEFAULT_STREAM=1)
    CUstream_flags = SimpleNamespace(CU_STREAM_NON_BLOCKING=1)
    CUresult = SimpleNamespace(CUDA_ERROR_NOT_READY=Status(600))

    def __init__(self, sm_count: int = 132, alignment: int = 8):
        self.calls: list[tuple] = []
        self.sm_count = sm_count
        self.alignment = alignment

    def cuInit(self, flags):
        self.calls.append(("cuInit", flags))
        return (OK,)

    def cuDeviceGet(self, ordinal):
        self.calls.append(("cuDeviceGet", ordinal))
        return OK, f"dev{ordinal}"

    def cuDeviceGetDevResource(self, device, kind):
        self.calls.append(("cuDeviceGetDevResource", device, kind))
        return OK, sm_resource(self.sm_count, 8, self.alignment)

    def cuDevSmResourceSplitByCount(self, groups, resource, flags, min_count):
        self.calls.append(("cuDevSmResourceSplitByCount", groups, min_count))
        got = -(-min_count // self.alignment) * self.alignment
        return OK, [sm_resource(got)], 1, sm_resource(self.sm_count - got)

    def cuDevResourceGenerateDesc(self, resources, count):
        self.calls.append(("cuDevResourceGenerateDesc", resources[0].sm.smCount, count))
        return OK, f"desc{resources[0].sm.smCount}"

    def cuGreenCtxCreate(self, desc, device, flags):
        self.calls.append(("cuGreenCtxCreate", desc, device, flags))
        return OK, f"green:{desc}"

    def cuCtxFromGreenCtx(self, green_ctx):
        self.calls.append(("cuCtxFromGreenCtx", green_ctx))
        return OK, f"ctx:{green_ctx}"

    def cuGreenCtxStreamCreate(self, green_ctx, flags, priority):
        self.calls.append(("cuGreenCtxStreamCreate", green_ctx, flags, priority))
        return OK, f"stream:{green_ctx}"

    def cuStreamDestroy(self, stream):
        self.calls.append(("cuStreamDestroy", stream))
        return (OK,)

    def cuGreenCtxDestroy(self, green_ctx):
        self.calls.append(("cuGreenCtxDestroy", green_ctx))
        return (OK,)


def test_sm_counts_round_up_to_the_minimum_and_the_alignment():
    assert [H200.round(n) for n in (1, 8, 9, 16, 17, 24, 100, 128)] == [8, 8, 16, 16, 24, 24, 104, 128]


def test_the_whole_device_is_its_own_count_and_beyond_it_means_all():
    assert H200.round(132) == 132
    assert H200.round(500) == 132
    assert H200.largest_partition_sms() == 128
    assert H200.valid_counts() == list(range(8, 129, 8)) + [132]


def test_counts_between_the_largest_split_and_all_are_refused():
    with pytest.raises(ConfigurationError, match="130 SMs: a partition has 8 to 128 SMs in steps of 8, or all 132"):
        H200.round(130)
    with pytest.raises(ConfigurationError, match="must be positive"):
        H200.round(0)


def test_session_reads_the_partitioning_from_the_sm_resource():
    session = GreenSession(driver=FakeDriver(sm_count=132, alignment=8))
    assert session.partitioning == H200
    assert session.driver.calls == [("cuInit", 0), ("cuDeviceGet", 0), ("cuDeviceGetDevResource", "dev0", "SM")]


def test_a_zero_alignment_means_split_at_the_minimum_size():
    driver = FakeDriver(alignment=0)
    driver.cuDeviceGetDevResource = lambda device, kind: (OK, sm_resource(80, 4, 0))
    assert GreenSession(driver=driver).partitioning == SmPartitioning(80, 4, 4)


def test_a_partition_is_split_described_created_and_given_a_stream_once():
    driver = FakeDriver()
    session = GreenSession(driver=driver)
    del driver.calls[:]
    part = session.partition(20)
    assert part.sm_count == 24 and part.stream == "stream:green:desc24" and part.context == "ctx:green:desc24"
    assert driver.calls == [
        ("cuDevSmResourceSplitByCount", 1, 24),
        ("cuDevResourceGenerateDesc", 24, 1),
        ("cuGreenCtxCreate", "desc24", "dev0", 1),
        ("cuCtxFromGreenCtx", "green:desc24"),
        ("cuGreenCtxStreamCreate", "green:desc24", 1, 0),
    ]
    assert session.partition(24) is part and len(driver.calls) == 5


def test_all_sms_use_the_whole_resource_without_a_split():
    driver = FakeDriver()
    session = GreenSession(driver=driver)
    assert session.partition(132).sm_count == 132
    assert not [c for c in driver.calls if c[0] == "cuDevSmResourceSplitByCount"]
    assert ("cuDevResourceGenerateDesc", 132, 1) in driver.calls


def test_a_driver_that_gives_another_count_is_an_error():
    driver = FakeDriver()
    driver.cuDevSmResourceSplitByCount = lambda groups, resource, flags, n: (OK, [sm_resource(n + 8)], 1, None)
    with pytest.raises(MeasurementError, match="asked the driver for 16 SMs, got 24"):
        GreenSession(driver=driver).partition(16)


def test_close_destroys_every_stream_and_context_once():
    driver = FakeDriver()
    with GreenSession(driver=driver) as session:
        session.partition(16)
        session.partition(64)
    destroyed = [c for c in driver.calls if c[0].endswith("Destroy")]
    assert destroyed == [("cuStreamDestroy", "stream:green:desc16"), ("cuGreenCtxDestroy", "green:desc16"),
                         ("cuStreamDestroy", "stream:green:desc64"), ("cuGreenCtxDestroy", "green:desc64")]
    session.close()
    assert len([c for c in driver.calls if c[0].endswith("Destroy")]) == 4


def test_a_failed_stream_creation_destroys_the_new_context():
    driver = FakeDriver()
    driver.cuGreenCtxStreamCreate = lambda *a: (Status(915), None)
    session = GreenSession(driver=driver)
    with pytest.raises(MeasurementError, match="cuGreenCtxStreamCreate failed: CUDA_ERROR_INVALID_RESOURCE_CONFIGURATION"):
        session.partition(8)
    assert driver.calls[-1] == ("cuGreenCtxDestroy", "green:desc8")


def test_self_test_takes_the_first_mode_that_launches_on_at_most_n_sms_and_caches_it():
    session = GreenSession(driver=FakeDriver())
    tried = []

    def try_mode(mode, part):
        tried.append((mode, part.sm_count))
        if mode == "cupy_stream":
            raise RuntimeError("CUDA_ERROR_INVALID_HANDLE: invalid resource handle")
        return {"library": 40, "green_current": 8}[mode]  # library ran, but not confined

    assert session.choose_launch_mode(try_mode) == "green_current"
    assert tried == [("cupy_stream", 8), ("library", 8), ("green_current", 8)]
    assert session.self_test_report == [
        {"mode": "cupy_stream", "ok": False, "error": "CUDA_ERROR_INVALID_HANDLE: invalid resource handle"},
        {"mode": "library", "ok": False, "distinct_sms": 40, "partition_sms": 8},
        {"mode": "green_current", "ok": True, "distinct_sms": 8, "partition_sms": 8},
    ]
    assert session.choose_launch_mode(try_mode) == "green_current" and len(tried) == 3


def test_no_working_mode_is_one_measurement_error_naming_each_try():
    session = GreenSession(driver=FakeDriver())
    with pytest.raises(MeasurementError, match="cupy_stream: 132 SMs used; library: boom; green_current: 132 SMs used"):
        session.choose_launch_mode(lambda mode, part: 132 if mode != "library" else (_ for _ in ()).throw(OSError("boom")))


def test_a_given_launch_mode_skips_the_self_test_and_a_bad_one_is_refused():
    session = GreenSession(driver=FakeDriver(), launch_mode="library")
    assert session.choose_launch_mode(lambda mode, part: pytest.fail("self-test ran")) == "library"
    with pytest.raises(ConfigurationError, match="launch mode must be one of"):
        GreenSession(driver=FakeDriver(), launch_mode="runtime")


def test_check_returns_values_and_names_the_failed_call():
    assert check((OK, "a"), "x") == "a"
    assert check((OK, "a", "b"), "x") == ("a", "b")
    with pytest.raises(MeasurementError, match="cuFoo failed: CUDA_ERROR_NOT_READY"):
        check((Status(600),), "cuFoo")


def test_kernel_params_pass_arrays_as_pointers_and_scalars_with_their_ctypes():
    import ctypes

    array = SimpleNamespace(data=SimpleNamespace(ptr=0x7F00), dtype=np.float32)
    values, types = _kernel_params([array, np.int32(5), np.float32(0.5)])
    assert values == (0x7F00, 5, 0.5)
    assert types == (ctypes.c_void_p, ctypes.c_int32, ctypes.c_float)


# ------------------------------------------------------------------ measure_configs switch ----


class FakeRunner:
    """CupyRunner's interface on the wall clock (a launch keeps the 'GPU' busy for launch_s)."""

    made: list["FakeRunner"] = []

    def __init__(self, kernel_name, arguments, session=None, active_sms=None, **_):
        self.kernel_name = kernel_name
        self.session = session
        self.active_sms = None if active_sms is None else 24
        self.mode = "cupy_stream"
        self.closed = False
        self.busy_until_s = 0.0
        FakeRunner.made.append(self)

    def compile(self, source, defines=None):
        return "ok"

    def launcher(self, source, grid, block, shared_bytes):
        return self.launch

    def launch(self):
        self.busy_until_s = max(time.perf_counter(), self.busy_until_s) + 0.001

    def timed(self, launch):
        runner = self

        class Timed:
            def __call__(self):
                runner.launch()

            def times_ms(self):
                return [1.0]
        return Timed()

    def is_busy(self):
        return time.perf_counter() < self.busy_until_s

    def synchronize(self):
        time.sleep(max(0.0, self.busy_until_s - time.perf_counter()))

    def median_time_ms(self, launch):
        return 1.0

    def close(self):
        self.closed = True


CONFIG = {"block_size_x": 64, "block": (64, 1, 1), "grid": (4, 1, 1)}


def test_without_active_sms_measure_configs_never_touches_green_contexts(monkeypatch):
    FakeRunner.made = []
    monkeypatch.setattr(launcher, "CupyRunner", FakeRunner)
    monkeypatch.setattr(green, "GreenSession", lambda *a, **k: pytest.fail("green context made"))
    monkeypatch.setattr(green, "GreenRunner", lambda *a, **k: pytest.fail("green runner made"))
    results = launcher.measure_configs("k", "src", [], [CONFIG], monitor=FakeNvml(200.0, update_period_s=0.01),
                                       window_s=0.05)
    assert results[0]["status"] == "ok"
    assert "active_sms" not in results[0] and "green_launch_mode" not in results[0]
    assert FakeRunner.made[0].session is None


def test_active_sms_measures_in_a_green_runner_and_records_the_count(monkeypatch):
    FakeRunner.made = []
    made_sessions = []

    class FakeSession:
        def __init__(self):
            self.closed = False
            made_sessions.append(self)

        def close(self):
            self.closed = True

    monkeypatch.setattr(launcher, "CupyRunner", lambda *a, **k: pytest.fail("whole-GPU runner made"))
    monkeypatch.setattr(green, "GreenRunner", FakeRunner)
    monkeypatch.setattr(green, "GreenSession", FakeSession)
    seen = []
    results = launcher.measure_configs("k", "src", [], [CONFIG], monitor=FakeNvml(200.0, update_period_s=0.01),
                                       window_s=0.05, active_sms=20, on_result=seen.append)
    assert results[0]["active_sms"] == 24 and results[0]["green_launch_mode"] == "cupy_stream"
    assert seen == results
    assert FakeRunner.made[0].closed and made_sessions[0].closed  # made here, so closed here

    given = FakeSession()
    launcher.measure_configs("k", "src", [], [CONFIG], monitor=FakeNvml(200.0, update_period_s=0.01),
                             window_s=0.05, active_sms=20, green=given)
    assert FakeRunner.made[-1].session is given and not given.closed  # the caller's session stays open


def test_library_mode_launches_a_grid_synchronised_kernel_cooperatively(monkeypatch):
    """The "library" launch mode loaded the front end's PTX with cuLibraryLoadData and always launched with
    cuLaunchKernel: a kernel that calls cg::this_grid().sync() (it reads %envreg1/2, the workspace only a
    cooperative launch sets up) would fail as awbarrier did in run 48. It now goes through
    cuLaunchCooperativeKernel, and a kernel without a grid barrier keeps cuLaunchKernel. Real NVRTC output."""
    import sys
    from tests.test_measure_launcher import _fake_cupy

    cupy = _fake_cupy()
    cupy.cuda.ExternalStream = lambda ptr, device: ("external", ptr)
    monkeypatch.setitem(sys.modules, "cupy", cupy)

    class LibraryDriver(FakeDriver):
        CUfunction = staticmethod(lambda handle: ("function", handle))

        def __init__(self):
            super().__init__()
            self.ptx: list[str] = []

        def cuGreenCtxStreamCreate(self, green_ctx, flags, priority):
            self.calls.append(("cuGreenCtxStreamCreate", green_ctx, flags, priority))
            return OK, 0x5000  # a stream handle converts to its address

        def cuLibraryLoadData(self, image, *options):
            self.ptx.append(image[:-1].decode())
            return OK, f"library{len(self.ptx)}"

        def cuLibraryGetKernel(self, library, name):
            assert f".entry {name.decode()}(" in self.ptx[-1]
            return OK, len(self.ptx)

        def cuLaunchKernel(self, function, *geometry_stream_params_extra):
            self.calls.append(("cuLaunchKernel", function, geometry_stream_params_extra[:8]))
            return (OK,)

        def cuLaunchCooperativeKernel(self, function, *geometry_stream_params):
            self.calls.append(("cuLaunchCooperativeKernel", function, geometry_stream_params[:8]))
            return (OK,)

    grid_sync = ("#include <cooperative_groups.h>\nnamespace cg = cooperative_groups;\n"
                 'extern "C" __global__ void k(float* a) {\n  a[threadIdx.x] = 1.0f;\n  cg::this_grid().sync();\n'
                 "  a[threadIdx.x] += a[0];\n}\n")
    block_sync = grid_sync.replace("cg::this_grid().sync()", "cg::this_thread_block().sync()")
    driver = LibraryDriver()
    runner = green.GreenRunner("k", [np.int32(0)], GreenSession(driver=driver), 16, mode="library")
    for number, (source, call) in enumerate(((grid_sync, "cuLaunchCooperativeKernel"),
                                             (block_sync, "cuLaunchKernel")), start=1):
        assert runner.compile(source) == "ok"
        runner.launcher(source, (2, 1, 1), (32, 1, 1), 0)()
        assert driver.calls[-1] == (call, ("function", number), (2, 1, 1, 32, 1, 1, 0, 0x5000))
