"""``TuningProblem``: what one ``kernel_tuner.tune_kernel`` call describes, checked once.

The API (``predict``, ``recommend``, ``measure``, ``validate``), the spec reader and the CLI
build it; the space, the evaluation and the measurement read it instead of receiving
Kernel Tuner's loose arguments one by one. It sits after the front end (it reads the
kernel source) and before ``search/``, which enumerates its space.
"""
from __future__ import annotations

import math
import os
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any, Literal, Mapping, Sequence

import numpy as np

from flipflop.conventions import DEFAULT_BLOCK_SIZE_NAMES
from flipflop.errors import ConfigurationError
from flipflop.frontend.nvrtc import load_kernel_source

MAX_CONFIGURATIONS = 10_000_000  # a product of tune_params this large is a mistake, not a space to enumerate


def check_call(kernel_name: Any, kernel_source: Any, arguments: Any) -> list[Any]:
    """The parts of a call that must have a type before anything runs; returns the arguments as a list."""
    if not isinstance(kernel_name, str) or not kernel_name.strip():
        raise ConfigurationError(f"kernel_name must be the kernel's name (a string), got {kernel_name!r}"[:200])
    if not isinstance(kernel_source, (str, os.PathLike)):
        raise ConfigurationError(f"kernel_source must be a file path or the kernel's source text, "
                                 f"got {type(kernel_source).__name__}")
    if isinstance(arguments, (str, bytes, np.ndarray, Mapping)) or not isinstance(arguments, Sequence):
        raise ConfigurationError(f"arguments must be a list of numpy arrays and scalars in kernel order, "
                                 f"got {type(arguments).__name__}")
    return list(arguments)


def check_tune_params(tune_params: Any) -> None:
    """Kernel Tuner's ``tune_params``: a non-empty dict of name → non-empty list of values,
    spanning at most ``MAX_CONFIGURATIONS``."""
    if not isinstance(tune_params, Mapping) or not tune_params:
        raise ConfigurationError("tune_params must be a non-empty dict of name → list of values")
    for name, values in tune_params.items():
        if isinstance(values, (str, bytes)) or not hasattr(values, "__iter__") or len(list(values)) == 0:
            raise ConfigurationError(f"tune_params[{name!r}] must be a non-empty list of values")
    if math.prod(len(list(values)) for values in tune_params.values()) > MAX_CONFIGURATIONS:
        raise ConfigurationError(f"tune_params span more than {MAX_CONFIGURATIONS:,} configurations; "
                                 "restrict the values (each one is compiled and analysed)")


def block_size_names_of(block_size_names: Any) -> tuple[str, str, str]:
    """Kernel Tuner's ``block_size_names`` (None or 1 to 3 names), the missing ones its defaults."""
    if isinstance(block_size_names, str) or not (block_size_names is None or isinstance(block_size_names, Sequence)):
        raise ConfigurationError(f"block_size_names must be a list of 1 to 3 names, got {block_size_names!r}")
    names = tuple(block_size_names or DEFAULT_BLOCK_SIZE_NAMES)
    if not 1 <= len(names) <= 3 or not all(isinstance(n, str) for n in names):
        raise ConfigurationError("block_size_names must name 1 to 3 dimensions")
    return names + DEFAULT_BLOCK_SIZE_NAMES[len(names):]  # type: ignore[return-value]


def check_defines(defines: Any) -> None:
    """Kernel Tuner's ``defines``: None or a dict of name → value (or callable of the params)."""
    if defines is not None and not isinstance(defines, Mapping):
        raise ConfigurationError(f"defines must be a dict of name → value, got {type(defines).__name__}")


def smem_size_of(smem_args: Any) -> Any:
    """Kernel Tuner's ``smem_args["size"]``: an int, an expression string over the tune params
    ("block_size_x * 4") or a callable; its other keys (``array``) do not change the launch."""
    if smem_args is None:
        return 0
    if not isinstance(smem_args, Mapping):
        raise ConfigurationError(f"smem_args must be a dict such as {{'size': 'block_size_x * 4'}}, got {smem_args!r}")
    return smem_args.get("size", 0)


