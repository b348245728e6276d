"""Tuning specifications in TOML: what ``flipflop predict SPEC.toml`` and friends read.

A spec holds ``tune_kernel``'s arguments as data::

    kernel_name = "attention"
    kernel_source = "attention.cu"          # relative to the spec file
    problem_size = ["seq_len", "batch * heads"]   # may also use tune params, as in Kernel Tuner
    restrictions = ["32 <= block_size_x * block_size_y <= 1024"]
    grid_div_x = ["block_size_y"]
    gpu = "h100-sxm"                          # optional
    power_limits = "all"                      # optional: "all" or [300, 500, 700]
    active_sms = [16, 32, 64, "all"]          # optional: SM counts (green contexts), "all" or "sweep"

    [constants]                               # optional names usable in every expression
    seq_len = 2048

    [tune_params]
    block_size_x = [32, 64, 128]

    [[arguments]]                             # in kernel order
    type = "array"
    dtype = "float32"
    size = "seq_len * 256"                    # or shape = [..]; fill = "zeros"|"random"|"ones"|"arange"
    [[arguments]]
    type = "scalar"
    dtype = "int32"
    value = "seq_len"

Also optional: ``grid_div_y``, ``grid_div_z``, ``block_size_names``, ``smem_size`` (int or
expression over the tune params), ``defines`` (table), ``compiler_options`` (list).
Array contents matter only where a loop bound reads them; "zeros" (the default) costs no
time or memory until touched.
"""
from __future__ import annotations

import ast
import math
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Callable, Sequence

import numpy as np

from flipflop.conventions import as_int, evaluate
from flipflop.errors import ConfigurationError
from flipflop.problem import TuningProblem

_TOP_KEYS = {"kernel_name", "kernel_source", "problem_size", "tune_params", "arguments", "restrictions",
             "grid_div_x", "grid_div_y", "grid_div_z", "block_size_names", "smem_size", "defines",
             "compiler_options", "gpu", "power_limits", "constants", "active_sms"}
_FILLS = ("zeros", "random", "ones", "arange")
ARGUMENT_KINDS = "biufc"  # numpy kinds a kernel argument may have: bool, integers, floats, complex
# Above this, "random" and "arange" contents would not fit in host memory; "zeros" and "ones"
# cost nothing (one element broadcast to the shape), so only these two are limited.
MAX_FILLED_BYTES = 1 << 32
MAX_ARRAY_BYTES = 1 << 60  # past any GPU's memory; numpy's own shape arithmetic overflows not far above


