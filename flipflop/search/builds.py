"""Compiled and analysed kernel variants, cached in memory and on disk, built in parallel.

A variant is the kernel compiled with one set of ``#define`` values. A ``BuildCache`` makes
repeated predictions cheap: variants by (source, kernel, arch, defines, options); one
KernelAnalysis per distinct PTX text (in memory only: it is large and quick to rebuild from
the cached PTX); and per-launch LaunchFeatures by (PTX, block, grid, arguments, resources,
dynamic shared memory). Variants and features are also kept on disk (``flipflop.frontend.cache``)
under keys that include the analysis version (a hash of the code that computes them), so a
new process skips the parse and the analysis of everything it has seen. When many variants
are new and the machine has several cores, they are compiled, analysed and evaluated for their
launches in forked worker processes (the analysis is pure Python, so threads would share one
core), each distinct PTX once; workers return only the small records the search needs, and an
analysis is rebuilt in-process only if a later call asks for a launch not yet evaluated.
"""
from __future__ import annotations

import functools
import hashlib
import multiprocessing
import os
import pickle
import threading
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Protocol, Sequence

import numpy as np

from flipflop.analysis.features import LaunchFeatures
from flipflop.errors import CompileError, FlipflopError
from flipflop.frontend.cache import cache_key, read_cache_bytes, write_cache_bytes
from flipflop.frontend.ir import Param
from flipflop.frontend.resources import Resources
from flipflop.search.evaluate import Defines, KernelBuild, Launch

ARGUMENT_SAMPLE = 4096   # elements of each array hashed for the features cache key
PARALLEL_MIN_VARIANTS = 4
COMPILE_THREADS = 8  # threads of build_variants' in-process compiles
SHARES_PER_CORE = 4  # batched NVRTC calls per core
FEATURES_MAX = 200_000
# Raise when what a cached variant or LaunchFeatures means changes without a change to the
# code hashed into the analysis version (e.g. a dependency's behaviour).
ANALYSIS_FORMAT = 1
# The code whose output the disk cache holds: the front end (how defines are written, the
# parser, ptxas's report), the analysis, and this module.
_VERSIONED_CODE = ("frontend", "analysis", "search/builds.py")
# ptxas merges modules into one run to save its start-up (~12 ms); past this size a module gains
# nothing from that and is assembled in the worker that analyses it, in parallel.
MERGE_MAX_PTX_CHARS = 20_000


@functools.lru_cache(maxsize=1)
def analysis_version() -> str:
    """A hash of the code that turns PTX into variants and launch features (the disk cache's
    version: editing that code invalidates what it computed)."""
    root = Path(__file__).resolve().parent.parent
    digest = hashlib.sha256(str(ANALYSIS_FORMAT).encode())
    for part in _VERSIONED_CODE:
        path = root / part
        for file in sorted(path.glob("*.py")) if path.is_dir() else [path]:
            digest.update(file.name.encode() + file.read_bytes())
    return digest.hexdigest()[:16]


@functools.lru_cache(maxsize=1)
def _toolchain() -> tuple[str | None, str | None]:
    from flipflop.frontend.nvrtc import nvrtc_version
    from flipflop.frontend.ptxas import ptxas_version

    try:
        nvrtc = nvrtc_version()
    except FlipflopError:
        nvrtc = None
    return nvrtc, ptxas_version()


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


class Progress(Protocol):
    """Where ``prebuild`` reports how far it is (``flipflop.report.progress``)."""

    def update(self, phase: str, done: int, total: int) -> None: ...


@dataclass
class BuildCache:
    """Variants, analyses and launch features of compiled kernels, in memory and on disk.

    ``version`` is part of every disk key (``analysis_version()`` by default); ``disk=False``
    keeps everything in memory only.
    """

    version: str = field(default_factory=analysis_version)
    disk: bool = True
    variants: dict[tuple, Variant | CompileError] = field(default_factory=dict)
    analyses: dict[tuple[str, str], Any] = field(default_factory=dict)
    features: dict[tuple, LaunchFeatures] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def _disk_key(self, kind: str, key: tuple) -> str:
        # A variant also depends on the compilers (its PTX and resources); features only on
        # the PTX, which their key holds.
        return cache_key(kind, self.version, _toolchain() if kind == "variant" else None, key)

    def _load(self, kind: str, key: tuple) -> Any:
        data = read_cache_bytes(kind, self._disk_key(kind, key)) if self.disk else None
        if data is None:
            return None
        try:
            return pickle.loads(data)
        except Exception:  # noqa: BLE001 - a truncated or foreign entry is a miss
            return None

    def _save(self, kind: str, key: tuple, value: Any) -> None:
        if self.disk:
            write_cache_bytes(kind, self._disk_key(kind, key), pickle.dumps(value, pickle.HIGHEST_PROTOCOL))

    def variant(self, key: tuple) -> Variant | CompileError | None:
        """The variant built for ``key`` (compile errors are remembered in memory only)."""
        found = self.variants.get(key)
        if found is None:
            found = self._load("variant", key)
            if isinstance(found, Variant):
                with self.lock:
                    self.variants[key] = found
        return found

    def store_variant(self, key: tuple, variant: Variant | CompileError) -> None:
        with self.lock:
            self.variants[key] = variant
        if isinstance(variant, Variant):
            self._save("variant", key, variant)

    def launch_features(self, key: tuple) -> LaunchFeatures | None:
        """The features evaluated for ``key`` (see ``features_key``), or None."""
        found = self.features.get(key)
        if found is None:
            found = self._load("features", key)
            if isinstance(found, LaunchFeatures):
                self._remember(key, found)
        return found

    def store_features(self, key: tuple, features: LaunchFeatures) -> None:
        self._remember(key, features)
        self._save("features", key, features)

    def _remember(self, key: tuple, features: LaunchFeatures) -> None:
        with self.lock:
            if len(self.features) >= FEATURES_MAX:
                self.features.clear()
            self.features[key] = features


