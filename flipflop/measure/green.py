"""Run a kernel's launches on a subset of the GPU's SMs through a CUDA green context.

A green context (driver API, CUDA 12.4+) owns a partition of the SMs; work on its streams runs
only there. It is a per-process object, not a device setting: nothing about the GPU changes,
so it is allowed on a lent GPU. The partition comes from the device's SM resource:

    cuDeviceGetDevResource(SM) → cuDevSmResourceSplitByCount → cuDevResourceGenerateDesc
    → cuGreenCtxCreate(CU_GREEN_CTX_DEFAULT_STREAM) → cuGreenCtxStreamCreate

Green contexts share the primary context's memory, so CuPy's arrays are used as they are. How
the *kernel* reaches the green stream has three candidates (`LAUNCH_MODES`):

- "cupy_stream": CuPy loads the module in the primary context as today, and launches on the
  green stream wrapped as a `cupy.cuda.ExternalStream`. Kernel Tuner's `cuda_sm_percentage`
  (nvcuda backend, 2026) does the same with cuModuleLoadData + cuLaunchKernel on the green
  stream, so it is tried first.
- "library": the context-independent cuLibrary API (cuLibraryLoadData, cuLibraryGetKernel),
  whose kernels launch in the context of the stream they are given: the route the CUDA
  documentation names for green contexts.
- "green_current": CuPy loads the front end's PTX with the green context pushed current, so
  the module belongs to it.

Which one confines the launches is checked once per `GreenSession` on the device (a kernel
that records %smid per block must show at most n distinct SMs); the session object carries
that answer, so a process that measures many kernels tests once. Events are created in the
green context and recorded on its stream in every mode.

The driver module is `cuda.bindings.driver` (cuda-python ≥ 12.6), else `cuda.cuda` of older
cuda-python; tests pass a fake.
"""

from __future__ import annotations

import ctypes
import math
import threading
from dataclasses import dataclass
from typing import Any, Callable, Sequence

import numpy as np

from flipflop.errors import ConfigurationError, MeasurementError
from flipflop.hardware.profile import green_partition_sizes

# Tried in this order by the self-test (the module docstring says why).
LAUNCH_MODES = ("cupy_stream", "library", "green_current")
# Self-test geometry: many more blocks than SMs, each long enough that the scheduler spreads
# them over every SM it is allowed to use.
SELF_TEST_BLOCKS_PER_SM = 8
SELF_TEST_SPIN_NS = 20_000
SMID_SOURCE = r"""
extern "C" __global__ void ff_record_smid(unsigned int* smid_of_block, unsigned int spin_ns) {
    if (threadIdx.x == 0) {
        unsigned int smid;
        asm volatile("mov.u32 %0, %%smid;" : "=r"(smid));
        smid_of_block[blockIdx.x] = smid;
    }
    // Keep the block resident a while, so later blocks go to other SMs when they may.
    for (unsigned int waited = 0; waited < spin_ns; waited += 1000) __nanosleep(1000);
}
"""
SMID_KERNEL = "ff_record_smid"


def load_driver() -> Any:
    """The CUDA driver API module of cuda-python (imported here: an optional dependency)."""
    try:
        from cuda.bindings import driver
    except ImportError:
        try:
            from cuda import cuda as driver  # cuda-python < 12.6
        except ImportError:
            raise MeasurementError("cuda-python is needed for green contexts: pip install cuda-python") from None
    return driver


def check(result: Any, call: str) -> Any:
    """The values of a cuda-python call (a tuple whose first item is the CUresult), or a
    MeasurementError naming the call and the driver's error."""
    status, *values = result if isinstance(result, tuple) else (result,)
    if int(status) != 0:
        raise MeasurementError(f"{call} failed: {getattr(status, 'name', status)}")
    return values[0] if len(values) == 1 else tuple(values)