@dataclass(frozen=True)
class Spec:
    """A loaded spec; ``problem()`` gives its ``TuningProblem``, ``positional()`` and
    ``api_kwargs()`` the arguments of ``flipflop.predict``."""

    path: Path
    kernel_name: str
    kernel_source: Path
    problem_size: tuple[Any, ...]
    arguments: tuple[Any, ...] = field(repr=False)
    tune_params: dict[str, list[Any]]
    restrictions: tuple[str, ...] | None
    grid_div: tuple[Any, Any, Any]
    block_size_names: tuple[str, ...] | None
    smem_size: Any
    defines: dict[str, Any] | None
    compiler_options: tuple[str, ...] | None
    gpu: str
    power_limits: Any
    constants: dict[str, Any] = field(default_factory=dict)
    active_sms: Any = None  # None, "all", "sweep" or a list of SM counts and "all"

    def _scoped(self, expression: str) -> Callable[[dict[str, Any]], Any]:
        """An expression over the tune params that may also use the spec's constants."""
        return lambda params: evaluate(expression, {**self.constants, **params})

    def positional(self) -> tuple[Any, ...]:
        """(kernel_name, kernel_source, problem_size, arguments, tune_params)."""
        size: Any = self.problem_size
        if any(isinstance(v, str) for v in size):
            parts = [self._scoped(v) if isinstance(v, str) else (lambda p, v=v: v) for v in size]
            size = lambda params: tuple(as_int(part(params), "problem_size") for part in parts)  # noqa: E731
        return self.kernel_name, str(self.kernel_source), size, list(self.arguments), self.tune_params

    def _grid_div(self, value: Any) -> Any:
        if not self.constants or value is None:
            return value
        entries = [value] if isinstance(value, (str, int)) else list(value)
        parts = [self._scoped(e) if isinstance(e, str) else (lambda p, e=e: e) for e in entries]
        return lambda params: math.prod(as_int(part(params), "grid divisor") for part in parts)

    def _kernel_tuner_kwargs(self) -> dict[str, Any]:
        """The spec's keyword arguments of ``kernel_tuner.tune_kernel``, its constants bound in."""
        smem = self.smem_size
        smem_args = None
        if isinstance(smem, str):
            size_of = self._scoped(smem)
            smem_args = {"size": lambda params: as_int(size_of(params), "smem_size", minimum=0)}
        elif smem is not None:
            smem_args = {"size": as_int(smem, "smem_size", minimum=0)}
        restrictions: Any = list(self.restrictions) if self.restrictions else None
        if restrictions and self.constants:
            checks = [self._scoped(r) for r in restrictions]
            restrictions = lambda params: all(check(params) for check in checks)  # noqa: E731
        return dict(restrictions=restrictions, grid_div_x=self._grid_div(self.grid_div[0]),
                    grid_div_y=self._grid_div(self.grid_div[1]), grid_div_z=self._grid_div(self.grid_div[2]),
                    block_size_names=list(self.block_size_names) if self.block_size_names else None,
                    smem_args=smem_args, defines=self.defines,
                    compiler_options=list(self.compiler_options) if self.compiler_options else None)

    def target(self, gpu: str | None = None, power_limits: Any = None) -> tuple[str, Any]:
        """The GPU and power limits to predict for: ``gpu``/``power_limits`` when given, else the spec's."""
        return gpu or self.gpu, power_limits if power_limits is not None else self.power_limits

    def sm_counts(self, active_sms: Any = None) -> Any:
        """The SM counts to predict for: ``active_sms`` when given, else the spec's."""
        return active_sms if active_sms is not None else self.active_sms

    def api_kwargs(self, gpu: str | None = None, power_limits: Any = None, active_sms: Any = None) -> dict[str, Any]:
        """Keyword arguments for ``predict``/``recommend``; ``gpu``/``power_limits``/``active_sms``
        override the spec's."""
        gpu, power_limits = self.target(gpu, power_limits)
        return dict(gpu=gpu, power_limits=power_limits, active_sms=self.sm_counts(active_sms),
                    **self._kernel_tuner_kwargs())

    def problem(self) -> TuningProblem:
        """The spec's ``TuningProblem``, which ``flipflop.api``'s ``*_problem`` functions take."""
        return TuningProblem.from_tune_kernel(*self.positional(), **self._kernel_tuner_kwargs())


def _need(data: dict, key: str, kind: type | tuple[type, ...], what: str) -> Any:
    if key not in data:
        raise ConfigurationError(f"spec: missing key '{key}' ({what})")
    value = data[key]
    if not isinstance(value, kind):
        raise ConfigurationError(f"spec: '{key}' must be {what}")
    return value


def _number(value: Any, constants: dict[str, Any], key: str) -> Any:
    if isinstance(value, str):
        try:
            return evaluate(value, constants)
        except ConfigurationError as error:
            raise ConfigurationError(f"spec: {key}: {error}") from None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return value
    raise ConfigurationError(f"spec: {key} must be a number or an expression string")


def _size_entry(value: Any, constants: dict[str, Any], tune_names: set[str]) -> Any:
    """A problem_size entry: a number now, or kept as an expression when it reads a tune param."""
    if isinstance(value, str):
        names = {n.id for n in ast.walk(ast.parse(value, mode="eval")) if isinstance(n, ast.Name)} \
            if _parses(value) else set()
        if names & tune_names:
            return value
    return as_int(_number(value, constants, "problem_size"), "spec: problem_size")


def _parses(expression: str) -> bool:
    try:
        ast.parse(expression, mode="eval")
    except SyntaxError:
        return False
    return True


def argument_dtype(name: Any, what: str) -> np.dtype:
    """A kernel argument's numpy dtype: a plain bool, integer, float or complex type."""
    try:
        dtype = np.dtype(name) if isinstance(name, str) and name.strip() else None
    except (TypeError, ValueError, SyntaxError):
        dtype = None
    if dtype is None or dtype.kind not in ARGUMENT_KINDS or dtype.shape or dtype.names:
        raise ConfigurationError(f"{what} {name!r} is not a numpy dtype of a kernel argument; "
                                 "use e.g. float32, float64, int32, uint8, float16, bool")
    return dtype


