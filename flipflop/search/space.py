"""The configuration space, enumerated with Kernel Tuner's conventions.

Follows ``kernel_tuner.tune_kernel``: the product of ``tune_params`` in their given order;
``restrictions`` as expression strings over the parameter names (all must hold) or a
callable taking the params dict; the thread block from ``block_size_names`` (a missing
dimension is 1); the problem size as ints, expressions over the params, or a callable; the
grid as ceil(problem size / product of the ``grid_div_*`` entries), each ``grid_div_*``
defaulting to ``[block_size_x]`` etc. (1 when that param does not exist); ``smem_args``
``{"size": int | callable(params)}``; and compile-time ``#define`` lines as Kernel Tuner
writes them. Expressions are evaluated by a restricted evaluator (arithmetic, comparisons,
boolean logic, ``min``/``max``/``abs``/``int``/``float``/``round``), never ``eval`` on
untrusted names.
"""
from __future__ import annotations

import ast
import itertools
import math
import operator
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Callable, Mapping, Sequence

from flipflop.errors import ConfigurationError

DEFAULT_BLOCK_SIZE_NAMES = ("block_size_x", "block_size_y", "block_size_z")

_BINARY = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.Div: operator.truediv,
           ast.FloorDiv: operator.floordiv, ast.Mod: operator.mod, ast.Pow: operator.pow,
           ast.BitAnd: operator.and_, ast.BitOr: operator.or_, ast.BitXor: operator.xor,
           ast.LShift: operator.lshift, ast.RShift: operator.rshift}
_UNARY = {ast.USub: operator.neg, ast.UAdd: operator.pos, ast.Not: operator.not_, ast.Invert: operator.invert}
_COMPARE = {ast.Eq: operator.eq, ast.NotEq: operator.ne, ast.Lt: operator.lt, ast.LtE: operator.le,
            ast.Gt: operator.gt, ast.GtE: operator.ge, ast.In: lambda a, b: a in b,
            ast.NotIn: lambda a, b: a not in b}
_FUNCTIONS: dict[str, Callable[..., Any]] = {"min": min, "max": max, "abs": abs, "int": int, "float": float,
                                             "round": round, "ceil": math.ceil, "floor": math.floor}


@lru_cache(maxsize=1024)
def _parse(expression: str) -> ast.expr:
    try:
        tree = ast.parse(expression.strip(), mode="eval")
    except SyntaxError:
        raise ConfigurationError(f"bad expression {expression!r}: not a Python expression") from None
    return tree.body


def _eval(node: ast.expr, names: Mapping[str, Any], expression: str) -> Any:
    if isinstance(node, ast.Constant) and isinstance(node.value, (int, float, bool, str)):
        return node.value
    if isinstance(node, ast.Name):
        if node.id in names:
            return names[node.id]
        if node.id in ("True", "False"):
            return node.id == "True"
        raise ConfigurationError(f"bad expression {expression!r}: unknown name '{node.id}'")
    if isinstance(node, ast.BinOp) and type(node.op) in _BINARY:
        return _BINARY[type(node.op)](_eval(node.left, names, expression), _eval(node.right, names, expression))
    if isinstance(node, ast.UnaryOp) and type(node.op) in _UNARY:
        return _UNARY[type(node.op)](_eval(node.operand, names, expression))
    if isinstance(node, ast.BoolOp):
        values = (_eval(v, names, expression) for v in node.values)
        return all(values) if isinstance(node.op, ast.And) else any(values)
    if isinstance(node, ast.Compare):
        left = _eval(node.left, names, expression)
        for op, comparator in zip(node.ops, node.comparators):
            right = _eval(comparator, names, expression)
            if type(op) not in _COMPARE or not _COMPARE[type(op)](left, right):
                return False
            left = right
        return True
    if isinstance(node, ast.IfExp):
        branch = node.body if _eval(node.test, names, expression) else node.orelse
        return _eval(branch, names, expression)
    if isinstance(node, (ast.Tuple, ast.List)):
        return tuple(_eval(e, names, expression) for e in node.elts)
    if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in _FUNCTIONS
            and not node.keywords):
        return _FUNCTIONS[node.func.id](*(_eval(a, names, expression) for a in node.args))
    raise ConfigurationError(f"bad expression {expression!r}: '{ast.unparse(node)}' is not allowed")


def evaluate(expression: str, params: Mapping[str, Any]) -> Any:
    """Evaluate a Kernel Tuner expression string (restriction, grid divisor, problem size)."""
    try:
        return _eval(_parse(expression), params, expression)
    except ZeroDivisionError:
        raise ConfigurationError(f"bad expression {expression!r}: division by zero for {dict(params)}") from None


@dataclass(frozen=True)
class Config:
    """One point of the space: the tune params and what the launch derives from them."""

    params: tuple[tuple[str, Any], ...]   # ordered as tune_params
    block: tuple[int, int, int]
    grid: tuple[int, int, int]
    problem_size: tuple[int, int, int]
    dynamic_shared_bytes: int
    defines: tuple[tuple[str, str], ...]  # ordered #define name/value pairs for the compiler

    @property
    def params_dict(self) -> dict[str, Any]:
        return dict(self.params)

    @property
    def threads_per_block(self) -> int:
        return self.block[0] * self.block[1] * self.block[2]


@dataclass(frozen=True)
class Space:
    """The enumerated space: configurations kept, and those a restriction removed."""

    configs: tuple[Config, ...]
    restricted: tuple[dict[str, Any], ...]
    total: int  # size of the full product of tune_params