def features_key(variant: Variant, launch: Launch, args_key: tuple) -> tuple:
    """The features cache key of one launch of ``variant``."""
    block, grid, dynamic = launch
    return (variant.ptx_key, block, grid, args_key, variant.resources, dynamic)


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


@dataclass(frozen=True)
class CachedAnalysis:
    """Evaluates launches of one variant through the features cache (analysing on a miss)."""

    variant: Variant
    arguments_key: tuple
    cache: BuildCache
    load: Callable[[], Any]  # builds the KernelAnalysis when no cached one exists

    def evaluate(self, block: tuple[int, int, int], grid: tuple[int, int, int], arguments: Sequence[Any],
                 resources: Resources, dynamic_shared_bytes: int = 0) -> LaunchFeatures:
        key = (self.variant.ptx_key, block, grid, self.arguments_key, resources, dynamic_shared_bytes)
        cached = self.cache.launch_features(key)
        if cached is None:
            analysis = self.cache.analyses.get(self.variant.ptx_key)
            if analysis is None:
                analysis = self.load()
                with self.cache.lock:
                    self.cache.analyses[self.variant.ptx_key] = analysis
            cached = analysis.evaluate(block, grid, arguments, resources, dynamic_shared_bytes=dynamic_shared_bytes)
            self.cache.store_features(key, cached)
        return cached


_fork_job: tuple | None = None  # read by forked workers: (source, kernel, arch, options, arguments)


def _worker(defines: Defines, launches: Sequence[Launch]) -> tuple[Variant | CompileError, list]:
    """In a forked worker: compile, analyse and evaluate one variant's launches."""
    source, kernel_name, arch, options, arguments = _fork_job  # type: ignore[misc]
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


def _precompile(variants: Sequence[Defines]) -> None:
    """In a forked worker: NVRTC for a share of the current job's variants, batched where
    the source allows it, else one by one (the PTX lands in the on-disk cache)."""
    from flipflop.frontend.batch import precompile
    from flipflop.frontend.nvrtc import load_kernel_source

    source, kernel_name, arch, options, _ = _fork_job  # type: ignore[misc]
    try:
        text, kind = load_kernel_source(source)
    except FlipflopError:
        return  # the build reports it
    if kind == "cuda" and not precompile(text, kernel_name, [dict(d) for d in variants], arch, options):
        for defines in variants:
            _ptx_of(defines)


def _ptx_of(defines: Defines) -> str | None:
    """NVRTC's PTX for one variant of the current job (None for PTX input or a failed
    compile: the build reports the failure)."""
    from flipflop.frontend.nvrtc import compile_to_ptx, load_kernel_source

    source, kernel_name, arch, options, _ = _fork_job  # type: ignore[misc]
    try:
        text, kind = load_kernel_source(source)
        if kind != "cuda":
            return None
        return compile_to_ptx(text, arch=arch, defines=dict(defines) or None, options=options,
                              kernel_name=kernel_name).ptx
    except FlipflopError:
        return None