def scalar_argument(dtype: np.dtype, value: Any, what: str) -> np.generic:
    """``value`` as a numpy scalar of ``dtype``; a value the type cannot hold exactly in range
    (99999999999 as int32, 1.5 as int32, 1e400 as float32) is a ConfigurationError."""
    if dtype.kind in "iu":
        number = as_int(value, what, minimum=None)
        info = np.iinfo(dtype)
        if not info.min <= number <= info.max:
            raise ConfigurationError(f"{what} = {number} is out of range for {dtype} ({info.min} to {info.max})")
        return dtype.type(number)
    if dtype.kind == "b":
        if value not in (0, 1) or isinstance(value, float):
            raise ConfigurationError(f"{what} must be true/false or 0/1 for bool, got {value!r}")
        return dtype.type(value)
    try:
        number = complex(value) if dtype.kind == "c" else float(value)
    except (TypeError, ValueError, OverflowError):
        raise ConfigurationError(f"{what} must be a number for {dtype}, got {value!r}") from None
    with np.errstate(over="ignore"):
        converted = dtype.type(number)
    if np.isfinite(number) and not np.isfinite(converted):
        raise ConfigurationError(f"{what} = {value!r} is out of range for {dtype} (largest {np.finfo(dtype).max:g})")
    return converted


def _count_text(n: int, spec: str = "d") -> str:
    """``n`` formatted with ``spec``, or from its digits (3 significant) where it has over 15:
    Python ints outgrow floats (float32[5E307] is a 309-digit byte count)."""
    if n < 10**15:
        return format(n, spec)
    digits = str(n)
    return f"{digits[0]}.{digits[1:3]}e+{len(digits) - 1}"


def array_argument(dtype: np.dtype, shape: tuple[int, ...], fill: str, what: str,
                   rng: np.random.Generator | None = None) -> np.ndarray:
    """An argument array of ``shape`` filled with ``fill``. "zeros" and "ones" allocate one
    element, broadcast read-only to the shape (the analysis reads shapes, and contents only
    where a loop bound loads them), so a shape as large as a GPU's memory costs nothing."""
    nbytes = math.prod(shape) * dtype.itemsize
    if nbytes > MAX_ARRAY_BYTES:
        shown = ", ".join(_count_text(n) for n in shape)
        raise ConfigurationError(f"{what}: shape [{shown}] of {dtype} is {_count_text(nbytes, '.3g')} bytes, "
                                 "larger than any GPU's memory")
    if fill in ("zeros", "ones"):
        return np.broadcast_to(np.zeros((), dtype) if fill == "zeros" else np.ones((), dtype), shape)
    if fill not in _FILLS:
        raise ConfigurationError(f"{what}.fill must be one of {', '.join(_FILLS)}, got {fill!r}")
    if nbytes > MAX_FILLED_BYTES:
        raise ConfigurationError(f"{what}: fill '{fill}' materialises {nbytes / 2**30:.1f} GiB in host memory "
                                 f"(at most {MAX_FILLED_BYTES / 2**30:g} GiB); use fill 'zeros' or 'ones'")
    if fill == "arange":
        return np.arange(math.prod(shape)).astype(dtype).reshape(shape)
    rng = rng or np.random.default_rng(0)
    if dtype.kind in "fc":
        return rng.random(shape, dtype=np.float64).astype(dtype)
    return rng.integers(0, 2 if dtype.kind == "b" else 100, size=shape).astype(dtype)


def _argument(i: int, entry: Any, constants: dict[str, Any], rng: np.random.Generator) -> Any:
    key = f"arguments[{i}]"
    if not isinstance(entry, dict):
        raise ConfigurationError(f"spec: {key} must be a table with type, dtype and size/shape or value")
    unknown = sorted(set(entry) - {"type", "dtype", "size", "shape", "fill", "value"})
    if unknown:
        raise ConfigurationError(f"spec: {key}: unknown key '{unknown[0]}'")
    kind = entry.get("type")
    if "dtype" not in entry:
        raise ConfigurationError(f"spec: missing key '{key}.dtype' (e.g. \"float32\")")
    dtype = argument_dtype(entry["dtype"], f"spec: {key}.dtype")
    if kind == "scalar":
        if "value" not in entry:
            raise ConfigurationError(f"spec: missing key '{key}.value'")
        value = entry["value"]
        if not isinstance(value, bool):
            value = _number(value, constants, f"{key}.value")
        return scalar_argument(dtype, value, f"spec: {key}.value")
    if kind != "array":
        raise ConfigurationError(f"spec: {key}.type must be 'array' or 'scalar'")
    if "shape" in entry:
        if not isinstance(entry["shape"], list) or not 1 <= len(entry["shape"]) <= 32:
            raise ConfigurationError(f"spec: {key}.shape must be a list of 1 to 32 sizes")
        shape = tuple(as_int(_number(s, constants, f"{key}.shape"), f"spec: {key}.shape entry")
                      for s in entry["shape"])
    elif "size" in entry:
        shape = (as_int(_number(entry["size"], constants, f"{key}.size"), f"spec: {key}.size"),)
    else:
        raise ConfigurationError(f"spec: missing key '{key}.size' (or shape)")
    fill = entry.get("fill", "zeros")
    if not isinstance(fill, str):
        raise ConfigurationError(f"spec: {key}.fill must be one of {', '.join(_FILLS)}")
    return array_argument(dtype, shape, fill, f"spec: {key}", rng)