@dataclass(frozen=True)
class SmPartitioning:
    """How the device's SMs can be split (from cuDeviceGetDevResource; the profile records it)."""

    sm_count: int
    min_partition_sms: int       # sm.minSmPartitionSize
    alignment_sms: int           # sm.smCoscheduledAlignment (a partition is a multiple of it)

    def largest_partition_sms(self) -> int:
        """The largest split group below the whole device: a multiple of the alignment."""
        return self.sm_count // self.alignment_sms * self.alignment_sms

    def valid_counts(self) -> list[int]:
        """Every SM count a green context can have: the aligned ones from the minimum up, and all."""
        return green_partition_sizes(self.sm_count, self.min_partition_sms, self.alignment_sms)

    def round(self, requested: int) -> int:
        """The SM count the driver gives for `requested`: rounded up to the minimum and the
        alignment (as cuDevSmResourceSplitByCount does); `requested` ≥ the device's SMs
        means the whole device. A count that rounds beyond the largest split group is an error
        rather than a silent change of the knob being measured."""
        if requested <= 0:
            raise ConfigurationError(f"active SMs must be positive, not {requested}")
        if requested >= self.sm_count:
            return self.sm_count
        rounded = math.ceil(max(requested, self.min_partition_sms) / self.alignment_sms) * self.alignment_sms
        if rounded > self.largest_partition_sms():
            raise ConfigurationError(
                f"{requested} SMs: a partition has {self.min_partition_sms} to {self.largest_partition_sms()} SMs "
                f"in steps of {self.alignment_sms}, or all {self.sm_count}")
        return rounded


@dataclass(frozen=True)
class GreenPartition:
    """One live green context and its stream (handles are the driver's objects)."""

    sm_count: int
    green_ctx: Any
    context: Any                 # cuCtxFromGreenCtx: for pushing it current
    stream: Any

    @property
    def stream_ptr(self) -> int:
        return int(self.stream)


