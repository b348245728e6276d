"""Kernel Tuner's conventions, owned in one place (issue 11): the expression evaluator and
the ``#define`` lines of a configuration.

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

from flipflop.errors import ConfigurationError

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