def _cores() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def prebuild(source: str, kernel_name: str, arch: str, options: tuple[str, ...],
             launches_by_defines: dict[Defines, list[Launch]], arguments: Sequence[Any], args_key: tuple,
             cache: BuildCache, progress: Progress | None = None) -> None:
    """Build the uncached variants ahead, in forked worker processes on a multi-core machine.

    A variant is uncached when it, or the features of one of its launches, is in neither
    memory nor the disk cache. Three phases, each spread over the cores: NVRTC for every
    variant (in processes: NVRTC serialises threads), batched into a few calls per core;
    ptxas for the small modules in a few merged runs (starting ptxas costs more than
    assembling a small kernel); then parsing, analysis (the large modules' ptxas too) and
    the launches' features, once per distinct PTX, largest first so that the long ones do
    not finish last. With one core only the two compile phases run ahead. Fills ``cache``;
    ``build_variants`` then finds everything there.
    """
    from flipflop.frontend.ptxas import prefetch_resources

    global _fork_job

    def cached(defines: Defines) -> bool:
        variant = cache.variant((source, kernel_name, arch, defines, options))
        if variant is None:
            return False
        return isinstance(variant, CompileError) or all(
            cache.launch_features(features_key(variant, launch, args_key)) is not None
            for launch in launches_by_defines[defines])

    todo = [d for d in launches_by_defines if not cached(d)]
    if len(todo) < PARALLEL_MIN_VARIANTS:
        return
    workers = min(len(todo), _cores())
    total = len(todo)
    _fork_job = (source, kernel_name, arch, options, arguments)
    try:
        if workers < 2 or "fork" not in multiprocessing.get_all_start_methods():
            _precompile(todo)
            prefetch_resources([ptx for ptx in map(_ptx_of, todo) if ptx is not None], arch)
            return
        if progress:
            progress.update("compiling", 0, total)
        with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
            # A few NVRTC calls per core: batching saves NVRTC's start-up (~20 ms a call),
            # splitting uses the cores, and several shares per core even out variants whose
            # compile times differ tenfold (unrolled tiles).
            shares = {pool.submit(_precompile, share): len(share)
                      for share in (todo[k::workers * SHARES_PER_CORE]
                                    for k in range(min(total, workers * SHARES_PER_CORE)))}
            done = 0
            for future in as_completed(shares):
                future.result()
                done += shares[future]
                if progress:
                    progress.update("compiling", done, total)
            ptxs = list(pool.map(_ptx_of, todo))
            if progress:
                progress.update("assembling", 0, total)
            prefetch_resources([ptx for ptx in ptxs if ptx is not None and len(ptx) <= MERGE_MAX_PTX_CHARS],
                               arch, runs=workers)
            # Variants whose PTX is the same are analysed once, with the union of their launches.
            groups: dict[str, list[int]] = {}
            for k, ptx in enumerate(ptxs):
                groups.setdefault(ptx if ptx is not None else f"\0{k}", []).append(k)
            order = sorted(groups.values(), key=lambda ks: -len(ptxs[ks[0]] or ""))
            futures = {pool.submit(_worker, todo[ks[0]], list(dict.fromkeys(
                launch for k in ks for launch in launches_by_defines[todo[k]]))): ks for ks in order}
            results: dict[int, tuple[Variant | CompileError, list]] = {}
            for future in as_completed(futures):
                for k in futures[future]:
                    results[k] = future.result()
                if progress:
                    progress.update("analysing", len(results), total)
    finally:
        _fork_job = None
    for k, defines in enumerate(todo):
        variant, evaluated = results[k]
        cache.store_variant((source, kernel_name, arch, defines, options), variant)
        if isinstance(variant, Variant):
            for launch, features in evaluated:
                if launch in launches_by_defines[defines]:
                    cache.store_features(features_key(variant, launch, args_key), features)


def build_variants(source: str, kernel_name: str, arch: str, options: tuple[str, ...],
                   variants: Sequence[Defines], args_key: tuple, cache: BuildCache
                   ) -> dict[Defines, KernelBuild | CompileError]:
    """Each variant (its defines) compiled and analysed through ``cache``, or the CompileError
    that stopped it; what ``prebuild`` put in the cache is taken from there.

    Uncached compiles run in a thread pool: NVRTC releases the GIL and ptxas is a subprocess.
    """
    def build(defines: Defines) -> KernelBuild | CompileError:
        key = (source, kernel_name, arch, defines, options)
        variant = cache.variant(key)
        if variant is None:
            try:
                compiled = _compile(source, kernel_name, arch, defines, options)
            except CompileError as error:
                variant = error
            else:
                variant = _variant_of(compiled)
                if variant.ptx_key not in cache.analyses:
                    analysis = _analyse(compiled)
                    with cache.lock:
                        cache.analyses.setdefault(variant.ptx_key, analysis)
            cache.store_variant(key, variant)
        if isinstance(variant, CompileError):
            return variant
        return KernelBuild(variant, CachedAnalysis(variant, args_key, cache,
                                                   lambda: _analyse(_compile(source, kernel_name, arch, defines,
                                                                             options))))

    with ThreadPoolExecutor(max_workers=min(COMPILE_THREADS, max(1, len(variants)))) as pool:
        return dict(zip(variants, pool.map(build, variants)))