class GreenSession:
    """The green contexts of one process on one device, and which launch mode works there.

    Contexts are created on first use per SM count and kept (creating one costs milliseconds,
    a sweep asks for the same few counts many times); `close` destroys streams and contexts.
    `launch_mode` is decided once, by `self_test` on the device, unless given.
    """

    def __init__(self, device_id: int = 0, driver: Any = None, launch_mode: str | None = None):
        if launch_mode is not None and launch_mode not in LAUNCH_MODES:
            raise ConfigurationError(f"launch mode must be one of {', '.join(LAUNCH_MODES)}, not {launch_mode!r}")
        self.driver = driver if driver is not None else load_driver()
        check(self.driver.cuInit(0), "cuInit")
        self.device = check(self.driver.cuDeviceGet(device_id), "cuDeviceGet")
        self.device_id = device_id
        self._resource = check(self.driver.cuDeviceGetDevResource(
            self.device, self.driver.CUdevResourceType.CU_DEV_RESOURCE_TYPE_SM), "cuDeviceGetDevResource")
        sm = self._resource.sm
        self.partitioning = SmPartitioning(
            sm_count=int(sm.smCount), min_partition_sms=int(sm.minSmPartitionSize),
            # a driver that reports no co-scheduling alignment splits at the minimum size
            alignment_sms=int(sm.smCoscheduledAlignment) or int(sm.minSmPartitionSize))
        self.launch_mode = launch_mode
        self.self_test_report: list[dict[str, Any]] = []
        self._partitions: dict[int, GreenPartition] = {}

    def partition(self, requested_sms: int) -> GreenPartition:
        """The green context for `requested_sms` (rounded as SmPartitioning.round), created once."""
        sm_count = self.partitioning.round(requested_sms)
        if sm_count not in self._partitions:
            self._partitions[sm_count] = self._create(sm_count)
        return self._partitions[sm_count]

    def _create(self, sm_count: int) -> GreenPartition:
        driver = self.driver
        if sm_count == self.partitioning.sm_count:
            # All SMs: the whole resource (132 is no multiple of 8, so a split cannot give it);
            # still a green context, so every count pays the same launch path.
            group = self._resource
        else:
            groups, _groups_made, _remaining = check(
                driver.cuDevSmResourceSplitByCount(1, self._resource, 0, sm_count), "cuDevSmResourceSplitByCount")
            group = groups[0]
            if int(group.sm.smCount) != sm_count:
                raise MeasurementError(f"asked the driver for {sm_count} SMs, got {int(group.sm.smCount)}")
        desc = check(driver.cuDevResourceGenerateDesc([group], 1), "cuDevResourceGenerateDesc")
        green_ctx = check(driver.cuGreenCtxCreate(
            desc, self.device, driver.CUgreenCtxCreate_flags.CU_GREEN_CTX_DEFAULT_STREAM), "cuGreenCtxCreate")
        try:
            context = check(driver.cuCtxFromGreenCtx(green_ctx), "cuCtxFromGreenCtx")
            stream = check(driver.cuGreenCtxStreamCreate(
                green_ctx, driver.CUstream_flags.CU_STREAM_NON_BLOCKING, 0), "cuGreenCtxStreamCreate")
        except MeasurementError:
            driver.cuGreenCtxDestroy(green_ctx)
            raise
        return GreenPartition(sm_count=sm_count, green_ctx=green_ctx, context=context, stream=stream)

    def close(self) -> None:
        """Destroy every stream and green context this session made (idempotent)."""
        for part in self._partitions.values():
            self.driver.cuStreamDestroy(part.stream)
            self.driver.cuGreenCtxDestroy(part.green_ctx)
        self._partitions.clear()

    def __enter__(self) -> "GreenSession":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def choose_launch_mode(self, try_mode: Callable[[str, GreenPartition], int]) -> str:
        """The first of LAUNCH_MODES whose self-test passes, cached on the session.

        `try_mode(mode, partition)` launches the %smid kernel in that mode on the smallest
        partition and returns how many distinct SMs ran it (raising on a failed launch). A
        mode passes when it launched and used at most the partition's SMs.
        """
        if self.launch_mode is not None:
            return self.launch_mode
        smallest = self.partition(self.partitioning.min_partition_sms)
        for mode in LAUNCH_MODES:
            try:
                used = try_mode(mode, smallest)
            except Exception as error:  # any driver/CuPy failure means: not this mode
                self.self_test_report.append({"mode": mode, "ok": False, "error": " ".join(str(error).split())[:300]})
                continue
            ok = 0 < used <= smallest.sm_count
            self.self_test_report.append({"mode": mode, "ok": ok, "distinct_sms": used,
                                          "partition_sms": smallest.sm_count})
            if ok:
                self.launch_mode = mode
                return mode
        raise MeasurementError(
            f"no way to launch in a green context of {smallest.sm_count} SMs worked: "
            + "; ".join(f"{r['mode']}: {r.get('error') or str(r.get('distinct_sms')) + ' SMs used'}"
                        for r in self.self_test_report))


