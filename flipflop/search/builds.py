"""Compiled and analysed kernel variants, cached in memory across calls, built in parallel.

A variant is the kernel compiled with one set of ``#define`` values. Three caches make
repeated predictions cheap: variants by (source, kernel, arch, defines, options); one
KernelAnalysis per distinct PTX text; and per-launch LaunchFeatures by (PTX, block, grid,
arguments, resources, dynamic shared memory). When many variants are new and the machine
has several cores, they are compiled, analysed and evaluated for their launches in forked
worker processes (the analysis is pure Python, so threads would share one core); workers
return only the small records the search needs, and an analysis is rebuilt in-process
only if a later call asks for a launch not yet evaluated.
"""
from __future__ import annotations

import hashlib
import multiprocessing
import os
import threading
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from typing import Any, Callable, Sequence

import numpy as np

from flipflop.analysis.features import LaunchFeatures
from flipflop.errors import CompileError, FlipflopError
from flipflop.frontend.ir import Param
from flipflop.frontend.resources import Resources

ARGUMENT_SAMPLE = 4096   # elements of each array hashed for the features cache key
PARALLEL_MIN_VARIANTS = 4
FEATURES_MAX = 200_000

Defines = tuple[tuple[str, str], ...]
Launch = tuple[tuple[int, int, int], tuple[int, int, int], int]  # block, grid, dynamic shared bytes


@dataclass(frozen=True)
class Variant:
    """What the search needs of one compiled variant (small and picklable)."""

    ptx: str
    kernel: str           # the entry's name in the PTX
    params: tuple[Param, ...]
    resources: Resources
    nvrtc_version: str | None
    ptxas_version: str | None

    @property
    def ptx_key(self) -> tuple[str, str]:
        return hashlib.sha1(self.ptx.encode()).hexdigest(), self.kernel


_variants: dict[tuple, Variant | CompileError] = {}
_analyses: dict[tuple[str, str], Any] = {}
_features: dict[tuple, LaunchFeatures] = {}
_lock = threading.Lock()
_fork_job: tuple | None = None  # read by forked workers: (source, kernel, arch, options, arguments, args_key)