def check_restrictions(restrictions: Any) -> list[Any]:
    """Kernel Tuner's restrictions (None, a string, a callable, or a list of strings and
    callables) as a list; anything else is a ConfigurationError."""
    if restrictions is None:
        return []
    if callable(restrictions) or isinstance(restrictions, str):
        return [restrictions]
    if not isinstance(restrictions, (list, tuple)):
        raise ConfigurationError(f"restrictions must be a list of expression strings or callables, got "
                                 f"{type(restrictions).__name__}")
    for restriction in restrictions:
        if not (callable(restriction) or isinstance(restriction, str)):
            raise ConfigurationError(f"restriction {restriction!r} must be an expression string such as "
                                     "'block_size_x * block_size_y <= 1024' or a callable taking the params dict")
    return list(restrictions)


def compiler_options_of(options: Any) -> tuple[str, ...]:
    """Kernel Tuner's ``compiler_options`` (None or a list of strings) as a tuple."""
    if options is None:
        return ()
    if isinstance(options, str) or not isinstance(options, Sequence) or not all(isinstance(o, str) for o in options):
        raise ConfigurationError(f"compiler_options must be a list of strings such as ['-use_fast_math'], "
                                 f"got {options!r}"[:200])
    return tuple(options)


@dataclass(frozen=True)
class KernelSource:
    """The kernel's source: its text, whether CUDA C++ or PTX, and the user's file (None when
    the text itself was given), which error messages name instead of NVRTC's stand-in."""

    text: str
    kind: Literal["cuda", "ptx"]
    path: str | Path | None

    @classmethod
    def load(cls, kernel_source: str | os.PathLike) -> "KernelSource":
        """Read ``kernel_source``, a file path or the source text (``load_kernel_source``)."""
        text, kind = load_kernel_source(kernel_source)  # type: ignore[arg-type]
        # Source text comes back as the very string given; a file's text is a new string.
        given_text = isinstance(kernel_source, str) and text is kernel_source
        return cls(text, kind, None if given_text else kernel_source)  # type: ignore[arg-type]


# eq=False: the arguments are numpy arrays, which do not compare to a single truth value.
@dataclass(frozen=True, eq=False)
class TuningProblem:
    """What a ``kernel_tuner.tune_kernel`` call describes, each part checked as Kernel Tuner
    takes it. ``arguments`` are the arrays and scalars themselves, not only their dtypes and
    shapes: the analysis reads loop bounds from array contents, and a measurement launches them."""

    kernel_name: str
    source: KernelSource
    problem_size: Any  # ints, expression strings, a sequence of them, or a callable of the params
    arguments: tuple[Any, ...]
    tune_params: Mapping[str, Sequence[Any]]
    restrictions: tuple[Any, ...]  # expression strings and callables; all must hold
    grid_div: tuple[Any, Any, Any]
    block_size_names: tuple[str, ...] | None  # as given; ``block_names`` fills in Kernel Tuner's defaults
    smem_args: Mapping[str, Any] | None
    cmem_args: Mapping[str, Any] | None
    defines: Mapping[str, Any] | None
    compiler_options: tuple[str, ...]

    @classmethod
    def from_tune_kernel(cls, kernel_name: Any, kernel_source: Any, problem_size: Any, arguments: Any,
                         tune_params: Any, *, restrictions: Any = None, grid_div_x: Any = None,
                         grid_div_y: Any = None, grid_div_z: Any = None, block_size_names: Any = None,
                         smem_args: Any = None, cmem_args: Any = None, defines: Any = None,
                         compiler_options: Any = None) -> "TuningProblem":
        """Check ``kernel_tuner.tune_kernel``'s arguments (named as it names them) and hold them;
        a ConfigurationError (or FlipflopError for an unreadable source) says what is wrong
        with the first bad one."""
        arguments = check_call(kernel_name, kernel_source, arguments)
        if cmem_args is not None and not isinstance(cmem_args, Mapping):
            raise ConfigurationError(f"cmem_args must be a dict of name → numpy array, got {type(cmem_args).__name__}")
        check_tune_params(tune_params)
        block_size_names_of(block_size_names)
        check_defines(defines)
        smem_size_of(smem_args)
        checked = check_restrictions(restrictions)
        source = KernelSource.load(kernel_source)
        options = compiler_options_of(compiler_options)
        return cls(kernel_name, source, problem_size, tuple(arguments), MappingProxyType(dict(tune_params)),
                   tuple(checked), (grid_div_x, grid_div_y, grid_div_z),
                   tuple(block_size_names) if block_size_names else None, smem_args, cmem_args, defines, options)

    @property
    def block_names(self) -> tuple[str, str, str]:
        """The three block size names, Kernel Tuner's defaults where none were given."""
        return block_size_names_of(self.block_size_names)