class GreenRunner:
    """`CupyRunner`'s interface (compile / launcher / synchronize / is_busy / timed /
    median_time_ms) with every launch confined to a green context of `active_sms` SMs.

    `mode` is one of LAUNCH_MODES; None asks the session, which self-tests once."""

    def __init__(self, kernel_name: str, arguments: Sequence[Any], session: GreenSession, active_sms: int,
                 arch: str | None = None, mode: str | None = None):
        from flipflop.measure.launcher import CupyRunner

        self.session = session
        self.driver = session.driver
        self.part = session.partition(active_sms)
        self.active_sms = self.part.sm_count
        # CuPy allocates the arguments (in the primary context, whose memory green contexts
        # share) and compiles for the two CuPy-based modes.
        self._cupy_runner = CupyRunner(kernel_name, arguments, arch)
        self._cupy = self._cupy_runner._cupy
        self.kernel_name = kernel_name
        self._arch = arch or f"sm_{self._cupy.cuda.Device(session.device_id).compute_capability}"
        self._stream = self._cupy.cuda.ExternalStream(self.part.stream_ptr, session.device_id)
        self._libraries: dict[str, tuple[Any, Any, bool]] = {}   # source → (library, kernel, cooperative)
        # A green context is current to one thread at a time: "green_current" compiles in turn.
        self._green_lock = threading.Lock()
        self.mode = mode or session.choose_launch_mode(
            lambda candidate, part: distinct_sms_used(session, candidate, part.sm_count))

    # --------------------------------------------------------------- compile and launch ----

    def compile(self, source: str, defines: dict[str, Any] | None = None) -> str:
        """Compile and load `source` for this runner's launch mode; "ok" or why not."""
        if self.mode == "cupy_stream":
            return self._cupy_runner.compile(source, defines)
        if self.mode == "green_current":
            return self._compile_green_current(source, defines)
        return self._load_library(source, defines)

    def _compile_green_current(self, source: str, defines: dict[str, Any] | None) -> str:
        from flipflop.measure.launcher import _first_error_line, load_function

        modules = self._cupy_runner._modules
        if source in modules:
            return "ok"
        try:
            # Not CupyRunner.compile: its Device.use() (cudaSetDevice) would make the primary
            # context current again over the pushed green one.
            with self._green_lock, _PushedContext(self.driver, self.part.context):
                modules[source] = load_function(self._cupy, source, self.kernel_name, self._arch, defines)
        except Exception as error:
            return f"compile failed: {_first_error_line(error)}"
        return "ok"

    def _load_library(self, source: str, defines: dict[str, Any] | None) -> str:
        from flipflop.measure.launcher import _first_error_line, grid_synchronized, measured_entry, measured_ptx

        if source in self._libraries:
            return "ok"
        try:
            compiled = measured_ptx(source, self.kernel_name, self._arch, defines)
            library = check(self.driver.cuLibraryLoadData(compiled.ptx.encode() + b"\0", None, None, 0, None, None, 0),
                            "cuLibraryLoadData")
            kernel = check(self.driver.cuLibraryGetKernel(library, measured_entry(compiled, self.kernel_name).encode()),
                           "cuLibraryGetKernel")
        except Exception as error:
            return f"compile failed: {_first_error_line(error)}"
        self._libraries[source] = (library, kernel, grid_synchronized(compiled.ptx))
        return "ok"

    def launcher(self, source: str, grid, block, shared_bytes: int) -> Callable[[], None]:
        """A no-argument callable that enqueues one launch on the green stream."""
        args = tuple(self._cupy_runner.device_arguments)
        grid, block = tuple(grid), tuple(block)
        if self.mode in ("cupy_stream", "green_current"):
            kernel = self._cupy_runner._modules[source]
            stream = self._stream

            def launch_on_green_stream() -> None:
                # A RawKernel launches on CuPy's current stream: make the green one current.
                with stream:
                    kernel.launch(grid, block, args, shared_bytes)
            return launch_on_green_stream
        _library, kernel, cooperative = self._libraries[source]
        function = self.driver.CUfunction(int(kernel))  # a CUkernel launches in its stream's context
        params = _kernel_params(args)
        stream, driver = self.part.stream, self.driver
        if cooperative:  # grid.sync() needs the workspace only a cooperative launch sets up (launcher.py)
            def launch_cooperatively() -> None:
                check(driver.cuLaunchCooperativeKernel(function, *grid, *block, int(shared_bytes), stream, params),
                      "cuLaunchCooperativeKernel")
            return launch_cooperatively

        def launch() -> None:
            check(driver.cuLaunchKernel(function, *grid, *block, int(shared_bytes), stream, params, 0),
                  "cuLaunchKernel")
        return launch

    # --------------------------------------------------------------- timing --------------

    def synchronize(self) -> None:
        check(self.driver.cuStreamSynchronize(self.part.stream), "cuStreamSynchronize")

    def is_busy(self) -> bool:
        """True while work enqueued on the green stream has not finished."""
        status = self.driver.cuStreamQuery(self.part.stream)
        status = status[0] if isinstance(status, tuple) else status
        return int(status) == int(self.driver.CUresult.CUDA_ERROR_NOT_READY)

    def event(self) -> Any:
        """A timing event of the green context (events belong to a context, like streams)."""
        with self._green_lock, _PushedContext(self.driver, self.part.context):
            return check(self.driver.cuEventCreate(0), "cuEventCreate")

    def record(self, event: Any) -> None:
        check(self.driver.cuEventRecord(event, self.part.stream), "cuEventRecord")

    def timed(self, launch: Callable[[], None]) -> "GreenTimedLaunch":
        """`launch` with a green-context event pair recorded around every call."""
        return GreenTimedLaunch(launch, self)

    def median_time_ms(self, launch: Callable[[], None]) -> float:
        """Median of per-launch green-context event times (ms), as CupyRunner.median_time_ms."""
        from flipflop.measure.launcher import median_event_time_ms

        return median_event_time_ms(self.timed, launch)

    def close(self) -> None:
        """Unload the libraries this runner loaded (the session keeps the green contexts)."""
        for library, _kernel, _cooperative in self._libraries.values():
            self.driver.cuLibraryUnload(library)
        self._libraries.clear()