def arguments_key(arguments: Sequence[Any]) -> tuple:
    """A cache key for Kernel Tuner arguments: dtypes, shapes, scalar values, and a hash of
    an evenly strided sample of each array's contents (contents only matter where a loop
    bound reads them; hashing whole multi-GB arrays would cost more than the analysis)."""
    key = []
    for arg in arguments:
        if isinstance(arg, np.ndarray):
            flat = arg.reshape(-1)
            sample = np.ascontiguousarray(flat[::max(1, flat.size // ARGUMENT_SAMPLE)])
            key.append(("array", arg.dtype.str, arg.shape, hashlib.blake2b(sample.tobytes(), digest_size=16).digest()))
        else:
            value = np.asarray(arg)
            key.append(("scalar", value.dtype.str, value.tobytes()))
    return tuple(key)


def _compile(source: str, kernel_name: str, arch: str, defines: Defines, options: tuple[str, ...]) -> Any:
    from flipflop.frontend import compile_kernel
    return compile_kernel(source, kernel_name, arch=arch, defines=dict(defines) or None, options=options)


def _variant_of(compiled: Any) -> Variant:
    return Variant(compiled.ptx, compiled.function.name, compiled.function.params, compiled.resources,
                   compiled.nvrtc_version, compiled.ptxas_version)


def _analyse(compiled: Any) -> Any:
    from flipflop.analysis.kernel import analyze_kernel
    return analyze_kernel(compiled.module, compiled.function.name)


def _store_features(key: tuple, features: LaunchFeatures) -> None:
    with _lock:
        if len(_features) >= FEATURES_MAX:
            _features.clear()
        _features[key] = features


@dataclass(frozen=True)
class CachedAnalysis:
    """Evaluates launches of one variant through the features cache (analysing on a miss)."""

    variant: Variant
    arguments_key: tuple
    load: Callable[[], Any]  # builds the KernelAnalysis when no cached one exists

    def evaluate(self, block: tuple[int, int, int], grid: tuple[int, int, int], arguments: Sequence[Any],
                 resources: Resources, dynamic_shared_bytes: int = 0) -> LaunchFeatures:
        key = (self.variant.ptx_key, block, grid, self.arguments_key, resources, dynamic_shared_bytes)
        cached = _features.get(key)
        if cached is None:
            analysis = _analyses.get(self.variant.ptx_key)
            if analysis is None:
                analysis = self.load()
                with _lock:
                    _analyses[self.variant.ptx_key] = analysis
            cached = analysis.evaluate(block, grid, arguments, resources, dynamic_shared_bytes=dynamic_shared_bytes)
            _store_features(key, cached)
        return cached


def _worker(defines: Defines, launches: Sequence[Launch]) -> tuple[Variant | CompileError, list]:
    """In a forked worker: compile, analyse and evaluate one variant's launches."""
    source, kernel_name, arch, options, arguments, _ = _fork_job  # type: ignore[misc]
    try:
        compiled = _compile(source, kernel_name, arch, defines, options)
    except CompileError as error:
        return CompileError(str(error)), []
    analysis = _analyse(compiled)
    evaluated = []
    for block, grid, dynamic in launches:
        try:
            evaluated.append(((block, grid, dynamic), analysis.evaluate(
                block, grid, arguments, compiled.resources, dynamic_shared_bytes=dynamic)))
        except Exception:  # noqa: BLE001 - the parent evaluates this launch again and reports the error itself
            continue
    return _variant_of(compiled), evaluated


def _ptx_of(defines: Defines) -> str | None:
    """NVRTC's PTX for one variant of the current job (None for PTX input or a failed
    compile: the build reports the failure)."""
    from flipflop.frontend.nvrtc import compile_to_ptx, load_kernel_source

    source, kernel_name, arch, options, _, _ = _fork_job  # type: ignore[misc]
    try:
        text, kind = load_kernel_source(source)
        if kind != "cuda":
            return None
        return compile_to_ptx(text, arch=arch, defines=dict(defines) or None, options=options,
                              kernel_name=kernel_name).ptx
    except FlipflopError:
        return None


def prebuild(source: str, kernel_name: str, arch: str, options: tuple[str, ...],
             launches_by_defines: dict[Defines, list[Launch]], arguments: Sequence[Any], args_key: tuple) -> None:
    """Build the uncached variants ahead, in forked worker processes on a multi-core machine.

    Three phases, each spread over the cores: NVRTC for every variant (in processes: NVRTC
    serialises threads); ptxas for all of them in a few merged runs (starting ptxas costs
    more than assembling a small kernel); then parsing, analysis and the launches' features,
    largest PTX first so that the long ones do not finish last. NVRTC and ptxas results land
    in the on-disk caches the builds read; with one core only the two compile phases run
    ahead. Fills the variant and features caches; ``variant_builder`` then finds everything there.
    """
    from flipflop.frontend.batch import precompile
    from flipflop.frontend.nvrtc import load_kernel_source
    from flipflop.frontend.ptxas import prefetch_resources

    global _fork_job
    todo = [d for d in launches_by_defines if (source, kernel_name, arch, d, options) not in _variants]
    if len(todo) < PARALLEL_MIN_VARIANTS:
        return
    try:
        text, kind = load_kernel_source(source)
    except FlipflopError:
        return  # the build reports it
    if kind == "cuda":  # one NVRTC call for all variants where the source allows it
        precompile(text, kernel_name, [dict(d) for d in todo], arch, options)
    workers = min(len(todo), len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1)
    _fork_job = (source, kernel_name, arch, options, arguments, args_key)
    try:
        if workers < 2 or "fork" not in multiprocessing.get_all_start_methods():
            prefetch_resources([ptx for ptx in map(_ptx_of, todo) if ptx is not None], arch)
            return
        with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
            ptxs = list(pool.map(_ptx_of, todo))
            prefetch_resources([ptx for ptx in ptxs if ptx is not None], arch, runs=workers)
            order = sorted(range(len(todo)), key=lambda k: -len(ptxs[k] or ""))
            futures = {k: pool.submit(_worker, todo[k], launches_by_defines[todo[k]]) for k in order}
            results = [futures[k].result() for k in range(len(todo))]
    finally:
        _fork_job = None
    for defines, (variant, evaluated) in zip(todo, results):
        with _lock:
            _variants[(source, kernel_name, arch, defines, options)] = variant
        if isinstance(variant, Variant):
            for (block, grid, dynamic), features in evaluated:
                _store_features((variant.ptx_key, block, grid, args_key, variant.resources, dynamic), features)


def variant_builder(source: str, kernel_name: str, arch: str, options: tuple[str, ...], args_key: tuple,
                    on_first: Callable[[Variant], None]) -> Callable[[Defines], tuple[Variant, CachedAnalysis]]:
    """``build(defines) -> (variant, analysis)`` through the caches; raises CompileError.

    ``on_first`` is called with the first variant built (to check the arguments once).
    """
    checked: list[bool] = []

    def build(defines: Defines) -> tuple[Variant, CachedAnalysis]:
        key = (source, kernel_name, arch, defines, options)
        variant = _variants.get(key)
        if variant is None:
            try:
                compiled = _compile(source, kernel_name, arch, defines, options)
            except CompileError as error:
                variant = error
            else:
                variant = _variant_of(compiled)
                if variant.ptx_key not in _analyses:
                    analysis = _analyse(compiled)
                    with _lock:
                        _analyses.setdefault(variant.ptx_key, analysis)
            with _lock:
                _variants[key] = variant
        if isinstance(variant, CompileError):
            raise variant
        if not checked:
            on_first(variant)
            checked.append(True)
        return variant, CachedAnalysis(variant, args_key,
                                       lambda: _analyse(_compile(source, kernel_name, arch, defines, options)))

    return build
