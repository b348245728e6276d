"""``flipflop.features``: a kernel's static facts for one block shape, as a plain dict."""
from __future__ import annotations

from dataclasses import asdict
from pathlib import Path
from typing import Sequence

from flipflop.analysis.kernel import analyze_kernel
from flipflop.conventions import DEFAULT_BLOCK_SIZE_NAMES, as_int, grid_size
from flipflop.errors import CompileError, ConfigurationError
from flipflop.frontend import compile_kernel
from flipflop.frontend.nvrtc import with_source_name
from flipflop.frontend.sass import kernel_sass_lines

# Launch limits of every CUDA GPU since compute capability 2.0 (features has no GPU profile).
MAX_THREADS_PER_BLOCK = 1024
MAX_BLOCK = (1024, 1024, 64)


def _triple(value: int | Sequence[int], what: str) -> tuple[int, int, int]:
    try:
        items = [value] if hasattr(value, "__index__") or isinstance(value, float) else list(value)  # type: ignore[arg-type]
    except TypeError:
        items = []
    if not 1 <= len(items) <= 3:
        raise ConfigurationError(f"{what} must be 1 to 3 positive integers, got {value!r}")
    return tuple([as_int(v, what) for v in items] + [1] * (3 - len(items)))  # type: ignore[return-value]


def launch_problem(block: tuple[int, int, int], what: str) -> None:
    """Raise ConfigurationError for a block no CUDA GPU launches."""
    threads = block[0] * block[1] * block[2]
    if threads > MAX_THREADS_PER_BLOCK or any(b > m for b, m in zip(block, MAX_BLOCK)):
        raise ConfigurationError(f"{what}: block {block} ({threads} threads) cannot launch; CUDA allows at most "
                                 f"{MAX_THREADS_PER_BLOCK} threads per block and {MAX_BLOCK[0]} × {MAX_BLOCK[1]} × "
                                 f"{MAX_BLOCK[2]}")


def features(kernel_name: str, kernel_source: str | Path, arguments: Sequence,
             block: int | Sequence[int] = (256, 1, 1), problem_size: int | Sequence[int] | None = None,
             arch: str = "sm_90", defines: dict[str, object] | None = None) -> dict:
    """Static analysis of ``kernel_name`` launched with ``block`` threads per block.

    ``arguments`` are numpy arrays and numpy scalars in kernel parameter order (Kernel
    Tuner style). The grid is ``problem_size`` divided by ``block``, rounded up, per
    dimension (Kernel Tuner's default); without ``problem_size`` one block is launched.
    ``defines`` (name → value) become ``#define`` lines in front of the source; none are
    added otherwise. Returns a dict (JSON-serialisable) with the kernel's resources,
    dynamic instruction counts per thread and per warp by class, the SASS instructions a
    warp issues (None without nvdisasm), loops, memory accesses (coalescing,
    bank conflicts, footprints), branches and the toolchain versions.
    """
    block3 = _triple(block, "block")
    launch_problem(block3, "block")
    if problem_size is None:
        grid = (1, 1, 1)
    else:
        size3 = _triple(problem_size, "problem_size")
        grid = grid_size(size3, dict(zip(DEFAULT_BLOCK_SIZE_NAMES, block3)))
    try:
        compiled = compile_kernel(kernel_source, kernel_name, arch=arch, defines=defines)
    except CompileError as error:  # name the user's file, not the text's stand-in name
        raise CompileError(with_source_name(str(error), kernel_source)) from None
    analysis = analyze_kernel(compiled.module, compiled.function.name)
    launch, branches = analysis.evaluate_detailed(block3, grid, arguments, compiled.resources,
                                                  sass_lines=kernel_sass_lines(compiled))
    return {
        "kernel": compiled.function.name,
        "arch": arch,
        "block": list(block3),
        "grid": list(grid),
        "registers": compiled.resources.registers,
        "shared_bytes": launch.shared_bytes,
        "local_bytes": launch.local_bytes,
        "spill_bytes": launch.spill_bytes,
        "resources_estimated": compiled.resources.estimated,
        "instructions": launch.instructions,
        "warp_instructions": launch.warp_instructions,
        "warp_sass_instructions": launch.warp_sass_instructions,
        "loops": [{"depth": lp.depth, "trip_count": lp.trip_count, "data_dependent": lp.data_dependent,
                   "symbolic": lp.symbolic, "line": lp.header_line} for lp in launch.loops],
        "accesses": [{
            "space": a.space, "op": a.op, "bytes": a.bytes, "affine": a.affine,
            "stride_bytes": dict(a.stride_bytes), "loop_depth": a.loop_depth,
            "sectors_per_request": a.sectors_per_request if a.space != "shared" else None,
            "lines_per_request": a.lines_per_request if a.space != "shared" else None,
            "bank_conflict_degree": a.bank_conflict_degree,
            "executions_per_thread": a.executions_per_thread,
            "footprint_bytes": a.footprint_bytes, "block_footprint_bytes": a.block_footprint_bytes,
            "uniform": a.uniform, "cached_read_only": a.cached_read_only, "line": a.line,
            "array": a.array, "offset_bytes": a.offset_bytes, "loop_stride_bytes": a.loop_stride_bytes,
            "loop": a.loop, "new_sector_share": a.new_sector_share, "window_share": a.window_share,
            "far_sector_share": a.far_sector_share, "far_fetch_ratio": a.far_fetch_ratio,
        } for a in launch.accesses],
        "branches": [asdict(b) for b in branches],
        "active_fraction": launch.active_fraction,
        "block_imbalance": launch.block_imbalance,
        "path_instructions": launch.path_instructions,
        "divergent_branches": launch.divergent_branches,
        "barriers_per_thread": launch.barriers_per_thread,
        "toolchain": {"nvrtc": compiled.nvrtc_version, "ptxas": compiled.ptxas_version},
        "notes": list(launch.notes),
    }