def distinct_sms_used(session: GreenSession, mode: str, active_sms: int) -> int:
    """Launch the %smid kernel in `mode` in the green context of `active_sms` SMs; the number
    of distinct SMs its blocks ran on. Raises when it does not compile, launch or finish."""
    import cupy

    blocks = SELF_TEST_BLOCKS_PER_SM * session.partitioning.sm_count
    smid = cupy.full(blocks, 0xFFFFFFFF, dtype=cupy.uint32)
    runner = GreenRunner(SMID_KERNEL, [smid, np.uint32(SELF_TEST_SPIN_NS)], session, active_sms, mode=mode)
    try:
        status = runner.compile(SMID_SOURCE)
        if status != "ok":
            raise MeasurementError(status)
        runner.launcher(SMID_SOURCE, (blocks, 1, 1), (32, 1, 1), 0)()
        runner.synchronize()
    finally:
        runner.close()
    recorded = cupy.asnumpy(smid)
    if (recorded == 0xFFFFFFFF).any():
        raise MeasurementError("the %smid kernel did not write every block")
    return int(len(np.unique(recorded)))


def _kernel_params(args: Sequence[Any]) -> tuple[tuple[Any, ...], tuple[Any, ...]]:
    """cuLaunchKernel's (values, ctypes types) for CuPy arrays (device pointers) and numpy scalars."""
    values, types = [], []
    for arg in args:
        if hasattr(arg, "data") and hasattr(arg.data, "ptr"):  # a cupy.ndarray
            values.append(int(arg.data.ptr))
            types.append(ctypes.c_void_p)
        else:
            scalar = np.asarray(arg)
            values.append(scalar.item())
            types.append(np.ctypeslib.as_ctypes_type(scalar.dtype))
    return tuple(values), tuple(types)


class _PushedContext:
    """`with`: the green context current on this thread, the previous one restored after."""

    def __init__(self, driver: Any, context: Any):
        self._driver = driver
        self._context = context

    def __enter__(self) -> None:
        check(self._driver.cuCtxPushCurrent(self._context), "cuCtxPushCurrent")

    def __exit__(self, *exc: object) -> None:
        check(self._driver.cuCtxPopCurrent(), "cuCtxPopCurrent")


class GreenTimedLaunch:
    """A launch with green-context events around each call; `times_ms` reads them afterwards."""

    def __init__(self, launch: Callable[[], None], runner: GreenRunner):
        self._launch = launch
        self._runner = runner
        self._pairs: list[tuple[Any, Any]] = []

    def __call__(self) -> None:
        start, stop = self._runner.event(), self._runner.event()
        self._runner.record(start)
        self._launch()
        self._runner.record(stop)
        self._pairs.append((start, stop))

    def times_ms(self) -> list[float]:
        check(self._runner.driver.cuEventSynchronize(self._pairs[-1][1]), "cuEventSynchronize")
        times = [float(check(self._runner.driver.cuEventElapsedTime(start, stop), "cuEventElapsedTime"))
                 for start, stop in self._pairs]
        for start, stop in self._pairs:
            self._runner.driver.cuEventDestroy(start)
            self._runner.driver.cuEventDestroy(stop)
        self._pairs.clear()
        return times