def _grid_div(data: dict, key: str) -> Any:
    value = data.get(key)
    if value is None or isinstance(value, (str, int)):
        return value
    if isinstance(value, list) and all(isinstance(v, (str, int)) for v in value):
        return value
    raise ConfigurationError(f"spec: '{key}' must be an expression string, an int or a list of them")


def load_spec(path: str | Path) -> Spec:
    """Read and check a spec file; errors name the offending key in one line."""
    path = Path(path)
    try:
        data = tomllib.loads(path.read_bytes().decode("utf-8"))
    except OSError as error:
        raise ConfigurationError(f"cannot read spec {path}: {error.strerror}") from None
    except UnicodeDecodeError:
        raise ConfigurationError(f"spec {path} is not text (UTF-8); a spec is a TOML file") from None
    except tomllib.TOMLDecodeError as error:
        raise ConfigurationError(f"spec {path} is not valid TOML: {error}") from None
    unknown = sorted(set(data) - _TOP_KEYS)
    if unknown:
        raise ConfigurationError(f"spec: unknown key '{unknown[0]}'")
    constants = data.get("constants", {})
    if not isinstance(constants, dict):
        raise ConfigurationError("spec: 'constants' must be a table")
    kernel_name = _need(data, "kernel_name", str, "a string")
    source = path.parent / _need(data, "kernel_source", str, "a path relative to the spec file")
    if source.is_dir():
        raise ConfigurationError(f"spec: kernel_source {source} is a directory; give a .cu or .ptx file")
    if not source.is_file():
        raise ConfigurationError(f"spec: kernel_source {source} does not exist")
    tune_params = _need(data, "tune_params", dict, "a table of name = [values]")
    for name, values in tune_params.items():
        if not isinstance(values, list) or not values:
            raise ConfigurationError(f"spec: tune_params.{name} must be a non-empty list")
    raw_size = _need(data, "problem_size", (int, str, list), "an int, an expression or a list of them")
    raw_size = raw_size if isinstance(raw_size, list) else [raw_size]
    problem_size = tuple(_size_entry(v, constants, set(tune_params)) for v in raw_size)
    entries = _need(data, "arguments", list, "an array of tables ([[arguments]])")
    rng = np.random.default_rng(0)
    arguments = tuple(_argument(i, e, constants, rng) for i, e in enumerate(entries))
    restrictions = data.get("restrictions")
    if isinstance(restrictions, str):
        restrictions = [restrictions]
    if restrictions is not None and not (isinstance(restrictions, list) and all(isinstance(r, str) for r in restrictions)):
        raise ConfigurationError("spec: 'restrictions' must be a list of expression strings")
    names = data.get("block_size_names")
    if names is not None and not (isinstance(names, list) and all(isinstance(n, str) for n in names)):
        raise ConfigurationError("spec: 'block_size_names' must be a list of strings")
    defines = data.get("defines")
    if defines is not None and not isinstance(defines, dict):
        raise ConfigurationError("spec: 'defines' must be a table")
    options = data.get("compiler_options")
    if options is not None and not (isinstance(options, list) and all(isinstance(o, str) for o in options)):
        raise ConfigurationError("spec: 'compiler_options' must be a list of strings")
    smem = data.get("smem_size")
    if smem is not None and not isinstance(smem, (int, str)):
        raise ConfigurationError("spec: 'smem_size' must be an int or an expression string")
    gpu = data.get("gpu", "h100-sxm")
    if not isinstance(gpu, str):
        raise ConfigurationError("spec: 'gpu' must be a profile name or path")
    active_sms = data.get("active_sms")
    if not (active_sms is None or active_sms in ("all", "sweep") or (
            isinstance(active_sms, list) and active_sms and all(
                v == "all" or (isinstance(v, int) and not isinstance(v, bool)) for v in active_sms))):
        raise ConfigurationError('spec: \'active_sms\' must be "all", "sweep" or a list of SM counts and "all", '
                                 'e.g. [16, 32, 64, "all"]')
    return Spec(path=path, kernel_name=kernel_name, kernel_source=source, problem_size=problem_size,
                arguments=arguments, tune_params=tune_params,
                restrictions=tuple(restrictions) if restrictions else None,
                grid_div=(_grid_div(data, "grid_div_x"), _grid_div(data, "grid_div_y"), _grid_div(data, "grid_div_z")),
                block_size_names=tuple(names) if names else None, smem_size=smem, defines=defines,
                compiler_options=tuple(options) if options else None, gpu=gpu,
                power_limits=data.get("power_limits"), constants=constants, active_sms=active_sms)


