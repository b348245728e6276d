"""Loop trip counts from the condition that keeps a loop going.

``stay`` is the 0/1 condition, evaluated at the controlling branch of iteration ``i``
(``i`` = the loop's counter symbol, 0 for the first iteration), under which the loop runs
another iteration. The trip count (header executions per entry) is ``i* + 1`` where ``i*``
is the first iteration at which ``stay`` is false. PTX loops are bottom-tested (nvcc
guards the entry separately), so a loop that is entered runs at least once.

When ``stay`` is one comparison whose two sides differ by ``d0 + d1·i`` (an induction
variable against a bound: a parameter, ``%ntid``, a constant, or a value loaded from an
argument array), ``i*`` has a closed form:

    continue while   first i that exits
    d <  0           ceil(-d0 / d1)
    d <= 0           ceil((1 - d0) / d1)
    d >  0           ceil(d0 / -d1)
    d >= 0           ceil((d0 + 1) / -d1)
    d != 0           -d0 / d1            (nvcc's unrolled loops count down to exactly 0)

This covers unrolled-by-4 main loops (``n / 4``), their remainders (``n % 4``), loops
bounded by ``blockDim`` and grid-stride loops (a symbolic step). Other conditions (the
tree reduction's ``s >>= 1``, compound conditions) become a ``scan``: evaluated for
i = 0, 1, … up to ``SCAN_LIMIT`` per thread. Bounds that involve a load from an argument
array are data-dependent: they evaluate from the array contents when those are given.
"""
from __future__ import annotations

from flipflop.analysis.symbolic import Expr, Op, comparison_parts, const, op, sym


def _ceildiv(a: Expr, b: Expr) -> Expr:
    return -op("floordiv", -a, b)


_FIRST_EXIT = {
    "lt": lambda d0, d1: _ceildiv(-d0, d1),
    "le": lambda d0, d1: _ceildiv(1 - d0, d1),
    "gt": lambda d0, d1: _ceildiv(d0, -d1),
    "ge": lambda d0, d1: _ceildiv(d0 + 1, -d1),
    "ne": lambda d0, d1: op("floordiv", -d0, d1),
}
# The sign the step must have for the closed form to hold (None: any non-zero step).
_STEP_SIGN = {"lt": 1, "le": 1, "gt": -1, "ge": -1, "ne": None}


def solve_trip_count(stay: Expr, counter: str) -> Expr | None:
    """Trip count of a loop continuing while ``stay`` holds; None when it cannot be known
    (an unknown value in the condition, or a condition independent of the iteration)."""
    if stay.has_unknown() or counter not in stay.symbols():
        return None
    parts = comparison_parts(stay)
    if parts is not None:
        kind, a, b = parts
        linear = (a - b).linear_in(counter)
        if linear is not None and kind in _FIRST_EXIT:
            d0, d1 = linear
            sign = _STEP_SIGN[kind]
            usable = not d1.is_const or (d1.const != 0 and (sign is None or d1.const * sign > 0))
            if usable:
                return op("max", _FIRST_EXIT[kind](d0, d1), const(0)) + 1
    return op("scan", stay, sym(counter))


def first_exit(trip: Expr) -> Expr | None:
    """``i*`` of a closed-form trip count ``max(i*, 0) + 1`` (None for a scan). Negative where
    the condition already failed before the first iteration: nvcc's guard in front of the loop
    skips it there, so such an entry never happens."""
    if trip.const != 1 or len(trip.terms) != 1:
        return None
    (mono, coef), = trip.terms
    atom = mono[0] if len(mono) == 1 and coef == 1 else None
    if not isinstance(atom, Op) or atom.kind != "max" or len(atom.args) != 2 or atom.args[1] != const(0):
        return None
    return atom.args[0]