def _as_int(value: Any, what: str) -> int:
    try:
        as_float = float(value)
    except (TypeError, ValueError):
        raise ConfigurationError(f"{what} must be a number, got {value!r}") from None
    return int(as_float)


def problem_size_of(problem_size: Any, params: Mapping[str, Any]) -> tuple[int, int, int]:
    """Kernel Tuner's current problem size: int, expression string, sequence of those, or callable."""
    if callable(problem_size):
        problem_size = problem_size(dict(params))
    if isinstance(problem_size, (str, int)) or hasattr(problem_size, "__index__"):
        problem_size = (problem_size,)
    try:
        entries = list(problem_size)
    except TypeError:
        raise ConfigurationError(f"problem_size must be an int, a tuple or a callable, got {problem_size!r}") from None
    if not 1 <= len(entries) <= 3:
        raise ConfigurationError(f"problem_size has {len(entries)} dimensions; 1 to 3 are allowed")
    sizes = [1, 1, 1]
    for i, entry in enumerate(entries):
        value = evaluate(entry, params) if isinstance(entry, str) else entry
        sizes[i] = _as_int(value, f"problem_size[{i}]")
    return sizes[0], sizes[1], sizes[2]


def _divisor(grid_div: Any, default_name: str, params: Mapping[str, Any]) -> int:
    if grid_div is None:
        return _as_int(params[default_name], default_name) if default_name in params else 1
    if callable(grid_div):
        return _as_int(grid_div(dict(params)), "grid divisor")
    entries = [grid_div] if isinstance(grid_div, (str, int)) else list(grid_div)
    product = 1
    for entry in entries:
        value = evaluate(entry, params) if isinstance(entry, str) else entry
        product *= _as_int(value, f"grid divisor {entry!r}")
    if product <= 0:
        raise ConfigurationError(f"grid divisor {grid_div!r} is {product} for {dict(params)}")
    return product


def _restriction_holds(restrictions: Any, params: dict[str, Any]) -> bool:
    if restrictions is None:
        return True
    if callable(restrictions):
        return bool(restrictions(params))
    if isinstance(restrictions, str):
        restrictions = [restrictions]
    for restriction in restrictions:
        ok = restriction(params) if callable(restriction) else evaluate(restriction, params)
        if not ok:
            return False
    return True


def kernel_tuner_defines(params: Mapping[str, Any], block: tuple[int, int, int], grid: tuple[int, int, int],
                         block_size_names: Sequence[str] = DEFAULT_BLOCK_SIZE_NAMES) -> tuple[tuple[str, str], ...]:
    """The ``#define`` lines Kernel Tuner puts before the source, as (name, value) pairs."""
    pairs: dict[str, str] = {}
    for axis, size in zip("xyz", grid):
        pairs[f"grid_size_{axis}"] = str(size)
    for name, size in zip(block_size_names, block):
        pairs[name] = str(size)
    for name, value in params.items():
        pairs[name] = str(value)
    pairs["kernel_tuner"] = "1"
    return tuple(pairs.items())


def _user_defines(defines: Mapping[str, Any], params: dict[str, Any]) -> tuple[tuple[str, str], ...]:
    return tuple((name, str(value(params) if callable(value) else value)) for name, value in defines.items())


def enumerate_space(
    tune_params: Mapping[str, Sequence[Any]],
    problem_size: Any,
    *,
    restrictions: Any = None,
    grid_div_x: Any = None,
    grid_div_y: Any = None,
    grid_div_z: Any = None,
    block_size_names: Sequence[str] | None = None,
    smem_args: Mapping[str, Any] | None = None,
    defines: Mapping[str, Any] | None = None,
) -> Space:
    """Every configuration of ``tune_params`` that the restrictions allow, with its launch."""
    if not isinstance(tune_params, Mapping) or not tune_params:
        raise ConfigurationError("tune_params must be a non-empty dict of name → list of values")
    for name, values in tune_params.items():
        if isinstance(values, (str, bytes)) or not hasattr(values, "__iter__") or len(list(values)) == 0:
            raise ConfigurationError(f"tune_params['{name}'] must be a non-empty list of values")
    names = tuple(block_size_names or DEFAULT_BLOCK_SIZE_NAMES)
    if not 1 <= len(names) <= 3:
        raise ConfigurationError("block_size_names must name 1 to 3 dimensions")
    names = names + DEFAULT_BLOCK_SIZE_NAMES[len(names):]
    smem = (smem_args or {}).get("size", 0)
    configs, restricted, total = [], [], 0
    keys = list(tune_params)
    for values in itertools.product(*(list(tune_params[k]) for k in keys)):
        total += 1
        params = dict(zip(keys, values))
        if not _restriction_holds(restrictions, params):
            restricted.append(params)
            continue
        block = tuple(_as_int(params.get(n, 1), n) for n in names)
        size = problem_size_of(problem_size, params)
        divisors = (_divisor(grid_div_x, names[0], params), _divisor(grid_div_y, names[1], params),
                    _divisor(grid_div_z, names[2], params))
        grid = tuple(max(1, math.ceil(s / d)) for s, d in zip(size, divisors))
        dynamic = _as_int(smem(params) if callable(smem) else smem, "smem_args['size']")
        pairs = (_user_defines(defines, params) if defines is not None
                 else kernel_tuner_defines(params, block, grid, names))
        configs.append(Config(tuple(params.items()), block, grid, size, dynamic, pairs))
    return Space(tuple(configs), tuple(restricted), total)