def parse_argument_list(text: str) -> tuple[Any, ...]:
    """Arguments written on one line: ``dtype[size]`` for an array (zeros), ``dtype=value``
    for a scalar, comma-separated in kernel order: 'float32[1024],float32[1024],int32=1024'.
    Sizes and values may be arithmetic ('float32[4096*4096]', 'int32=1<<20')."""
    arguments: list[Any] = []
    for item in (t.strip() for t in text.split(",") if t.strip()):
        what = f"argument {item!r}"
        if item.endswith("]") and "[" in item:
            dtype, size = item[:-1].split("[", 1)
            shape = (as_int(_literal(size, what), f"{what}: the size"),)
            arguments.append(array_argument(argument_dtype(dtype.strip(), what), shape, "zeros", what))
        elif "=" in item:
            dtype, value = item.split("=", 1)
            arguments.append(scalar_argument(argument_dtype(dtype.strip(), what), _literal(value, what), what))
        else:
            raise ConfigurationError(f"{what}: use dtype[size] for an array or dtype=value for a scalar")
    return tuple(arguments)


def _literal(text: str, what: str) -> Any:
    """A number written on the command line: an int, a float (also inf, nan) or an arithmetic expression."""
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            continue
    try:
        return evaluate(text, {})
    except ConfigurationError as error:
        raise ConfigurationError(f"{what}: {error}") from None


def _value(text: str) -> Any:
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            continue
    return text


def parse_tune_param(text: str) -> tuple[str, list[Any]]:
    """'block_size_x=16,32,64' → ("block_size_x", [16, 32, 64])."""
    name, sep, values = text.partition("=")
    parsed = [_value(v.strip()) for v in values.split(",") if v.strip()]
    if not sep or not name.strip() or not parsed:
        raise ConfigurationError(f"tune parameter {text!r}: use NAME=V1,V2,...")
    return name.strip(), parsed


def spec_from_flags(base: Spec | None, *, kernel_name: str | None = None, kernel_source: str | None = None,
                    problem_size: Sequence[int] | None = None, tune_params: dict[str, list[Any]] | None = None,
                    arguments: Sequence[Any] | None = None, restrictions: Sequence[str] | None = None,
                    grid_div: tuple[Any, Any, Any] = (None, None, None)) -> Spec:
    """A spec from command-line values, on top of ``base`` (a loaded spec) when given."""
    given = {"kernel_name": kernel_name, "kernel_source": Path(kernel_source) if kernel_source else None,
             "problem_size": tuple(problem_size) if problem_size else None, "tune_params": tune_params or None,
             "arguments": tuple(arguments) if arguments is not None else None,
             "restrictions": tuple(restrictions) if restrictions else None}
    changes = {k: v for k, v in given.items() if v is not None}
    if any(d is not None for d in grid_div):
        changes["grid_div"] = tuple(d if d is not None else (base.grid_div[i] if base else None)
                                    for i, d in enumerate(grid_div))
    if base is not None:
        return replace(base, **changes)
    flags = {"kernel_name": "--kernel", "kernel_source": "--source", "problem_size": "--problem-size",
             "tune_params": "--tune", "arguments": "--args"}
    missing = [flag for key, flag in flags.items() if key not in changes]
    if missing:
        raise ConfigurationError(f"without a spec file, give {', '.join(missing)}")
    if not changes["kernel_source"].is_file():
        raise ConfigurationError(f"kernel source {changes['kernel_source']} does not exist")
    return Spec(path=Path("."), block_size_names=None, smem_size=None, defines=None, compiler_options=None,
                gpu="h100-sxm", power_limits=None, restrictions=changes.pop("restrictions", None),
                grid_div=changes.pop("grid_div", (None, None, None)), **changes)
