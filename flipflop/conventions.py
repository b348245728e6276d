"""Kernel Tuner's conventions, owned in one place (issue 11): the expression evaluator, the
grid of a launch and the ``#define`` lines of a configuration.

Kernel Tuner writes restrictions, grid divisors, problem sizes and shared-memory sizes as
Python expression strings over the tune parameters. They are evaluated here by a restricted
evaluator — arithmetic, comparisons, boolean logic, conditional expressions, tuples and
``min``/``max``/``abs``/``int``/``float``/``round``/``ceil``/``floor`` — never by ``eval``,
so a spec or a command line cannot run code. Every stage that reads such an expression
(the space, the spec reader, the launcher) uses ``evaluate``.
"""
from __future__ import annotations

import ast
import math
import operator
from functools import lru_cache
from typing import Any, Callable, Mapping, Sequence

from flipflop.errors import ConfigurationError, FlipflopError

DEFAULT_BLOCK_SIZE_NAMES = ("block_size_x", "block_size_y", "block_size_z")
GRID_SIZE_NAMES = ("grid_size_x", "grid_size_y", "grid_size_z")

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
# Operands past these sizes are typos, not tuning expressions; computing them would hang or exhaust memory.
MAX_EXPONENT = 1024
MAX_SEQUENCE_REPEAT = 4096


def _bounded(op: type, left: Any, right: Any) -> None:
    """Refuse ``**``, ``<<`` and sequence repetition big enough to hang the evaluator."""
    if op in (ast.Pow, ast.LShift) and isinstance(right, (int, float)) and abs(right) > MAX_EXPONENT:
        raise OverflowError(f"exponent or shift {right} > {MAX_EXPONENT}")
    if op is ast.Mult:
        for seq, count in ((left, right), (right, left)):
            if isinstance(seq, (str, tuple)) and isinstance(count, int) and count > MAX_SEQUENCE_REPEAT:
                raise OverflowError(f"repeats a sequence {count} times")


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
        left, right = _eval(node.left, names, expression), _eval(node.right, names, expression)
        _bounded(type(node.op), left, right)
        return _BINARY[type(node.op)](left, right)
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
    if not isinstance(expression, str):
        raise ConfigurationError(f"expected an expression string, got {expression!r}")
    try:
        return _eval(_parse(expression), params, expression)
    except ZeroDivisionError:
        raise ConfigurationError(f"bad expression {expression!r}: division by zero for {dict(params)}") from None
    except (ArithmeticError, TypeError, ValueError, RecursionError, MemoryError) as error:
        # e.g. "block_size_x + 'a'", "float('x')", "2.0 ** 5000": the expression cannot give a value.
        raise ConfigurationError(f"bad expression {expression!r}: {type(error).__name__}: {error}"[:300]) from None


def as_int(value: Any, what: str, minimum: int | None = 1) -> int:
    """``value`` as an int: an integer, or a float with no fractional part (``32.0``); not
    below ``minimum`` (None: any). Anything else is a ConfigurationError naming ``what``."""
    integral: int | None = None
    if isinstance(value, bool):
        integral = None  # True is an int to Python, but never a size
    elif hasattr(value, "__index__"):
        try:
            integral = operator.index(value)
        except TypeError:  # numpy arrays have __index__ but only a one-element integer one is an index
            integral = None
    elif isinstance(value, float) or hasattr(value, "is_integer"):
        try:
            integral = int(value) if float(value).is_integer() else None
        except (TypeError, ValueError, OverflowError):
            integral = None
    if integral is None or (minimum is not None and integral < minimum):
        allowed = "an integer" if minimum is None else f"an integer >= {minimum}"
        raise ConfigurationError(f"{what} must be {allowed}, got {value!r}")
    return integral


def call_user(function: Callable[..., Any], argument: Any, what: str) -> Any:
    """Call a user's callable (restriction, problem size, grid divisor, smem size); what it
    raises becomes a one-line ConfigurationError naming ``what``."""
    try:
        return function(argument)
    except FlipflopError:
        raise
    except Exception as error:  # noqa: BLE001 - any failure of user code is reported, not re-raised
        raise ConfigurationError(f"{what} raised {type(error).__name__}: {error}"[:300]) from None


def grid_divisor(grid_div: Any, block_size_name: str, params: Mapping[str, Any]) -> int:
    """One dimension's divisor, as ``kernel_tuner.tune_kernel``'s ``grid_div_*`` gives it: None
    means the block size of that dimension (1 when that tune parameter does not exist); a
    callable takes the params dict; otherwise an int, an expression string, or a list of them
    whose product divides (an empty list: 1)."""
    if grid_div is None:
        return as_int(params[block_size_name], block_size_name) if block_size_name in params else 1
    if callable(grid_div):
        return as_int(call_user(grid_div, dict(params), "grid divisor"), f"grid divisor for {dict(params)}")
    try:
        entries = [grid_div] if isinstance(grid_div, (str, int)) else list(grid_div)
    except TypeError:
        raise ConfigurationError(f"a grid divisor must be an expression string, an int, a list of them or a "
                                 f"callable, got {grid_div!r}") from None
    product = 1
    for entry in entries:
        if isinstance(entry, str):
            try:
                value = evaluate(entry, params)
            except ConfigurationError as error:
                raise ConfigurationError(f"grid divisor {entry!r} cannot be evaluated: {error}") from None
        else:
            value = entry
        product *= as_int(value, f"grid divisor {entry!r} for {dict(params)}")
    return product


def grid_size(problem_size: Sequence[int], params: Mapping[str, Any],
              grid_div: Sequence[Any] = (None, None, None),
              block_size_names: Sequence[str] = DEFAULT_BLOCK_SIZE_NAMES) -> tuple[int, int, int]:
    """Kernel Tuner's grid for one configuration: ceil(problem size / divisor) per dimension,
    at least 1 (``grid_divisor``). ``problem_size`` holds 1 to 3 evaluated sizes; the
    missing ones, divisors and block size names are 1, None and Kernel Tuner's defaults.
    Prediction (the space) and measurement (the launcher) both call this, so they launch
    the same grid."""
    sizes = list(problem_size) + [1] * (3 - len(problem_size))
    divisors = list(grid_div) + [None] * (3 - len(grid_div))
    names = list(block_size_names) + list(DEFAULT_BLOCK_SIZE_NAMES[len(block_size_names):])
    grid = (max(1, math.ceil(int(size) / grid_divisor(div, name, params)))
            for size, div, name in zip(sizes, divisors, names))
    return tuple(grid)  # type: ignore[return-value]


def kernel_tuner_defines(params: Mapping[str, Any], block: Sequence[int], grid: Sequence[int],
                         block_size_names: Sequence[str] = DEFAULT_BLOCK_SIZE_NAMES) -> dict[str, Any]:
    """The ``#define``s Kernel Tuner puts before the source for one configuration, in its order:
    grid_size_x/y/z, the block size names with the block's sizes, every other tune parameter,
    and ``kernel_tuner 1``."""
    defines: dict[str, Any] = {name: int(size) for name, size in zip(GRID_SIZE_NAMES, grid)}
    defines.update(zip(block_size_names, block))
    defines.update(params)
    defines["kernel_tuner"] = 1
    return defines
